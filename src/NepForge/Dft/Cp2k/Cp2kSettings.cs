using System.Collections.Frozen;
using System.Globalization;
using NepForge.Formats.Cp2k;

namespace NepForge.Dft.Cp2k;

/// <summary>
/// DFT settings of a CP2K single point. The defaults are the fast workflow-test settings of the CP2K examples
/// (PBE, GTH pseudopotentials, SZV-MOLOPT-SR-GTH, Γ point only, diagonalization + Broyden mixing + Fermi–Dirac
/// smearing at 500 K): fine for testing a pipeline, not production accuracy (use DZVP-MOLOPT-SR-GTH for that).
/// </summary>
public sealed record Cp2kSettings
{
    /// <summary>GLOBAL/PROJECT, also the <c>{PROJECT}</c> placeholder of a template.</summary>
    public string Project { get; init; } = "nepforge";

    /// <summary>MGRID/CUTOFF, Ry. 250 Ry: H needs ≥ 200 Ry (at 150 Ry the sum of forces is 0.07 Ha/bohr).</summary>
    public double Cutoff { get; init; } = 250;

    /// <summary>MGRID/REL_CUTOFF, Ry.</summary>
    public double RelCutoff { get; init; } = 40;

    /// <summary>QS/EPS_DEFAULT (1e-8 is ~1.7× faster than CP2K's 1e-10).</summary>
    public double EpsDefault { get; init; } = 1e-8;

    /// <summary>SCF/EPS_SCF.</summary>
    public double EpsScf { get; init; } = 1e-6;

    /// <summary>SCF/MAX_SCF.</summary>
    public int MaxScf { get; init; } = 40;

    /// <summary>Fermi–Dirac electronic temperature, K; null = no smearing (and no ADDED_MOS).</summary>
    public double? SmearingTemperature { get; init; } = 500;

    /// <summary>SCF/ADDED_MOS, used with smearing.</summary>
    public int AddedMos { get; init; } = 8;

    /// <summary>XC_FUNCTIONAL section name (PBE, BLYP…). The default potentials are GTH-PBE; override them for another functional.</summary>
    public string Xc { get; init; } = "PBE";

    /// <summary>DFT/BASIS_SET_FILE_NAME.</summary>
    public string BasisSetFile { get; init; } = "BASIS_MOLOPT";

    /// <summary>DFT/POTENTIAL_FILE_NAME.</summary>
    public string PotentialFile { get; init; } = "GTH_POTENTIALS";

    /// <summary>Basis set for elements without an entry in <see cref="Basis"/>.</summary>
    public string DefaultBasis { get; init; } = "SZV-MOLOPT-SR-GTH";

    /// <summary>Basis set per element symbol, overriding <see cref="DefaultBasis"/>.</summary>
    public IReadOnlyDictionary<string, string>? Basis { get; init; }

    /// <summary>Pseudopotential per element symbol, overriding GTH-PBE-q<i>n</i> from <see cref="Cp2kKinds.ValenceCharges"/>.</summary>
    public IReadOnlyDictionary<string, string>? Potentials { get; init; }

    /// <summary>DFT/CHARGE (total charge of the cell).</summary>
    public int Charge { get; init; }

    /// <summary>DFT/MULTIPLICITY; null = CP2K's default (lowest). A value other than 1 implies <see cref="Uks"/>.</summary>
    public int? Multiplicity { get; init; }

    /// <summary>Spin-polarised (DFT/UKS).</summary>
    public bool Uks { get; init; }

    /// <summary>
    /// A whole CP2K input to use instead of the built-in one, with the placeholders <c>{CELL}</c> (the A/B/C lines),
    /// <c>{COORD}</c> (one line per atom), <c>{KINDS}</c> (the &amp;KIND sections) and optionally <c>{PROJECT}</c>.
    /// A placeholder alone on its line takes that line's indentation. The template must print forces and stress
    /// itself (FORCE_EVAL/PRINT/FORCES with FILENAME =forces.out, STRESS_TENSOR with FILENAME =stress.out) for
    /// <see cref="Cp2kOutputParser"/> to find them. Load one with <see cref="Cp2kInputWriter.ReadTemplate"/>.
    /// </summary>
    public string? Template { get; init; }

    /// <summary>
    /// Monkhorst–Pack mesh from this k-point spacing, Å⁻¹, by VASP's KSPACING rule (N_i = max(1, ⌈|b_i|/k⌉) with
    /// |b_i| including 2π); null or a 1×1×1 result: Γ only.
    /// </summary>
    public double? KSpacing { get; init; }

