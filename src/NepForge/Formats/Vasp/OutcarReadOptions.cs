using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>Options for <see cref="OutcarReader"/>.</summary>
public sealed record OutcarReadOptions
{
    /// <summary>The defaults: TOTEN, DFT steps only.</summary>
    public static readonly OutcarReadOptions Default = new();

    /// <summary>Which energy becomes <see cref="Structures.Frame.Energy"/>. Default: free energy TOTEN.</summary>
    public VaspEnergyKind Energy { get; init; } = VaspEnergyKind.Free;

    /// <summary>
    /// Also return the steps of VASP's on-the-fly machine-learned force field (VASP ≥ 6.3), marked
    /// <see cref="VaspStep.IsMachineLearned"/>. Off by default: their labels are not DFT.
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
