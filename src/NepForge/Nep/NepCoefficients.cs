namespace NepForge.Nep;

/// <summary>
/// The descriptor coefficients c_R and c_A regrouped per (central, neighbour) type pair so that the radial function
/// g_n(d) = Σ_k c[n][k]·f_k(d) of one pair reads one contiguous block (the file stores them pair-minor,
/// nep_spec.md §2.7).
/// </summary>
sealed class NepCoefficients
{
    public NepCoefficients(NepModel model)
    {
        int types = model.TypeCount, pairs = types * types;
        int offset = model.Network.CoefficientOffset;
        Radial = Regroup(model.Parameters, offset, model.NMaxRadial + 1, model.BasisRadial + 1, pairs);
        offset += pairs * (model.NMaxRadial + 1) * (model.BasisRadial + 1);
        Angular = Regroup(model.Parameters, offset, model.NMaxAngular + 1, model.BasisAngular + 1, pairs);
    }

    static double[][] Regroup(IReadOnlyList<double> p, int offset, int channels, int basis, int pairs)
    {
        var result = new double[pairs][];
        for (int pair = 0; pair < pairs; pair++)
        {
            var c = new double[channels * basis];
            for (int n = 0; n < channels; n++)
            {
                for (int k = 0; k < basis; k++)
                    c[n * basis + k] = p[offset + (n * basis + k) * pairs + pair];
            }
            result[pair] = c;
        }
        return result;
    }

    /// <summary>Radial coefficients of pair ti·T + tj, [n·(N_bas_R+1) + k].</summary>
    public double[][] Radial { get; }

    /// <summary>Angular coefficients of pair ti·T + tj, [n·(N_bas_A+1) + k].</summary>
    public double[][] Angular { get; }
}
