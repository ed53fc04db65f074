using System.Globalization;
using NepForge.Structures;

namespace NepForge.Dft.Vasp;

/// <summary>How the k-points of a job are given.</summary>
public enum VaspKPointsKind
{
    /// <summary><c>KSPACING</c> (and <c>KGAMMA = .TRUE.</c>) written into the INCAR; no KPOINTS file (a stale one is removed).</summary>
    IncarSpacing,

    /// <summary>A Γ-centred mesh computed here from a spacing with VASP's KSPACING rule, written to KPOINTS.</summary>
    SpacingMesh,

    /// <summary>An explicit mesh written to KPOINTS.</summary>
    ExplicitMesh,

    /// <summary>The Γ point only (a 1×1×1 Γ-centred mesh in KPOINTS; use vasp_gam for speed).</summary>
    GammaOnly,
}

/// <summary>The k-point choice of a job. Build it with the static factories.</summary>
public sealed record VaspKPoints
{
    VaspKPoints(VaspKPointsKind kind, double spacing, (int, int, int) mesh, bool gammaCentred)
    {
        Kind = kind;
        Spacing = spacing;
        Mesh = mesh;
        GammaCentred = gammaCentred;
    }

    /// <summary>Which form.</summary>
    public VaspKPointsKind Kind { get; }

    /// <summary>The spacing, Å⁻¹ (VASP's KSPACING convention, 2π included), for the spacing kinds.</summary>
    public double Spacing { get; }

    /// <summary>The mesh for <see cref="VaspKPointsKind.ExplicitMesh"/>.</summary>
    public (int A, int B, int C) Mesh { get; }

    /// <summary>Γ-centred (true) or Monkhorst–Pack (false), for <see cref="VaspKPointsKind.ExplicitMesh"/>.</summary>
    public bool GammaCentred { get; }

    /// <summary>Writes KSPACING (Å⁻¹) and KGAMMA = .TRUE. into the INCAR and lets VASP build the mesh.</summary>
    public static VaspKPoints InIncar(double kspacing) => new(VaspKPointsKind.IncarSpacing, CheckSpacing(kspacing), default, true);

    /// <summary>Computes the Γ-centred mesh VASP would build for KSPACING = <paramref name="kspacing"/> and writes it to KPOINTS.</summary>
    public static VaspKPoints FromSpacing(double kspacing) => new(VaspKPointsKind.SpacingMesh, CheckSpacing(kspacing), default, true);

    /// <summary>An explicit mesh, Γ-centred by default.</summary>
    public static VaspKPoints Explicit(int a, int b, int c, bool gammaCentred = true)
    {
        if (a < 1 || b < 1 || c < 1)
            throw new ArgumentOutOfRangeException(nameof(a), $"a k-point mesh needs positive divisions, got {a}×{b}×{c}");
        return new(VaspKPointsKind.ExplicitMesh, 0, (a, b, c), gammaCentred);
    }

    /// <summary>The Γ point only.</summary>
    public static VaspKPoints Gamma { get; } = new(VaspKPointsKind.GammaOnly, 0, (1, 1, 1), true);

    /// <summary>
    /// VASP's KSPACING rule: N_i = max(1, ceiling(|b_i| · 2π / kspacing)), b_i the reciprocal vectors without 2π
    /// (so |b_i| = 1/d_i, d_i the spacing of the lattice planes spanned by the other two vectors). It applies to
    /// every axis, vacuum ones included (a 20 Å vacuum axis at 0.25 Å⁻¹ gets 2 divisions, as in VASP).
    /// </summary>
    public static (int A, int B, int C) MeshFromSpacing(Lattice lattice, double kspacing)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        CheckSpacing(kspacing);
        var inv = lattice.Inverse;
        int N(int i) => Math.Max(1, (int)Math.Ceiling(inv.Column(i).Length * 2 * Math.PI / kspacing));
        return (N(0), N(1), N(2));
    }

    /// <summary>The mesh this choice gives for <paramref name="lattice"/>; null for <see cref="VaspKPointsKind.IncarSpacing"/> (VASP decides).</summary>
    public (int A, int B, int C)? MeshFor(Lattice lattice) => Kind switch
    {
        VaspKPointsKind.SpacingMesh => MeshFromSpacing(lattice, Spacing),
        VaspKPointsKind.ExplicitMesh or VaspKPointsKind.GammaOnly => Mesh,
        _ => null,
    };

    /// <summary>The KPOINTS file text for <paramref name="lattice"/>; null for <see cref="VaspKPointsKind.IncarSpacing"/>.</summary>
    public string? KpointsText(Lattice lattice)
    {
        if (MeshFor(lattice) is not { } m)
            return null;
        string comment = Kind switch
        {
            VaspKPointsKind.SpacingMesh => string.Create(CultureInfo.InvariantCulture, $"Gamma-centred mesh from KSPACING = {Spacing:R} 1/A (NepForge)"),
            VaspKPointsKind.GammaOnly => "Gamma point only (NepForge)",
            _ => "Explicit mesh (NepForge)",
        };
        string style = GammaCentred ? "Gamma" : "Monkhorst-Pack";
        return string.Create(CultureInfo.InvariantCulture, $"{comment}\n0\n{style}\n  {m.A} {m.B} {m.C}\n  0 0 0\n");
    }

    static double CheckSpacing(double kspacing) =>
        double.IsFinite(kspacing) && kspacing > 0
            ? kspacing
            : throw new ArgumentOutOfRangeException(nameof(kspacing), $"KSPACING must be a positive number (1/Å), got {kspacing}");
}
