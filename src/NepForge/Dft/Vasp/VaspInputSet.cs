namespace NepForge.Dft.Vasp;

/// <summary>What goes into a VASP job folder besides the structure: INCAR template and overrides, k-points, POTCAR library.</summary>
public sealed record VaspInputSet
{
    /// <summary>The INCAR template (comments kept); <see cref="Incar.Empty"/> for overrides only.</summary>
    public Incar IncarTemplate { get; init; } = Incar.Empty;

    /// <summary>
    /// Overrides merged over the template in order (later ones win, keys ignore case, null removes a key); see
    /// <see cref="Incar"/> for where they land.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Overrides { get; init; } = [];

    /// <summary>
    /// Values filled in only where the template (after <see cref="Overrides"/>) does not set the key: what NepForge
    /// needs but the user did not write. A template value is never replaced by one of these.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Defaults { get; init; } = [];

    /// <summary>
    /// Where each override came from (key → e.g. "--set", "--steps"), for the record of template values replaced;
    /// keys not listed are attributed to "override".
    /// </summary>
    public IReadOnlyDictionary<string, string> OverrideSources { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The k-points asked for explicitly (e.g. <c>--kspacing</c>): written as a KPOINTS file (a KSPACING in the template
    /// is then removed, and the removal recorded), or as KSPACING/KGAMMA for <see cref="VaspKPointsKind.IncarSpacing"/>.
    /// Null: a KSPACING in the INCAR is kept and no KPOINTS is written; without one, <see cref="DefaultKPoints"/>.
    /// </summary>
    public VaspKPoints? KPoints { get; init; }

    /// <summary>The k-points written when neither <see cref="KPoints"/> nor the INCAR's KSPACING says (null: none).</summary>
    public VaspKPoints? DefaultKPoints { get; init; }

    /// <summary>The POTCAR library; null writes no POTCAR (the user adds it).</summary>
    public PotcarLibrary? Potcar { get; init; }

    /// <summary>Write fractional ("Direct") POSCAR coordinates instead of Cartesian.</summary>
    public bool Direct { get; init; }
}

/// <summary>What <see cref="VaspInputWriter.Write"/> wrote.</summary>
/// <param name="Folder">The job folder.</param>
/// <param name="Species">The POSCAR species groups in order (= the POTCAR order).</param>
/// <param name="Permutation">POSCAR atom i is frame atom <c>Permutation[i]</c> (atoms are grouped by species).</param>
/// <param name="Mesh">The k-point mesh written to KPOINTS, or null when none was (KSPACING in INCAR, or no k-points).</param>
/// <param name="PotcarTitles">The TITEL of each POTCAR part, or empty when no POTCAR was written.</param>
/// <param name="Incar">The INCAR as written.</param>
/// <param name="Changes">Each template value replaced or removed, e.g. "NSW = 3000 → 1000 (--steps)".</param>
public sealed record VaspInputWriteResult(
    string Folder,
    IReadOnlyList<string> Species,
    int[] Permutation,
    (int A, int B, int C)? Mesh,
    IReadOnlyList<string> PotcarTitles,
    Incar Incar,
    IReadOnlyList<string> Changes);
