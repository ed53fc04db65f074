using System.Xml.Linq;
using NepForge.Plotting;
using NepForge.Training;

namespace NepForge.Tests.Plotting;

public sealed class SvgRendererTests
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    internal static XDocument Parse(string svg) => XDocument.Parse(svg);

    internal static IEnumerable<XElement> ByClass(XContainer doc, string cls) =>
        doc.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cls) == true);

    internal static List<string> TickLabels(XContainer panel, string axis) =>
        [.. ByClass(panel, "axis").Where(a => ((string)a.Attribute("class")!).EndsWith(axis, StringComparison.Ordinal))
            .SelectMany(a => ByClass(a, "tick")).Select(t => t.Element(Svg + "text")!.Value)];

    [Fact]
    public void LineChartHasAxesTicksSeriesAndLegend()
    {
        var c = new Chart { Title = "t" };
        c.X.Label = "x (Å)";
        c.Y.Label = "y";
        c.Series.Add(new Series("a", SeriesKind.Line, [0, 1, 2, 3], [0, 1, 4, 9]));
        c.Series.Add(new Series("b & c", SeriesKind.Scatter, [0, 1, 2], [1, 2, double.NaN]));
        var doc = Parse(SvgRenderer.Render(c));
        Assert.Equal(2, ByClass(doc, "axis").Count());
        Assert.Equal(["0", "1", "2", "3"], TickLabels(doc, "x"));
        Assert.Equal(["0", "2", "4", "6", "8", "10"], TickLabels(doc, "y"));
        Assert.Equal(2, ByClass(doc, "series").Count());
        var scatter = Assert.Single(ByClass(doc, "scatter"));
        Assert.Equal(2, scatter.Elements(Svg + "circle").Count()); // the NaN point is not drawn
        Assert.Equal("b & c", (string)scatter.Attribute("data-label")!);
        Assert.Equal(2, ByClass(doc, "entry").Count());
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "x (Å)");
        Assert.All(ByClass(doc, "axis"), a => Assert.Equal("linear", (string)a.Attribute("data-scale")!));
    }

    [Fact]
    public void LogAxisDropsNonPositiveValuesAndBreaksTheLine()
    {
        var c = new Chart();
        c.X.Log = c.Y.Log = true;
        c.Series.Add(new Series("s", SeriesKind.Line, [100, 200, 300, 400, 1000], [0.1, 0.05, 0, 0.02, 0.001]));
        var doc = Parse(SvgRenderer.Render(c));
        Assert.All(ByClass(doc, "axis"), a => Assert.Equal("log", (string)a.Attribute("data-scale")!));
        Assert.Equal(["100", "1000"], TickLabels(doc, "x"));
        Assert.Equal(["0.001", "0.01", "0.1"], TickLabels(doc, "y"));
        string d = (string)Assert.Single(ByClass(doc, "line")).Element(Svg + "path")!.Attribute("d")!;
        Assert.Equal(2, d.Count(ch => ch == 'M')); // the zero splits the line in two
        Assert.Empty(ByClass(doc, "legend")); // one series: no legend
    }

    [Fact]
    public void A_log_count_axis_reaches_a_labelled_tick_above_the_tallest_bar()
    {
        // A small set: bars of 2, 1 and 3. The tight log range used to end at the 1-2-5 tick 2, below the 3.
        var c = new Chart();
        c.Y.Log = true;
        c.Series.Add(DatasetHistogramPlot.Histogram("h", [1, 1, 2, 3, 3, 3], 4));
        var labels = TickLabels(Parse(SvgRenderer.Render(c)), "y");
        Assert.Equal(["0.5", "1", "2", "5"], labels);
        Assert.Equal(5, NiceScale.NextLogTick(3));
        Assert.Equal(10, NiceScale.NextLogTick(10));
        Assert.Equal(200, NiceScale.NextLogTick(101));
    }

    [Fact]
    public void HistogramDrawsOneBarPerNonEmptyBin()
    {
        var s = DatasetHistogramPlot.Histogram("h", [1, 1, 2, 3, 3, 3], 4);
        Assert.Equal([2.0, 0, 1, 3], s.Y); // bins of 0.5 from 1 to 3
        Assert.Equal(5, s.X.Length);
        var c = new Chart();
        c.Series.Add(s);
        var doc = Parse(SvgRenderer.Render(c));
        Assert.Equal(3, Assert.Single(ByClass(doc, "histogram")).Elements(Svg + "rect").Count());
        Assert.Equal("0", TickLabels(doc, "y")[0]); // bars start at zero
    }

    [Fact]
    public void DensityLayerBinsAllPoints()
    {
        var x = Enumerable.Range(0, 50000).Select(i => ((i % 10) / 10.0) + 0.05).ToArray(); // bin centres
        var grid = DensityGrid.From(x, x, 0, 1, 10);
        int total = 0;
        foreach (int n in grid.Counts)
            total += n;
        Assert.Equal(50000, total);
        Assert.Equal(5000, grid.Counts[3, 3]);
        Assert.Equal(0, grid.Counts[3, 4]);
        var c = new Chart { Density = grid, Diagonal = true };
        var doc = Parse(SvgRenderer.Render(c));
        var layer = Assert.Single(ByClass(doc, "density"));
        Assert.Equal("5000", (string)layer.Attribute("data-max")!);
        Assert.Equal(10, layer.Elements(Svg + "rect").Count());
        Assert.Single(ByClass(doc, "diagonal"));
    }

    [Fact]
    public void LegendMovesAwayFromTheData()
    {
        // Two curves along the top of the plot: the legend must not sit in the top right corner.
        var c = new Chart { Title = "t" };
        var x = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        c.Series.Add(new Series("a", SeriesKind.Line, x, [.. x.Select(v => 10 - (0.001 * v))]));
        c.Series.Add(new Series("b", SeriesKind.Line, x, [.. x.Select(_ => 0.0)]));
        c.Series.Add(new Series("c", SeriesKind.Line, x, [.. x.Select(_ => 9.5)]));
        var rect = Assert.Single(ByClass(Parse(SvgRenderer.Render(c, 560, 420)), "legend")).Element(Svg + "rect")!;
        double y = double.Parse((string)rect.Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(y, 150, 420); // lower half
    }

    [Fact]
    public void FigureLaysOutPanelsInAGrid()
    {
        var f = new Figure(2) { Title = "fig", PanelWidth = 300, PanelHeight = 200 };
        for (int i = 0; i < 3; i++)
            f.Charts.Add(new Chart { Title = $"p{i}" });
        var doc = Parse(SvgRenderer.Render(f));
        Assert.Equal("600", (string)doc.Root!.Attribute("width")!);
        Assert.Equal("430", (string)doc.Root!.Attribute("height")!);
        Assert.Equal(["translate(0,30)", "translate(300,30)", "translate(0,230)"], ByClass(doc, "panel").Select(p => (string)p.Attribute("transform")!));
    }

    [Fact]
    public void ParityStatisticsSkipMissingTargets()
    {
        var s = ParityStatistics.Of([1, 2, 3, 100], [1.1, 1.9, 3.0, double.NaN]);
        Assert.Equal(3, s.Count);
        Assert.Equal(Math.Sqrt(0.02 / 3), s.Rmse, 12);
        Assert.Equal(1 - (0.02 / 1.82), s.R2, 12);
        Assert.Equal(0.1, s.MaxAbs, 12);
    }
}
