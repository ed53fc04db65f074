using NepForge.Scheduling;

namespace NepForge.Plotting;

/// <summary>PNG output through librsvg's <c>rsvg-convert</c> (Debian/Ubuntu package <c>librsvg2-bin</c>), when installed.</summary>
public static class PngExport
{
    /// <summary>The message when rsvg-convert cannot be found.</summary>
    public const string MissingMessage = "PNG output needs rsvg-convert (Debian/Ubuntu: apt install librsvg2-bin; macOS: brew install librsvg); write .svg instead";

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

    /// <summary>Converts an SVG file to PNG (white background); throws with <see cref="MissingMessage"/> when rsvg-convert is absent.</summary>
    public static void Convert(string svgPath, string pngPath, ICommandRunner? runner = null)
    {
        string exe = FindConverter() ?? throw new InvalidOperationException(MissingMessage);
        string tmp = pngPath + ".tmp.png";
        var r = (runner ?? new ProcessCommandRunner()).Run(exe, ["-b", "white", "-o", tmp, svgPath], null, TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0 || !File.Exists(tmp))
        {
            if (File.Exists(tmp))
                File.Delete(tmp);
            throw new InvalidOperationException($"rsvg-convert failed (exit {r.ExitCode}): {r.AllText.Trim()}");
        }
        File.Move(tmp, pngPath, overwrite: true);
    }

    /// <summary>Writes <paramref name="svg"/> to <paramref name="path"/>: as SVG, or as PNG when the name ends in .png.</summary>
    public static void Save(string svg, string path)
    {
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
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
            Convert(svgTmp, path);
        }
        finally
        {
            File.Delete(svgTmp);
        }
    }
}
