using NepForge.Scheduling;

namespace NepForge.Plotting;

/// <summary>PNG and PDF output through librsvg's <c>rsvg-convert</c> (Debian/Ubuntu package <c>librsvg2-bin</c>), when installed.</summary>
public static class PngExport
{
    /// <summary>The message when rsvg-convert cannot be found.</summary>
    public const string MissingMessage = "PNG and PDF output need rsvg-convert (Debian/Ubuntu: apt install librsvg2-bin; macOS: brew install librsvg); write .svg instead";

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

    /// <summary>Converts an SVG file to PNG (white background); throws with <see cref="MissingMessage"/> when rsvg-convert is absent.</summary>
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
    /// Writes <paramref name="svg"/> to <paramref name="path"/> in the format its name says: .svg as it is, .png or .pdf
    /// through rsvg-convert. Any other name is refused (never SVG under another format's name).
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
        if (FindConverter() is null)
            throw new InvalidOperationException(MissingMessage);
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
