using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Sampling.Curation;

/// <summary>
/// Per-species reference energies (eV per atom) subtracted from total energies, so that a training set sits near
/// 0 eV/atom instead of −105 eV/atom (CP2K) and GPUMD's <c>nep</c> stops warning. The references are either given
/// (isolated-atom energies computed with the same engine and settings) or fitted by least squares over the dataset
/// (E_frame ≈ Σ_s n_s·μ_s). Each frame records the shift it got in <see cref="ShiftKey"/> (and the references in
/// <see cref="ReferenceKey"/>), so the shift can be undone exactly. Forces and virials do not change.
/// </summary>
public sealed class EnergyReference
{
    /// <summary>Extra key: the energy subtracted from this frame, eV (Σ_s n_s·μ_s).</summary>
    public const string ShiftKey = "energy_ref_shift";

    /// <summary>Extra key: the references used, e.g. "H:-13.6 O:-432.1" (eV/atom).</summary>
    public const string ReferenceKey = "energy_ref";

    readonly Dictionary<Element, double> _references;

    /// <summary>Uses the given per-species references (eV/atom).</summary>
    public EnergyReference(IReadOnlyDictionary<Element, double> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0)
            throw new ArgumentException("no reference energies", nameof(references));
        foreach (var (e, v) in references)
        {
            if (!double.IsFinite(v))
                throw new ArgumentException($"the reference energy of {e.Symbol} is not a finite number", nameof(references));
        }
        _references = new Dictionary<Element, double>(references);
    }

    /// <summary>The references, eV/atom, in order of atomic number.</summary>
    public IReadOnlyList<(Element Element, double Energy)> References =>
        [.. _references.OrderBy(kv => kv.Key.Z).Select(kv => (kv.Key, kv.Value))];

    /// <summary>Parses <c>H=-13.6</c> style arguments.</summary>
    /// <exception cref="FormatException">A malformed pair or an unknown element.</exception>
    public static EnergyReference Parse(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var refs = new Dictionary<Element, double>();
        foreach (var pair in pairs.SelectMany(p => p.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || !Elements.TryGet(parts[0].Trim(), out var e)
                || !double.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            {
                throw new FormatException($"'{pair}': expected ELEMENT=ENERGY in eV, e.g. H=-13.6");
            }
            if (!refs.TryAdd(e, v))
                throw new FormatException($"{e.Symbol} is given twice");
        }
        if (refs.Count == 0)
            throw new FormatException("no ELEMENT=ENERGY pair given");
        return new EnergyReference(refs);
    }

    /// <summary>
    /// Least-squares references over the labelled frames: μ minimising Σ_frames (E − Σ_s n_s·μ_s)². Frames without an
    /// energy, or already shifted, are left out. The compositions must determine every μ (at least as many distinct,
    /// linearly independent compositions as species); otherwise the message says so and asks for isolated-atom values.
    /// </summary>
    /// <exception cref="InvalidOperationException">No labelled frame, or the compositions do not determine the references.</exception>
    public static (EnergyReference Reference, double RmsResidualPerAtom) Fit(IEnumerable<Frame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var rows = new List<(Dictionary<Element, int> Counts, double Energy, int Atoms)>();
        var species = new SortedSet<Element>(Comparer<Element>.Create((a, b) => a.Z.CompareTo(b.Z)));
        foreach (var f in frames)
        {
            if (f.Energy is not { } e || f.Info.GetExtra(ShiftKey) is not null)
                continue;
            var counts = f.Elements.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
            species.UnionWith(counts.Keys);
            rows.Add((counts, e, f.AtomCount));
        }
        if (rows.Count == 0)
            throw new InvalidOperationException("no frame with an energy (and no energy_ref_shift yet) to fit references to");
        var sp = species.ToList();
        int k = sp.Count;
        // Normal equations AᵀA μ = Aᵀ E, solved by Gaussian elimination with partial pivoting; a vanishing pivot
        // means the compositions do not pin every species down.
        var a = new double[k, k + 1];
        foreach (var (counts, energy, _) in rows)
        {
            for (int i = 0; i < k; i++)
            {
                double ni = counts.GetValueOrDefault(sp[i]);
                if (ni == 0)
                    continue;
                for (int j = 0; j < k; j++)
                    a[i, j] += ni * counts.GetValueOrDefault(sp[j]);
                a[i, k] += ni * energy;
            }
        }
        double scale = 0;
        for (int i = 0; i < k; i++)
            scale = Math.Max(scale, a[i, i]);
        for (int c = 0; c < k; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < k; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                    pivot = r;
            }
            if (Math.Abs(a[pivot, c]) <= 1e-10 * scale)
            {
                throw new InvalidOperationException(
                    $"the dataset's compositions do not determine a reference energy for each of {string.Join(", ", sp.Select(s => s.Symbol))} " +
                    "(e.g. every frame has the same ratio of species): give isolated-atom energies with --ref EL=eV …");
            }
            for (int j = 0; j <= k; j++)
                (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            for (int r = 0; r < k; r++)
            {
                if (r == c)
                    continue;
                double factor = a[r, c] / a[c, c];
                for (int j = c; j <= k; j++)
                    a[r, j] -= factor * a[c, j];
            }
        }
        var refs = new Dictionary<Element, double>();
        for (int i = 0; i < k; i++)
            refs[sp[i]] = a[i, k] / a[i, i];
        var reference = new EnergyReference(refs);
        double sum = 0;
        long atoms = 0;
        foreach (var (counts, energy, n) in rows)
        {
            double residual = (energy - counts.Sum(c => c.Value * refs[c.Key])) / n;
            sum += residual * residual * n;
            atoms += n;
        }
        return (reference, Math.Sqrt(sum / atoms));
    }

    /// <summary>Σ_s n_s·μ_s for <paramref name="frame"/>, eV.</summary>
    /// <exception cref="InvalidOperationException">A species of the frame has no reference.</exception>
    public double ShiftOf(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        double shift = 0;
        foreach (var e in frame.Elements)
        {
            if (!_references.TryGetValue(e, out double mu))
                throw new InvalidOperationException($"{frame.Formula} has {e.Symbol}, which has no reference energy");
            shift += mu;
        }
        return shift;
    }

    /// <summary>
    /// Subtracts the references from a frame's energy in place and records the shift. A frame without an energy is
    /// left as it is; a frame already shifted is an error (undo it first).
    /// </summary>
    public void Apply(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Energy is not { } e)
            return;
        if (frame.Info.GetExtra(ShiftKey) is not null)
            throw new InvalidOperationException($"{frame.Formula} already has {ShiftKey}={frame.Info.GetExtra(ShiftKey)}: undo it first (--undo)");
        double shift = ShiftOf(frame);
        frame.Energy = e - shift;
        frame.Info.SetExtra(ShiftKey, FastDoubleFormat.Format(shift));
        frame.Info.SetExtra(ReferenceKey, string.Join(' ', frame.Elements.Distinct().OrderBy(x => x.Z).Select(x => $"{x.Symbol}:{FastDoubleFormat.Format(_references[x])}")));
    }

    /// <summary>Adds a recorded shift back (in place) and removes the record; frames without one are left as they are. Returns whether it was shifted.</summary>
    /// <exception cref="FormatException">The recorded shift is not a number.</exception>
    public static bool Undo(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Info.GetExtra(ShiftKey) is not { } text)
            return false;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double shift))
            throw new FormatException($"{ShiftKey}={text} is not a number");
        if (frame.Energy is { } e)
            frame.Energy = e + shift;
        frame.Info.RemoveExtra(ShiftKey);
        frame.Info.RemoveExtra(ReferenceKey);
        return true;
    }
}
