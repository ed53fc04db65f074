namespace NepForge.Sampling.Selection;

/// <summary>A dense row-major matrix of feature vectors: one row per structure, <see cref="Dim"/> columns.</summary>
public sealed class FeatureMatrix
{
    /// <summary>Wraps <paramref name="data"/> (length rows × dim, row-major; not copied).</summary>
    public FeatureMatrix(double[] data, int rows, int dim)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        if ((long)rows * dim != data.Length)
            throw new ArgumentException($"data has {data.Length} values; expected {rows} × {dim}", nameof(data));
        Data = data;
        Rows = rows;
        Dim = dim;
    }

    /// <summary>The values, row-major.</summary>
    public double[] Data { get; }

    /// <summary>Number of rows (structures).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (feature dimension).</summary>
    public int Dim { get; }

    /// <summary>Row <paramref name="i"/>.</summary>
    public ReadOnlySpan<double> Row(int i) => Data.AsSpan(i * Dim, Dim);

    /// <summary>An empty matrix of the given dimension.</summary>
    public static FeatureMatrix Empty(int dim) => new([], 0, dim);

    /// <summary>Stacks rows (all of length <paramref name="dim"/>).</summary>
    public static FeatureMatrix FromRows(IReadOnlyList<double[]> rows, int dim)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var data = new double[rows.Count * dim];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != dim)
                throw new ArgumentException($"row {i} has {rows[i].Length} values; expected {dim}", nameof(rows));
            rows[i].CopyTo(data, i * dim);
        }
        return new FeatureMatrix(data, rows.Count, dim);
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order (a copy).</summary>
    public FeatureMatrix Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var data = new double[indices.Count * Dim];
        for (int k = 0; k < indices.Count; k++)
            Row(indices[k]).CopyTo(data.AsSpan(k * Dim, Dim));
        return new FeatureMatrix(data, indices.Count, Dim);
    }
}
