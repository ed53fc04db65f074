using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>Options for <see cref="VasprunReader"/>.</summary>
public sealed record VasprunReadOptions
{
    /// <summary>The defaults: free energy (e_fr_energy), DFT steps only.</summary>
    public static readonly VasprunReadOptions Default = new();

    /// <summary>Which energy becomes <see cref="Structures.Frame.Energy"/>. Default: the free energy (TOTEN, e_fr_energy).</summary>
    public VaspEnergyKind Energy { get; init; } = VaspEnergyKind.Free;

    /// <summary>
    /// Also return the frames of VASP's on-the-fly machine-learned force field (VASP ≥ 6.3), which vasprun.xml writes
    /// as bare <c>&lt;structure&gt;</c>/<c>&lt;varray name="forces"&gt;</c>/<c>&lt;energy&gt;</c> groups outside any
    /// <c>&lt;calculation&gt;</c>; they are marked <see cref="VaspStep.IsMachineLearned"/> and carry the extra key
    /// <c>ml_frame=T</c>. Off by default: their labels are not DFT.
    /// </summary>
    public bool IncludeMachineLearned { get; init; }

    /// <summary>Called for every warning as it happens.</summary>
    public Action<ParseDiagnostic>? OnDiagnostic { get; init; }

    /// <summary>
    /// Skip (with a warning) steps with a non-finite position, cell, energy, force or virial; by default such a step is
    /// an error naming its line.
    /// </summary>
    public bool SkipBad { get; init; }
}
