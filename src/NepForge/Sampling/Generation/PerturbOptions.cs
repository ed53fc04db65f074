namespace NepForge.Sampling.Generation;

/// <summary>How the strain components are drawn.</summary>
public enum StrainDistribution
{
    /// <summary>Each component uniform in [−f, f): variance f²/3.</summary>
    Uniform,

    /// <summary>Each component Gaussian with standard deviation f.</summary>
    Normal,
}

/// <summary>What the strain amplitude F bounds (see <see cref="Perturber.DrawStrain(PerturbRandom, double, StrainDistribution, StrainAxes, CellMode)"/>).</summary>
public enum CellMode
{
    /// <summary>
    /// The default: the principal strains (eigenvalues of ε) are drawn in ±F and the principal axes at random (a
    /// uniformly random rotation), so every principal strain and every lattice-vector length change stays within ±F:
    /// what "±6 % lattice perturbation" means to a user.
    /// </summary>
    Principal,

    /// <summary>dpdata's <c>perturb</c> (what GPUMDkit users get): diagonal components in ±F, off-diagonal ones in ±F/2.</summary>
    Dpdata,

    /// <summary>Every one of the six components in ±F (NepForge's earlier draw): principal strains reach about ±2F.</summary>
    FullTensor,
}

/// <summary>How each atom is displaced after the cell is strained.</summary>
public enum DisplacementDistribution
{
    /// <summary>Uniform in the volume of a ball of radius d (|δ| = d·u^⅓, uniform direction; dpdata's "uniform").</summary>
    Ball,

    /// <summary>Isotropic Gaussian: each Cartesian component N(0, d²), so the root-mean-square |δ| is √3·d.</summary>
    Normal,

    /// <summary>No displacement: atoms only follow the strained cell (fractional coordinates kept).</summary>
    None,
}

/// <summary>
/// Cartesian axes a strain acts on: component ε_ij is drawn only when both i and j are in the set, so
/// <see cref="XY"/> draws ε_xx, ε_yy, ε_xy and leaves every z component of every vector unchanged (a slab keeps its
/// vacuum along z; c itself is unchanged when it is parallel to z).
/// </summary>
[Flags]
public enum StrainAxes
{
    /// <summary>No strain.</summary>
    None = 0,

    /// <summary>x.</summary>
    X = 1,

    /// <summary>y.</summary>
    Y = 2,

    /// <summary>z.</summary>
    Z = 4,

    /// <summary>x and y (ε_xx, ε_yy, ε_xy): in-plane strain of a slab with vacuum along z.</summary>
    XY = X | Y,

    /// <summary>x and z.</summary>
    XZ = X | Z,

    /// <summary>y and z.</summary>
    YZ = Y | Z,

    /// <summary>All six independent components (the default).</summary>
    XYZ = X | Y | Z,
}

/// <summary>Settings of <see cref="Perturber"/>.</summary>
public sealed record PerturbOptions
{
    /// <summary>
    /// Strain amplitude f: the half-width (uniform) or standard deviation (normal) of what <see cref="CellMode"/>
    /// draws: the principal strains (default), or the tensor components (ε_xy = ε_yx). 0: the cell is not touched.
    /// </summary>
    public double Cell { get; init; } = 0.03;

    /// <summary>How strain components are drawn.</summary>
    public StrainDistribution CellDistribution { get; init; } = StrainDistribution.Uniform;

    /// <summary>What the amplitude bounds: principal strains (default), dpdata's components, or every component.</summary>
    public CellMode CellMode { get; init; } = CellMode.Principal;

    /// <summary>The mode named <paramref name="text"/>: principal, dpdata or full-tensor.</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static CellMode ParseCellMode(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "principal" => CellMode.Principal,
        "dpdata" => CellMode.Dpdata,
        "full-tensor" or "full" => CellMode.FullTensor,
        _ => throw new FormatException($"'{text}' is not a cell mode: use principal, dpdata or full-tensor"),
    };

    /// <summary>The name of <paramref name="mode"/> as the CLI and the frames spell it.</summary>
    public static string Name(CellMode mode) => mode switch
    {
        CellMode.Dpdata => "dpdata",
        CellMode.FullTensor => "full-tensor",
        _ => "principal",
    };

    /// <summary>Which Cartesian axes the strain acts on.</summary>
    public StrainAxes Axes { get; init; } = StrainAxes.XYZ;

    /// <summary>Displacement amplitude d, Å: the ball radius or the Gaussian σ per component.</summary>
    public double Displacement { get; init; } = 0.1;

    /// <summary>How atoms are displaced; <see cref="DisplacementDistribution.None"/> for a cell-only perturbation.</summary>
    public DisplacementDistribution DisplacementDistribution { get; init; } = DisplacementDistribution.Ball;

    /// <summary>Minimum distances every output must respect (a draw that breaks them is thrown away and redrawn).</summary>
    public DistanceGuard Guard { get; init; } = DistanceGuard.None;

    /// <summary>Draws allowed for one structure before giving up with an error.</summary>
    public int MaxTries { get; init; } = 1000;

    /// <summary>config_type of the outputs; null: the input's config_type + "_perturbed" ("perturbed" when it has none).</summary>
    public string? ConfigType { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Cell) || Cell < 0 || Cell >= 1)
            throw new ArgumentException($"the strain amplitude must be in [0, 1), got {Cell}");
        if (!double.IsFinite(Displacement) || Displacement < 0)
            throw new ArgumentException($"the displacement must be ≥ 0 Å, got {Displacement}");
        if (MaxTries < 1)
            throw new ArgumentException($"the number of tries must be ≥ 1, got {MaxTries}");
        if ((Axes & ~StrainAxes.XYZ) != 0)
            throw new ArgumentException($"unknown strain axes {Axes}");
        ArgumentNullException.ThrowIfNull(Guard);
    }

    /// <summary>Parses an axis set such as "xy", "xyz", "z" (any order and case).</summary>
    /// <exception cref="FormatException">A letter other than x, y, z, or an empty set.</exception>
    public static StrainAxes ParseAxes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var axes = StrainAxes.None;
        foreach (char c in text.Trim())
        {
            axes |= char.ToLowerInvariant(c) switch
            {
                'x' => StrainAxes.X,
                'y' => StrainAxes.Y,
                'z' => StrainAxes.Z,
                _ => throw new FormatException($"'{text}' is not a set of axes: use letters x, y, z (e.g. xy for a slab with vacuum along z)"),
            };
        }
        if (axes == StrainAxes.None)
            throw new FormatException("the set of axes is empty: use e.g. xyz or xy");
        return axes;
    }
}
