using System.Globalization;
using System.Text;

namespace NepForge.Plotting;

/// <summary>
/// Draws <see cref="Chart"/>s and <see cref="Figure"/>s as standalone SVG 1.1: a framed plot area, ticks at nice
/// numbers with labels and light grid lines, log axes with decade ticks, lines, markers, bars, a log-shaded density
/// layer, a legend and notes. Elements carry classes (<c>axis x</c>, <c>tick</c>, <c>series line</c>, <c>legend</c>…)
/// so that tests and CSS can find them.
/// </summary>
public static class SvgRenderer
{
    /// <summary>Colour-blind-safe palette (Okabe and Ito).</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

    const int Left = 78, Right = 34, Top = 36, Bottom = 56;
    const string Font = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

    /// <summary>One chart as an SVG document.</summary>
    public static string Render(Chart chart, int width = 560, int height = 420)
    {
        var fig = new Figure(1) { PanelWidth = width, PanelHeight = height };
        fig.Charts.Add(chart);
        return Render(fig);
    }

    /// <summary>A figure (grid of panels) as an SVG document.</summary>
    public static string Render(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        int cols = Math.Min(figure.Columns, Math.Max(1, figure.Charts.Count));
        int rows = Math.Max(1, (figure.Charts.Count + cols - 1) / cols);
        int titleH = figure.Title.Length > 0 ? 30 : 0;
        int w = cols * figure.PanelWidth, h = (rows * figure.PanelHeight) + titleH;
        // Clip-path ids must be unique in an HTML page that holds several figures.
        long document = Interlocked.Increment(ref _documents);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" {Font} font-size=\"13\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n");
        if (titleH > 0)
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"figure-title\" x=\"{w / 2}\" y=\"21\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{Esc(figure.Title)}</text>\n");
        for (int i = 0; i < figure.Charts.Count; i++)
        {
            int x0 = i % cols * figure.PanelWidth, y0 = (i / cols * figure.PanelHeight) + titleH;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"panel\" transform=\"translate({x0},{y0})\">\n");
            Panel(sb, figure.Charts[i], figure.PanelWidth, figure.PanelHeight, $"clip{document}-{i}");
            sb.Append("</g>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    sealed class Scale(double min, double max, bool log, double p0, double p1)
    {
        public double Min { get; } = min;

        public double Max { get; } = max;

        public bool Log { get; } = log;

        public double Map(double v)
        {
            double a = Log ? Math.Log10(Min) : Min, b = Log ? Math.Log10(Max) : Max;
            double t = ((Log ? Math.Log10(v) : v) - a) / (b - a);
            return p0 + (t * (p1 - p0));
        }

        public bool Valid(double v) => double.IsFinite(v) && (!Log || v > 0);
    }

    static long _documents;

    static void Panel(StringBuilder sb, Chart c, int width, int height, string clip)
    {
        double px0 = Left, px1 = width - Right, py0 = height - Bottom, py1 = Top;
        var (xMin, xMax, xTicks, xStep) = Range(c, c.X, horizontal: true);
        var (yMin, yMax, yTicks, yStep) = Range(c, c.Y, horizontal: false);
        var xs = new Scale(xMin, xMax, c.X.Log, px0, px1);
        var ys = new Scale(yMin, yMax, c.Y.Log, py0, py1);
        sb.Append(CultureInfo.InvariantCulture, $"<defs><clipPath id=\"{clip}\"><rect x=\"{F(px0)}\" y=\"{F(py1)}\" width=\"{F(px1 - px0)}\" height=\"{F(py0 - py1)}\"/></clipPath></defs>\n");
        if (c.Title.Length > 0)
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"title\" x=\"{F((px0 + px1) / 2)}\" y=\"{Top - 12}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Esc(c.Title)}</text>\n");

        // Grid and ticks.
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"axis x\" data-scale=\"{(c.X.Log ? "log" : "linear")}\">\n");
        foreach (double t in xTicks)
        {
            double p = xs.Map(t);
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"tick\"><line x1=\"{F(p)}\" y1=\"{F(py1)}\" x2=\"{F(p)}\" y2=\"{F(py0)}\" stroke=\"#e3e3e3\"/><line x1=\"{F(p)}\" y1=\"{F(py0)}\" x2=\"{F(p)}\" y2=\"{F(py0 + 5)}\" stroke=\"black\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(p)}\" y=\"{F(py0 + 19)}\" text-anchor=\"middle\">{Esc(TickLabel(t, xStep, c.X.Log))}</text></g>\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{F((px0 + px1) / 2)}\" y=\"{height - 12}\" text-anchor=\"middle\">{Esc(c.X.Label)}</text>\n</g>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"axis y\" data-scale=\"{(c.Y.Log ? "log" : "linear")}\">\n");
        foreach (double t in yTicks)
        {
            double p = ys.Map(t);
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"tick\"><line x1=\"{F(px0)}\" y1=\"{F(p)}\" x2=\"{F(px1)}\" y2=\"{F(p)}\" stroke=\"#e3e3e3\"/><line x1=\"{F(px0 - 5)}\" y1=\"{F(p)}\" x2=\"{F(px0)}\" y2=\"{F(p)}\" stroke=\"black\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(px0 - 8)}\" y=\"{F(p + 4.5)}\" text-anchor=\"end\">{Esc(TickLabel(t, yStep, c.Y.Log))}</text></g>\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" transform=\"translate(16,{F((py0 + py1) / 2)}) rotate(-90)\" text-anchor=\"middle\">{Esc(c.Y.Label)}</text>\n</g>\n");

        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"data\" clip-path=\"url(#{clip})\">\n");
        if (c.Density is { } d)
            DensityLayer(sb, d, xs, ys);
        if (c.Diagonal)
        {
            double lo = Math.Max(xMin, yMin), hi = Math.Min(xMax, yMax);
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"diagonal\" x1=\"{F(xs.Map(lo))}\" y1=\"{F(ys.Map(lo))}\" x2=\"{F(xs.Map(hi))}\" y2=\"{F(ys.Map(hi))}\" stroke=\"#777\" stroke-dasharray=\"5,4\"/>\n");
        }
        for (int i = 0; i < c.Series.Count; i++)
            SeriesLayer(sb, c.Series[i], SeriesColor(c.Series[i], i), xs, ys);
        sb.Append("</g>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"frame\" x=\"{F(px0)}\" y=\"{F(py1)}\" width=\"{F(px1 - px0)}\" height=\"{F(py0 - py1)}\" fill=\"none\" stroke=\"black\"/>\n");

        if (c.Notes.Count > 0)
        {
            sb.Append("<g class=\"notes\">");
            for (int i = 0; i < c.Notes.Count; i++)
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(px0 + 8)}\" y=\"{F(py1 + 18 + (i * 17))}\">{Esc(c.Notes[i])}</text>");
            sb.Append("</g>\n");
        }
        var labelled = c.Series.Select((s, i) => (s, i)).Where(p => p.s.Label.Length > 0).ToList();
        if (c.Legend && labelled.Count > 1)
        {
            int lw = (labelled.Max(p => p.s.Label.Length) * 8) + 40;
            int lh = (labelled.Count * 18) + 8;
            var (lx, ly) = LegendCorner(c, xs, ys, (px0, px1, py0, py1), lw, lh);
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"legend\"><rect x=\"{F(lx)}\" y=\"{F(ly)}\" width=\"{lw}\" height=\"{lh}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n");
            for (int k = 0; k < labelled.Count; k++)
            {
                var (s, i) = labelled[k];
                double y = ly + 16 + (k * 18);
                string col = SeriesColor(s, i);
                string mark = s.Kind == SeriesKind.Scatter
                    ? $"<circle cx=\"{F(lx + 18)}\" cy=\"{F(y - 4)}\" r=\"3.5\" fill=\"{col}\"/>"
                    : s.Kind == SeriesKind.Histogram
                        ? $"<rect x=\"{F(lx + 10)}\" y=\"{F(y - 10)}\" width=\"16\" height=\"10\" fill=\"{col}\" fill-opacity=\"0.5\" stroke=\"{col}\"/>"
                        : $"<line x1=\"{F(lx + 8)}\" y1=\"{F(y - 4)}\" x2=\"{F(lx + 28)}\" y2=\"{F(y - 4)}\" stroke=\"{col}\" stroke-width=\"2\"{(s.Dashed ? " stroke-dasharray=\"6,4\"" : "")}/>";
                sb.Append(CultureInfo.InvariantCulture, $"<g class=\"entry\">{mark}<text x=\"{F(lx + 34)}\" y=\"{F(y)}\">{Esc(s.Label)}</text></g>\n");
            }
            sb.Append("</g>\n");
        }
    }

    // The corner whose legend box would hide the fewest data points (top left is taken by the notes, if any).
    static (double X, double Y) LegendCorner(Chart c, Scale xs, Scale ys, (double X0, double X1, double Y0, double Y1) area, int w, int h)
    {
        var corners = new List<(double X, double Y)> { (area.X1 - w - 8, area.Y1 + 8), (area.X1 - w - 8, area.Y0 - h - 8), (area.X0 + 8, area.Y0 - h - 8) };
        if (c.Notes.Count == 0)
            corners.Add((area.X0 + 8, area.Y1 + 8));
        var hidden = new int[corners.Count];
        foreach (var s in c.Series)
        {
            int n = Math.Min(s.X.Length, s.Y.Length);
            int step = Math.Max(1, n / 2000);
            for (int i = 0; i < n; i += step)
            {
                if (!xs.Valid(s.X[i]) || !ys.Valid(s.Y[i]))
                    continue;
                double px = xs.Map(s.X[i]), py = ys.Map(s.Y[i]);
                for (int k = 0; k < corners.Count; k++)
                {
                    if (px >= corners[k].X - 4 && px <= corners[k].X + w + 4 && py >= corners[k].Y - 4 && py <= corners[k].Y + h + 4)
                        hidden[k]++;
                }
            }
        }
        int best = 0;
        for (int k = 1; k < corners.Count; k++)
        {
            if (hidden[k] < hidden[best])
                best = k;
        }
        return corners[best];
    }

    static string SeriesColor(Series s, int i) => s.Color ?? Palette[i % Palette.Count];

    static void SeriesLayer(StringBuilder sb, Series s, string color, Scale xs, Scale ys)
    {
        string kind = s.Kind.ToString().ToLowerInvariant();
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"series {kind}\" data-label=\"{Esc(s.Label)}\" data-points=\"{s.Y.Length}\">");
        switch (s.Kind)
        {
            case SeriesKind.Line:
                {
                    var path = new StringBuilder();
                    bool pen = false;
                    for (int i = 0; i < s.X.Length && i < s.Y.Length; i++)
                    {
                        if (!xs.Valid(s.X[i]) || !ys.Valid(s.Y[i]))
                        {
                            pen = false; // a gap, not a line through a missing value
                            continue;
                        }
                        path.Append(pen ? 'L' : 'M').Append(F(xs.Map(s.X[i]))).Append(',').Append(F(ys.Map(s.Y[i])));
                        pen = true;
                    }
                    sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" stroke-linejoin=\"round\"{(s.Dashed ? " stroke-dasharray=\"6,4\"" : "")}/>");
                    break;
                }
            case SeriesKind.Scatter:
                for (int i = 0; i < s.X.Length && i < s.Y.Length; i++)
                {
                    if (xs.Valid(s.X[i]) && ys.Valid(s.Y[i]))
                        sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(xs.Map(s.X[i]))}\" cy=\"{F(ys.Map(s.Y[i]))}\" r=\"2.6\" fill=\"{color}\" fill-opacity=\"0.65\"/>");
                }
                break;
            case SeriesKind.Histogram:
                for (int i = 0; i < s.Y.Length && i + 1 < s.X.Length; i++)
                {
                    double y0 = ys.Log ? ys.Min : Math.Max(0, ys.Min);
                    if (!ys.Valid(s.Y[i]) || s.Y[i] <= (ys.Log ? 0 : y0) || !xs.Valid(s.X[i]) || !xs.Valid(s.X[i + 1]))
                        continue;
                    double a = xs.Map(s.X[i]), b = xs.Map(s.X[i + 1]), top = ys.Map(s.Y[i]), bottom = ys.Map(y0);
                    sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(a)}\" y=\"{F(top)}\" width=\"{F(Math.Max(0.5, b - a))}\" height=\"{F(bottom - top)}\" fill=\"{color}\" fill-opacity=\"0.5\" stroke=\"{color}\" stroke-width=\"0.6\"/>");
                }
                break;
        }
        sb.Append("</g>\n");
    }

    static void DensityLayer(StringBuilder sb, DensityGrid d, Scale xs, Scale ys)
    {
        int nx = d.Counts.GetLength(0), ny = d.Counts.GetLength(1);
        int max = 0;
        foreach (int v in d.Counts)
            max = Math.Max(max, v);
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"density\" data-max=\"{max}\">");
        if (max == 0)
        {
            sb.Append("</g>\n");
            return;
        }
        double wx = (d.XMax - d.XMin) / nx, wy = (d.YMax - d.YMin) / ny;
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                int n = d.Counts[i, j];
                if (n == 0)
                    continue;
                double t = max == 1 ? 1 : Math.Log(n) / Math.Log(max);
                double x0 = xs.Map(d.XMin + (i * wx)), x1 = xs.Map(d.XMin + ((i + 1) * wx));
                double y0 = ys.Map(d.YMin + (j * wy)), y1 = ys.Map(d.YMin + ((j + 1) * wy));
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x0)}\" y=\"{F(y1)}\" width=\"{F(x1 - x0 + 0.3)}\" height=\"{F(y0 - y1 + 0.3)}\" fill=\"{Viridis(t)}\"/>");
            }
        }
        sb.Append("</g>\n");
    }

    /// <summary>A colour on a viridis-like ramp, <paramref name="t"/> in [0, 1].</summary>
    public static string Viridis(double t)
    {
        ReadOnlySpan<(double R, double G, double B)> stops =
        [
            (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
        ];
        t = Math.Clamp(t, 0, 1) * (stops.Length - 1);
        int k = Math.Min((int)t, stops.Length - 2);
        double f = t - k;
        int r = (int)Math.Round(stops[k].R + (f * (stops[k + 1].R - stops[k].R)));
        int g = (int)Math.Round(stops[k].G + (f * (stops[k + 1].G - stops[k].G)));
        int b = (int)Math.Round(stops[k].B + (f * (stops[k + 1].B - stops[k].B)));
        return $"#{r:X2}{g:X2}{b:X2}";
    }

    static (double Min, double Max, double[] Ticks, double Step) Range(Chart c, AxisSpec axis, bool horizontal)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        void Take(double v)
        {
            if (double.IsFinite(v) && (!axis.Log || v > 0))
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }
        foreach (var s in c.Series)
        {
            foreach (double v in horizontal ? s.X : s.Y)
                Take(v);
            if (!horizontal && s.Kind == SeriesKind.Histogram)
                Take(axis.Log ? 0.5 : 0); // bars of height 1 must show on a log axis
        }
        if (c.Density is { } d)
        {
            Take(horizontal ? d.XMin : d.YMin);
            Take(horizontal ? d.XMax : d.YMax);
        }
        if (axis.Min is { } fixedLo)
            lo = fixedLo;
        if (axis.Max is { } fixedHi)
            hi = fixedHi;
        if (!double.IsFinite(lo) || !double.IsFinite(hi))
            (lo, hi) = axis.Log ? (1, 10) : (0, 1);
        if (axis.Log)
        {
            // A count axis (histogram bars) ends at a labelled 1-2-5 tick at or above the tallest bar: on a small set
            // the tight range would stop at a tick below it (bars of 3 under a top label of 2).
            if (!horizontal && axis.Max is null && c.Series.Any(s => s.Kind == SeriesKind.Histogram))
                hi = NiceScale.NextLogTick(hi);
            var (a, b, ticks) = NiceScale.LogTight(lo, hi);
            return (axis.Min ?? a, axis.Max ?? b, [.. ticks.Where(t => t >= (axis.Min ?? a) * 0.999 && t <= (axis.Max ?? b) * 1.001)], 0);
        }
        var (min, max, step, lin) = NiceScale.Linear(lo, hi);
        if (axis.Min is not null || axis.Max is not null)
        {
            // A fixed range keeps its ends; ticks are the nice ones inside it.
            min = axis.Min ?? min;
            max = axis.Max ?? max;
            lin = [.. lin.Where(t => t >= min - (step * 1e-9) && t <= max + (step * 1e-9))];
        }
        return (min, max, lin, step);
    }

    static string TickLabel(double t, double step, bool log) => log ? NiceScale.LogLabel(t) : NiceScale.Label(t, step);

    static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    static string Esc(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
