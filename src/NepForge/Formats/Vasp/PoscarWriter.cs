using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Writes a <see cref="Frame"/> as a VASP 5 POSCAR: title (<see cref="Poscar.TitleKey"/> if the frame has one, else
/// its formula), scale 1.0, the cell rows, species and counts lines (wrapped at 20 groups per line, as VASP does),
/// "Selective dynamics" when the frame has <see cref="Poscar.SelectiveDynamicsArray"/>, "Cartesian" (or "Direct",
/// see <see cref="PoscarWriteOptions.Direct"/>) and the coordinates; then, when the frame carries them, the
/// lattice-velocity block, the velocities (Cartesian after a blank line, as VASP writes them; a
/// <see cref="Poscar.DirectVelocitiesArray"/> after a 'Direct' line) and the predictor-corrector block (verbatim).
/// <para>
/// Numbers are written in the shortest round-trip form, right-aligned in columns, so reading the file back gives
/// bit-identical doubles (Cartesian mode) and writing that again gives identical bytes. The one exception is the
/// lattice-velocity block, which VASP reads in fixed 16-character fields: a value whose round-trip form does not
/// fit (more than about 9 significant digits; never the case for values VASP wrote) is cut to 8 digits there.
/// VASP needs the atoms of a species together: they are grouped by species in order of first appearance (or kept
/// in order, see <see cref="PoscarWriteOptions.KeepAtomOrder"/>) and the result says whether that reordered them.
/// Things a POSCAR cannot hold (labels, config_type, periodicity flags, other arrays) are not written.
/// </para>
/// </summary>
public static class PoscarWriter
{
    const int Column = 22;
    const int FixedField = 16;
    const int GroupsPerLine = 20;
    static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="frame"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <exception cref="InvalidOperationException">The frame has no lattice or no atoms, or its VASP extras are malformed.</exception>
    public static PoscarWriteResult Write(string path, Frame frame, PoscarWriteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(frame);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var result = Write(text, frame, options); // validates before anything touches the disk
        using var file = AtomicFile.Create(path);
        using (var w = new StreamWriter(file.Stream, Utf8NoBom, 1 << 16, leaveOpen: true))
            w.Write(text.ToString());
        file.Commit();
        return result;
    }

    /// <summary>Writes <paramref name="frame"/> to <paramref name="w"/> (lines end with '\n').</summary>
    /// <exception cref="InvalidOperationException">The frame has no lattice or no atoms, or its VASP extras are malformed.</exception>
    public static PoscarWriteResult Write(TextWriter w, Frame frame, PoscarWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(frame);
        options ??= PoscarWriteOptions.Default;
        var lattice = frame.Lattice ?? throw new InvalidOperationException(
            $"cannot write a POSCAR for a frame with no lattice ({frame.Formula}{Source(frame)}): VASP needs a periodic cell; give the frame one (e.g. a vacuum box) first");
        if (frame.AtomCount == 0)
            throw new InvalidOperationException($"cannot write a POSCAR for a frame with no atoms{Source(frame)}");

        var (permutation, groups) = Order(frame.Elements, options.KeepAtomOrder);
        bool reordered = false;
        for (int i = 0; i < permutation.Length && !reordered; i++)
            reordered = permutation[i] != i;
        var f = reordered ? frame.SelectAtoms(permutation) : frame;

        // Validate the extras before writing anything.
        Mat3? latticeVelocities, blockVectors;
        string? predictor = frame.Info.GetExtra(Poscar.PredictorCorrectorKey);
        try
        {
            latticeVelocities = Poscar.GetLatticeVelocities(frame);
            blockVectors = Poscar.GetBlockLatticeVectors(frame);
            if (predictor is not null && reordered)
                predictor = VaspPredictorCorrector.Parse(predictor, frame.AtomCount).SelectAtoms(permutation).ToText();
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"cannot write the VASP MD data of this frame{Source(frame)}: {ex.Message}", ex);
        }

        var sb = new StringBuilder(256 + 80 * f.AtomCount);
        sb.Append(PoscarTitle.Compose(f)).Append('\n');
        sb.Append("1.0\n");
        var m = lattice.Matrix;
        for (int r = 0; r < 3; r++)
            AppendRow(sb, m.Row(r)).Append('\n');

        for (int start = 0; start < groups.Count; start += GroupsPerLine)
        {
            foreach (var g in groups.Skip(start).Take(GroupsPerLine))
                sb.Append(' ').Append(g.Element.Symbol.PadLeft(5));
            sb.Append('\n');
        }
        for (int start = 0; start < groups.Count; start += GroupsPerLine)
        {
            foreach (var g in groups.Skip(start).Take(GroupsPerLine))
                sb.Append(' ').Append(g.Count.ToString(CultureInfo.InvariantCulture).PadLeft(5));
            sb.Append('\n');
        }

        bool[]? flags = f.GetArray(Poscar.SelectiveDynamicsArray) is { Type: ColumnType.Logical, Width: 3 } sd ? sd.Logicals : null;
        if (flags is not null)
            sb.Append("Selective dynamics\n");
        sb.Append(options.Direct ? "Direct\n" : "Cartesian\n");
        for (int i = 0; i < f.AtomCount; i++)
        {
            var p = f.Position(i);
            AppendRow(sb, options.Direct ? lattice.ToFractional(p) : p);
            if (flags is not null)
            {
                for (int k = 0; k < 3; k++)
                    sb.Append(' ').Append(flags[3 * i + k] ? 'T' : 'F');
            }
            sb.Append('\n');
        }

        if (latticeVelocities is { } lv)
        {
            sb.Append("Lattice velocities and vectors\n");
            sb.Append((f.Info.GetExtra(Poscar.LatticeInitKey) ?? "1").Trim().PadLeft(12)).Append('\n');
            for (int r = 0; r < 3; r++)
                AppendFixedRow(sb, lv.Row(r)).Append('\n');
            var vectors = blockVectors ?? m;
            for (int r = 0; r < 3; r++)
                AppendFixedRow(sb, vectors.Row(r)).Append('\n');
        }

        if (f.Velocities is { } v)
        {
            sb.Append('\n');
            AppendRows(sb, v);
        }
        else if (f.GetArray(Poscar.DirectVelocitiesArray) is { Type: ColumnType.Real, Width: 3, Reals: { } dv })
        {
            sb.Append("Direct\n");
            AppendRows(sb, dv);
        }

        if (predictor is not null)
            sb.Append('\n').Append(predictor).Append('\n');

        w.Write(sb.ToString());
        return new PoscarWriteResult(reordered, permutation);
    }

    /// <summary>The written atom order and the species groups.</summary>
    static (int[] Permutation, List<(Element Element, int Count)> Groups) Order(Element[] elements, bool keepOrder)
    {
        var groups = new List<(Element Element, int Count)>();
        if (keepOrder)
        {
            foreach (var e in elements)
            {
                if (groups.Count > 0 && groups[^1].Element == e)
                    groups[^1] = (e, groups[^1].Count + 1);
                else
                    groups.Add((e, 1));
            }
            return ([.. Enumerable.Range(0, elements.Length)], groups);
        }
        var bySpecies = new Dictionary<Element, List<int>>();
        var order = new List<Element>();
        for (int i = 0; i < elements.Length; i++)
        {
            if (!bySpecies.TryGetValue(elements[i], out var list))
            {
                bySpecies[elements[i]] = list = [];
                order.Add(elements[i]);
            }
            list.Add(i);
        }
        var permutation = new int[elements.Length];
        int n = 0;
        foreach (var e in order)
        {
            var list = bySpecies[e];
            list.CopyTo(permutation, n);
            n += list.Count;
            groups.Add((e, list.Count));
        }
        return (permutation, groups);
    }

    static void AppendRows(StringBuilder sb, double[] flat)
    {
        for (int i = 0; i < flat.Length / 3; i++)
            AppendRow(sb, Vec3.At(flat, i)).Append('\n');
    }

    static StringBuilder AppendRow(StringBuilder sb, Vec3 v) =>
        sb.Append(' ').Append(Number(v.X)).Append(' ').Append(Number(v.Y)).Append(' ').Append(Number(v.Z));

    static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture).PadLeft(Column - 1);

    /// <summary>
    /// A row in VASP's fixed 16-character fields (its 3E16.8): VASP reads the lattice-velocity block with a fixed
    /// format (pymatgen PR #3433), so wider columns would be cut apart. Each value is its shortest round-trip form
    /// when that fits (always, for the 8-digit values VASP writes), else 8 significant digits.
    /// </summary>
    static StringBuilder AppendFixedRow(StringBuilder sb, Vec3 v)
    {
        for (int k = 0; k < 3; k++)
        {
            string s = v[k].ToString("R", CultureInfo.InvariantCulture);
            if (s.Length > FixedField - 1)
                s = v[k].ToString("0.0000000E+00", CultureInfo.InvariantCulture);
            sb.Append(s.PadLeft(FixedField));
        }
        return sb;
    }

    static string Source(Frame frame) =>
        frame.Info.SourceFile is { } s ? $", from {s}{(frame.Info.SourceIndex is { } i ? $" frame {i + 1}" : "")}" : "";
}
