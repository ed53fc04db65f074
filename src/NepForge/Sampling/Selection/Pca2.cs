namespace NepForge.Sampling.Selection;

/// <summary>
/// The first two principal axes of a set of feature vectors, by power iteration on XᵀX (the covariance matrix is never
/// formed), deterministic start; fitted on at most <c>maxRows</c> evenly spaced rows.
/// </summary>
public sealed class Pca2
{
    Pca2(double[] mean, double[] a, double[] b)
    {
        Mean = mean;
        Axis1 = a;
        Axis2 = b;
    }

    /// <summary>Column means of the fitted rows.</summary>
    public double[] Mean { get; }

    /// <summary>First principal axis (unit).</summary>
    public double[] Axis1 { get; }

    /// <summary>Second principal axis (unit, orthogonal to the first).</summary>
    public double[] Axis2 { get; }

    /// <summary>Fits on the rows of the given matrices together.</summary>
    public static Pca2 Fit(IReadOnlyList<FeatureMatrix> sets, int maxRows = 20000)
    {
        ArgumentNullException.ThrowIfNull(sets);
        int dim = sets[0].Dim;
        var rows = new List<double[]>();
        long total = sets.Sum(s => (long)s.Rows);
        double step = Math.Max(1.0, total / (double)maxRows);
        double next = 0;
        long index = 0;
        foreach (var s in sets)
        {
            for (int i = 0; i < s.Rows; i++, index++)
            {
                if (index >= next)
                {
                    rows.Add(s.Row(i).ToArray());
                    next += step;
                }
            }
        }
        var mean = new double[dim];
        foreach (var r in rows)
        {
            for (int k = 0; k < dim; k++)
                mean[k] += r[k] / rows.Count;
        }
        foreach (var r in rows)
        {
            for (int k = 0; k < dim; k++)
                r[k] -= mean[k];
        }
        var a = Power(rows, dim, null);
        var b = Power(rows, dim, a);
        return new Pca2(mean, a, b);
    }

    /// <summary>Coordinates of each row of <paramref name="m"/> on the two axes.</summary>
    public (double[] X, double[] Y) Project(FeatureMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var x = new double[m.Rows];
        var y = new double[m.Rows];
        for (int i = 0; i < m.Rows; i++)
        {
            var r = m.Row(i);
            for (int k = 0; k < m.Dim; k++)
            {
                double c = r[k] - Mean[k];
                x[i] += c * Axis1[k];
                y[i] += c * Axis2[k];
            }
        }
        return (x, y);
    }

    static double[] Power(List<double[]> rows, int dim, double[]? orthogonalTo)
    {
        var v = new double[dim];
        for (int k = 0; k < dim; k++)
            v[k] = 1.0 / Math.Sqrt(dim) * (1 + 0.01 * k);
        for (int it = 0; it < 200; it++)
        {
            Deflate(v, orthogonalTo);
            var w = new double[dim];
            foreach (var r in rows)
            {
                double p = 0;
                for (int k = 0; k < dim; k++)
                    p += r[k] * v[k];
                for (int k = 0; k < dim; k++)
                    w[k] += p * r[k];
            }
            Deflate(w, orthogonalTo);
            double norm = Math.Sqrt(w.Sum(t => t * t));
            if (norm == 0)
                break;
            double change = 0;
            for (int k = 0; k < dim; k++)
            {
                double t = w[k] / norm;
                change = Math.Max(change, Math.Abs(t - v[k]));
                v[k] = t;
            }
            if (change < 1e-10)
                break;
        }
        return v;
    }

    static void Deflate(double[] v, double[]? axis)
    {
        if (axis is null)
            return;
        double p = 0;
        for (int k = 0; k < v.Length; k++)
            p += v[k] * axis[k];
        for (int k = 0; k < v.Length; k++)
            v[k] -= p * axis[k];
    }
}
