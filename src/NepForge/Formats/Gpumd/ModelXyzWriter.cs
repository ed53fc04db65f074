using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Gpumd;

/// <summary>What <see cref="ModelXyzWriter"/> writes besides species and positions.</summary>
public sealed record ModelXyzOptions
{
    /// <summary>Write a <c>mass</c> column (standard atomic masses, amu; GPUMD uses its own table when absent).</summary>
    public bool Masses { get; init; } = true;

    /// <summary>Write <c>vel</c> (Å/fs) when the frame carries velocities.</summary>
    public bool Velocities { get; init; } = true;

    /// <summary>Group labels, one array per grouping method (each with one non-negative integer per atom), or null.</summary>
    public IReadOnlyList<int[]>? Groups { get; init; }
}

/// <summary>
/// Writes GPUMD's <c>model.xyz</c> (<c>doc/gpumd/input_files/model_xyz.rst</c>): the atom count, then
/// <c>pbc="T T T" Lattice="ax ay az bx by bz cx cy cz" Properties=species:S:1:pos:R:3[:mass:R:1][:vel:R:3][:group:I:n]</c>,
/// then one atom per line. No energy, forces or virial: a model is an input, and GPUMD would not read them anyway.
/// </summary>
public static class ModelXyzWriter
{
    /// <summary>The file text for one structure.</summary>
    public static string Format(Frame frame, ModelXyzOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        options ??= new ModelXyzOptions();
        var lattice = frame.Lattice ?? throw new ArgumentException("model.xyz needs a cell (GPUMD has no open boundaries without one); add vacuum and a Lattice first");
        var vel = options.Velocities ? frame.Velocities : null;
        var groups = options.Groups ?? [];
        foreach (var g in groups)
        {
            if (g.Length != frame.AtomCount)
                throw new ArgumentException($"a group array has {g.Length} entries for {frame.AtomCount} atoms");
            if (g.Any(v => v < 0))
                throw new ArgumentException("group labels must be ≥ 0");
        }
        var sb = new StringBuilder();
        sb.Append(frame.AtomCount.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var pbc = lattice.Pbc;
        sb.Append("pbc=\"").Append(pbc.ToString()).Append("\" Lattice=\"");
        var m = lattice.Matrix;
        sb.AppendJoin(' ', new[] { m.M00, m.M01, m.M02, m.M10, m.M11, m.M12, m.M20, m.M21, m.M22 }.Select(FastDoubleFormat.Format));
        sb.Append("\" Properties=species:S:1:pos:R:3");
        if (options.Masses)
            sb.Append(":mass:R:1");
        if (vel is not null)
            sb.Append(":vel:R:3");
        if (groups.Count > 0)
            sb.Append(":group:I:").Append(groups.Count.ToString(CultureInfo.InvariantCulture));
        sb.Append('\n');
        for (int i = 0; i < frame.AtomCount; i++)
        {
            sb.Append(frame.Elements[i].Symbol);
            for (int k = 0; k < 3; k++)
                sb.Append(' ').Append(FastDoubleFormat.Format(frame.Positions[(3 * i) + k]));
            if (options.Masses)
                sb.Append(' ').Append(FastDoubleFormat.Format(frame.Elements[i].Mass));
            if (vel is not null)
            {
                for (int k = 0; k < 3; k++)
                    sb.Append(' ').Append(FastDoubleFormat.Format(vel[(3 * i) + k]));
            }
            foreach (var g in groups)
                sb.Append(' ').Append(g[i].ToString(CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes model.xyz atomically.</summary>
    public static void Write(string path, Frame frame, ModelXyzOptions? options = null) =>
        AtomicFile.WriteAllText(path, Format(frame, options));
}
