namespace NepForge.Training;

/// <summary>Error measures of predictions against targets, over the pairs where both are finite.</summary>
public readonly record struct ParityStatistics(int Count, double Rmse, double Mae, double R2, double MaxAbs)
{
    /// <summary>Computes the statistics; NaN targets (nep's "missing") are left out.</summary>
    public static ParityStatistics Of(ReadOnlySpan<double> predicted, ReadOnlySpan<double> target)
    {
        if (predicted.Length != target.Length)
            throw new ArgumentException($"{predicted.Length} predictions but {target.Length} targets");
        int n = 0;
        double sumT = 0;
        for (int i = 0; i < target.Length; i++)
        {
            if (double.IsFinite(predicted[i]) && double.IsFinite(target[i]))
            {
                n++;
                sumT += target[i];
            }
        }
        if (n == 0)
            return new ParityStatistics(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = sumT / n, ssRes = 0, ssTot = 0, abs = 0, max = 0;
        for (int i = 0; i < target.Length; i++)
        {
            if (!double.IsFinite(predicted[i]) || !double.IsFinite(target[i]))
                continue;
            double e = predicted[i] - target[i];
            ssRes += e * e;
            abs += Math.Abs(e);
            max = Math.Max(max, Math.Abs(e));
            ssTot += (target[i] - mean) * (target[i] - mean);
        }
        return new ParityStatistics(n, Math.Sqrt(ssRes / n), abs / n, ssTot > 0 ? 1 - (ssRes / ssTot) : double.NaN, max);
    }
}
