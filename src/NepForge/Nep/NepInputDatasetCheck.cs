using System.Globalization;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>What a training set looks like to nep, and the problems nep would report with it.</summary>
public sealed record NepDatasetSummary(int Frames, long Atoms, int WithVirial, double MinEnergyPerAtom, IReadOnlyList<NepInputIssue> Issues);

/// <summary>
/// Checks a training set against nep.in the way nep reads it (<c>src/main_nep/structure.cu</c>): every species must be
/// listed in <c>type</c> (else nep stops), a potential needs energies, and energies below −100 eV/atom get GPUMD's
/// warning (the training is single precision: subtract reference energies first).
/// </summary>
public static class NepInputDatasetCheck
{
    /// <summary>GPUMD warns when any energy is below this, eV/atom.</summary>
    public const double LowEnergyPerAtom = -100;

    /// <summary>Reads the frames once and reports.</summary>
    public static NepDatasetSummary Check(NepInput input, IEnumerable<Frame> frames, string file = "train.xyz")
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(frames);
        var types = new HashSet<string>(input.Types, StringComparer.Ordinal);
        bool potential = (int)input.Number("model_type") is 0 or 3;
        var issues = new List<NepInputIssue>();
        var missingSpecies = new SortedSet<string>(StringComparer.Ordinal);
        int n = 0, withVirial = 0, noEnergy = 0, low = 0;
        long atoms = 0;
        double minE = double.PositiveInfinity;
        int? firstLow = null, firstNoEnergy = null;
        foreach (var f in frames)
        {
            n++;
            atoms += f.AtomCount;
            foreach (var e in f.Elements)
            {
                if (!types.Contains(e.Symbol))
                    missingSpecies.Add(e.Symbol);
            }
            if (f.Virial is not null)
                withVirial++;
            if (f.EnergyPerAtom is { } epa)
            {
                minE = Math.Min(minE, epa);
                if (epa < LowEnergyPerAtom)
                {
                    low++;
                    firstLow ??= n;
                }
            }
            else
            {
                noEnergy++;
                firstNoEnergy ??= n;
            }
        }
        if (missingSpecies.Count > 0)
        {
            issues.Add(new NepInputIssue(NepInputSeverity.Error, "type",
                $"{file} has species not in type: {string.Join(' ', missingSpecies)} (nep stops on them)"));
        }
        if (potential && noEnergy > 0)
        {
            issues.Add(new NepInputIssue(NepInputSeverity.Error, "model_type",
                $"{noEnergy} frame(s) of {file} have no energy (first: frame {firstNoEnergy}); a potential needs energy= on every frame"));
        }
        if (low > 0)
        {
            issues.Add(new NepInputIssue(NepInputSeverity.Warning, "type",
                $"{low} frame(s) of {file} have energies below {LowEnergyPerAtom.ToString(CultureInfo.InvariantCulture)} eV/atom (first: frame {firstLow}, lowest {minE:F3} eV/atom); " +
                "GPUMD warns: nep trains in single precision, subtract per-element reference energies first"));
        }
        return new NepDatasetSummary(n, atoms, withVirial, n == 0 || double.IsPositiveInfinity(minE) ? double.NaN : minE, issues);
    }
}
