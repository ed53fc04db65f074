using System.Text;

namespace NepForge.Dft.Vasp;

/// <summary>
/// An INCAR as an ordered list of lines: comment and blank lines kept verbatim, and one <c>KEY = value</c> assignment
/// per line (with its trailing <c>#</c>/<c>!</c> comment, if any). A template line holding several assignments
/// separated by <c>;</c> is split into one line per assignment (the comment goes with the last one).
/// <para>
/// Merge rule (<see cref="With"/>): keys are compared ignoring case and written upper-case. An override of a key the
/// template sets replaces the value in place (the template line's comment is dropped, since it described the old
/// value); a <see langword="null"/> value removes the key; keys the template does not set are appended after the
/// template, sorted by key (ordinal), so the output does not depend on the dictionary's enumeration order. Later
/// overrides of the same key win.
/// </para>
/// </summary>
public sealed class Incar
{
    readonly List<Line> _lines;

    Incar(List<Line> lines) => _lines = lines;

    /// <summary>An empty INCAR.</summary>
    public static Incar Empty => new([]);

    /// <summary>One line: a key with its value and comment, or (key null) a comment/blank line kept verbatim.</summary>
    readonly record struct Line(string? Key, string Value, string? Comment);

    /// <summary>Parses INCAR text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">A line is neither a comment nor <c>KEY = value</c>, or a key is set twice.</exception>
    public static Incar Parse(string text, string source = "INCAR")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<Line>();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int number = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            number++;
            string line = raw.TrimEnd();
            int commentAt = CommentStart(line);
            string body = commentAt < 0 ? line : line[..commentAt];
            string? comment = commentAt < 0 ? null : line[commentAt..];
            if (body.Trim().Length == 0)
            {
                lines.Add(new Line(null, line, null));
                continue;
            }
            var parts = SplitAssignments(body);
            for (int p = 0; p < parts.Count; p++)
            {
                string part = parts[p];
                int eq = part.IndexOf('=', StringComparison.Ordinal);
                string key = eq < 0 ? "" : part[..eq].Trim();
                if (eq < 0 || key.Length == 0 || key.Any(char.IsWhiteSpace))
                    throw new FormatException($"{source} line {number}: expected 'KEY = value', got '{raw.Trim()}'");
                if (seen.TryGetValue(key, out int first))
                    throw new FormatException($"{source} line {number}: {key.ToUpperInvariant()} is already set on line {first}");
                seen[key] = number;
                lines.Add(new Line(key.ToUpperInvariant(), part[(eq + 1)..].Trim(), p == parts.Count - 1 ? comment : null));
            }
        }
        while (lines.Count > 0 && lines[^1] is { Key: null, Value.Length: 0 })
            lines.RemoveAt(lines.Count - 1);
        return new Incar(lines);
    }

    /// <summary>Reads an INCAR file.</summary>
    public static Incar Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>The keys set, in file order (upper-case).</summary>
    public IEnumerable<string> Keys => _lines.Where(l => l.Key is not null).Select(l => l.Key!);

    /// <summary>The value of <paramref name="key"/> (ignoring case), or null when it is not set.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var l in _lines)
            {
                if (string.Equals(l.Key, key, StringComparison.OrdinalIgnoreCase))
                    return l.Value;
            }
            return null;
        }
    }

    /// <summary>
    /// A copy with <paramref name="overrides"/> applied (see the class remarks for the rule). A null value removes the
    /// key.
    /// </summary>
    /// <exception cref="ArgumentException">A key is empty, contains white space, '=', '#', '!' or ';', or a value spans lines.</exception>
    public Incar With(IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides)
        {
            string k = key?.Trim() ?? "";
            if (k.Length == 0 || k.Any(c => char.IsWhiteSpace(c) || c is '=' or '#' or '!' or ';'))
                throw new ArgumentException($"'{key}' is not an INCAR key", nameof(overrides));
            if (value is not null && (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)))
                throw new ArgumentException($"the value of {k} spans lines", nameof(overrides));
            merged[k] = value?.Trim();
        }
        var lines = new List<Line>(_lines.Count + merged.Count);
        foreach (var line in _lines)
        {
            if (line.Key is null || !merged.TryGetValue(line.Key, out var value))
                lines.Add(line);
            else if (value is not null)
                lines.Add(new Line(line.Key, value, null));
        }
        var existing = new HashSet<string>(Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in merged.Where(p => p.Value is not null && !existing.Contains(p.Key)).OrderBy(p => p.Key.ToUpperInvariant(), StringComparer.Ordinal))
            lines.Add(new Line(key.ToUpperInvariant(), value!, null));
        return new Incar(lines);
    }

    /// <summary>The INCAR text: <c>KEY = value</c> lines, comments as in the template, '\n' line ends.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var l in _lines)
        {
            if (l.Key is null)
            {
                sb.Append(l.Value).Append('\n');
                continue;
            }
            sb.Append(l.Key).Append(" = ").Append(l.Value);
            if (l.Comment is not null)
                sb.Append("  ").Append(l.Comment);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Index of the first '#' or '!' outside double quotes, or -1.</summary>
    static int CommentStart(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
                quoted = !quoted;
            else if (!quoted && c is '#' or '!')
                return i;
        }
        return -1;
    }

    static List<string> SplitAssignments(string body)
    {
        var parts = new List<string>();
        bool quoted = false;
        int start = 0;
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] == '"')
                quoted = !quoted;
            else if (!quoted && body[i] == ';')
            {
                parts.Add(body[start..i]);
                start = i + 1;
            }
        }
        parts.Add(body[start..]);
        parts.RemoveAll(p => p.Trim().Length == 0);
        return parts;
    }
}
