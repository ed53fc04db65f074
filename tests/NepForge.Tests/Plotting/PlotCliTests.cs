using NepForge.Tests.Cli;
using static NepForge.Tests.Plotting.SvgRendererTests;

namespace NepForge.Tests.Plotting;

public sealed class PlotCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [FixtureFact]
    public void PlotLossWritesSvg()
    {
        string outPath = _cli.PathOf("loss.svg");
        var (code, _, err) = _cli.Run("plot", "loss", Fixtures.Path("gpumd/nep_train/loss.out"), "-o", outPath);
        Assert.Equal(0, code);
        Assert.Contains("loss.svg", err, StringComparison.Ordinal);
        Assert.Equal(2, ByClass(Parse(File.ReadAllText(outPath)), "panel").Count());
    }

    [FixtureFact]
    public void PlotPngIsDrawnInProcessAtTwiceTheSvgSize()
    {
        string thermo = Fixtures.Path("gpumd/old_08_Silicon_melt/thermo.out");
        string svgPath = _cli.PathOf("thermo.svg");
        Assert.Equal(0, _cli.Run("plot", "thermo", thermo, "-o", svgPath).Code);
        var root = Parse(File.ReadAllText(svgPath)).Root!;
        File.Delete(svgPath);
        string outPath = _cli.PathOf("thermo.png");
        var (code, _, err) = _cli.Run("plot", "thermo", thermo, "-o", outPath);
        Assert.Equal(0, code);
        Assert.Contains("thermo.png", err, StringComparison.Ordinal);
        var (w, h) = SkiaExportTests.PngSize(File.ReadAllBytes(outPath));
        Assert.Equal(2 * (int)root.Attribute("width")!, w);
        Assert.Equal(2 * (int)root.Attribute("height")!, h);
        Assert.Empty(Directory.GetFiles(_cli.Dir, "*.svg"));
    }

    [FixtureFact]
    public void PlotParityOnFolderWithoutFilesFails()
    {
        var (code, _, err) = _cli.Run("plot", "parity", _cli.Dir, "-o", _cli.PathOf("p.svg"));
        Assert.Equal(1, code);
        Assert.Contains("no *_train.out file with target values", err, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void A_pdf_is_a_pdf_and_other_names_are_refused_before_any_work()
    {
        string thermo = Fixtures.Path("gpumd/old_08_Silicon_melt/thermo.out");
        string pdf = _cli.PathOf("p.pdf");
        var (code, _, err) = _cli.Run("plot", "thermo", thermo, "-o", pdf);
        Assert.Equal(0, code);
        Assert.Contains("p.pdf", err, StringComparison.Ordinal);
        Assert.Equal(1, SkiaExportTests.PdfPages(File.ReadAllBytes(pdf)));
        (code, _, err) = _cli.Run("plot", "thermo", thermo, "-o", _cli.PathOf("p.jpg"));
        Assert.Equal(2, code);
        Assert.Contains("a plot is written as .svg, .png or .pdf", err, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.PathOf("p.jpg")));
    }
}
