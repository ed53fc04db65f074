using NepForge.Formats.Gpumd;
using NepForge.Structures;

namespace NepForge.Training;

/// <summary>The errors of one training structure: energy in eV/atom, force and virial RMSEs over its components.
/// <see cref="Index"/> is the frame's 0-based position in train.xyz (frames are numbered from 0 everywhere).</summary>
public sealed record StructureError(int Index, string? ConfigType, int Atoms, double EnergyNep, double EnergyTarget, double ForceRmse, double ForceMaxAbs, double VirialRmse)
{
    /// <summary>NEP − target energy, eV/atom.</summary>
    public double EnergyError => EnergyNep - EnergyTarget;
}

/// <summary>
/// The rows of <c>*_train.out</c> do not follow train.xyz: nep sorted and interleaved the structures into batches
/// (<c>batch</c> smaller than the number of structures, GPUMD#350), or the files belong to another train.xyz.
/// </summary>
public sealed class NepOrderMismatchException(string message) : Exception(message);

/// <summary>
/// Per-structure errors of a nep training run, from <c>energy_train.out</c>, <c>force_train.out</c> and
/// <c>virial_train.out</c> mapped onto train.xyz frames in file order. That mapping is right only when nep used one
/// batch (its <c>batch</c> ≥ the number of structures): with several, nep reorders the structures and the rows cannot
/// be mapped back. The order is therefore checked, not assumed: row counts must match, and every target energy
/// (and the first atom's target force) must equal train.xyz's to the 6 significant digits nep prints.
/// </summary>
public static class NepErrorTable
{
    /// <summary>What to say when the rows cannot be mapped to frames.</summary>
    public const string NeedsEvaluator =
        "per-structure errors need the structures in train.xyz order; recompute them with the NEP evaluator (nepforge nep eval) or rerun nep with batch ≥ the number of structures (nep init --full-batch)";

    /// <summary>Builds the table; throws <see cref="NepOrderMismatchException"/> when the rows do not follow <paramref name="frames"/>.</summary>
    public static List<StructureError> Build(IReadOnlyList<Frame> frames, PredictionFile energy, PredictionFile force, PredictionFile? virial)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(energy);
        ArgumentNullException.ThrowIfNull(force);
        long atoms = frames.Sum(f => (long)f.AtomCount);
        if (energy.Rows != frames.Count)
            throw new NepOrderMismatchException($"energy_train.out has {energy.Rows} rows but train.xyz has {frames.Count} frames; {NeedsEvaluator}");
        if (force.Rows != atoms)
            throw new NepOrderMismatchException($"force_train.out has {force.Rows} rows but train.xyz has {atoms} atoms; {NeedsEvaluator}");
        if (virial is not null && virial.Rows != frames.Count)
            throw new NepOrderMismatchException($"virial_train.out has {virial.Rows} rows but train.xyz has {frames.Count} frames; {NeedsEvaluator}");

