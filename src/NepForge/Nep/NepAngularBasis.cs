using System.Runtime.CompilerServices;

namespace NepForge.Nep;

/// <summary>
/// NEP's real angular polynomials Y_{L,k}(u) of a unit vector for degrees 1..L_max (nep_spec.md §5.2) and their
/// gradients ∂Y/∂u with u_x, u_y, u_z treated as independent (the caller projects onto the sphere).
/// Component index L·L − 1 + k; within a degree: m = 0, then (Re, Im) of (u_x + i·u_y)^m for m = 1..L.
/// </summary>
sealed class NepAngularBasis
{
    readonly int _lMax;
    readonly double[] _p;     // P_{L,m} coefficients, per (L, m) a row of L + 1 powers of u_z
    readonly double[] _dp;    // derivative coefficients: row of L values (coefficient of u_z^p is (p+1)·Z[p+1])

    public NepAngularBasis(int lMax)
    {
        _lMax = lMax;
        Components = (lMax + 1) * (lMax + 1) - 1;
        var z = NepConstants.ZCoefficients;
        var p = new List<double>();
        var dp = new List<double>();
        for (int l = 1; l <= lMax; l++)
        {
            int offset = NepConstants.ZOffset(l);
            for (int m = 0; m <= l; m++)
            {
                for (int power = 0; power <= l; power++)
                    p.Add(z[offset + m * (l + 1) + power]);
                for (int power = 0; power < l; power++)
                    dp.Add((power + 1) * z[offset + m * (l + 1) + power + 1]);
            }
        }
        _p = [.. p];
        _dp = [.. dp];
    }

    /// <summary>Number of components, (L_max + 1)² − 1.</summary>
    public int Components { get; }

    /// <summary>Y into <paramref name="y"/> (<see cref="Components"/> long), without gradients.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(double ux, double uy, double uz, Span<double> y)
    {
        Span<double> zPow = stackalloc double[9];
        Span<double> re = stackalloc double[9];
        Span<double> im = stackalloc double[9];
        zPow[0] = 1;
        re[0] = 1;
        im[0] = 0;
        for (int m = 1; m <= _lMax; m++)
        {
            zPow[m] = zPow[m - 1] * uz;
            re[m] = re[m - 1] * ux - im[m - 1] * uy;
            im[m] = re[m - 1] * uy + im[m - 1] * ux;
        }
        int c = 0, pi = 0;
        for (int l = 1; l <= _lMax; l++)
        {
            for (int m = 0; m <= l; m++)
            {
                double poly = 0;
                for (int power = 0; power <= l; power++)
                    poly += _p[pi + power] * zPow[power];
                pi += l + 1;
                if (m == 0)
                {
                    y[c++] = poly;
                }
                else
                {
                    y[c++] = poly * re[m];
                    y[c++] = poly * im[m];
                }
            }
        }
    }

    /// <summary>
    /// Y into <paramref name="y"/> and ∂Y/∂u_x, ∂Y/∂u_y, ∂Y/∂u_z into <paramref name="gx"/>, <paramref name="gy"/>,
    /// <paramref name="gz"/> (each <see cref="Components"/> long).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(double ux, double uy, double uz, Span<double> y, Span<double> gx, Span<double> gy, Span<double> gz)
    {
        Span<double> zPow = stackalloc double[9];
        Span<double> re = stackalloc double[9];
        Span<double> im = stackalloc double[9];
        zPow[0] = 1;
        re[0] = 1;
        im[0] = 0;
        for (int m = 1; m <= _lMax; m++)
        {
            zPow[m] = zPow[m - 1] * uz;
            re[m] = re[m - 1] * ux - im[m - 1] * uy;
            im[m] = re[m - 1] * uy + im[m - 1] * ux;
        }
        int c = 0, pi = 0, dpi = 0;
        for (int l = 1; l <= _lMax; l++)
        {
            for (int m = 0; m <= l; m++)
            {
                double poly = 0, polyPrime = 0;
                for (int power = 0; power <= l; power++)
                    poly += _p[pi + power] * zPow[power];
                for (int power = 0; power < l; power++)
                    polyPrime += _dp[dpi + power] * zPow[power];
                pi += l + 1;
                dpi += l;
                if (m == 0)
                {
                    y[c] = poly;
                    gx[c] = 0;
                    gy[c] = 0;
                    gz[c] = polyPrime;
                    c++;
                }
                else
                {
                    double pm = poly * m;
                    y[c] = poly * re[m];
                    gx[c] = pm * re[m - 1];
                    gy[c] = -pm * im[m - 1];
                    gz[c] = polyPrime * re[m];
                    c++;
                    y[c] = poly * im[m];
                    gx[c] = pm * im[m - 1];
                    gy[c] = pm * re[m - 1];
                    gz[c] = polyPrime * im[m];
                    c++;
                }
            }
        }
    }
}
