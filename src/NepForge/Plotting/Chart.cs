namespace NepForge.Plotting;

/// <summary>An axis: label, linear or log scale, and an optional fixed range (else fitted to the data).</summary>
public sealed class AxisSpec
{
    /// <summary>Axis title, with its unit.</summary>
    public string Label { get; set; } = "";

    /// <summary>Logarithmic (base 10); values ≤ 0 are left out.</summary>
    public bool Log { get; set; }

    /// <summary>Fixed lower end, or null to fit the data.</summary>
    public double? Min { get; set; }

    /// <summary>Fixed upper end, or null to fit the data.</summary>
    public double? Max { get; set; }
}

/// <summary>What a series draws.</summary>
public enum SeriesKind
{
    /// <summary>Points joined by a line.</summary>
    Line,

    /// <summary>Separate markers.</summary>
    Scatter,

    /// <summary>Bars: X holds the bin edges (one more than Y), Y the heights.</summary>
    Histogram,
}

/// <summary>One data series of a chart.</summary>
public sealed record Series(string Label, SeriesKind Kind, double[] X, double[] Y)
{
    /// <summary>Colour (CSS), or null for the next palette colour.</summary>
    public string? Color { get; init; }

    /// <summary>Dashed line.</summary>
    public bool Dashed { get; init; }
}

/// <summary>A 2-D histogram drawn as shaded cells (log colour scale): a parity plot of 10⁶ force components stays small.</summary>
public sealed record DensityGrid(double XMin, double XMax, double YMin, double YMax, int[,] Counts)
{
    /// <summary>Bins a set of points on an <paramref name="bins"/>×<paramref name="bins"/> grid over the given range.</summary>
    public static DensityGrid From(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double min, double max, int bins = 100)
    {
        var c = new int[bins, bins];
        double w = (max - min) / bins;
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                continue;
            int bx = (int)((x[i] - min) / w), by = (int)((y[i] - min) / w);
            if (bx >= 0 && by >= 0 && bx <= bins && by <= bins)
                c[Math.Min(bx, bins - 1), Math.Min(by, bins - 1)]++;
        }
        return new DensityGrid(min, max, min, max, c);
    }
}

/// <summary>
/// One panel: axes, series, an optional density layer, a y = x reference line and text notes (RMSE, R²).
/// Rendered by <see cref="SvgRenderer"/>.
/// </summary>
public sealed class Chart
{
    /// <summary>Panel title.</summary>
    public string Title { get; set; } = "";

    /// <summary>The horizontal axis.</summary>
    public AxisSpec X { get; } = new();

    /// <summary>The vertical axis.</summary>
    public AxisSpec Y { get; } = new();

    /// <summary>The series, drawn in order.</summary>
    public List<Series> Series { get; } = [];

    /// <summary>A density layer under the series, or null.</summary>
    public DensityGrid? Density { get; set; }

    /// <summary>Draw the diagonal y = x (parity plots).</summary>
    public bool Diagonal { get; set; }

    /// <summary>Lines of text in the upper left corner.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Show a legend (when there is more than one labelled series).</summary>
    public bool Legend { get; set; } = true;
}

/// <summary>Several charts in a grid of panels, rendered to one SVG.</summary>
public sealed class Figure
{
    /// <summary>Creates a figure with <paramref name="columns"/> panels per row.</summary>
    public Figure(int columns = 1) => Columns = Math.Max(1, columns);

    /// <summary>Panels per row.</summary>
    public int Columns { get; }

    /// <summary>The panels, row by row.</summary>
    public List<Chart> Charts { get; } = [];

    /// <summary>Width of one panel, px.</summary>
    public int PanelWidth { get; set; } = 520;

    /// <summary>Height of one panel, px.</summary>
    public int PanelHeight { get; set; } = 400;

    /// <summary>Figure title above the panels, or empty.</summary>
    public string Title { get; set; } = "";
}
