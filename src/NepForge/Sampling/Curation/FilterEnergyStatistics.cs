using System.Globalization;
using System.Text;
using NepForge.Structures;

namespace NepForge.Sampling.Curation;

/// <summary>
/// Energies per atom grouped by reduced composition (Pb125Te125 and Pb32Te32 are both "Te1Pb1"), for robust
/// z-scores: z = (e − median) / (1.4826·MAD), MAD the median absolute deviation, so z is a standard score for normal
/// data yet a few outliers cannot hide themselves by inflating the spread. Filled by a first pass over a dataset
/// (<see cref="Add"/>), then queried (<see cref="ZScore"/>). Memory: 8 bytes per frame with an energy.
/// </summary>
/// <remarks>
/// When more than half the energies of a group are identical the MAD is 0; the spread then falls back to
/// 1.2533 × the mean absolute deviation from the median (the same normal-consistent scaling). A group smaller than
/// <see cref="MinGroupSize"/> gives no z-score: a median of two frames says nothing about which one is wrong.
/// </remarks>
public sealed class CompositionEnergyStatistics
{
    /// <summary>Scale that makes the MAD a consistent estimator of σ for normal data.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>Scale that makes the mean absolute deviation a consistent estimator of σ for normal data (√(π/2)).</summary>
    public const double MeanAbsToSigma = 1.2533;

    readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);
    Dictionary<string, GroupStatistics>? _frozen;

    /// <summary>Groups smaller than this give no z-score (default 3).</summary>
    public int MinGroupSize { get; init; } = 3;

    /// <summary>Frames added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a frame's energy per atom (frames without a finite energy are ignored).</summary>
    public void Add(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.EnergyPerAtom is not { } e || !double.IsFinite(e))
            return;
        if (_frozen is not null)
            throw new InvalidOperationException("statistics already queried: add every frame first");
        string key = ReducedComposition(frame);
        if (!_values.TryGetValue(key, out var list))
            _values[key] = list = [];
        list.Add(e);
        Count++;
    }

    /// <summary>Median, robust σ and size of a group, or null when no frame of that composition was added.</summary>
    public GroupStatistics? Group(string reducedComposition)
    {
        Freeze();
        return _frozen!.TryGetValue(reducedComposition, out var g) ? g : null;
    }

    /// <summary>Every group, by reduced composition.</summary>
    public IReadOnlyDictionary<string, GroupStatistics> Groups
    {
        get
        {
            Freeze();
            return _frozen!;
        }
    }

    /// <summary>
    /// The robust z-score of the frame's energy per atom within its composition group; null when the frame has no
    /// finite energy or its group is too small. 0 when the group has no spread and the energy equals the median,
    /// +∞ when it has no spread and the energy differs.
    /// </summary>
    public double? ZScore(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.EnergyPerAtom is not { } e || !double.IsFinite(e))
            return null;
        if (Group(ReducedComposition(frame)) is not { } g || g.Count < MinGroupSize)
            return null;
        double dev = Math.Abs(e - g.Median);
        if (g.Sigma > 0)
            return dev / g.Sigma;
        return dev == 0 ? 0 : double.PositiveInfinity;
    }

    /// <summary>
    /// Element counts divided by their greatest common divisor, in order of Z, each with its count:
    /// Te125Pb125 → "Te1Pb1", Si64 → "Si1", H2O → "H2O1".
    /// </summary>
    public static string ReducedComposition(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var counts = frame.Composition().OrderBy(c => c.Element.Z).ToList();
        int g = 0;
        foreach (var (_, n) in counts)
            g = Gcd(g, n);
        var sb = new StringBuilder();
        foreach (var (e, n) in counts)
            sb.Append(e.Symbol).Append((n / Math.Max(g, 1)).ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    static int Gcd(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }

    void Freeze()
    {
        if (_frozen is not null)
            return;
        _frozen = new(StringComparer.Ordinal);
        foreach (var (key, list) in _values)
        {
            var sorted = list.ToArray();
            Array.Sort(sorted);
            double median = Median(sorted);
            var dev = new double[sorted.Length];
            double sumAbs = 0;
            for (int i = 0; i < sorted.Length; i++)
            {
                dev[i] = Math.Abs(sorted[i] - median);
                sumAbs += dev[i];
            }
            Array.Sort(dev);
            double mad = Median(dev);
            double sigma = mad > 0 ? MadToSigma * mad : MeanAbsToSigma * sumAbs / sorted.Length;
            _frozen[key] = new GroupStatistics(sorted.Length, median, mad, sigma);
        }
        _values.Clear();
    }

    static double Median(double[] sorted)
    {
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}

/// <summary>Energy-per-atom statistics of the frames of one reduced composition.</summary>
/// <param name="Count">Frames in the group.</param>
/// <param name="Median">Median energy per atom, eV/atom.</param>
/// <param name="Mad">Median absolute deviation from the median, eV/atom.</param>
/// <param name="Sigma">Robust standard deviation: 1.4826·MAD (or 1.2533 × the mean absolute deviation when the MAD is 0), eV/atom.</param>
public sealed record GroupStatistics(int Count, double Median, double Mad, double Sigma);
