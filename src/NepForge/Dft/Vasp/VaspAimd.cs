using System.Globalization;
using NepForge.Structures;

namespace NepForge.Dft.Vasp;

/// <summary>The ensemble / thermostat of an AIMD preset.</summary>
public enum VaspAimdEnsemble
{
    /// <summary>NVT with the Nosé–Hoover thermostat: MDALGO = 2, SMASS.</summary>
    NvtNoseHoover,

    /// <summary>NVT with the Langevin thermostat: MDALGO = 3, LANGEVIN_GAMMA per species.</summary>
    NvtLangevin,

    /// <summary>NVE (microcanonical): MDALGO = 1 with ANDERSEN_PROB = 0 (no collisions).</summary>
    Nve,

    /// <summary>NpT with the Langevin thermostat and Parrinello–Rahman barostat: MDALGO = 3, ISIF = 3, LANGEVIN_GAMMA(_L), PMASS.</summary>
    NptLangevin,
}

/// <summary>Which AIMD settings the user gave explicitly (a CLI flag or a workflow key), as opposed to defaults.</summary>
[Flags]
public enum VaspAimdExplicit
{
    /// <summary>Nothing: every value is a default and only fills what the INCAR template lacks.</summary>
    None = 0,

    /// <summary>TEBEG (and TEEND unless <see cref="EndTemperature"/> says otherwise).</summary>
    Temperature = 1,

    /// <summary>TEEND.</summary>
    EndTemperature = 2,

    /// <summary>NSW.</summary>
    Steps = 4,

    /// <summary>POTIM.</summary>
    TimeStep = 8,

    /// <summary>MDALGO and the thermostat/barostat tags, ISIF.</summary>
    Ensemble = 16,

    /// <summary>Every setting.</summary>
    All = Temperature | EndTemperature | Steps | TimeStep | Ensemble,
}

/// <summary>Settings of an AIMD run (temperatures in K, time step in fs).</summary>
public sealed record VaspAimdSettings
{
    /// <summary>Start temperature TEBEG, K.</summary>
    public required double Temperature { get; init; }

    /// <summary>End temperature TEEND, K (default: <see cref="Temperature"/>; a ramp otherwise).</summary>
    public double? EndTemperature { get; init; }

    /// <summary>Number of MD steps NSW.</summary>
    public required int Steps { get; init; }

    /// <summary>Time step POTIM, fs. 1 fs is usual; use 0.5 fs with hydrogen.</summary>
    public double TimeStepFs { get; init; } = 1.0;

    /// <summary>Ensemble and thermostat.</summary>
    public VaspAimdEnsemble Ensemble { get; init; } = VaspAimdEnsemble.NvtNoseHoover;

    /// <summary>Nosé mass SMASS for <see cref="VaspAimdEnsemble.NvtNoseHoover"/> (VASP's units; 1.0 is a common choice).</summary>
    public double Smass { get; init; } = 1.0;

    /// <summary>Langevin friction per species, ps⁻¹ (one value used for every species).</summary>
    public double LangevinGamma { get; init; } = 10.0;

    /// <summary>Lattice friction LANGEVIN_GAMMA_L, ps⁻¹, for NpT.</summary>
    public double LangevinGammaLattice { get; init; } = 10.0;

    /// <summary>Barostat mass PMASS (amu), for NpT.</summary>
    public double Pmass { get; init; } = 1000.0;

    /// <summary>
    /// The settings given explicitly: they replace the INCAR template's values (and each replacement is recorded);
    /// the others only fill what the template lacks. Default <see cref="VaspAimdExplicit.All"/> (no template to respect).
    /// </summary>
    public VaspAimdExplicit Explicit { get; init; } = VaspAimdExplicit.All;
}

/// <summary>
/// INCAR overrides for ab-initio MD, to merge over a single-point template with <see cref="Incar.With"/>:
/// IBRION = 0, NSW, POTIM, TEBEG/TEEND, MDALGO and the thermostat tags, ISIF and ISYM = 0.
/// <para>
/// ISIF: 2 for NVT/NVE (fixed cell; VASP still prints the stress, which NEP training wants as a virial label), 3 for
/// NpT. Slabs, wires and molecules in a box must not use NpT with ISIF = 3: the barostat collapses or inflates the
/// vacuum. Run them in NVT (ISIF = 2), or constrain the cell in VASP 6 (ISIF = 3 with LATTICE_CONSTRAINTS); this
/// helper refuses NpT for a frame with a non-periodic axis.
/// </para>
/// </summary>
public static class VaspAimd
{
    /// <summary>The names the CLI and workflow files use: nvt (Nosé–Hoover), nvt-langevin, nve, npt.</summary>
    public const string EnsembleNames = "nvt, nvt-langevin, nve or npt";

    /// <summary>The ensemble named <paramref name="text"/> (see <see cref="EnsembleNames"/>); null when unknown.</summary>
    public static VaspAimdEnsemble? ParseEnsemble(string text) => text.ToLowerInvariant() switch
    {
        "nvt" => VaspAimdEnsemble.NvtNoseHoover,
        "nvt-langevin" => VaspAimdEnsemble.NvtLangevin,
        "nve" => VaspAimdEnsemble.Nve,
        "npt" => VaspAimdEnsemble.NptLangevin,
        _ => null,
    };

