using System.Globalization;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Names under which <see cref="PoscarReader"/> keeps what a POSCAR/CONTCAR carries beyond species, cell and
/// positions, and typed accessors for them. <see cref="PoscarWriter"/> writes all of them back.
/// <list type="bullet">
/// <item><see cref="TitleKey"/> (<see cref="FrameInfo.Extra"/>): the first line, trimmed, unless it is only the
/// frame's chemical formula (any order, e.g. "Fe4P4O16" or "Cr16 Fe35 Ni2") or empty.</item>
/// <item><see cref="SelectiveDynamicsArray"/>: per-atom Logical ×3, true = the coordinate may move ('T').</item>
/// <item><see cref="VelocitiesArray"/>: per-atom Real ×3, Cartesian velocities as VASP writes them (Å/fs).</item>
/// <item><see cref="DirectVelocitiesArray"/>: per-atom Real ×3, velocities from a block headed by a 'Direct' line,
/// kept as written (lattice-vector units per time step; not converted, since that needs POTIM).</item>
/// <item><see cref="LatticeVelocitiesKey"/>, <see cref="LatticeVectorsKey"/>, <see cref="LatticeInitKey"/>
/// (<see cref="FrameInfo.Extra"/>): the NpT "Lattice velocities and vectors" block: 9 velocity values and the
/// block's own 9 lattice-vector values, space-separated in round-trip format, and its initialisation-state line
/// (stored only when it is not "1").</item>
/// <item><see cref="PredictorCorrectorKey"/> (<see cref="FrameInfo.Extra"/>): the MD predictor-corrector block,
/// its lines verbatim joined with '\n'; parsed by <see cref="GetPredictorCorrector"/>.</item>
/// </list>
/// </summary>
public static class Poscar
{
    /// <summary>Extra key of the title line (when it is not just the formula).</summary>
    public const string TitleKey = "poscar_title";

    /// <summary>Extra key of the 3×3 lattice velocities (rows a, b, c; 9 values).</summary>
    public const string LatticeVelocitiesKey = "lattice_velocities";

    /// <summary>Extra key of the lattice vectors written inside the lattice-velocity block (9 values).</summary>
    public const string LatticeVectorsKey = "vasp_lattice_vectors";

    /// <summary>Extra key of the lattice-velocity block's initialisation state, when not "1".</summary>
    public const string LatticeInitKey = "vasp_lattice_init";

    /// <summary>Extra key of the raw predictor-corrector block.</summary>
    public const string PredictorCorrectorKey = "vasp_predictor_corrector";

    /// <summary>Per-atom array of selective-dynamics flags.</summary>
    public const string SelectiveDynamicsArray = "selective_dynamics";

    /// <summary>Per-atom array of Cartesian velocities (Å/fs).</summary>
    public const string VelocitiesArray = "vel";

    /// <summary>Per-atom array of velocities given in Direct mode (fractional units per time step).</summary>
    public const string DirectVelocitiesArray = "vel_direct";

    /// <summary>The lattice velocities (rows for a, b, c), or null when the frame has none.</summary>
    /// <exception cref="FormatException">The stored value is not 9 numbers.</exception>
    public static Mat3? GetLatticeVelocities(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Info.GetExtra(LatticeVelocitiesKey) is { } s ? ParseNine(s, LatticeVelocitiesKey) : null;
    }

    /// <summary>The lattice vectors stored in the lattice-velocity block, or null when the frame has none.</summary>
    /// <exception cref="FormatException">The stored value is not 9 numbers.</exception>
    public static Mat3? GetBlockLatticeVectors(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Info.GetExtra(LatticeVectorsKey) is { } s ? ParseNine(s, LatticeVectorsKey) : null;
    }

    /// <summary>The parsed predictor-corrector block, or null when the frame has none.</summary>
    /// <exception cref="FormatException">The block does not have the layout described on <see cref="VaspPredictorCorrector"/>.</exception>
    public static VaspPredictorCorrector? GetPredictorCorrector(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Info.GetExtra(PredictorCorrectorKey) is { } s ? VaspPredictorCorrector.Parse(s, frame.AtomCount) : null;
    }

    /// <summary>Nine values in round-trip format separated by spaces (how the matrices above are stored).</summary>
    internal static string FormatNine(ReadOnlySpan<double> values) =>
        string.Join(' ', values.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    internal static Mat3 ParseNine(string s, string key)
    {
        var tokens = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != 9)
            throw new FormatException($"'{key}' must hold 9 numbers, found {tokens.Length}: '{s}'");
        Span<double> v = stackalloc double[9];
        for (int i = 0; i < 9; i++)
        {
            if (!PoscarReader.TryParseNumber(tokens[i], out v[i]))
                throw new FormatException($"'{key}' value {i + 1} is not a number: '{tokens[i]}'");
        }
        return Mat3.FromRowMajor(v);
    }
}
