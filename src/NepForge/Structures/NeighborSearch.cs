namespace NepForge.Structures;

/// <summary>One pair of atoms closer than a cutoff: i ≤ j, the vector from i to the image of j, its length.</summary>
public readonly record struct AtomPair(int I, int J, Vec3 Vector, double Distance);

/// <summary>
/// Pairs of atoms within a cutoff through a cell list: O(N) per frame for a fixed density, correct for any triclinic
/// cell, for cells thinner than the cutoff (an atom then meets several images of another, and its own images), and
/// for frames with no cell or with non-periodic axes.
/// </summary>
/// <remarks>
/// Atoms are binned by fractional coordinate, n_a = ⌊w_a / cutoff⌋ bins along axis a (w_a: distance between
/// opposite faces). A pair closer than the cutoff differs by at most cutoff / w_a in fractional coordinate a, hence by
/// at most s_a = ⌈n_a · cutoff / w_a⌉ bins; searching ±s_a bins (with periodic images where the bin index wraps) finds
/// every pair exactly once, however small or skewed the cell.
/// </remarks>
public static class NeighborSearch
{
    /// <summary>Calls <paramref name="visit"/> for every pair closer than <paramref name="cutoff"/> (each once; an atom with its own image has I == J).</summary>
    public static void ForEachPair(Frame frame, double cutoff, Action<AtomPair> visit)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(visit);
        if (!(cutoff > 0) || frame.AtomCount == 0)
            return;
        var grid = new Grid(frame, cutoff);
        grid.Visit(visit);
    }

    /// <summary>All pairs closer than <paramref name="cutoff"/>.</summary>
    public static List<AtomPair> Pairs(Frame frame, double cutoff)
    {
        var list = new List<AtomPair>();
        ForEachPair(frame, cutoff, list.Add);
        return list;
    }

    /// <summary>
    /// The closest pair in the frame (including an atom and its own periodic image), searching up to
    /// <paramref name="searchRadius"/> Å; null when no pair is that close.
    /// </summary>
    public static AtomPair? ClosestPair(Frame frame, double searchRadius = 6.0)
    {
        AtomPair? best = null;
        ForEachPair(frame, searchRadius, p =>
        {
            if (best is null || p.Distance < best.Value.Distance)
                best = p;
        });
        return best;
    }

    sealed class Grid
    {
        readonly Frame _frame;
        readonly double _cutoff;
        readonly Mat3 _matrix;
        readonly bool[] _periodic = new bool[3];
        readonly int[] _bins = new int[3];
        readonly int[] _search = new int[3];
        readonly double[] _fractional;
        readonly int[] _head;
        readonly int[] _next;
        readonly int[] _binOf;

        public Grid(Frame frame, double cutoff)
        {
            _frame = frame;
            _cutoff = cutoff;
            int n = frame.AtomCount;
            _fractional = new double[3 * n];
            Vec3 widths;
            if (frame.Lattice is { } lattice)
            {
                _matrix = lattice.Matrix;
                for (int a = 0; a < 3; a++)
                    _periodic[a] = lattice.Pbc[a];
                lattice.ToFractional(frame.Positions, _fractional);
                widths = lattice.PerpendicularWidths;
            }
            else
            {
                // No cell: a box around the atoms, not periodic.
                var (lo, hi) = Bounds(frame.Positions);
                var size = hi - lo + new Vec3(1, 1, 1);
                _matrix = Mat3.Diagonal(size.X, size.Y, size.Z);
                for (int i = 0; i < n; i++)
                    new Vec3((frame.Positions[3 * i] - lo.X) / size.X, (frame.Positions[3 * i + 1] - lo.Y) / size.Y, (frame.Positions[3 * i + 2] - lo.Z) / size.Z)
                        .Store(_fractional, i);
                widths = size;
            }
            var low = new double[3];
            var span = new double[3];
            for (int a = 0; a < 3; a++)
            {
                if (_periodic[a])
                {
                    for (int i = 0; i < n; i++)
                        _fractional[3 * i + a] -= Math.Floor(_fractional[3 * i + a]);
                    low[a] = 0;
                    span[a] = 1;
                }
                else
                {
                    // A non-periodic axis spans the atoms' extent, whatever the nominal cell.
                    double min = double.MaxValue, max = double.MinValue;
                    for (int i = 0; i < n; i++)
                    {
                        min = Math.Min(min, _fractional[3 * i + a]);
                        max = Math.Max(max, _fractional[3 * i + a]);
                    }
                    low[a] = min;
                    span[a] = Math.Max(max - min, 1e-12);
                }
                double extent = widths[a] * span[a];
                _bins[a] = (int)Math.Clamp(Math.Floor(extent / cutoff), 1, 1 << 10);
                _search[a] = (int)Math.Ceiling(_bins[a] * cutoff / extent - 1e-12);
                if (!_periodic[a])
                    _search[a] = Math.Min(_search[a], _bins[a]);
            }
            _head = new int[_bins[0] * _bins[1] * _bins[2]];
            Array.Fill(_head, -1);
            _next = new int[n];
            _binOf = new int[n];
            for (int i = 0; i < n; i++)
            {
                int b0 = BinIndex(_fractional[3 * i], low[0], span[0], _bins[0]);
                int b1 = BinIndex(_fractional[3 * i + 1], low[1], span[1], _bins[1]);
                int b2 = BinIndex(_fractional[3 * i + 2], low[2], span[2], _bins[2]);
                int b = (b0 * _bins[1] + b1) * _bins[2] + b2;
                _binOf[i] = b;
                _next[i] = _head[b];
                _head[b] = i;
            }
        }

        static int BinIndex(double f, double low, double span, int bins) =>
            Math.Clamp((int)((f - low) / span * bins), 0, bins - 1);

        static (Vec3 Lo, Vec3 Hi) Bounds(double[] p)
        {
            var lo = new Vec3(double.MaxValue, double.MaxValue, double.MaxValue);
            var hi = new Vec3(double.MinValue, double.MinValue, double.MinValue);
            for (int i = 0; i < p.Length / 3; i++)
            {
                lo = new(Math.Min(lo.X, p[3 * i]), Math.Min(lo.Y, p[3 * i + 1]), Math.Min(lo.Z, p[3 * i + 2]));
                hi = new(Math.Max(hi.X, p[3 * i]), Math.Max(hi.Y, p[3 * i + 1]), Math.Max(hi.Z, p[3 * i + 2]));
            }
            return (lo, hi);
        }

        public void Visit(Action<AtomPair> visit)
        {
            double cutSq = _cutoff * _cutoff;
            int nb0 = _bins[0], nb1 = _bins[1], nb2 = _bins[2];
            var m = _matrix;
            for (int b0 = 0; b0 < nb0; b0++)
                for (int b1 = 0; b1 < nb1; b1++)
                    for (int b2 = 0; b2 < nb2; b2++)
                    {
                        int home = (b0 * nb1 + b1) * nb2 + b2;
                        if (_head[home] < 0)
                            continue;
                        for (int d0 = -_search[0]; d0 <= _search[0]; d0++)
                        {
                            if (!Neighbor(b0 + d0, 0, out int c0, out int s0))
                                continue;
                            for (int d1 = -_search[1]; d1 <= _search[1]; d1++)
                            {
                                if (!Neighbor(b1 + d1, 1, out int c1, out int s1))
                                    continue;
                                for (int d2 = -_search[2]; d2 <= _search[2]; d2++)
                                {
                                    if (!Neighbor(b2 + d2, 2, out int c2, out int s2))
                                        continue;
                                    int other = (c0 * nb1 + c1) * nb2 + c2;
                                    // Every ordered (i, j, shift) within reach is met exactly once; (i, j, s) and (j, i, −s)
                                    // are the same pair, so keep i < j, and for an atom with its own image the positive shift.
                                    bool positiveShift = s0 > 0 || (s0 == 0 && (s1 > 0 || (s1 == 0 && s2 > 0)));
                                    for (int i = _head[home]; i >= 0; i = _next[i])
                                    {
                                        double fi0 = _fractional[3 * i], fi1 = _fractional[3 * i + 1], fi2 = _fractional[3 * i + 2];
                                        for (int j = _head[other]; j >= 0; j = _next[j])
                                        {
                                            if (j < i || (j == i && !positiveShift))
                                                continue;
                                            double f0 = _fractional[3 * j] + s0 - fi0;
                                            double f1 = _fractional[3 * j + 1] + s1 - fi1;
                                            double f2 = _fractional[3 * j + 2] + s2 - fi2;
                                            var v = new Vec3(
                                                f0 * m.M00 + f1 * m.M10 + f2 * m.M20,
                                                f0 * m.M01 + f1 * m.M11 + f2 * m.M21,
                                                f0 * m.M02 + f1 * m.M12 + f2 * m.M22);
                                            double sq = v.LengthSquared;
                                            if (sq >= cutSq)
                                                continue;
                                            visit(new AtomPair(i, j, v, Math.Sqrt(sq)));
                                        }
                                    }
                                }
                            }
                        }
                    }
        }

        // Bin index c along an axis and the periodic image shift s for an unwrapped index.
        bool Neighbor(int index, int axis, out int c, out int shift)
        {
            int n = _bins[axis];
            if (!_periodic[axis])
            {
                c = index;
                shift = 0;
                return index >= 0 && index < n;
            }
            shift = (int)Math.Floor(index / (double)n);
            c = index - shift * n;
            return true;
        }
    }
}
