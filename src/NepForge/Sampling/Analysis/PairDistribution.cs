using System.Globalization;
using NepForge.Structures;

namespace NepForge.Sampling.Analysis;

/// <summary>An element pair A–B as the user named it (A–B and B–A are the same distances).</summary>
public sealed record ElementPair(Element A, Element B)
{
    /// <summary>"O-H".</summary>
    public string Label => $"{A.Symbol}-{B.Symbol}";

    /// <summary>Parses "O-H" (also "O–H", "O:H", "O/H"; a separator is required).</summary>
    public static ElementPair Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().Split(['-', '–', ':', '/'], StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new FormatException($"element pair '{text}' is not of the form A-B (e.g. O-H)");
        if (!Elements.TryGet(parts[0], out var a) || !Elements.TryGet(parts[1], out var b))
            throw new FormatException($"element pair '{text}': unknown element symbol");
        return new ElementPair(a, b);
    }

    /// <inheritdoc />
    public override string ToString() => Label;
}

/// <summary>
/// Pair distance histograms and radial distribution functions g_AB(r) per element pair, accumulated frame by frame
/// (streaming: only the histograms are kept) with <see cref="NeighborSearch"/>, periodic images included.
/// </summary>
/// <remarks>
/// <para>Bins are [k·Δr, (k+1)·Δr) for k = 0…bins−1, Δr = r_max / bins; r is reported at the bin centre.</para>
/// <para>Normalisation, for frames with a cell periodic along a, b and c, summed over those frames f:
/// g_AB(r) = Σ_f n_AB,f(r) / (Σ_f N_A,f · N_B,f / V_f · ΔV(r)), where n_AB(r) counts ordered pairs (a in A, b in B,
/// b ≠ a or an image of a) in the bin, so an A–A pair counts twice, N_A, N_B are the numbers of A and B atoms, V the
/// cell volume and ΔV = 4π/3 (r_hi³ − r_lo³) the shell volume. Because every periodic image is counted (also of the
/// atom itself), g → 1 at large r in any periodic frame, and g_AB = g_BA. The running coordination number — the mean
/// number of B atoms within r of an A atom — is CN_AB(r) = ρ_B ∫₀ʳ g_AB 4πr'² dr' with ρ_B = N_B / V; it is also
/// given directly as <see cref="Coordination"/> (ordered count / Σ N_A).</para>
/// <para>Frames without a cell or not periodic along all three axes have no volume: their distances are counted in
/// <see cref="Counts"/> and <see cref="Coordination"/> but left out of g(r).</para>
/// </remarks>
public sealed class PairDistribution
{
    readonly List<ElementPair> _pairs = [];
    readonly Dictionary<(int, int), int> _slotOf = []; // (Z_low, Z_high) → slot; several labels may share a slot
    readonly List<int> _pairSlot = [];
    readonly List<Slot> _slots = [];
    readonly bool _allPairs;

    sealed class Slot(int bins, bool like)
    {
        public readonly bool Like = like;
        public readonly long[] Counts = new long[bins];         // unordered pairs, every frame
        public readonly long[] PeriodicCounts = new long[bins]; // unordered pairs, 3D-periodic frames
        public double Norm;       // Σ N_A N_B / V over 3D-periodic frames, Å⁻³
        public long AtomsA;       // Σ N_A over all frames (for A–A, also N_B)
        public long AtomsB;       // Σ N_B over all frames
        public double Min = double.PositiveInfinity;
    }

