namespace NepForge.Structures;

/// <summary>
/// The one cell grid of NepForge: atoms binned by fractional coordinate, bins at least cutoff/2 thick where the cell
/// allows (coarsened so a huge sparse box never means millions of empty bins), with the reach in bins and the image
/// shifts that find every pair closer than the cutoff in any triclinic cell, however thin, with or without periodic
/// axes. The NEP neighbour lists (full lists, every image) and <see cref="NeighborSearch"/> (each pair once) both walk it.
/// </summary>
internal sealed class CellGrid
{
    /// <summary>The cutoff the grid was built for, Å.</summary>
    public readonly double Cutoff;

    /// <summary>Atoms binned.</summary>
    public readonly int AtomCount;

    /// <summary>Cell rows (a box around the atoms when the frame has no cell): an image shift s moves by s·M.</summary>
    public readonly Mat3 Matrix;

    /// <summary>Cartesian positions [n×3], wrapped into the cell along periodic axes.</summary>
    public readonly double[] Wrapped;

    /// <summary>Bins along each axis.</summary>
    public readonly int[] Bins = new int[3];

    /// <summary>How many bins either side a pair closer than the cutoff can be apart, per axis.</summary>
    public readonly int[] Reach = new int[3];

    /// <summary>Which axes are periodic.</summary>
    public readonly bool[] Periodic = new bool[3];

    /// <summary>Bin of each atom, (b0·n1 + b1)·n2 + b2.</summary>
    public readonly int[] BinOf;

    /// <summary>Atoms of bin b are Sorted[BinStart[b] ..&lt; BinStart[b + 1]], in index order.</summary>
    public readonly int[] BinStart;

    /// <inheritdoc cref="BinStart"/>
    public readonly int[] Sorted;

    /// <summary>Bins <paramref name="positions"/> [n×3] for pairs closer than <paramref name="cutoff"/>.</summary>
    public CellGrid(ReadOnlySpan<double> positions, Lattice? lattice, double cutoff)
    {
        int n = positions.Length / 3;
        Cutoff = cutoff;
        AtomCount = n;
        var fractional = new double[3 * n];
        Vec3 widths;
        Vec3 origin = Vec3.Zero;
        if (lattice is not null)
        {
            Matrix = lattice.Matrix;
            for (int a = 0; a < 3; a++)
                Periodic[a] = lattice.Pbc[a];
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
            Matrix = Mat3.Diagonal(size.X, size.Y, size.Z);
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
            if (Periodic[a])
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
            Bins[a] = (int)Math.Clamp(Math.Floor(2 * extent / cutoff), 1, 1 << 12);
        }
        // A huge sparse box would mean millions of empty bins: coarsen until bins ≲ 4 per atom.
        while ((long)Bins[0] * Bins[1] * Bins[2] > Math.Max(64, 4L * n))
        {
            int widest = Bins[0] >= Bins[1] && Bins[0] >= Bins[2] ? 0 : Bins[1] >= Bins[2] ? 1 : 2;
            Bins[widest] = Math.Max(1, Bins[widest] / 2);
        }
        for (int a = 0; a < 3; a++)
        {
            // Fractional coordinates of a pair closer than the cutoff differ by at most cutoff / width.
            double extent = widths[a] * span[a];
            Reach[a] = (int)Math.Ceiling(Bins[a] * cutoff / extent);
            if (!Periodic[a])
                Reach[a] = Math.Min(Reach[a], Bins[a] - 1);
        }

        Wrapped = new double[3 * n];
        BinOf = new int[n];
        int binCount = Bins[0] * Bins[1] * Bins[2];
        BinStart = new int[binCount + 1];
        for (int i = 0; i < n; i++)
        {
            var f = Vec3.At(fractional, i);
            var wrapped = f * Matrix;
            if (lattice is null)
                wrapped += origin;
            wrapped.Store(Wrapped, i);
            int b0 = Bin(f.X, low[0], span[0], Bins[0]);
            int b1 = Bin(f.Y, low[1], span[1], Bins[1]);
            int b2 = Bin(f.Z, low[2], span[2], Bins[2]);
            int b = (b0 * Bins[1] + b1) * Bins[2] + b2;
            BinOf[i] = b;
            BinStart[b + 1]++;
        }
        for (int b = 0; b < binCount; b++)
            BinStart[b + 1] += BinStart[b];
        Sorted = new int[n];
        var fill = new int[binCount];
        for (int i = 0; i < n; i++)
        {
            int b = BinOf[i];
            Sorted[BinStart[b] + fill[b]++] = i;
        }
    }

    static int Bin(double f, double low, double span, int bins) => Math.Clamp((int)((f - low) / span * bins), 0, bins - 1);

    /// <summary>Bin index c along an axis and the image shift s of an unwrapped bin index; false off a non-periodic edge.</summary>
    public bool Neighbor(int index, int axis, out int c, out int shift)
    {
        int n = Bins[axis];
        if (!Periodic[axis])
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
