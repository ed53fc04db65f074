using System.Globalization;
using NepForge.Structures;

namespace NepForge.Sampling.Generation;

/// <summary>
/// A minimum interatomic distance per element pair, for generated structures: a pair of atoms (any periodic image,
/// an atom and its own image included) closer than its threshold is a violation. The threshold of a pair A–B is
/// the explicit one given for A–B when there is one, else the larger of an absolute minimum
/// (<see cref="MinDistance"/>) and a fraction of the sum of covalent radii (<see cref="MinRatio"/> ×
/// (r_A + r_B), Cordero et al. radii as in ASE). Distances are found with <see cref="NeighborSearch"/>, so they are
/// exact for any triclinic cell, however small or skewed.
/// </summary>
public sealed class DistanceGuard
{
    readonly Dictionary<(int, int), double> _pairs = [];

    /// <summary>
    /// A guard with an absolute minimum (Å), a covalent-radius ratio and explicit pair thresholds (which take
    /// precedence); 0 (and no pairs) means no check.
    /// </summary>
    public DistanceGuard(double minDistance = 0, double minRatio = 0, IEnumerable<PairMinimum>? pairs = null)
    {
        if (!(minDistance >= 0) || !double.IsFinite(minDistance))
            throw new ArgumentOutOfRangeException(nameof(minDistance), minDistance, "the minimum distance must be ≥ 0 Å");
        if (!(minRatio >= 0) || !double.IsFinite(minRatio))
            throw new ArgumentOutOfRangeException(nameof(minRatio), minRatio, "the covalent-radius ratio must be ≥ 0");
        MinDistance = minDistance;
        MinRatio = minRatio;
        var list = new List<PairMinimum>();
        foreach (var p in pairs ?? [])
        {
            if (!(p.Distance >= 0) || !double.IsFinite(p.Distance))
                throw new ArgumentOutOfRangeException(nameof(pairs), p.Distance, $"the minimum distance of {p.A}-{p.B} must be ≥ 0 Å");
            _pairs[Key(p.A, p.B)] = p.Distance;
            list.RemoveAll(q => Key(q.A, q.B) == Key(p.A, p.B));
            list.Add(p);
        }
        Pairs = list;
    }

    /// <summary>No check at all.</summary>
    public static DistanceGuard None { get; } = new();

    /// <summary>Absolute minimum distance for every pair, Å (0: none).</summary>
    public double MinDistance { get; }

    /// <summary>Minimum as a fraction of the sum of covalent radii (0: none).</summary>
    public double MinRatio { get; }

    /// <summary>Explicit per-pair thresholds (the last one given for a pair wins).</summary>
    public IReadOnlyList<PairMinimum> Pairs { get; }

    /// <summary>True when some pair has a threshold above 0.</summary>
    public bool IsActive => MinDistance > 0 || MinRatio > 0 || _pairs.Values.Any(d => d > 0);

    /// <summary>The minimum distance allowed between an atom of <paramref name="a"/> and one of <paramref name="b"/>, Å.</summary>
    public double Threshold(Element a, Element b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (_pairs.TryGetValue(Key(a, b), out double d))
            return d;
        return Math.Max(MinDistance, MinRatio * (a.CovalentRadius + b.CovalentRadius));
    }

    /// <summary>The thresholds of every pair of species present in <paramref name="elements"/>, indexed per atom.</summary>
    public DistanceGuardTable Table(IReadOnlyList<Element> elements) => new(this, elements);

    /// <summary>
    /// The worst violation in <paramref name="frame"/> (the pair with the smallest distance / threshold below 1), or
    /// null when every pair is at least its threshold apart.
    /// </summary>
    public DistanceViolation? FindWorstViolation(Frame frame) => FindViolations(frame).Worst;

    /// <summary>True when no pair of <paramref name="frame"/> is closer than its threshold.</summary>
    public bool Accepts(Frame frame) => FindViolations(frame).Count == 0;