        var rows = new List<StructureError>(frames.Count);
        int atom = 0;
        for (int s = 0; s < frames.Count; s++)
        {
            var f = frames[s];
            if (f.EnergyPerAtom is { } epa && !SameToPrinted(energy.Target[s], epa))
            {
                throw new NepOrderMismatchException(
                    $"frame {s} (0-based): energy_train.out target {energy.Target[s]} eV/atom ≠ train.xyz frame {s} ({epa:G6} eV/atom): nep reordered the structures (batch < {frames.Count}?); {NeedsEvaluator}");
            }
            if (f.Forces is { } fr && f.AtomCount > 0 && !SameToPrinted(force.Target[3 * atom], fr[0]))
            {
                throw new NepOrderMismatchException(
                    $"frame {s} (0-based): force_train.out target {force.Target[3 * atom]} ≠ train.xyz frame {s} atom 0 fx {fr[0]:G6}; {NeedsEvaluator}");
            }
            var fStats = ParityStatistics.Of(force.Predicted.AsSpan(3 * atom, 3 * f.AtomCount), force.Target.AsSpan(3 * atom, 3 * f.AtomCount));
            double vRmse = virial is null ? double.NaN : ParityStatistics.Of(virial.Predicted.AsSpan(6 * s, 6), virial.Target.AsSpan(6 * s, 6)).Rmse;
            rows.Add(new StructureError(s, f.Info.ConfigType, f.AtomCount, energy.Predicted[s], energy.Target[s], fStats.Rmse, fStats.MaxAbs, vRmse));
            atom += f.AtomCount;
        }
        return rows;
    }

    /// <summary>
    /// The same table computed directly: <paramref name="calculator"/> (the run's nep.txt) evaluated on every frame, so
    /// no row mapping is needed (for runs where nep reordered the structures into batches). Energies and virials per
    /// atom, virial components xx yy zz xy yz zx as nep prints them.
    /// </summary>
    public static List<StructureError> FromModel(IReadOnlyList<Frame> frames, Nep.NepCalculator calculator)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(calculator);
        var results = calculator.Compute(frames);
        var rows = new List<StructureError>(frames.Count);
        for (int s = 0; s < frames.Count; s++)
        {
            var f = frames[s];
            var r = results[s];
            int n = f.AtomCount;
            var fStats = f.Forces is { } fr ? ParityStatistics.Of(r.Forces, fr) : default;
            double vRmse = double.NaN;
            if (f.Virial is { } w)
            {
                var p = r.Virial;
                (int, int)[] components = [(0, 0), (1, 1), (2, 2), (0, 1), (1, 2), (2, 0)];
                double[] predicted = components.Select(c => p[c.Item1, c.Item2] / n).ToArray();
                double[] target = components.Select(c => w[c.Item1, c.Item2] / n).ToArray();
                vRmse = ParityStatistics.Of(predicted, target).Rmse;
            }
            rows.Add(new StructureError(s, f.Info.ConfigType, n, r.Energy / n, f.Energy is { } e ? e / n : double.NaN,
                f.Forces is null ? double.NaN : fStats.Rmse, f.Forces is null ? double.NaN : fStats.MaxAbs, vRmse));
        }
        return rows;
    }

    /// <summary>
    /// Structures whose energy error exceeds <paramref name="factor"/> × the energy RMSE over all structures, or whose
    /// force RMSE exceeds <paramref name="factor"/> × the force RMSE over all atoms; worst first.
    /// </summary>
    public static List<(StructureError Row, string Why)> Outliers(IReadOnlyList<StructureError> rows, double factor = 3)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
            return [];
        double eRmse = Math.Sqrt(rows.Average(r => r.EnergyError * r.EnergyError));
        double fRmse = Math.Sqrt(rows.Sum(r => r.ForceRmse * r.ForceRmse * r.Atoms) / rows.Sum(r => (double)r.Atoms));
        var list = new List<(StructureError, string, double)>();
        foreach (var r in rows)
        {
            double e = Math.Abs(r.EnergyError) / eRmse, f = r.ForceRmse / fRmse;
            var why = new List<string>();
            if (e > factor)
                why.Add($"|ΔE| = {1000 * Math.Abs(r.EnergyError):0.##} meV/atom = {e:0.#} × RMSE");
            if (f > factor)
                why.Add($"F RMSE = {1000 * r.ForceRmse:0.#} meV/Å = {f:0.#} × RMSE");
            if (why.Count > 0)
                list.Add((r, string.Join("; ", why), Math.Max(e, f)));
        }
        return [.. list.OrderByDescending(x => x.Item3).Select(x => (x.Item1, x.Item2))];
    }

    // nep prints targets with %g (6 significant digits).
    static bool SameToPrinted(double printed, double exact) =>
        Math.Abs(printed - exact) <= (Math.Abs(exact) * 1e-5) + 1e-6;
}
