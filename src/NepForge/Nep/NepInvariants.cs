using System.Runtime.CompilerServices;

namespace NepForge.Nep;

/// <summary>
/// The angular invariants of one channel as functions of its components s[c] (degrees 1..L_max, index L·L − 1 + k):
/// the 3-body q_L and the higher-order polynomials of <see cref="NepInvariantTables"/>, with their gradients
/// ∂q/∂s (nep_spec.md §5.3, §5.4, §7.3).
/// </summary>
static class NepInvariants
{
    /// <summary>Highest degree of s an invariant reads; L_max must reach it.</summary>
    public static int DegreeNeeded(NepInvariant invariant) => invariant switch
    {
        NepInvariant.Q1111 => 1,
        NepInvariant.Q222 or NepInvariant.Q112 => 2,
        NepInvariant.Q123 or NepInvariant.Q233 => 3,
        _ => 4,
    };

    /// <summary>The name GPUMD's documentation uses, e.g. "q_222 (4-body)".</summary>
    public static string Name(NepInvariant invariant) => invariant switch
    {
        NepInvariant.Q222 => "q_222 (4-body)",
        NepInvariant.Q1111 => "q_1111 (5-body)",
        NepInvariant.Q112 => "q_112",
        NepInvariant.Q123 => "q_123",
        NepInvariant.Q233 => "q_233",
        _ => "q_134",
    };

    static ReadOnlySpan<double> Coefficients(NepInvariant invariant) => invariant switch
    {
        NepInvariant.Q222 => NepInvariantTables.Q222Coefficients,
        NepInvariant.Q1111 => NepInvariantTables.Q1111Coefficients,
        NepInvariant.Q112 => NepInvariantTables.Q112Coefficients,
        NepInvariant.Q123 => NepInvariantTables.Q123Coefficients,
        NepInvariant.Q233 => NepInvariantTables.Q233Coefficients,
        _ => NepInvariantTables.Q134Coefficients,
    };

    static ReadOnlySpan<sbyte> Factors(NepInvariant invariant) => invariant switch
    {
        NepInvariant.Q222 => NepInvariantTables.Q222Factors,
        NepInvariant.Q1111 => NepInvariantTables.Q1111Factors,
        NepInvariant.Q112 => NepInvariantTables.Q112Factors,
        NepInvariant.Q123 => NepInvariantTables.Q123Factors,
        NepInvariant.Q233 => NepInvariantTables.Q233Factors,
        _ => NepInvariantTables.Q134Factors,
    };

    /// <summary>3-body invariant of degree L: C3B[b]·s[b]² + 2·Σ_k C3B[b+k]·s[b+k]², b = L·L − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ThreeBody(int degree, ReadOnlySpan<double> s)
    {
        int b = degree * degree - 1;
        var c3b = NepConstants.C3B;
        double sum = 0;
        for (int k = 1; k <= 2 * degree; k++)
            sum += c3b[b + k] * s[b + k] * s[b + k];
        return c3b[b] * s[b] * s[b] + 2 * sum;
    }

    /// <summary>Adds weight·∂q_L/∂s to <paramref name="gradient"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddThreeBodyGradient(int degree, ReadOnlySpan<double> s, double weight, Span<double> gradient)
    {
        int b = degree * degree - 1;
        var c3b = NepConstants.C3B;
        gradient[b] += 2 * weight * c3b[b] * s[b];
        double w4 = 4 * weight;
        for (int k = 1; k <= 2 * degree; k++)
            gradient[b + k] += w4 * c3b[b + k] * s[b + k];
    }

    /// <summary>A higher-order invariant: Σ coef·Π s[idx].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Higher(NepInvariant invariant, ReadOnlySpan<double> s)
    {
        var coefficients = Coefficients(invariant);
        var factors = Factors(invariant);
        double q = 0;
        for (int t = 0; t < coefficients.Length; t++)
        {
            var f = factors.Slice(4 * t, 4);
            double term = coefficients[t] * s[f[0]] * s[f[1]] * s[f[2]];
            if (f[3] >= 0)
                term *= s[f[3]];
            q += term;
        }
        return q;
    }

    /// <summary>Adds weight·∂q/∂s of a higher-order invariant to <paramref name="gradient"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddHigherGradient(NepInvariant invariant, ReadOnlySpan<double> s, double weight, Span<double> gradient)
    {
        var coefficients = Coefficients(invariant);
        var factors = Factors(invariant);
        for (int t = 0; t < coefficients.Length; t++)
        {
            var f = factors.Slice(4 * t, 4);
            double c = weight * coefficients[t];
            double s0 = s[f[0]], s1 = s[f[1]], s2 = s[f[2]];
            if (f[3] < 0)
            {
                gradient[f[0]] += c * s1 * s2;
                gradient[f[1]] += c * s0 * s2;
                gradient[f[2]] += c * s0 * s1;
            }
            else
            {
                double s3 = s[f[3]];
                gradient[f[0]] += c * s1 * s2 * s3;
                gradient[f[1]] += c * s0 * s2 * s3;
                gradient[f[2]] += c * s0 * s1 * s3;
                gradient[f[3]] += c * s0 * s1 * s2;
            }
        }
    }
    /// <summary>
    /// Adds weight·(∇²q)·δs of a higher-order invariant (a Hessian–vector product: the directional derivative of its
    /// gradient along δs) to <paramref name="result"/>; the trainer's exact gradients need it (nep_training.md §15.5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddHigherHessianVector(NepInvariant invariant, ReadOnlySpan<double> s, ReadOnlySpan<double> ds, double weight, Span<double> result)
    {
        var coefficients = Coefficients(invariant);
        var factors = Factors(invariant);
        for (int t = 0; t < coefficients.Length; t++)
        {
            var f = factors.Slice(4 * t, 4);
            double c = weight * coefficients[t];
            double s0 = s[f[0]], s1 = s[f[1]], s2 = s[f[2]];
            double d0 = ds[f[0]], d1 = ds[f[1]], d2 = ds[f[2]];
            if (f[3] < 0)
            {
                result[f[0]] += c * (d1 * s2 + s1 * d2);
                result[f[1]] += c * (d0 * s2 + s0 * d2);
                result[f[2]] += c * (d0 * s1 + s0 * d1);
            }
            else
            {
                double s3 = s[f[3]], d3 = ds[f[3]];
                result[f[0]] += c * (d1 * s2 * s3 + s1 * d2 * s3 + s1 * s2 * d3);
                result[f[1]] += c * (d0 * s2 * s3 + s0 * d2 * s3 + s0 * s2 * d3);
                result[f[2]] += c * (d0 * s1 * s3 + s0 * d1 * s3 + s0 * s1 * d3);
                result[f[3]] += c * (d0 * s1 * s2 + s0 * d1 * s2 + s0 * s1 * d2);
            }
        }
    }
}
