using NepForge.Nep;

namespace NepForge.Sampling.Selection;

/// <summary>
/// Model deviation of a committee on one frame, DeePMD's definitions (<c>deepmd/infer/model_devi.py</c>, population
/// std over models): force ε_i = sqrt(mean_m ‖F_i^m − ⟨F_i⟩‖²) with max/min/mean over atoms; energy = std of E/N;
/// virial: std of each of the 9 components of W/N, max/min over components and, as DeePMD, ‖·‖/3 for the mean.
/// </summary>
public sealed record ModelDeviation(double MaxForce, double MinForce, double MeanForce, double EnergyPerAtom, double MaxVirial, double MinVirial, double MeanVirial)
{
    /// <summary>Deviation of the results of several models on the same frame of <paramref name="atoms"/> atoms.</summary>
    public static ModelDeviation Of(IReadOnlyList<NepResult> results, int atoms)
    {
        ArgumentNullException.ThrowIfNull(results);
        int m = results.Count;
        if (m < 2)
            throw new ArgumentException("a committee needs at least two models", nameof(results));
        double max = 0, min = double.PositiveInfinity, sum = 0;
        for (int i = 0; i < atoms; i++)
        {
            double var = 0;
            for (int c = 0; c < 3; c++)
            {
                double mean = 0;
                foreach (var r in results)
                    mean += r.Forces[3 * i + c];
                mean /= m;
                foreach (var r in results)
                {
                    double d = r.Forces[3 * i + c] - mean;
                    var += d * d;
                }
            }
            double e = Math.Sqrt(var / m);
            max = Math.Max(max, e);
            min = Math.Min(min, e);
            sum += e;
        }
        double energy = Std(results.Select(r => r.Energy / atoms));
        var comps = new double[9];
        for (int c = 0; c < 9; c++)
            comps[c] = Std(results.Select(r => r.Virial.ToArray()[c] / atoms));
        double norm = Math.Sqrt(comps.Sum(v => v * v));
        return new ModelDeviation(max, atoms == 0 ? 0 : min, atoms == 0 ? 0 : sum / atoms, energy, comps.Max(), comps.Min(), norm / 3);
    }

    static double Std(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
    }
}
