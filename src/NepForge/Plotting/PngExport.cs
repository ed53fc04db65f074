using NepForge.Scheduling;

namespace NepForge.Plotting;

/// <summary>
/// Plot files by their name: SVG as drawn, PNG and PDF rendered in-process with SkiaSharp (<see cref="SkiaExport"/>).
/// librsvg's <c>rsvg-convert</c> is only the fallback where Skia cannot load or finds no font.
/// </summary>
public static class PngExport
{
    /// <summary>The fallback's install hint, when neither Skia nor rsvg-convert can draw.</summary>
    public const string MissingMessage = "rsvg-convert, the fallback, is not installed (Debian/Ubuntu: apt install librsvg2-bin; macOS: brew install librsvg); write .svg instead";

    /// <summary>Full path of rsvg-convert on PATH, or null.</summary>
    public static string? FindConverter()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string p = Path.Combine(dir, "rsvg-convert");
            if (File.Exists(p))
                return p;
        }
        return null;
    }

    /// <summary>The file kinds a plot is written as, by the name's extension (anything else is refused by name).</summary>
    public static readonly string[] Extensions = [".svg", ".png", ".pdf"];

    /// <summary>The plot format of <paramref name="path"/> ("svg", "png", "pdf"), or null for a name that is none of them.</summary>
    public static string? FormatOf(string path) =>
        Extensions.FirstOrDefault(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase))?[1..];

    /// <summary>Converts an SVG file to PNG (white background) with rsvg-convert; throws with <see cref="MissingMessage"/> when it is absent.</summary>
    public static void Convert(string svgPath, string pngPath, ICommandRunner? runner = null) => Convert(svgPath, pngPath, "png", runner);

    /// <summary>Converts an SVG file to PNG or PDF (<paramref name="format"/>) with rsvg-convert.</summary>
    public static void Convert(string svgPath, string outPath, string format, ICommandRunner? runner = null)
    {
        string exe = FindConverter() ?? throw new InvalidOperationException(MissingMessage);
        string tmp = outPath + ".tmp." + format;
        var r = (runner ?? new ProcessCommandRunner()).Run(exe, ["-f", format, "-b", "white", "-o", tmp, svgPath], null, TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0 || !File.Exists(tmp))
        {
            if (File.Exists(tmp))
                File.Delete(tmp);
            throw new InvalidOperationException($"rsvg-convert failed (exit {r.ExitCode}): {r.AllText.Trim()}");
        }
        File.Move(tmp, outPath, overwrite: true);
    }

    /// <summary>
    /// Writes <paramref name="svg"/> to <paramref name="path"/> in the format its name says: .svg as it is, .png
    /// (2× scale) or .pdf drawn by Skia, else by rsvg-convert. Any other name is refused (never SVG under another format's name).
    /// </summary>
    public static void Save(string svg, string path)
    {
        string format = FormatOf(path) ?? throw new ArgumentException(
            $"'{path}': a plot is written as .svg, .png or .pdf; name the output with one of these extensions");
        if (format == "svg")
        {
            IO.AtomicFile.WriteAllText(path, svg);
            return;
        }
        string? whySkiaCannot = SkiaExport.WhyUnavailable();
        if (whySkiaCannot is null)
        {
            IO.AtomicFile.Write(path, s =>
            {
                if (format == "png")
                    SkiaExport.WritePng(svg, s);
                else
                    SkiaExport.WritePdf(svg, s);
            });
            return;
        }
        if (FindConverter() is null)
            throw new InvalidOperationException($"cannot write {format.ToUpperInvariant()}: {whySkiaCannot}; {MissingMessage}");
        string svgTmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.svg");
        try
        {
            File.WriteAllText(svgTmp, svg);
            Convert(svgTmp, path, format);
        }
        finally
        {
            File.Delete(svgTmp);
        }
    }
}
