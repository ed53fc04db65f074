using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Cp2k;

/// <summary>Where a hand-made CP2K MD run keeps its cell and stress: the per-step files, the input, the log.</summary>
static class Cp2kCellSources
{
    const double BarToGpa = 1e-4;

    /// <summary>MOTION/PRINT/CELL's file (Step, Time, Ax … Cz in Å, Volume) by step; null when absent.</summary>
    public static Dictionary<int, Lattice>? PerStep(string path)
    {
        if (!File.Exists(path))
            return null;
        var cells = new Dictionary<int, Lattice>();
        foreach (var (cols, line) in Rows(path, 11))
        {
            var v = new double[9];
            for (int k = 0; k < 9; k++)
                v[k] = Cp2kOutputParser.Number(cols[2 + k], path, line, "cell");
            cells[Step(cols[0], path, line)] = new Lattice(Mat3.FromRowMajor(v));
        }
        return cells;
    }

    /// <summary>MOTION/PRINT/STRESS's file (Step, Time, xx xy xz yx yy yz zx zy zz in bar) by step, in GPa; null when absent.</summary>
    public static Dictionary<int, Mat3>? StressFile(string path)
    {
        if (!File.Exists(path))
            return null;
        var stresses = new Dictionary<int, Mat3>();
        foreach (var (cols, line) in Rows(path, 11))
        {
            var v = new double[9];
            for (int k = 0; k < 9; k++)
                v[k] = Cp2kOutputParser.Number(cols[2 + k], path, line, "stress") * BarToGpa;
            stresses[Step(cols[0], path, line)] = Mat3.FromRowMajor(v);
        }
        return stresses;
    }

    /// <summary>The cell of the first <c>CELL| Vector</c> lines of a log (3 decimals), or null.</summary>
    public static Lattice? FromLog(string[] lines)
    {
        var v = new Vec3?[3];
        foreach (string raw in lines)
        {
            string t = raw.Trim();
            if (!t.StartsWith("CELL| Vector ", StringComparison.Ordinal) || t.Length < 14 || t[13] - 'a' is not (>= 0 and < 3) || v[t[13] - 'a'] is not null)
                continue;
            int colon = t.IndexOf(':', StringComparison.Ordinal);
            var cols = colon < 0 ? [] : t[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length >= 3 && cols.Take(3).All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                v[t[13] - 'a'] = new Vec3(Parse(cols[0]), Parse(cols[1]), Parse(cols[2]));
            if (v.All(x => x is not null))
                return new Lattice(v[0]!.Value, v[1]!.Value, v[2]!.Value);
        }
        return null;
    }

    /// <summary>
    /// The &amp;CELL of the folder's input file of <paramref name="project"/> (A/B/C vectors, or ABC with
    /// ALPHA_BETA_GAMMA; [angstrom] or [bohr]); null when there is none or it uses what this reader does not follow
    /// (CELL_FILE_NAME, MULTIPLE_UNIT_CELL, other units): the log's cell is used then.
    /// </summary>
    public static Lattice? FromInput(string folder, string project)
    {
        foreach (string f in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            if (!(f.EndsWith(".inp", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".in", StringComparison.OrdinalIgnoreCase)))
                continue;
            var lines = File.ReadAllLines(f);
            bool ours = lines.Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Any(c => c.Length >= 2 && (c[0].Equals("PROJECT", StringComparison.OrdinalIgnoreCase) || c[0].Equals("PROJECT_NAME", StringComparison.OrdinalIgnoreCase)) && c[1] == project);
            if (ours)
                return CellSection(lines);
        }
        return null;
    }

    static Lattice? CellSection(string[] lines)
    {
        int start = Array.FindIndex(lines, l => l.Trim().Equals("&CELL", StringComparison.OrdinalIgnoreCase));
        if (start < 0)
            return null;
        var vectors = new Vec3?[3];
        double[]? abc = null;
        double[] angles = [90, 90, 90];
        for (int i = start + 1; i < lines.Length; i++)
        {
            var cols = lines[i].Split('!', '#')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length == 0)
                continue;
            string key = cols[0].ToUpperInvariant();
            if (key == "&END")
                break;
            if (key.StartsWith('&') || key is "CELL_FILE_NAME" or "CELL_FILE_FORMAT" || (key == "MULTIPLE_UNIT_CELL" && cols.Skip(1).Any(c => c != "1")))
                return null;
            double scale = 1;
            var numbers = cols.Skip(1).ToList();
            if (numbers.Count > 0 && numbers[0].StartsWith('['))
            {
                string unit = numbers[0].Trim('[', ']').ToLowerInvariant();
                scale = unit switch { "angstrom" or "deg" => 1, "bohr" => Units.BohrToAngstrom, _ => double.NaN };
                numbers.RemoveAt(0);
                if (double.IsNaN(scale))
                    return null;
            }
            if (numbers.Count < 3 || !numbers.Take(3).All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                continue;
            double[] x = [.. numbers.Take(3).Select(Parse)];
            switch (key)
            {
                case "A" or "B" or "C":
                    vectors[key[0] - 'A'] = new Vec3(x[0] * scale, x[1] * scale, x[2] * scale);
                    break;
                case "ABC":
                    abc = [x[0] * scale, x[1] * scale, x[2] * scale];
                    break;
                case "ALPHA_BETA_GAMMA":
                    angles = x;
                    break;
            }
        }
        if (vectors.All(v => v is not null))
            return new Lattice(vectors[0]!.Value, vectors[1]!.Value, vectors[2]!.Value);
        return abc is null ? null : FromLengthsAndAngles(abc, angles);
    }

    // CP2K's convention: a along x, b in the xy plane.
    static Lattice FromLengthsAndAngles(double[] abc, double[] anglesDeg)
    {
        double al = anglesDeg[0] * Math.PI / 180, be = anglesDeg[1] * Math.PI / 180, ga = anglesDeg[2] * Math.PI / 180;
        var a = new Vec3(abc[0], 0, 0);
        var b = new Vec3(abc[1] * Math.Cos(ga), abc[1] * Math.Sin(ga), 0);
        double cx = Math.Cos(be), cy = (Math.Cos(al) - Math.Cos(be) * Math.Cos(ga)) / Math.Sin(ga);
        var c = new Vec3(abc[2] * cx, abc[2] * cy, abc[2] * Math.Sqrt(Math.Max(0, 1 - cx * cx - cy * cy)));
        return new Lattice(a, b, c);
    }

    static IEnumerable<(string[] Cols, int Line)> Rows(string path, int minColumns)
    {
        int line = 0;
        foreach (string raw in File.ReadLines(path))
        {
            line++;
            string t = raw.Trim();
            if (t.Length == 0 || t.StartsWith('#'))
                continue;
            var cols = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length < minColumns)
                throw new ParseException(path, line, null, $"expected at least {minColumns} columns, found {cols.Length}");
            yield return (cols, line);
        }
    }

    static int Step(string text, string path, int line) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) ? s : throw new ParseException(path, line, null, $"expected a step number, found \"{text}\"");

    static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
