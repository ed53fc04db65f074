using System.Globalization;
using NepForge.Structures;

namespace NepForge.Sampling.Curation;

/// <summary>Two atoms closer than allowed: atoms I ≤ J (I == J: an atom and its own periodic image).</summary>
/// <param name="I">First atom (0-based).</param>
/// <param name="J">Second atom (0-based).</param>
/// <param name="Distance">Their (image) distance, Å.</param>
/// <param name="Threshold">The smallest distance allowed for this pair, Å.</param>
public readonly record struct CloseContact(int I, int J, double Distance, double Threshold)
{
    /// <summary>Distance / threshold (&lt; 1 for a violation).</summary>
    public double Ratio => Distance / Threshold;
}

/// <summary>
/// Decides frame by frame whether a frame belongs in a training set (<c>nepforge filter</c>). Checks run cheapest
/// first and the first failure is the reason: NaN or ∞ anywhere in positions, cell or labels; missing required
/// labels; the largest per-atom force norm; the energy-per-atom robust z-score within the frame's composition;
/// close contacts (through <see cref="NeighborSearch"/>: exact for any triclinic cell, also thinner than the
/// cutoff, O(N) per frame).
/// </summary>
public sealed class FrameFilter
{
    /// <summary>A filter with <paramref name="options"/>; <paramref name="energyStatistics"/> is required for the z-score criterion.</summary>
    public FrameFilter(FilterOptions options, CompositionEnergyStatistics? energyStatistics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.EnergyZScore is not null && energyStatistics is null)
            throw new ArgumentException("the energy z-score criterion needs the energy statistics of a first pass", nameof(energyStatistics));
        Options = options;
        EnergyStatistics = energyStatistics;
    }

    /// <summary>The criteria.</summary>
    public FilterOptions Options { get; }

    /// <summary>Energy per atom by composition, from a first pass (null without the z-score criterion).</summary>
    public CompositionEnergyStatistics? EnergyStatistics { get; }

    /// <summary>Why the frame must go (also recorded in the frame as reject_reason), or null to keep it.</summary>
    public RejectReason? Check(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var reason = Reason(frame);
        if (reason is not null)
            frame.Info.SetExtra(Provenance.RejectReason, reason.ToString());
        return reason;
    }

    RejectReason? Reason(Frame frame)
    {
        if (FindNonFinite(frame) is { } bad)
            return new("non_finite", bad);

        var require = Options.Require;
        if (require.HasFlag(RequiredLabels.Energy) && frame.Energy is null)
            return new("missing_energy", "the frame has no energy");
        if (require.HasFlag(RequiredLabels.Forces) && frame.Forces is null)
            return new("missing_forces", "the frame has no forces");
        if (require.HasFlag(RequiredLabels.Virial) && frame.Virial is null)
            return new("missing_virial", "the frame has no virial or stress");

        if (Options.MaxForce is { } fmax && MaxForce(frame) is { } worst && worst.Norm > fmax)
        {
            return new("max_force",
                $"|F| = {G(worst.Norm)} eV/Å on atom {worst.Atom} ({frame.Elements[worst.Atom].Symbol}) > {G(fmax)} eV/Å");
        }

        if (Options.EnergyZScore is { } zmax && EnergyStatistics!.ZScore(frame) is { } z && z > zmax)
        {
            string comp = CompositionEnergyStatistics.ReducedComposition(frame);
            var g = EnergyStatistics.Group(comp)!;
            return new("energy_zscore",
                $"{G(frame.EnergyPerAtom!.Value)} eV/atom has robust z = {G(z, 4)} > {G(zmax)} (median {G(g.Median)}, σ {G(g.Sigma, 4)} eV/atom over {g.Count} {comp} frames)");
        }

        if ((Options.MinDistance is not null || Options.MinRatio is not null) &&
            FindCloseContact(frame, Options.MinDistance, Options.MinRatio) is { } c)
        {
            string pair = $"{frame.Elements[c.I].Symbol} {c.I} – {frame.Elements[c.J].Symbol} {c.J}{(c.I == c.J ? " (own image)" : "")}";
            return Options.MinRatio is { } ratio && (Options.MinDistance is not { } dmin || c.Threshold > dmin)
                ? new("min_ratio", $"{pair} at {G(c.Distance, 4)} Å = {G(c.Ratio * ratio, 3)} × the sum of covalent radii < {G(ratio)}")
                : new("min_distance", $"{pair} at {G(c.Distance, 4)} Å < {G(c.Threshold)} Å");
        }
        return null;
    }

    /// <summary>
    /// The pair that most violates the distance limits (smallest distance / threshold), or null when none does.
    /// A pair's threshold is the larger of <paramref name="minDistance"/> (Å) and <paramref name="minRatio"/> × the sum
    /// of the two covalent radii. Periodic images count, including an atom's own image in a small cell.
    /// </summary>
    public static CloseContact? FindCloseContact(Frame frame, double? minDistance, double? minRatio)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.AtomCount == 0 || (minDistance is null && minRatio is null))
            return null;
        double dmin = minDistance ?? 0, ratio = minRatio ?? 0;
        double maxRadius = 0;
        Element? last = null;
        foreach (var e in frame.Elements)
        {
            if (!ReferenceEquals(e, last))
                maxRadius = Math.Max(maxRadius, e.CovalentRadius);
            last = e;
        }
        double cutoff = Math.Max(dmin, ratio * 2 * maxRadius);
        if (!(cutoff > 0))
            return null;
        var elements = frame.Elements;
        CloseContact? worst = null;
        double worstRatio = 1;
        NeighborSearch.ForEachPair(frame, cutoff, p =>
        {
            double t = ratio > 0 ? Math.Max(dmin, ratio * (elements[p.I].CovalentRadius + elements[p.J].CovalentRadius)) : dmin;
            if (p.Distance >= t)
                return;
            double r = p.Distance / t;
            if (r < worstRatio || (r == worstRatio && worst is { } w && (p.I, p.J).CompareTo((w.I, w.J)) < 0))
            {
                worstRatio = r;
                worst = new CloseContact(p.I, p.J, p.Distance, t);
            }
        });
        return worst;
    }

    /// <summary>The atom with the largest force norm |F| and that norm (eV/Å); null without forces.</summary>
    public static (int Atom, double Norm)? MaxForce(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Forces is not { } f || frame.AtomCount == 0)
            return null;
        int best = 0;
        double bestSq = -1;
        for (int i = 0; i < frame.AtomCount; i++)
        {
            double sq = f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2];
            if (sq > bestSq)
            {
                bestSq = sq;
                best = i;
            }
        }
        return (best, Math.Sqrt(bestSq));
    }

    /// <summary>Describes the first NaN or ∞ in positions, cell, energy, forces, virial or weight; null when all are finite.</summary>
    public static string? FindNonFinite(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int i = IndexOfNonFinite(frame.Positions);
        if (i >= 0)
            return $"position of atom {i / 3} is {G(frame.Positions[i])}";
        if (frame.Lattice is { } l && !l.Matrix.ToArray().All(double.IsFinite))
            return "the cell holds a non-finite value";
        if (frame.Energy is { } e && !double.IsFinite(e))
            return $"energy is {G(e)}";
        if (frame.Forces is { } f && IndexOfNonFinite(f) is var k && k >= 0)
            return $"force on atom {k / 3} is {G(f[k])}";
        if (frame.Virial is { } w && !w.ToArray().All(double.IsFinite))
            return "the virial holds a non-finite value";
        if (frame.Info.Weight is { } weight && !double.IsFinite(weight))
            return $"weight is {G(weight)}";
        return null;
    }

    static int IndexOfNonFinite(double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                return i;
        }
        return -1;
    }

    static string G(double v, int digits = 6) => v.ToString("G" + digits, CultureInfo.InvariantCulture);
}

/// <summary>Counts of kept and rejected frames, rejections per reason code in order of first appearance.</summary>
public sealed class FilterTally
{
    readonly List<string> _order = [];
    readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Frames kept.</summary>
    public long Kept { get; private set; }

    /// <summary>Frames rejected.</summary>
    public long Rejected { get; private set; }

    /// <summary>Rejections per reason code, in order of first appearance.</summary>
    public IEnumerable<KeyValuePair<string, long>> ByReason => _order.Select(c => new KeyValuePair<string, long>(c, _counts[c]));

    /// <summary>Counts one frame's outcome (null = kept).</summary>
    public void Add(RejectReason? reason)
    {
        if (reason is null)
        {
            Kept++;
            return;
        }
        Rejected++;
        if (_counts.TryGetValue(reason.Code, out long n))
        {
            _counts[reason.Code] = n + 1;
        }
        else
        {
            _counts[reason.Code] = 1;
            _order.Add(reason.Code);
        }
    }

    /// <summary>Rejections with a given code.</summary>
    public long this[string code] => _counts.GetValueOrDefault(code);
}
