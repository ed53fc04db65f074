namespace NepForge.Sampling.Selection;

/// <summary>
/// The base (reference) set split into clusters around pivots chosen by greedy k-centre (farthest-point) on the base
/// itself, with rows stored cluster by cluster and each cluster's radius. A candidate's distance to its nearest base
/// row is then found exactly while skipping every cluster that the triangle inequality rules out
/// (|x − p| − r ≥ best so far), instead of scanning all rows.
/// </summary>
internal sealed class BasePivots
{
    BasePivots(FeatureMatrix rows, FeatureMatrix pivots, int[] start, double[] radius)
    {
        Rows = rows;
        Pivots = pivots;
        Start = start;
        Radius = radius;
    }

    /// <summary>Base rows reordered cluster by cluster (cluster c is rows [Start[c], Start[c+1])).</summary>
    public FeatureMatrix Rows { get; }

    /// <summary>The pivot of each cluster (itself a base row).</summary>
    public FeatureMatrix Pivots { get; }

    /// <summary>Cluster offsets into <see cref="Rows"/>, length clusters + 1.</summary>
    public int[] Start { get; }

    /// <summary>Largest distance of a member from its pivot, per cluster.</summary>
    public double[] Radius { get; }

    /// <summary>Number of clusters.</summary>
    public int Count => Pivots.Rows;

    /// <summary>Default pivot count for a base of <paramref name="rows"/> rows: about 2√rows, at most 1024.</summary>
    public static int DefaultCount(int rows) => rows == 0 ? 0 : Math.Clamp((int)(2 * Math.Sqrt(rows)), 1, Math.Min(rows, 1024));

    /// <summary>Builds the clusters (deterministic: the first pivot is row 0, ties go to the lowest row).</summary>
    public static BasePivots Build(FeatureMatrix baseSet, int pivotCount, int threads)
    {
        ArgumentNullException.ThrowIfNull(baseSet);
        int m = baseSet.Rows, dim = baseSet.Dim;
        pivotCount = Math.Clamp(pivotCount, m == 0 ? 0 : 1, m);
        var nearest = new double[m];
        var owner = new int[m];
        var pivotRows = new List<int>(pivotCount);
        Array.Fill(nearest, double.PositiveInfinity);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        int next = 0;
        while (pivotRows.Count < pivotCount)
        {
            int p = next, c = pivotRows.Count;
            pivotRows.Add(p);
            var pivot = baseSet.Data.AsMemory(p * dim, dim);
            ParallelBlocks.For(m, 2048, options, (from, to) =>
            {
                var x = pivot.Span;
                for (int j = from; j < to; j++)
                {
                    double d = SquaredDistance.Of(x, baseSet.Row(j));
                    if (d < nearest[j])
                    {
                        nearest[j] = d;
                        owner[j] = c;
                    }
                }
            });
            next = 0;
            for (int j = 1; j < m; j++)
            {
                if (nearest[j] > nearest[next])
                    next = j;
            }
        }
        int k = pivotRows.Count;
        var start = new int[k + 1];
        foreach (int o in owner)
            start[o + 1]++;
        for (int c = 0; c < k; c++)
            start[c + 1] += start[c];
        var fill = (int[])start.Clone();
        var data = new double[m * dim];
        var radius = new double[k];
        for (int j = 0; j < m; j++)
        {
            int c = owner[j];
            baseSet.Row(j).CopyTo(data.AsSpan(fill[c]++ * dim, dim));
            radius[c] = Math.Max(radius[c], Math.Sqrt(nearest[j]));
        }
        return new BasePivots(new FeatureMatrix(data, m, dim), baseSet.Subset(pivotRows), start, radius);
    }
}
