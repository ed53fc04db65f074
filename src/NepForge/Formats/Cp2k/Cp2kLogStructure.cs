using NepForge.Structures;

namespace NepForge.Formats.Cp2k;

/// <summary>
/// The structure a CP2K run started from, as its log prints it: the first <c>CELL| Vector a/b/c [angstrom]</c> lines
/// and the first <c>MODULE QUICKSTEP:  ATOMIC COORDINATES IN angstrom</c> table (atom, kind, element, Z, x, y, z, …).
/// Used to check that a log belongs to its job, and to read CP2K runs made by hand.
/// </summary>
internal static class Cp2kLogStructure
{
    const string CoordinatesMarker = "ATOMIC COORDINATES IN angstrom";

    /// <summary>The first structure of the log's lines, or null when the log prints no coordinate table.</summary>
    /// <exception cref="NepForge.IO.ParseException">The table or the cell lines are malformed.</exception>
    public static Frame? ReadFirst(string[] lines, string file)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Vec3?[] cell = new Vec3?[3];
        int start = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            if (t.StartsWith("CELL| Vector ", StringComparison.Ordinal) && t.Length > 14)
            {
                int axis = t[13] - 'a';
                int colon = t.IndexOf(':', StringComparison.Ordinal);
                if (axis is >= 0 and < 3 && colon > 0 && cell[axis] is null)
                {
                    var cols = t[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (cols.Length < 3)
                        throw new NepForge.IO.ParseException(file, i + 1, null, $"expected three numbers after \"{t[..(colon + 1)]}\"");
                    cell[axis] = new Vec3(Cp2kOutputParser.Number(cols[0], file, i + 1, "cell"), Cp2kOutputParser.Number(cols[1], file, i + 1, "cell"), Cp2kOutputParser.Number(cols[2], file, i + 1, "cell"));
                }
            }
            else if (t.EndsWith(CoordinatesMarker, StringComparison.Ordinal))
            {
                start = i;
                break;
            }
        }
        if (start < 0)
            return null;

        var elements = new List<Element>();
        var positions = new List<double>();
        for (int i = start + 1; i < lines.Length; i++)
        {
            var cols = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length == 0)
            {
                if (elements.Count > 0)
                    break;
                continue;
            }
            if (cols[0] == "Atom")
                continue;
            if (cols.Length < 7 || !int.TryParse(cols[0], out _))
                break;
            if (!Elements.TryGet(cols[2], out var element))
                throw new NepForge.IO.ParseException(file, i + 1, null, $"'{cols[2]}' is not an element symbol");
            elements.Add(element);
            for (int k = 0; k < 3; k++)
                positions.Add(Cp2kOutputParser.Number(cols[4 + k], file, i + 1, "position"));
        }
        if (elements.Count == 0)
            throw new NepForge.IO.ParseException(file, start + 1, null, "the coordinate table has no atoms");
        var lattice = cell.All(v => v is not null) ? new Lattice(cell[0]!.Value, cell[1]!.Value, cell[2]!.Value) : null;
        return new Frame([.. elements], [.. positions], lattice);
    }
}
