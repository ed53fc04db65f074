using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using NepForge.Plotting;
using SkiaSharp;

namespace NepForge.Tests.Plotting;

/// <summary>PNG and PDF drawn in-process by Skia: no rsvg-convert needed.</summary>
public sealed partial class SkiaExportTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-skia-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Page objects in a PDF (/Type /Page, not /Pages).</summary>
    internal static int PdfPages(byte[] pdf)
    {
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        return PageObject().Count(Encoding.Latin1.GetString(pdf));
    }

    [GeneratedRegex(@"/Type\s*/Page(?![A-Za-z])")]
    private static partial Regex PageObject();

    static string LineChartSvg()
    {
        var c = new Chart { Title = "Force RMSE" };
        c.X.Label = "r (Å)";
        c.Y.Label = "σ (eV/Å)";
        c.Series.Add(new Series("a", SeriesKind.Line, [0, 1, 2, 3], [0, 1, 4, 9]));
        return SvgRenderer.Render(c);
    }

    [Fact]
    public void Skia_loads_and_finds_a_font() => Assert.Null(SkiaExport.WhyUnavailable());

    [Fact]
    public void Png_has_the_signature_and_twice_the_svg_size()
    {
        string svg = LineChartSvg();
        var root = SvgRendererTests.Parse(svg).Root!;
        string path = Path.Combine(_dir, "c.png");
        PngExport.Save(svg, path);
        var (w, h) = PngSize(File.ReadAllBytes(path));
        Assert.Equal(2 * (int)root.Attribute("width")!, w);
        Assert.Equal(2 * (int)root.Attribute("height")!, h);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_dir).Select(Path.GetFileName)); // no temp left
    }

    [Fact]
    public void Text_is_drawn_greek_letters_and_angstrom_included()
    {
        // Only text on a white page: if no font is found, Skia draws nothing and every pixel stays white.
        const string svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="20">
            <text x="4" y="28">σ Å Δ</text></svg>
            """;
        string path = Path.Combine(_dir, "t.png");
        PngExport.Save(svg, path);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((240, 80), (bitmap.Width, bitmap.Height));
        int dark = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                dark += bitmap.GetPixel(x, y).Red < 128 ? 1 : 0;
        Assert.InRange(dark, 200, 240 * 80 / 2); // glyph ink, not an empty or black page
        Assert.Equal(SKColors.White, bitmap.GetPixel(1, 1)); // white background, not transparent
    }

    [Fact]
    public void Pdf_has_one_page()
    {
        string path = Path.Combine(_dir, "c.pdf");
        PngExport.Save(LineChartSvg(), path);
        Assert.Equal(1, PdfPages(File.ReadAllBytes(path)));
    }
}