    /// <summary>How many pairs (with their periodic images) are closer than their threshold, and the worst of them.</summary>
    public (int Count, DistanceViolation? Worst) FindViolations(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!IsActive || frame.AtomCount == 0)
            return (0, null);
        var table = Table(frame.Elements);
        if (!(table.Max > 0))
            return (0, null);
        int count = 0;
        DistanceViolation? worst = null;
        double worstRatio = double.PositiveInfinity;
        NeighborSearch.ForEachPair(frame, table.Max, p =>
        {
            double t = table[p.I, p.J];
            if (!(p.Distance < t))
                return;
            count++;
            double ratio = p.Distance / t;
            if (ratio < worstRatio)
            {
                worstRatio = ratio;
                worst = new DistanceViolation(p.I, p.J, frame.Elements[p.I], frame.Elements[p.J], p.Distance, t);
            }
        });
        return (count, worst);
    }

    /// <summary>The rule in words, e.g. "≥ 1.5 Å; ≥ 0.7 × covalent radii; Si-C ≥ 1.7 Å".</summary>
    public override string ToString()
    {
        if (!IsActive)
            return "none";
        var parts = new List<string>();
        if (MinDistance > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"≥ {MinDistance:0.###} Å"));
        if (MinRatio > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"≥ {MinRatio:0.###} × sum of covalent radii"));
        foreach (var p in Pairs)
            parts.Add(p.ToString());
        return string.Join("; ", parts);
    }

    static (int, int) Key(Element a, Element b) => a.Z <= b.Z ? (a.Z, b.Z) : (b.Z, a.Z);
}

/// <summary>The thresholds of a guard for one set of atoms: a species index per atom and a species × species table.</summary>
public sealed class DistanceGuardTable
{
    readonly int[] _species;
    readonly double[] _thresholds;
    readonly int _count;

    internal DistanceGuardTable(DistanceGuard guard, IReadOnlyList<Element> elements)
    {
        var index = new Dictionary<int, int>();
        var distinct = new List<Element>();
        _species = new int[elements.Count];
        for (int i = 0; i < elements.Count; i++)
        {
            if (!index.TryGetValue(elements[i].Z, out int s))
            {
                s = distinct.Count;
                index[elements[i].Z] = s;
                distinct.Add(elements[i]);
            }
            _species[i] = s;
        }
        _count = distinct.Count;
        _thresholds = new double[_count * _count];
        for (int a = 0; a < _count; a++)
        {
            for (int b = 0; b < _count; b++)
            {
                double t = guard.Threshold(distinct[a], distinct[b]);
                _thresholds[a * _count + b] = t;
                Max = Math.Max(Max, t);
            }
        }
    }

    /// <summary>The largest threshold among the species present, Å.</summary>
    public double Max { get; }

    /// <summary>The threshold between atoms <paramref name="i"/> and <paramref name="j"/>, Å.</summary>
    public double this[int i, int j] => _thresholds[_species[i] * _count + _species[j]];
}

/// <summary>An explicit minimum distance for one element pair (order does not matter).</summary>
public readonly record struct PairMinimum(Element A, Element B, double Distance)
{
    /// <summary>Parses "Si-C=1.7" (also "Si-C:1.7"; symbols in any case).</summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static PairMinimum Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOfAny(['=', ':']);
        int dash = eq > 0 ? text.IndexOf('-', 0, eq) : -1;
        if (eq < 0 || dash <= 0)
            throw new FormatException($"'{text}' is not a pair distance: write it as A-B=D, e.g. Si-C=1.7");
        string a = text[..dash].Trim(), b = text[(dash + 1)..eq].Trim(), d = text[(eq + 1)..].Trim();
        if (!Elements.TryGet(a, out var ea) || !Elements.TryGet(b, out var eb))
            throw new FormatException($"'{text}': unknown element symbol '{(Elements.TryGet(a, out _) ? b : a)}'");
        if (!double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= 0) || !double.IsFinite(v))
            throw new FormatException($"'{text}': '{d}' is not a distance ≥ 0 in Å");
        return new PairMinimum(ea, eb, v);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{A.Symbol}-{B.Symbol} ≥ {Distance:0.###} Å");
}

/// <summary>A pair of atoms closer than the guard allows: 0-based indices, elements, distance and threshold (Å).</summary>
public readonly record struct DistanceViolation(int I, int J, Element ElementI, Element ElementJ, double Distance, double Threshold)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"atoms {I + 1} ({ElementI.Symbol}) and {J + 1} ({ElementJ.Symbol}) {Distance:0.###} Å apart, below {Threshold:0.###} Å{(I == J ? " (an atom and its own periodic image)" : "")}");
}
