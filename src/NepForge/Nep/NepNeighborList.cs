using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Full neighbour lists for NEP (nep_spec.md §3.1): for every atom i, every periodic image j + T with
/// 0 &lt; |r_j + T − r_i| &lt; cutoff (strict), including several images of one atom and images of i itself, as
/// compressed rows: entries <see cref="Start"/>[i] ..&lt; <see cref="Start"/>[i+1] hold j and r_ij = r_j + T − r_i.
/// Built with a cell list in fractional coordinates, so any triclinic cell works, however thin; axes that are not
/// periodic (and frames without a cell) get no images.
/// </summary>
sealed class NepNeighborList
{
    NepNeighborList(int[] start, int[] index, double[] x, double[] y, double[] z, double[] distance)
    {
        Start = start;
        Index = index;
        X = x;
        Y = y;
        Z = z;
        Distance = distance;
    }

    /// <summary>Row starts, length N + 1.</summary>
    public int[] Start { get; }

    /// <summary>Neighbour atom j of each entry.</summary>
    public int[] Index { get; }

    /// <summary>x of r_ij, Å.</summary>
    public double[] X { get; }

    /// <summary>y of r_ij, Å.</summary>
    public double[] Y { get; }

    /// <summary>z of r_ij, Å.</summary>
    public double[] Z { get; }

    /// <summary>|r_ij|, Å.</summary>
    public double[] Distance { get; }

    /// <summary>Number of entries of atom i.</summary>
    public int Count(int i) => Start[i + 1] - Start[i];

