namespace NepForge.Training.Cpu;

/// <summary>Root-mean-square errors of a set of structures: energy (eV/atom), force components (eV/Å), virial (eV/atom).</summary>
public readonly record struct NepRmse(double Energy, double Force, double Virial, bool HasVirial);

/// <summary>
/// GPUMD's loss (nep_training.md §10): λ_e·RMSE_E + λ_f·RMSE_F + λ_v·RMSE_V + L1 + L2, with the batch's weighted mean
/// per-atom energy error subtracted (the output bias b1 is then fixed afterwards), per-structure weight w² and
/// energy_weight ω, type_weight² and force_delta on the forces, λ_shear² on the off-diagonal virials, structures
/// without a virial left out of that term. Also the coefficients a, π, K of ∂L/∂(U, F, W) (§15.1).
/// </summary>
static class NepLoss
{
    /// <summary>
    /// Errors of <paramref name="structures"/> given their forward states. <paramref name="weighted"/>: with w²,
    /// type_weight, force_delta, λ_shear (the loss); else plain (loss.out's RMSE columns, which keep ω).
    /// <paramref name="shift"/>: subtract the ω-weighted mean energy error (training batches; not the test set).
    /// </summary>
    public static NepRmse Rmse(NepTrainingSettings s, IReadOnlyList<NepTrainingStructure> structures, IReadOnlyList<NepStructureState> states, bool weighted, bool shift, out double energyShift)
    {
        energyShift = shift ? EnergyShift(structures, states) : 0;
        double se = 0, sf = 0, sv = 0;
        long atoms = 0;
        int virials = 0;
        for (int m = 0; m < structures.Count; m++)
        {
            var st = structures[m];
            var state = states[m];
            double w2 = weighted ? st.Weight * st.Weight : 1;
            double e = state.EnergyPerAtom - st.EnergyPerAtom - energyShift;
            se += w2 * st.EnergyWeight * e * e;
            double f = 0;
            for (int i = 0; i < st.Atoms; i++)
            {
                double dx = state.F[3 * i] - st.Forces[3 * i], dy = state.F[3 * i + 1] - st.Forces[3 * i + 1], dz = state.F[3 * i + 2] - st.Forces[3 * i + 2];
                f += (weighted ? ForceFactor(s, st, i) : 1) * (dx * dx + dy * dy + dz * dz);
            }
            sf += w2 * f;
            atoms += st.Atoms;
            if (st.HasVirial)
            {
                virials++;
                for (int c = 0; c < 6; c++)
                {
                    double ev = state.W[c] / st.Atoms - st.VirialPerAtom[c];
                    sv += w2 * (weighted && c >= 3 ? s.LambdaShear * s.LambdaShear : 1) * ev * ev;
                }
            }
        }
        return new NepRmse(
            structures.Count == 0 ? 0 : Math.Sqrt(se / structures.Count),
            atoms == 0 ? 0 : Math.Sqrt(sf / (3.0 * atoms)),
            virials == 0 ? 0 : Math.Sqrt(sv / (6.0 * virials)),
            virials > 0);
    }

    /// <summary>The ω-weighted mean of the per-atom energy errors.</summary>
    public static double EnergyShift(IReadOnlyList<NepTrainingStructure> structures, IReadOnlyList<NepStructureState> states)
    {
        double num = 0, den = 0;
        for (int m = 0; m < structures.Count; m++)
        {
            num += structures[m].EnergyWeight * (states[m].EnergyPerAtom - structures[m].EnergyPerAtom);
            den += structures[m].EnergyWeight;
        }
        return den == 0 ? 0 : num / den;
    }

    static double ForceFactor(NepTrainingSettings s, NepTrainingStructure st, int i)
    {
        double tw = s.TypeWeights[st.Types[i]];
        double c = tw * tw;
        if (s.ForceDelta > 0)
        {
            double fx = st.Forces[3 * i], fy = st.Forces[3 * i + 1], fz = st.Forces[3 * i + 2];
            c *= s.ForceDelta / (s.ForceDelta + Math.Sqrt(fx * fx + fy * fy + fz * fz));
        }
        return c;
    }