    /// <summary>
    /// The overrides for <paramref name="settings"/>. <paramref name="frame"/> (the structure to run) gives the species
    /// count for LANGEVIN_GAMMA (grouped by species, as <see cref="VaspInputWriter"/> writes the POSCAR) and is checked
    /// for vacuum axes under NpT; it is required for the Langevin ensembles.
    /// </summary>
    /// <exception cref="ArgumentException">Bad settings, a Langevin ensemble without a frame, or NpT for a non-bulk frame.</exception>
    public static IReadOnlyList<KeyValuePair<string, string?>> Overrides(VaspAimdSettings settings, Frame? frame = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Steps < 1)
            throw new ArgumentException($"an MD run needs at least one step, got NSW = {settings.Steps}", nameof(settings));
        if (!(settings.Temperature >= 0) || settings.EndTemperature is < 0 || !(settings.TimeStepFs > 0))
            throw new ArgumentException("temperatures must be ≥ 0 K and the time step > 0 fs", nameof(settings));
        var o = new List<KeyValuePair<string, string?>>
        {
            new("IBRION", "0"),
            new("NSW", I(settings.Steps)),
            new("POTIM", D(settings.TimeStepFs)),
            new("TEBEG", D(settings.Temperature)),
            new("TEEND", D(settings.EndTemperature ?? settings.Temperature)),
            new("ISYM", "0"),
        };
        bool langevin = settings.Ensemble is VaspAimdEnsemble.NvtLangevin or VaspAimdEnsemble.NptLangevin;
        int species = 0;
        if (langevin)
        {
            if (frame is null)
                throw new ArgumentException("the Langevin thermostat needs one LANGEVIN_GAMMA per species: pass the frame", nameof(frame));
            species = frame.Composition().Count;
        }
        switch (settings.Ensemble)
        {
            case VaspAimdEnsemble.NvtNoseHoover:
                o.Add(new("MDALGO", "2"));
                o.Add(new("SMASS", D(settings.Smass)));
                o.Add(new("ISIF", "2"));
                break;
            case VaspAimdEnsemble.Nve:
                o.Add(new("MDALGO", "1"));
                o.Add(new("ANDERSEN_PROB", "0.0"));
                o.Add(new("ISIF", "2"));
                break;
            case VaspAimdEnsemble.NvtLangevin:
                o.Add(new("MDALGO", "3"));
                o.Add(new("LANGEVIN_GAMMA", Repeat(settings.LangevinGamma, species)));
                o.Add(new("ISIF", "2"));
                break;
            case VaspAimdEnsemble.NptLangevin:
                if (frame!.Lattice is not { Pbc: { A: true, B: true, C: true } })
                {
                    throw new ArgumentException(
                        $"NpT (ISIF = 3) on {frame.Formula}, which has a non-periodic axis, would collapse or inflate the vacuum: " +
                        "use NVT (ISIF = 2) for slabs, wires and molecules", nameof(frame));
                }
                o.Add(new("MDALGO", "3"));
                o.Add(new("LANGEVIN_GAMMA", Repeat(settings.LangevinGamma, species)));
                o.Add(new("LANGEVIN_GAMMA_L", D(settings.LangevinGammaLattice)));
                o.Add(new("PMASS", D(settings.Pmass)));
                o.Add(new("ISIF", "3"));
                break;
            default:
                throw new ArgumentException($"unknown ensemble {settings.Ensemble}", nameof(settings));
        }
        return o;
    }

    /// <summary>
    /// <see cref="Overrides"/> split by <see cref="VaspAimdSettings.Explicit"/>: IBRION = 0 (what --aimd means) and the
    /// keys of explicit settings replace the template's values; the rest (e.g. SMASS, ISYM, the default NSW and TEBEG)
    /// only fill keys the template does not set. <c>Sources</c> names the flag behind each replacing key.
    /// </summary>
    public static (IReadOnlyList<KeyValuePair<string, string?>> Replace, IReadOnlyList<KeyValuePair<string, string?>> Fill, IReadOnlyDictionary<string, string> Sources)
        Split(VaspAimdSettings settings, Frame? frame = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var all = Overrides(settings, frame);
        var e = settings.Explicit;
        // TEEND comes from --end-temperature, or from --temperature (300, or the end of a ramp 10:300).
        bool endGiven = e.HasFlag(VaspAimdExplicit.EndTemperature) || e.HasFlag(VaspAimdExplicit.Temperature);
        string? SourceOf(string key) => key.ToUpperInvariant() switch
        {
            "IBRION" => "--aimd",
            "NSW" when e.HasFlag(VaspAimdExplicit.Steps) => "--steps",
            "POTIM" when e.HasFlag(VaspAimdExplicit.TimeStep) => "--timestep",
            "TEBEG" when e.HasFlag(VaspAimdExplicit.Temperature) => "--temperature",
            "TEEND" when endGiven => e.HasFlag(VaspAimdExplicit.EndTemperature) ? "--end-temperature" : "--temperature",
            "MDALGO" or "ANDERSEN_PROB" or "LANGEVIN_GAMMA" or "LANGEVIN_GAMMA_L" or "PMASS" or "ISIF" when e.HasFlag(VaspAimdExplicit.Ensemble) => "--ensemble",
            _ => null,
        };
        var replace = new List<KeyValuePair<string, string?>>();
        var fill = new List<KeyValuePair<string, string?>>();
        var sources = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var kv in all)
        {
            if (SourceOf(kv.Key) is { } source)
            {
                replace.Add(kv);
                sources[kv.Key] = source;
            }
            else
            {
                fill.Add(kv);
            }
        }
        return (replace, fill, sources);
    }

    static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static string Repeat(double v, int n) => string.Join(' ', Enumerable.Repeat(D(v), n));
}
