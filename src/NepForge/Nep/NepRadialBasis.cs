using System.Runtime.CompilerServices;

namespace NepForge.Nep;

/// <summary>
/// The radial basis of NEP (nep_spec.md §4): cosine cutoff f_c and the shifted Chebyshev functions
/// f_k(d) = ½(T_k(x) + 1)·f_c(d), x = 2(d/rc − 1)² − 1, with their derivatives.
/// </summary>
static class NepRadialBasis
{
    /// <summary>f_k(d), k = 0..<paramref name="basis"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Evaluate(int basis, double rcInverse, double d, Span<double> f)
    {
        double x = d * rcInverse;
        double fc = 0.5 * Math.Cos(NepConstants.Pi * x) + 0.5;
        double t = 2.0 * (x - 1.0) * (x - 1.0) - 1.0;
        double tPrevious = 1.0, tCurrent = t;
        f[0] = fc;
        if (basis >= 1)
            f[1] = (t + 1.0) * 0.5 * fc;
        for (int m = 2; m <= basis; m++)
        {
            double tNext = 2.0 * t * tCurrent - tPrevious;
            tPrevious = tCurrent;
            tCurrent = tNext;
            f[m] = (tNext + 1.0) * 0.5 * fc;
        }
    }

    /// <summary>f_k(d) and f_k'(d), k = 0..<paramref name="basis"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Evaluate(int basis, double rcInverse, double d, Span<double> f, Span<double> fp)
    {
        double x = d * rcInverse;
        var (sin, cos) = Math.SinCos(NepConstants.Pi * x);
        double fc = 0.5 * cos + 0.5;
        double fcp = -NepConstants.PiHalf * sin * rcInverse;
        double t = 2.0 * (x - 1.0) * (x - 1.0) - 1.0;
        double dxdd = 2.0 * (x - 1.0) * rcInverse; // d(T_k)/dd = k·U_{k−1}(t)·dt/dd, dt/dd = 4(x − 1)/rc; ½ folded in
        f[0] = fc;
        fp[0] = fcp;
        if (basis < 1)
            return;
        double tPrevious = 1.0, tCurrent = t;
        double uPrevious = 1.0, uCurrent = 2.0 * t; // U_0, U_1
        double half = (t + 1.0) * 0.5;
        f[1] = half * fc;
        fp[1] = dxdd * fc + half * fcp;
        for (int m = 2; m <= basis; m++)
        {
            double tNext = 2.0 * t * tCurrent - tPrevious;
            tPrevious = tCurrent;
            tCurrent = tNext;
            double derivative = m * uCurrent; // m·U_{m−1}
            double uNext = 2.0 * t * uCurrent - uPrevious;
            uPrevious = uCurrent;
            uCurrent = uNext;
            half = (tNext + 1.0) * 0.5;
            f[m] = half * fc;
            fp[m] = derivative * dxdd * fc + half * fcp;
        }
    }
}
