namespace NepForge.Structures;

/// <summary>One pair of atoms closer than a cutoff: i ≤ j, the vector from i to the image of j, its length.</summary>
public readonly record struct AtomPair(int I, int J, Vec3 Vector, double Distance);

/// <summary>
/// Pairs of atoms within a cutoff through a cell list: O(N) per frame for a fixed density, correct for any triclinic
/// cell, for cells thinner than the cutoff (an atom then meets several images of another, and its own images), and
/// for frames with no cell or with non-periodic axes.
/// </summary>
/// <remarks>
/// Walks the same <see cref="CellGrid"/> as the NEP neighbour lists. Atoms are binned by fractional coordinate; a pair
/// closer than the cutoff differs by at most cutoff / w_a in fractional coordinate a (w_a: distance between opposite
/// faces), hence by at most the grid's reach in bins; searching ±reach bins (with periodic images where the bin index
/// wraps) and keeping j &gt; i (positive shifts for an atom's own images) finds every pair exactly once, however small
/// or skewed the cell.
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
        Visit(new CellGrid(frame.Positions, frame.Lattice, cutoff), visit);
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

    // Each pair once from the shared grid: for atom i, every (j, image) in reach with j > i, and for its own images
    // (j == i) the positive shifts only, since (i, j, s) and (j, i, −s) are the same pair.
    static void Visit(CellGrid g, Action<AtomPair> visit)
    {
        double cutSq = g.Cutoff * g.Cutoff;
        var m = g.Matrix;
        for (int i = 0; i < g.AtomCount; i++)
        {
            int home = g.BinOf[i];
            int h2 = home % g.Bins[2], h1 = home / g.Bins[2] % g.Bins[1], h0 = home / (g.Bins[2] * g.Bins[1]);
            double xi = g.Wrapped[3 * i], yi = g.Wrapped[3 * i + 1], zi = g.Wrapped[3 * i + 2];
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
                        bool positiveShift = s0 > 0 || (s0 == 0 && (s1 > 0 || (s1 == 0 && s2 > 0)));
                        double tx = s0 * m.M00 + s1 * m.M10 + s2 * m.M20 - xi;
                        double ty = s0 * m.M01 + s1 * m.M11 + s2 * m.M21 - yi;
                        double tz = s0 * m.M02 + s1 * m.M12 + s2 * m.M22 - zi;
                        for (int k = g.BinStart[bin], end = g.BinStart[bin + 1]; k < end; k++)
                        {
                            int j = g.Sorted[k];
                            if (j < i || (j == i && !positiveShift))
                                continue;
                            var v = new Vec3(g.Wrapped[3 * j] + tx, g.Wrapped[3 * j + 1] + ty, g.Wrapped[3 * j + 2] + tz);
                            double sq = v.LengthSquared;
                            if (sq < cutSq)
                                visit(new AtomPair(i, j, v, Math.Sqrt(sq)));
                        }
                    }
                }
            }
        }
    }
}
