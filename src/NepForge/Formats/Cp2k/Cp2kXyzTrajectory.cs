using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Cp2k;

/// <summary>
/// One of CP2K's MD xyz trajectories (<c>-pos-</c> in Å, <c>-frc-</c> in Ha/bohr): blocks of "N", a step line
/// "i = step, time = t, E = e" and N rows "symbol x y z". A block cut short at the end is dropped with a warning.
/// </summary>
sealed class Cp2kXyzTrajectory
{
    public List<Element> Elements { get; } = [];
    public List<int> Steps { get; } = [];
    public List<double> Energies { get; } = [];
    public List<double[]> Values { get; } = [];
    public int Count => Steps.Count;

    /// <summary>Reads <paramref name="path"/>; with <paramref name="elements"/> every block must list them in order.</summary>
    public static Cp2kXyzTrajectory Read(string path, IReadOnlyList<Element>? elements, List<string> warnings)
    {
        var t = new Cp2kXyzTrajectory();
        using var reader = new StreamReader(path);
        int lineNo = 0;
        while (reader.ReadLine() is { } countLine)
        {
            lineNo++;
            if (countLine.Trim().Length == 0)
                continue;
            if (!int.TryParse(countLine.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n <= 0
                || (elements ?? (t.Elements.Count > 0 ? t.Elements : null)) is { } known && n != known.Count)
            {
                throw new ParseException(path, lineNo, null, $"expected the atom count{(t.Elements.Count > 0 ? " " + t.Elements.Count.ToString(CultureInfo.InvariantCulture) : "")}, found \"{countLine.Trim()}\"");
            }
            string? comment = reader.ReadLine();
            lineNo++;
            if (comment is null)
            {
                warnings.Add($"{path}:{lineNo}: the last step is cut short (truncated file)");
                break;
            }
            int step = (int)Field(comment, "i =", path, lineNo);
            double energy = Field(comment, "E =", path, lineNo);
            var values = new double[3 * n];
            var symbols = new List<Element>(n);
            bool complete = true;
            for (int a = 0; a < n; a++)
            {
                string? line = reader.ReadLine();
                lineNo++;
                string[]? cols = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols is null || cols.Length < 4)
                {
                    complete = false;
                    break;
                }
                var expected = elements ?? (t.Elements.Count > 0 ? t.Elements : null);
                var element = ElementOf(cols[0], path, lineNo);
                if (expected is not null && expected[a] != element)
                    throw new ParseException(path, lineNo, null, $"atom {a} is {cols[0]} here but {expected[a].Symbol} in the first step");
                symbols.Add(element);
                for (int c = 0; c < 3; c++)
                    values[3 * a + c] = Cp2kOutputParser.Number(cols[1 + c], path, lineNo, "trajectory value");
            }
            if (!complete)
            {
                warnings.Add($"{path}:{lineNo}: step {step} is cut short (truncated file); kept the {t.Count} complete step(s)");
                break;
            }
            if (t.Elements.Count == 0)
                t.Elements.AddRange(elements ?? symbols);
            t.Steps.Add(step);
            t.Energies.Add(energy);
            t.Values.Add(values);
        }
        return t;
    }

    // CP2K writes the kind's element, or a kind name such as "Fe1" or "H_w": the leading letters name the element.
    static Element ElementOf(string symbol, string path, int line)
    {
        if (Structures.Elements.TryGet(symbol, out var e))
            return e;
        int end = 0;
        while (end < symbol.Length && char.IsLetter(symbol[end]))
            end++;
        for (int len = Math.Min(end, 2); len >= 1; len--)
        {
            if (Structures.Elements.TryGet(symbol.AsSpan(0, len).ToString(), out e))
                return e;
        }
        throw new ParseException(path, line, null, $"'{symbol}' is not an element symbol");
    }

    static double Field(string comment, string key, string path, int line)
    {
        int at = comment.IndexOf(key, StringComparison.Ordinal);
        if (at < 0)
            throw new ParseException(path, line, null, $"expected \"{key}\" in the step line, found \"{comment.Trim()}\"");
        string rest = comment[(at + key.Length)..].Trim();
        int comma = rest.IndexOf(',', StringComparison.Ordinal);
        return Cp2kOutputParser.Number((comma < 0 ? rest : rest[..comma]).Trim(), path, line, "step line");
    }
}
