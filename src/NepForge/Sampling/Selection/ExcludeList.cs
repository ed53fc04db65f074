using System.Globalization;

namespace NepForge.Sampling.Selection;

/// <summary>
/// Frames to leave out of a selection (e.g. unhealthy MD frames), one entry a line: <c>FILE INDEX</c>,
/// <c>FILE A-B</c> (inclusive) or <c>FILE A-</c> (A and everything after, e.g. from where <c>nepforge trajectory
/// clean</c> cut a trajectory); indices are 0-based; '#' starts a comment. A frame matches when its file (compared as
/// a full path) and index match, either where it was read from or its recorded source_file/source_index.
/// </summary>
internal sealed class ExcludeList
{
    readonly Dictionary<string, List<(long From, long To)>> _ranges = new(StringComparer.Ordinal);

    /// <summary>Number of entries.</summary>
    public int Count => _ranges.Values.Sum(r => r.Count);

    /// <summary>Reads a list file.</summary>
    public static ExcludeList Read(string path, ExcludeList? into = null)
    {
        var list = into ?? new ExcludeList();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var text = raw.Split('#')[0].Trim();
            if (text.Length == 0)
                continue;
            int cut = text.LastIndexOfAny([' ', '\t']);
            if (cut < 0)
                throw new FormatException($"{path}:{lineNo}: expected 'FILE INDEX', 'FILE A-B' or 'FILE A-'");
            string file = text[..cut].Trim(), spec = text[(cut + 1)..];
            long from, to;
            int dash = spec.IndexOf('-', StringComparison.Ordinal);
            bool ok = dash < 0
                ? long.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out from) & (to = from) >= 0
                : long.TryParse(spec[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out from) &
                  (dash == spec.Length - 1 ? (to = long.MaxValue) > 0 : long.TryParse(spec[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out to));
            if (!ok || to < from)
                throw new FormatException($"{path}:{lineNo}: bad index '{spec}'");
            list.Add(file, from, to);
        }
        return list;
    }

    /// <summary>Adds frames [<paramref name="from"/>, <paramref name="to"/>] of <paramref name="file"/>.</summary>
    public void Add(string file, long from, long to)
    {
        string key = Path.GetFullPath(file);
        if (!_ranges.TryGetValue(key, out var r))
            _ranges[key] = r = [];
        r.Add((from, to));
    }

    /// <summary>True when frame <paramref name="index"/> of <paramref name="file"/> is listed.</summary>
    public bool Contains(string? file, long? index)
    {
        if (file is null || index is not long i || file == "-")
            return false;
        return _ranges.TryGetValue(Path.GetFullPath(file), out var r) && r.Exists(x => x.From <= i && i <= x.To);
    }
}
