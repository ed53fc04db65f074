using System.Runtime.CompilerServices;
using SkiaSharp;
using Svg.Skia;

namespace NepForge.Plotting;

/// <summary>
/// PNG and PDF drawn in-process from NepForge's SVG with Svg.Skia / SkiaSharp. Every Skia type stays inside this
/// class, so SkiaSharp and its native library load only when a PNG or PDF is asked for (never for <c>--version</c>).
/// </summary>
static class SkiaExport
{
    /// <summary>PNG pixels per SVG pixel: 2× keeps lines and text crisp on screens and in slides.</summary>
    public const float PngScale = 2f;

    /// <summary>
    /// Null when Skia can draw text here, else why not: the native library does not load, or no font is found
    /// (Skia would then draw the plot without any text, silently).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? WhyUnavailable()
    {
        try
        {
            return SKFontManager.Default.FontFamilyCount > 0
                ? null
                : "Skia finds no font (install one, e.g. Debian/Ubuntu: apt install fonts-dejavu-core)";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException
                                      or EntryPointNotFoundException or FileNotFoundException or FileLoadException)
        {
            return $"SkiaSharp's native library does not load ({(e.InnerException ?? e).Message.Split('\n')[0].Trim()})";
        }
    }

    /// <summary>Draws <paramref name="svg"/> as a PNG at <see cref="PngScale"/>× its size, on white.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WritePng(string svg, Stream output)
    {
        using var doc = Load(svg);
        var size = doc.Picture!.CullRect;
        var info = new SKImageInfo((int)Math.Ceiling(size.Width * PngScale), (int)Math.Ceiling(size.Height * PngScale));
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"cannot allocate a {info.Width}×{info.Height} image");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        canvas.Scale(PngScale);
        canvas.DrawPicture(doc.Picture);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(output);
    }

    /// <summary>Draws <paramref name="svg"/> as a one-page vector PDF, one SVG pixel to one point (as rsvg-convert does).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WritePdf(string svg, Stream output)
    {
        using var doc = Load(svg);
        var size = doc.Picture!.CullRect;
        var metadata = new SKDocumentPdfMetadata { Creator = "NepForge", Producer = "NepForge (SkiaSharp)" };
        using (var pdf = SKDocument.CreatePdf(output, metadata))
        {
            var canvas = pdf.BeginPage(size.Width, size.Height);
            canvas.Clear(SKColors.White);
            canvas.DrawPicture(doc.Picture);
            pdf.EndPage();
            pdf.Close();
        }
    }

    static SKSvg Load(string svg)
    {
        var doc = new SKSvg();
        if (doc.FromSvg(svg) is null || doc.Picture is null)
        {
            doc.Dispose();
            throw new InvalidOperationException("the plot's SVG could not be drawn by Svg.Skia");
        }
        return doc;
    }
}