    /// <summary>
    /// The weighted loss terms of a batch and the frozen coefficients of ∂L_data/∂(U_i, F_i, W): per structure a
    /// (the same for every atom), π [3N] and K [6].
    /// </summary>
    public static NepRmse Coefficients(NepTrainingSettings s, IReadOnlyList<NepTrainingStructure> batch, IReadOnlyList<NepStructureState> states,
        double[] a, double[][] pi, double[][] k)
    {
        var rmse = Rmse(s, batch, states, weighted: true, shift: true, out double shift);
        int count = batch.Count;
        double sumOmega = 0, weightedError = 0;
        long atoms = 0;
        int virials = 0;
        for (int m = 0; m < count; m++)
        {
            var st = batch[m];
            double e = states[m].EnergyPerAtom - st.EnergyPerAtom - shift;
            weightedError += st.Weight * st.Weight * st.EnergyWeight * e;
            sumOmega += st.EnergyWeight;
            atoms += st.Atoms;
            if (st.HasVirial)
                virials++;
        }
        double mean = sumOmega == 0 ? 0 : weightedError / sumOmega;
        for (int m = 0; m < count; m++)
        {
            var st = batch[m];
            var state = states[m];
            double w2 = st.Weight * st.Weight;
            double e = state.EnergyPerAtom - st.EnergyPerAtom - shift;
            a[m] = s.LambdaE > 0 && rmse.Energy > 0
                ? s.LambdaE * (w2 * st.EnergyWeight * e - st.EnergyWeight * mean) / (rmse.Energy * count * st.Atoms)
                : 0;
            var p = pi[m];
            double fScale = s.LambdaF > 0 && rmse.Force > 0 ? s.LambdaF * w2 / (3.0 * atoms * rmse.Force) : 0;
            for (int i = 0; i < st.Atoms; i++)
            {
                double c = fScale == 0 ? 0 : fScale * ForceFactor(s, st, i);
                for (int x = 0; x < 3; x++)
                    p[3 * i + x] = c * (state.F[3 * i + x] - st.Forces[3 * i + x]);
            }
            var kv = k[m];
            if (st.HasVirial && s.LambdaV > 0 && rmse.Virial > 0)
            {
                for (int c = 0; c < 6; c++)
                {
                    double gamma = c >= 3 ? s.LambdaShear * s.LambdaShear : 1;
                    kv[c] = s.LambdaV * w2 * gamma * (state.W[c] / st.Atoms - st.VirialPerAtom[c]) / (6.0 * virials * st.Atoms * rmse.Virial);
                }
            }
            else
            {
                Array.Clear(kv);
            }
        }
        return rmse;
    }

    /// <summary>GPUMD's L1 = λ₁·Σ|θ|/N_par and L2 = λ₂·√(Σθ²/N_par) over every parameter but b1 (§10.5).</summary>
    public static (double L1, double L2) Regularization(NepTrainingSettings s, NepParameterLayout layout, ReadOnlySpan<double> theta)
    {
        double abs = 0, sq = 0;
        for (int v = 0; v < theta.Length; v++)
        {
            if (v == layout.OutputBias)
                continue;
            abs += Math.Abs(theta[v]);
            sq += theta[v] * theta[v];
        }
        return (s.Lambda1 * abs / layout.Count, s.Lambda2 * Math.Sqrt(sq / layout.Count));
    }

    /// <summary>Adds the L1/L2 gradient (§15.6) to <paramref name="gradient"/>.</summary>
    public static void AddRegularizationGradient(NepTrainingSettings s, NepParameterLayout layout, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        double sq = 0;
        for (int v = 0; v < theta.Length; v++)
        {
            if (v != layout.OutputBias)
                sq += theta[v] * theta[v];
        }
        double rms = Math.Sqrt(sq / layout.Count);
        double l1 = s.Lambda1 / layout.Count;
        double l2 = rms > 0 ? s.Lambda2 / (layout.Count * rms) : 0;
        for (int v = 0; v < theta.Length; v++)
        {
            if (v == layout.OutputBias)
                continue;
            gradient[v] += l1 * Math.Sign(theta[v]) + l2 * theta[v];
        }
    }
}
