using NepForge.Plotting;
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
    public void PlotPngUsesRsvgConvertOrSaysWhatIsMissing()
    {
        string outPath = _cli.PathOf("thermo.png");
        var (code, _, err) = _cli.Run("plot", "thermo", Fixtures.Path("gpumd/old_08_Silicon_melt/thermo.out"), "-o", outPath);
        if (PngExport.FindConverter() is null)
        {
            Assert.Equal(1, code);
            Assert.Contains("librsvg2-bin", err, StringComparison.Ordinal);
            return;
        }
        Assert.Equal(0, code);
        var bytes = File.ReadAllBytes(outPath);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
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
        if (PngExport.FindConverter() is null)
        {
            Assert.Equal(1, code);
            Assert.Contains("librsvg2-bin", err, StringComparison.Ordinal);
            Assert.False(File.Exists(pdf)); // before: SVG text written under the .pdf name, exit 0
        }
        else
        {
            Assert.Equal(0, code);
            Assert.Equal("%PDF"u8.ToArray(), File.ReadAllBytes(pdf)[..4]);
        }
        (code, _, err) = _cli.Run("plot", "thermo", thermo, "-o", _cli.PathOf("p.jpg"));
        Assert.Equal(2, code);
        Assert.Contains("a plot is written as .svg, .png or .pdf", err, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.PathOf("p.jpg")));
    }
}
