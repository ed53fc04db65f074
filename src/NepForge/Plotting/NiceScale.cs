namespace NepForge.Plotting;

/// <summary>
/// Axis ranges and tick positions at "nice" numbers (1, 2, 5 × 10ⁿ), after Heckbert, "Nice numbers for graph
/// labels", Graphics Gems (1990): the range is rounded to a nice number, the tick spacing to a nice fraction of it,
/// and the axis is widened to whole multiples of the spacing.
/// </summary>
internal static class NiceScale
{
    /// <summary>A nice number near <paramref name="x"/> (&gt; 0): rounded to the nearest when <paramref name="round"/>, else the next above.</summary>
    public static double NiceNumber(double x, bool round)
    {
        if (!(x > 0) || !double.IsFinite(x))
            throw new ArgumentOutOfRangeException(nameof(x), x, "must be positive and finite");
        double exp = Math.Floor(Math.Log10(x));
        double f = x / Math.Pow(10, exp);
        double nf = round
            ? f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
            : f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nf * Math.Pow(10, exp);
    }

    /// <summary>
    /// Linear ticks covering [<paramref name="min"/>, <paramref name="max"/>] with about <paramref name="maxTicks"/>
    /// ticks: returns the widened range and the tick values. A zero-width range is widened around its value.
    /// </summary>
    public static (double Min, double Max, double Step, double[] Ticks) Linear(double min, double max, int maxTicks = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException("axis range must be finite");
        if (min > max)
            (min, max) = (max, min);
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double range = NiceNumber(max - min, false);
        double step = NiceNumber(range / Math.Max(1, maxTicks - 1), true);
        double lo = Math.Floor(min / step) * step;
        double hi = Math.Ceiling(max / step) * step;
        int n = (int)Math.Round((hi - lo) / step) + 1;
        var ticks = new double[n];
        for (int i = 0; i < n; i++)
        {
            double t = lo + (i * step);
            ticks[i] = Math.Abs(t) < step * 1e-9 ? 0 : t; // no "-0" or 1e-17 labels
        }
        return (lo, hi, step, ticks);
    }

    /// <summary>
    /// Log-axis ticks: the decades 10ⁿ spanning [<paramref name="min"/>, <paramref name="max"/>] (both &gt; 0), every
    /// k-th decade when there are more than <paramref name="maxTicks"/>.
    /// </summary>
    public static (double Min, double Max, double[] Ticks) Log(double min, double max, int maxTicks = 8)
    {
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException("a log axis needs a positive, finite range");
        if (min > max)
            (min, max) = (max, min);
        int lo = (int)Math.Floor(Math.Log10(min) + 1e-9);
        int hi = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (hi == lo)
            hi = lo + 1;
        int every = Math.Max(1, (int)Math.Ceiling((hi - lo + 1) / (double)maxTicks));
        var ticks = new List<double>();
        for (int e = lo; e <= hi; e += every)
            ticks.Add(Math.Pow(10, e));
        return (Math.Pow(10, lo), Math.Pow(10, hi), [.. ticks]);
    }

    /// <summary>
    /// A log axis fitted to the data (3 % of the span added at each end, in log space) instead of widened to whole
    /// decades, so that 100…20000 does not run to 10⁵. Ticks are the decades inside; when fewer than two fall
    /// inside, 1-2-5 steps are used.
    /// </summary>
    public static (double Min, double Max, double[] Ticks) LogTight(double min, double max)
    {
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException("a log axis needs a positive, finite range");
        if (min > max)
            (min, max) = (max, min);
        double a = Math.Log10(min), b = Math.Log10(max);
        double pad = Math.Max((b - a) * 0.03, 0.05);
        double lo = Math.Pow(10, a - pad), hi = Math.Pow(10, b + pad);
        var decades = Log(lo, hi).Ticks.Where(t => t >= lo && t <= hi).ToArray();
        if (decades.Length >= 2)
            return (lo, hi, decades);
        var ticks = new List<double>();
        for (int e = (int)Math.Floor(a - pad) - 1; e <= (int)Math.Ceiling(b + pad); e++)
        {
            foreach (double m in new[] { 1.0, 2.0, 5.0 })
            {
                double t = m * Math.Pow(10, e);
                if (t >= lo && t <= hi)
                    ticks.Add(t);
            }
        }
        return (lo, hi, [.. ticks]);
    }

    /// <summary>The smallest 1, 2 or 5 × 10ᵏ at or above <paramref name="value"/> (&gt; 0).</summary>
    public static double NextLogTick(double value)
    {
        int e = (int)Math.Floor(Math.Log10(value) + 1e-9);
        foreach (double m in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            double t = m * Math.Pow(10, e);
            if (t >= value * (1 - 1e-9))
                return t;
        }
        return 10 * Math.Pow(10, e);
    }

    /// <summary>A tick label with as many decimals as <paramref name="step"/> needs (no float noise such as 0.30000000000000004).</summary>
    public static string Label(double value, double step)
    {
        if (value == 0)
            return "0";
        double a = Math.Abs(value);
        if (a >= 1e6 || a < 1e-4)
            return value.ToString("0.##E+0", System.Globalization.CultureInfo.InvariantCulture);
        int decimals = step > 0 ? Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9)) : 3;
        return value.ToString("F" + Math.Min(decimals, 10), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A log-axis label: written out from 0.001 to 10⁴ (1, 2 and 5 steps too), as 1e±n / 2e±n beyond.</summary>
    public static string LogLabel(double value)
    {
        int e = (int)Math.Floor(Math.Log10(value) + 1e-9);
        double mantissa = Math.Round(value / Math.Pow(10, e), 6);
        return e is >= -3 and <= 4
            ? value.ToString(e < 0 ? "0.####" : "0", System.Globalization.CultureInfo.InvariantCulture)
            : mantissa == 1 ? $"1e{e}" : $"{mantissa.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}e{e}";
    }
}
