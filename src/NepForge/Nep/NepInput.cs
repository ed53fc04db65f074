using System.Globalization;
using System.Text;
using NepForge.IO;

namespace NepForge.Nep;

/// <summary>One <c>keyword value…</c> line of nep.in, with the line it came from (0 when built in code).</summary>
public sealed record NepKeyword(string Name, IReadOnlyList<string> Values, long Line = 0)
{
    /// <inheritdoc />
    public override string ToString() => Values.Count == 0 ? Name : $"{Name} {string.Join(' ', Values)}";
}

/// <summary>
/// GPUMD's <c>nep.in</c> (<c>doc/nep/input_files/nep_in.rst</c>, parser <c>src/main_nep/parameters.cu</c>): one
/// <c>keyword value…</c> per line, <c>#</c> starts a comment, keywords in any order except that <c>type</c> must come
/// before <c>type_weight</c> and per-type <c>cutoff</c>. Only what the file says is kept; a keyword it leaves out takes
/// GPUMD's default (<see cref="NepInputDefaults"/>), so a written file says no more than the user chose.
/// </summary>
public sealed class NepInput
{
    readonly List<NepKeyword> _keywords = [];

    /// <summary>The keywords in file order.</summary>
    public IReadOnlyList<NepKeyword> Keywords => _keywords;

    /// <summary>The last line of <paramref name="name"/> (GPUMD lets a later line overwrite an earlier one), or null.</summary>
    public NepKeyword? Get(string name) => _keywords.LastOrDefault(k => k.Name == name);

    /// <summary>True when the file sets <paramref name="name"/>.</summary>
    public bool Has(string name) => Get(name) is not null;

    /// <summary>Sets a keyword, replacing an earlier line of it in place (or appending; <c>type</c> goes first).</summary>
    public NepInput Set(string name, params string[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var kw = new NepKeyword(name, values);
        int i = _keywords.FindIndex(k => k.Name == name);
        if (i >= 0)
        {
            _keywords[i] = kw;
            _keywords.RemoveAll(k => k.Name == name && !ReferenceEquals(k, kw));
        }
        else if (name == "type")
        {
            _keywords.Insert(0, kw);
        }
        else
        {
            _keywords.Add(kw);
        }
        return this;
    }

    /// <summary>Sets a numeric keyword (values written with invariant culture, shortest round-trip form).</summary>
    public NepInput Set(string name, params double[] values) =>
        Set(name, [.. values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))]);

    /// <summary>Removes every line of <paramref name="name"/>.</summary>
    public bool Remove(string name) => _keywords.RemoveAll(k => k.Name == name) > 0;

    /// <summary>The species of <c>type N sym…</c>, in type order (empty when not set).</summary>
    public IReadOnlyList<string> Types => Get("type") is { Values.Count: > 1 } t ? [.. t.Values.Skip(1)] : [];

    /// <summary>Sets <c>type N sym…</c>.</summary>
    public NepInput SetTypes(IEnumerable<string> species)
    {
        var s = species.ToArray();
        return Set("type", [s.Length.ToString(CultureInfo.InvariantCulture), .. s]);
    }

    /// <summary>A number of keyword <paramref name="name"/> at position <paramref name="index"/>, or the GPUMD default.</summary>
    public double Number(string name, int index = 0)
    {
        if (Get(name) is { } k && index < k.Values.Count && double.TryParse(k.Values[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            return v;
        return NepInputDefaults.Number(name, index);
    }

    /// <summary>Reads nep.in.</summary>
    public static NepInput Read(string path)
    {
        using var s = Utf8LineReader.OpenRead(path);
        using var r = new StreamReader(s, Encoding.UTF8);
        return Parse(r.ReadToEnd(), path);
    }

    /// <summary>Parses nep.in text. Tokens after a <c>#</c> token are a comment, as in GPUMD.</summary>
    public static NepInput Parse(string text, string fileName = "nep.in")
    {
        ArgumentNullException.ThrowIfNull(text);
        var input = new NepInput();
        long lineNo = 0;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            lineNo++;
            var tokens = new List<string>();
            foreach (var t in raw.Split([' ', '\t', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (t[0] == '#')
                    break;
                tokens.Add(t);
            }
            if (tokens.Count == 0)
                continue;
            if (tokens[0].Any(c => c > 127))
                throw new ParseException(fileName, lineNo, null, $"'{tokens[0]}' is not a nep.in keyword");
            input._keywords.Add(new NepKeyword(tokens[0], tokens.Skip(1).ToArray(), lineNo));
        }
        return input;
    }

    /// <summary>The file text: one keyword per line, names padded so the values line up.</summary>
    public string ToText()
    {
        int width = _keywords.Count == 0 ? 0 : _keywords.Max(k => k.Name.Length) + 2;
        var sb = new StringBuilder();
        foreach (var k in _keywords)
        {
            sb.Append(k.Name.PadRight(width)).AppendJoin(' ', k.Values).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes the file atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToText());
}
