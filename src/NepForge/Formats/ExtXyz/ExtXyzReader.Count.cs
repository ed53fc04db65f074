using System.Globalization;
using NepForge.IO;

namespace NepForge.Formats.ExtXyz;

public sealed partial class ExtXyzReader
{
    /// <summary>
    /// Counts the frames of a file without parsing atoms: reads each atom-count line and skips that many lines plus
    /// the comment. Used for a first pass (evenly spaced or random sampling, splits) over files too large to hold.
    /// </summary>
    public static long CountFrames(string path)
    {
        using var lines = new Utf8LineReader(Utf8LineReader.OpenRead(path)) { Name = path };
        long frames = 0;
        while (lines.TryReadLine(out var line))
        {
            var t = line.Trim(" \t\r"u8);
            if (t.IsEmpty)
                continue;
            if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                throw new ParseException(path, lines.LineNumber, frames + 1, $"expected the number of atoms, found '{Show(line)}'");
            long skipped = 0;
            while (skipped <= n && lines.TryReadLine(out _))
                skipped++;
            if (skipped <= n)
                break; // truncated last frame: not counted, as the reader drops it
            frames++;
        }
        return frames;
    }
}