    /// <summary>Histograms up to <paramref name="rMax"/> Å in <paramref name="bins"/> bins, for the given pairs or (null)
    /// for every pair of elements met, listed by Z.</summary>
    public PairDistribution(double rMax, int bins, IEnumerable<ElementPair>? pairs = null)
    {
        if (!(rMax > 0) || !double.IsFinite(rMax))
            throw new ArgumentOutOfRangeException(nameof(rMax), rMax, "r_max must be > 0");
        if (bins < 1)
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "need at least one bin");
        RMax = rMax;
        Bins = bins;
        BinWidth = rMax / bins;
        if (pairs is null)
        {
            _allPairs = true;
            return;
        }
        foreach (var p in pairs)
            AddPair(p);
        if (_pairs.Count == 0)
            throw new ArgumentException("no element pairs given", nameof(pairs));
    }

    /// <summary>Upper end of the histogram, Å.</summary>
    public double RMax { get; }

    /// <summary>Number of bins.</summary>
    public int Bins { get; }

    /// <summary>Bin width Δr, Å.</summary>
    public double BinWidth { get; }

    /// <summary>Frames added.</summary>
    public long Frames { get; private set; }

    /// <summary>Frames added that are periodic along a, b and c (those that make g(r)).</summary>
    public long PeriodicFrames { get; private set; }

    /// <summary>The pairs reported, in order: as given, or every pair met sorted by (Z_A, Z_B) with Z_A ≤ Z_B.</summary>
    public IReadOnlyList<ElementPair> Pairs => _allPairs ? [.. _pairs.OrderBy(p => p.A.Z).ThenBy(p => p.B.Z)] : _pairs;

    /// <summary>Centre of bin k, Å.</summary>
    public double BinCentre(int k) => (k + 0.5) * BinWidth;

    int AddPair(ElementPair p)
    {
        var key = p.A.Z <= p.B.Z ? (p.A.Z, p.B.Z) : (p.B.Z, p.A.Z);
        if (!_slotOf.TryGetValue(key, out int slot))
        {
            slot = _slots.Count;
            _slots.Add(new Slot(Bins, p.A.Z == p.B.Z));
            _slotOf[key] = slot;
        }
        int existing = _pairs.FindIndex(q => q.Label == p.Label);
        if (existing >= 0)
            return existing;
        _pairs.Add(p);
        _pairSlot.Add(slot);
        return _pairs.Count - 1;
    }

    /// <summary>Adds the distances of one frame.</summary>
    public void Add(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Frames++;
        int n = frame.AtomCount;
        // Species of the frame and their counts.
        var zOf = new Dictionary<int, int>();
        foreach (var e in frame.Elements)
            zOf[e.Z] = zOf.GetValueOrDefault(e.Z) + 1;
        if (_allPairs)
        {
            var zs = zOf.Keys.Order().ToList();
            for (int i = 0; i < zs.Count; i++)
                for (int j = i; j < zs.Count; j++)
                    AddPair(new ElementPair(Elements.FromZ(zs[i]), Elements.FromZ(zs[j])));
        }
        var lattice = frame.Lattice;
        bool periodic = lattice is { Pbc: { A: true, B: true, C: true } };
        if (periodic)
            PeriodicFrames++;
        foreach (var ((za, zb), slot) in _slotOf)
        {
            var s = _slots[slot];
            long na = zOf.GetValueOrDefault(za), nb = zOf.GetValueOrDefault(zb);
            s.AtomsA += na;
            s.AtomsB += nb;
            if (periodic)
                s.Norm += (double)na * nb / lattice!.Volume;
        }
        if (n == 0)
            return;

        // Slot of each (element, element) in this frame via a small table over the frame's species.
        var local = new Dictionary<int, int>();
        var species = new int[n];
        for (int i = 0; i < n; i++)
        {
            int z = frame.Elements[i].Z;
            if (!local.TryGetValue(z, out int idx))
            {
                idx = local.Count;
                local[z] = idx;
            }
            species[i] = idx;
        }
        int m = local.Count;
        var table = new Slot?[m * m];
        foreach (var (za, ia) in local)
        {
            foreach (var (zb, ib) in local)
            {
                var key = za <= zb ? (za, zb) : (zb, za);
                if (_slotOf.TryGetValue(key, out int slot))
                    table[ia * m + ib] = _slots[slot];
            }
        }
        double inverseWidth = 1 / BinWidth;
        int bins = Bins;
        NeighborSearch.ForEachPair(frame, RMax, p =>
        {
            var s = table[species[p.I] * m + species[p.J]];
            if (s is null)
                return;
            int k = (int)(p.Distance * inverseWidth);
            if (k >= bins)
                return;
            s.Counts[k]++;
            if (periodic)
                s.PeriodicCounts[k]++;
            if (p.Distance < s.Min)
                s.Min = p.Distance;
        });
    }

    /// <summary>Adds every frame.</summary>
    public void AddRange(IEnumerable<Frame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        foreach (var f in frames)
            Add(f);
    }

    Slot SlotOf(ElementPair pair)
    {
        var key = pair.A.Z <= pair.B.Z ? (pair.A.Z, pair.B.Z) : (pair.B.Z, pair.A.Z);
        return _slotOf.TryGetValue(key, out int slot) ? _slots[slot] : new Slot(Bins, pair.A.Z == pair.B.Z);
    }

    /// <summary>Distinct pairs (each unordered pair of atoms, or atom and periodic image, once per frame) per bin, all frames.</summary>
    public long[] Counts(ElementPair pair) => (long[])SlotOf(pair).Counts.Clone();

    /// <summary>Total distinct pairs within r_max, all frames.</summary>
    public long TotalCount(ElementPair pair) => SlotOf(pair).Counts.Sum();

    /// <summary>Shortest distance seen for the pair, Å (null if none within r_max).</summary>
    public double? MinDistance(ElementPair pair) => SlotOf(pair).Min is var d && double.IsFinite(d) ? d : null;

    /// <summary>g_AB(r) per bin (see the class remarks); NaN everywhere when no frame was 3D-periodic or held both species.</summary>
    public double[] G(ElementPair pair)
    {
        var s = SlotOf(pair);
        var g = new double[Bins];
        double factor = s.Like ? 2 : 1; // unordered → ordered pairs
        for (int k = 0; k < Bins; k++)
        {
            double lo = k * BinWidth, hi = (k + 1) * BinWidth;
            double shell = 4.0 / 3.0 * Math.PI * (hi * hi * hi - lo * lo * lo);
            g[k] = s.Norm > 0 ? factor * s.PeriodicCounts[k] / (s.Norm * shell) : double.NaN;
        }
        return g;
    }

    /// <summary>
    /// Running coordination number CN_AB(r) at the upper edge of each bin: the mean number of B atoms (periodic images
    /// included) within r of an A atom, over all frames. NaN when no A atom was seen.
    /// </summary>
    public double[] Coordination(ElementPair pair)
    {
        var s = SlotOf(pair);
        var cn = new double[Bins];
        bool aIsLow = pair.A.Z <= pair.B.Z;
        long atomsA = aIsLow ? s.AtomsA : s.AtomsB;
        double factor = s.Like ? 2 : 1;
        long sum = 0;
        for (int k = 0; k < Bins; k++)
        {
            sum += s.Counts[k];
            cn[k] = atomsA > 0 ? factor * sum / atomsA : double.NaN;
        }
        return cn;
    }

    /// <summary>
    /// CSV: <c>r</c> (bin centre, Å), then <c>g_A-B</c> for each pair, <c>n_A-B</c> (distinct pair counts per bin, all
    /// frames), <c>cn_A-B</c> (running coordination number at the bin's upper edge). NaN is written as "nan".
    /// </summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var pairs = Pairs;
        var g = pairs.Select(G).ToList();
        var n = pairs.Select(Counts).ToList();
        var cn = pairs.Select(Coordination).ToList();
        var header = new List<string> { "r" };
        header.AddRange(pairs.Select(p => "g_" + p.Label));
        header.AddRange(pairs.Select(p => "n_" + p.Label));
        header.AddRange(pairs.Select(p => "cn_" + p.Label));
        writer.Write(string.Join(',', header));
        writer.Write('\n');
        var row = new List<string>(header.Count);
        for (int k = 0; k < Bins; k++)
        {
            row.Clear();
            row.Add(Format(BinCentre(k)));
            row.AddRange(g.Select(a => Format(a[k])));
            row.AddRange(n.Select(a => a[k].ToString(CultureInfo.InvariantCulture)));
            row.AddRange(cn.Select(a => Format(a[k])));
            writer.Write(string.Join(',', row));
            writer.Write('\n');
        }
    }

    static string Format(double v) => double.IsNaN(v) ? "nan" : Math.Round(v, 10).ToString("G8", CultureInfo.InvariantCulture);

    /// <summary>The first maximum of g (position, height) for a pair: the highest bin before g first falls below half of
    /// that height again; null when g is empty or NaN.</summary>
    public (double R, double G)? FirstPeak(ElementPair pair)
    {
        var g = G(pair);
        int best = -1;
        for (int k = 0; k < g.Length; k++)
        {
            if (double.IsNaN(g[k]))
                return null;
            if (best < 0 ? g[k] > 0 : g[k] > g[best])
                best = k;
            else if (best >= 0 && g[k] < 0.5 * g[best] && g[best] > 1)
                break;
        }
        return best < 0 ? null : (BinCentre(best), g[best]);
    }
}
