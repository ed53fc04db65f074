namespace NepForge.Sampling.Selection;

/// <summary>
/// Per-feature scale for <c>--normalize</c>: the population std of each column over a reference set (the base; the
/// candidates when there is no base, as NepTrain v3), a std below 1e-12 counting as 1. Centring is left out: it does
/// not change Euclidean distances.
/// </summary>
internal static class FeatureScaling
{
    /// <summary>The std of each column of <paramref name="reference"/> (1 where it is below 1e-12 or there are no rows).</summary>
    public static double[] Spread(FeatureMatrix reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        int n = reference.Rows, dim = reference.Dim;
        var mean = new double[dim];
        var scale = new double[dim];
        for (int i = 0; i < n; i++)
        {
            var r = reference.Row(i);
            for (int k = 0; k < dim; k++)
                mean[k] += r[k];
        }
        for (int k = 0; k < dim; k++)
            mean[k] /= Math.Max(n, 1);
        for (int i = 0; i < n; i++)
        {
            var r = reference.Row(i);
            for (int k = 0; k < dim; k++)
                scale[k] += (r[k] - mean[k]) * (r[k] - mean[k]);
        }
        for (int k = 0; k < dim; k++)
        {
            double s = n == 0 ? 0 : Math.Sqrt(scale[k] / n);
            scale[k] = s < 1e-12 ? 1 : s;
        }
        return scale;
    }

    /// <summary>Divides every row's columns by <paramref name="scale"/> in place.</summary>
    public static void Apply(FeatureMatrix m, ReadOnlySpan<double> scale)
    {
        ArgumentNullException.ThrowIfNull(m);
        for (int i = 0; i < m.Rows; i++)
        {
            var r = m.Data.AsSpan(i * m.Dim, m.Dim);
            for (int k = 0; k < m.Dim; k++)
                r[k] /= scale[k];
        }
    }
}