    /// <summary>The preset's name (fast, standard, accurate), recorded in the input's header.</summary>
    public string Quality { get; init; } = "fast";

    /// <summary>
    /// The presets of <c>--quality</c>: <c>fast</c> (the defaults: SZV-MOLOPT-SR-GTH, 250 Ry, EPS_DEFAULT 1e-8,
    /// EPS_SCF 1e-6; for pipelines, demos and tests, not for production labels), <c>standard</c>
    /// (DZVP-MOLOPT-SR-GTH, 400/50 Ry, EPS_DEFAULT 1e-12, EPS_SCF 1e-7) and <c>accurate</c> (DZVP-MOLOPT-SR-GTH,
    /// 600/60 Ry, EPS_DEFAULT 1e-14, EPS_SCF 1e-9). k-points come from <see cref="KSpacing"/> in every preset.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static Cp2kSettings Preset(string quality) => quality?.Trim().ToLowerInvariant() switch
    {
        "fast" => new Cp2kSettings(),
        "standard" => new Cp2kSettings
        {
            Quality = "standard",
            DefaultBasis = "DZVP-MOLOPT-SR-GTH",
            Cutoff = 400,
            RelCutoff = 50,
            EpsDefault = 1e-12,
            EpsScf = 1e-7,
            MaxScf = 100,
        },
        "accurate" => new Cp2kSettings
        {
            Quality = "accurate",
            DefaultBasis = "DZVP-MOLOPT-SR-GTH",
            Cutoff = 600,
            RelCutoff = 60,
            EpsDefault = 1e-14,
            EpsScf = 1e-9,
            MaxScf = 200,
        },
        _ => throw new ArgumentException($"'{quality}' is not a CP2K quality: use fast, standard or accurate"),
    };

    /// <summary>The defaults for the 8-atom Si example (150/30 Ry, enough for Si, not for H).</summary>
    public static Cp2kSettings FastSilicon { get; } = new() { Cutoff = 150, RelCutoff = 30 };
}

/// <summary>Basis and pseudopotential names per element for the &amp;KIND sections.</summary>
internal static class Cp2kKinds
{
    /// <summary>
    /// Valence charge q of the GTH-PBE potential that matches SZV/DZVP-MOLOPT-SR-GTH in CP2K's data files (checked
    /// against CP2K 2023.1's BASIS_MOLOPT and GTH_POTENTIALS).
    /// </summary>
    public static FrozenDictionary<string, int> ValenceCharges { get; } =
        ("H1 He2 Li3 Be4 B3 C4 N5 O6 F7 Ne8 Na9 Mg10 Al3 Si4 P5 S6 Cl7 Ar8 K9 Ca10 Sc11 Ti12 V13 Cr14 Mn15 Fe16 Co17 " +
         "Ni18 Cu11 Zn12 Ga13 Ge4 As5 Se6 Br7 Kr8 Rb9 Sr10 Y11 Zr12 Nb13 Mo14 Tc15 Ru16 Rh17 Pd18 Ag11 Cd12 In13 Sn4 " +
         "Sb5 Te6 I7 Xe8 Cs9 Ba10 Hf12 Ta13 W14 Re15 Os16 Ir17 Pt18 Au11 Hg12 Tl13 Pb4 Bi5 Po6 At7 Rn8")
        .Split(' ')
        .ToFrozenDictionary(
            e => e.TrimEnd("0123456789".ToCharArray()),
            e => int.Parse(e.AsSpan(e.TrimEnd("0123456789".ToCharArray()).Length), CultureInfo.InvariantCulture),
            StringComparer.Ordinal);

    /// <summary>The basis set of <paramref name="symbol"/> under <paramref name="settings"/>.</summary>
    public static string BasisFor(string symbol, Cp2kSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Basis is { } map && map.TryGetValue(symbol, out var b) ? b : settings.DefaultBasis;
    }

    /// <summary>The pseudopotential of <paramref name="symbol"/>: the override, else GTH-PBE-q<i>n</i>.</summary>
    public static string PotentialFor(string symbol, Cp2kSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Potentials is { } map && map.TryGetValue(symbol, out var p))
            return p;
        if (ValenceCharges.TryGetValue(symbol, out int q))
            return $"GTH-PBE-q{q}";
        throw new ArgumentException(
            $"no default GTH pseudopotential for {symbol}: give one in {nameof(Cp2kSettings)}.{nameof(Cp2kSettings.Potentials)}");
    }
}
