using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Full neighbour lists for NEP (nep_spec.md §3.1): for every atom i, every periodic image j + T with
/// 0 &lt; |r_j + T − r_i| &lt; cutoff (strict), including several images of one atom and images of i itself, as
/// compressed rows: entries <see cref="Start"/>[i] ..&lt; <see cref="Start"/>[i+1] hold j and r_ij = r_j + T − r_i.
/// Built on the shared <see cref="CellGrid"/> (cell list in fractional coordinates), so any triclinic cell works, however thin; axes that are not
/// periodic (and frames without a cell) get no images.
/// </summary>
sealed class NepNeighborList
{
    /// <summary>Row starts, length ≥ N + 1.</summary>
    public int[] Start { get; private set; } = [];

    /// <summary>Neighbour atom j of each entry (the arrays may be longer than the entries: storage is reused).</summary>
    public int[] Index { get; private set; } = [];

    /// <summary>x of r_ij, Å.</summary>
    public double[] X { get; private set; } = [];

    /// <summary>y of r_ij, Å.</summary>
    public double[] Y { get; private set; } = [];

    /// <summary>z of r_ij, Å.</summary>
    public double[] Z { get; private set; } = [];

    /// <summary>|r_ij|, Å.</summary>
    public double[] Distance { get; private set; } = [];

    /// <summary>Number of entries of atom i.</summary>
    public int Count(int i) => Start[i + 1] - Start[i];

    /// <summary>Builds the lists of every atom within <paramref name="cutoff"/>, using up to <paramref name="threads"/> threads.</summary>
    public static NepNeighborList Build(ReadOnlySpan<double> positions, Lattice? lattice, double cutoff, int threads) =>
        new NepNeighborList().Rebuild(positions, lattice, cutoff, threads);

    /// <summary>Rebuilds this list for new positions, reusing its storage where it is large enough.</summary>
    public NepNeighborList Rebuild(ReadOnlySpan<double> positions, Lattice? lattice, double cutoff, int threads)
    {
        var cells = new CellGrid(positions, lattice, cutoff);
        int n = positions.Length / 3;
        if (Start.Length < n + 1)
            Start = new int[n + 1];
        var start = Start;
        int workers = Math.Max(1, Math.Min(threads, n / 64 + 1));
        if (workers == 1)
        {
            // One pass, growing the storage when it fills: a counting pass would cost as much as the writing one.
            start[n] = Fill(cells, 0, n, this, start);
            return this;
        }
        // Each worker fills its own reused list for a contiguous range of atoms in one pass; the parts are then
        // copied into place (a copy is cheap next to a second visit of every atom's bins).
        if (_parts is null || _parts.Length < workers)
            Array.Resize(ref _parts, workers);
        var parts = _parts;
        var counts = new int[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var part = parts[w] ??= new NepNeighborList();
            counts[w] = Fill(cells, w * n / workers, (w + 1) * n / workers, part, start);
        });
        int total = 0;
        for (int w = 0; w < workers; w++)
        {
            for (int i = w * n / workers, end = (w + 1) * n / workers; i < end; i++)
                start[i] += total;
            total += counts[w];
        }
        start[n] = total;
        if (Index.Length < total)
            Resize(total + total / 8);
        for (int w = 0, offset = 0; w < workers; offset += counts[w], w++)
        {
            var part = parts[w]!;
            Array.Copy(part.Index, 0, Index, offset, counts[w]);
            Array.Copy(part.X, 0, X, offset, counts[w]);
            Array.Copy(part.Y, 0, Y, offset, counts[w]);
            Array.Copy(part.Z, 0, Z, offset, counts[w]);
            Array.Copy(part.Distance, 0, Distance, offset, counts[w]);
        }
        return this;
    }

    NepNeighborList?[]? _parts;

    // Atoms from ..< to into list from entry 0, their row starts (relative to that list) into start; returns the entries.
    static int Fill(CellGrid cells, int from, int to, NepNeighborList list, int[] start)
    {
        if (list.Index.Length == 0)
            list.Resize(32 * (to - from) + 64);
        int write = 0;
        for (int i = from; i < to; i++)
        {
            start[i] = write;
            write += Visit(cells, i, list, write);
        }
        return write;
    }

    // Grows the storage, keeping what it holds.
    void Resize(int capacity)
    {
        var index = Index;
        var x = X;
        var y = Y;
        var z = Z;
        var distance = Distance;
        Array.Resize(ref index, capacity);
        Array.Resize(ref x, capacity);
        Array.Resize(ref y, capacity);
        Array.Resize(ref z, capacity);
        Array.Resize(ref distance, capacity);
        (Index, X, Y, Z, Distance) = (index, x, y, z, distance);
    }

    /// <summary>
    /// Writes the neighbours of atom i into <paramref name="list"/> from entry <paramref name="write"/> on, growing its
    /// storage when it is full; returns how many.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    static int Visit(CellGrid g, int i, NepNeighborList list, int write)
    {
        int home = g.BinOf[i];
        int h2 = home % g.Bins[2], h1 = home / g.Bins[2] % g.Bins[1], h0 = home / (g.Bins[2] * g.Bins[1]);
        double xi = g.Wrapped[3 * i], yi = g.Wrapped[3 * i + 1], zi = g.Wrapped[3 * i + 2];
        int count = 0;
        double cutSquared = g.Cutoff * g.Cutoff;
        var m = g.Matrix;
        for (int d0 = -g.Reach[0]; d0 <= g.Reach[0]; d0++)
        {
            if (!g.Neighbor(h0 + d0, 0, out int c0, out int s0))
                continue;
            for (int d1 = -g.Reach[1]; d1 <= g.Reach[1]; d1++)
            {
                if (!g.Neighbor(h1 + d1, 1, out int c1, out int s1))
                    continue;
                for (int d2 = -g.Reach[2]; d2 <= g.Reach[2]; d2++)
                {
                    if (!g.Neighbor(h2 + d2, 2, out int c2, out int s2))
                        continue;
                    int bin = (c0 * g.Bins[1] + c1) * g.Bins[2] + c2;
                    bool noShift = s0 == 0 && s1 == 0 && s2 == 0;
                    // Lattice translation of this image: T = s·M.
                    double tx = s0 * m.M00 + s1 * m.M10 + s2 * m.M20 - xi;
                    double ty = s0 * m.M01 + s1 * m.M11 + s2 * m.M21 - yi;
                    double tz = s0 * m.M02 + s1 * m.M12 + s2 * m.M22 - zi;
                    for (int k = g.BinStart[bin], end = g.BinStart[bin + 1]; k < end; k++)
                    {
                        int j = g.Sorted[k];
                        if (noShift && j == i)
                            continue;
                        double x = g.Wrapped[3 * j] + tx, y = g.Wrapped[3 * j + 1] + ty, z = g.Wrapped[3 * j + 2] + tz;
                        double sq = x * x + y * y + z * z;
                        if (sq >= cutSquared)
                            continue;
                        if (write == list.Index.Length)
                            list.Resize(2 * write + 64);
                        list.Index[write] = j;
                        list.X[write] = x;
                        list.Y[write] = y;
                        list.Z[write] = z;
                        list.Distance[write] = Math.Sqrt(sq);
                        write++;
                        count++;
                    }
                }
            }
        }
        return count;
    }
}