    /// <summary>Builds the lists of every atom within <paramref name="cutoff"/>, using up to <paramref name="threads"/> threads.</summary>
    public static NepNeighborList Build(ReadOnlySpan<double> positions, Lattice? lattice, double cutoff, int threads)
    {
        var cells = new CellGrid(positions, lattice, cutoff);
        int n = positions.Length / 3;
        var start = new int[n + 1];
        int workers = Math.Max(1, Math.Min(threads, n / 64 + 1));
        var counts = new int[n];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            for (int i = w * n / workers, end = (w + 1) * n / workers; i < end; i++)
                counts[i] = cells.Visit(i, null);
        });
        for (int i = 0; i < n; i++)
            start[i + 1] = start[i] + counts[i];
        int total = start[n];
        var list = new NepNeighborList(start, new int[total], new double[total], new double[total], new double[total], new double[total]);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            for (int i = w * n / workers, end = (w + 1) * n / workers; i < end; i++)
                cells.Visit(i, list);
        });
        return list;
    }

    /// <summary>Atoms binned by fractional coordinate; bins are at least cutoff/2 thick where the cell allows.</summary>
    sealed class CellGrid
    {
        readonly double _cutSquared;
        readonly Mat3 _matrix;
        readonly double[] _wrapped;   // Cartesian positions, wrapped into the cell along periodic axes
        readonly int[] _bins = new int[3];
        readonly int[] _reach = new int[3];
        readonly bool[] _periodic = new bool[3];
        readonly int[] _binOf;
        readonly int[] _binStart;
        readonly int[] _sorted;

        public CellGrid(ReadOnlySpan<double> positions, Lattice? lattice, double cutoff)
        {
            int n = positions.Length / 3;
            _cutSquared = cutoff * cutoff;
            var fractional = new double[3 * n];
            Vec3 widths;
            Vec3 origin = Vec3.Zero;
            if (lattice is not null)
            {
                _matrix = lattice.Matrix;
                for (int a = 0; a < 3; a++)
                    _periodic[a] = lattice.Pbc[a];
                lattice.ToFractional(positions, fractional);
                widths = lattice.PerpendicularWidths;
            }
            else
            {
                // No cell: an open box around the atoms.
                var lo = new Vec3(double.MaxValue, double.MaxValue, double.MaxValue);
                var hi = new Vec3(double.MinValue, double.MinValue, double.MinValue);
                for (int i = 0; i < n; i++)
                {
                    var p = Vec3.At(positions, i);
                    lo = new(Math.Min(lo.X, p.X), Math.Min(lo.Y, p.Y), Math.Min(lo.Z, p.Z));
                    hi = new(Math.Max(hi.X, p.X), Math.Max(hi.Y, p.Y), Math.Max(hi.Z, p.Z));
                }
                var size = n == 0 ? new Vec3(1, 1, 1) : hi - lo + new Vec3(1, 1, 1);
                origin = n == 0 ? Vec3.Zero : lo;
                _matrix = Mat3.Diagonal(size.X, size.Y, size.Z);
                for (int i = 0; i < n; i++)
                {
                    var p = Vec3.At(positions, i) - origin;
                    new Vec3(p.X / size.X, p.Y / size.Y, p.Z / size.Z).Store(fractional, i);
                }
                widths = size;
            }

            var low = new double[3];
            var span = new double[3];
            for (int a = 0; a < 3; a++)
            {
                if (_periodic[a])
                {
                    for (int i = 0; i < n; i++)
                        fractional[3 * i + a] -= Math.Floor(fractional[3 * i + a]);
                    span[a] = 1;
                }
                else
                {
                    double min = double.MaxValue, max = double.MinValue;
                    for (int i = 0; i < n; i++)
                    {
                        min = Math.Min(min, fractional[3 * i + a]);
                        max = Math.Max(max, fractional[3 * i + a]);
                    }
                    low[a] = n == 0 ? 0 : min;
                    span[a] = Math.Max(max - min, 1e-9);
                }
                double extent = widths[a] * span[a];
                _bins[a] = (int)Math.Clamp(Math.Floor(2 * extent / cutoff), 1, 1 << 12);
            }
            // A huge sparse box would mean millions of empty bins: coarsen until bins ≲ 4 per atom.
            while ((long)_bins[0] * _bins[1] * _bins[2] > Math.Max(64, 4L * n))
            {
                int widest = _bins[0] >= _bins[1] && _bins[0] >= _bins[2] ? 0 : _bins[1] >= _bins[2] ? 1 : 2;
                _bins[widest] = Math.Max(1, _bins[widest] / 2);
            }
            for (int a = 0; a < 3; a++)
            {
                // Fractional coordinates of a pair closer than the cutoff differ by at most cutoff / width.
                double extent = widths[a] * span[a];
                _reach[a] = (int)Math.Ceiling(_bins[a] * cutoff / extent);
                if (!_periodic[a])
                    _reach[a] = Math.Min(_reach[a], _bins[a] - 1);
            }

            _wrapped = new double[3 * n];
            _binOf = new int[n];
            int binCount = _bins[0] * _bins[1] * _bins[2];
            _binStart = new int[binCount + 1];
            for (int i = 0; i < n; i++)
            {
                var f = Vec3.At(fractional, i);
                var wrapped = f * _matrix;
                if (lattice is null)
                    wrapped += origin;
                wrapped.Store(_wrapped, i);
                int b0 = Bin(f.X, low[0], span[0], _bins[0]);
                int b1 = Bin(f.Y, low[1], span[1], _bins[1]);
                int b2 = Bin(f.Z, low[2], span[2], _bins[2]);
                int b = (b0 * _bins[1] + b1) * _bins[2] + b2;
                _binOf[i] = b;
                _binStart[b + 1]++;
            }
            for (int b = 0; b < binCount; b++)
                _binStart[b + 1] += _binStart[b];
            _sorted = new int[n];
            var fill = new int[binCount];
            for (int i = 0; i < n; i++)
            {
                int b = _binOf[i];
                _sorted[_binStart[b] + fill[b]++] = i;
            }
        }

        static int Bin(double f, double low, double span, int bins) => Math.Clamp((int)((f - low) / span * bins), 0, bins - 1);

        /// <summary>Counts the neighbours of atom i, and writes them into <paramref name="list"/> when given.</summary>
        public int Visit(int i, NepNeighborList? list)
        {
            int home = _binOf[i];
            int h2 = home % _bins[2], h1 = home / _bins[2] % _bins[1], h0 = home / (_bins[2] * _bins[1]);
            double xi = _wrapped[3 * i], yi = _wrapped[3 * i + 1], zi = _wrapped[3 * i + 2];
            int count = 0;
            int write = list is null ? 0 : list.Start[i];
            var m = _matrix;
            for (int d0 = -_reach[0]; d0 <= _reach[0]; d0++)
            {
                if (!Neighbor(h0 + d0, 0, out int c0, out int s0))
                    continue;
                for (int d1 = -_reach[1]; d1 <= _reach[1]; d1++)
                {
                    if (!Neighbor(h1 + d1, 1, out int c1, out int s1))
                        continue;
                    for (int d2 = -_reach[2]; d2 <= _reach[2]; d2++)
                    {
                        if (!Neighbor(h2 + d2, 2, out int c2, out int s2))
                            continue;
                        int bin = (c0 * _bins[1] + c1) * _bins[2] + c2;
                        bool noShift = s0 == 0 && s1 == 0 && s2 == 0;
                        // Lattice translation of this image: T = s·M.
                        double tx = s0 * m.M00 + s1 * m.M10 + s2 * m.M20 - xi;
                        double ty = s0 * m.M01 + s1 * m.M11 + s2 * m.M21 - yi;
                        double tz = s0 * m.M02 + s1 * m.M12 + s2 * m.M22 - zi;
                        for (int k = _binStart[bin], end = _binStart[bin + 1]; k < end; k++)
                        {
                            int j = _sorted[k];
                            if (noShift && j == i)
                                continue;
                            double x = _wrapped[3 * j] + tx, y = _wrapped[3 * j + 1] + ty, z = _wrapped[3 * j + 2] + tz;
                            double sq = x * x + y * y + z * z;
                            if (sq >= _cutSquared)
                                continue;
                            if (list is not null)
                            {
                                list.Index[write] = j;
                                list.X[write] = x;
                                list.Y[write] = y;
                                list.Z[write] = z;
                                list.Distance[write] = Math.Sqrt(sq);
                                write++;
                            }
                            count++;
                        }
                    }
                }
            }
            return count;
        }

        // Bin index c along an axis and the image shift s of an unwrapped bin index.
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
