using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// One ionic step read from an OUTCAR or vasprun.xml: the labelled frame plus what a user needs to decide whether to
/// trust it (all three energies, the electronic convergence of the step, whether a machine-learned force field
/// produced it instead of DFT).
/// </summary>
public sealed class VaspStep
{
    /// <summary>
    /// The structure with its labels: <see cref="Frame.Energy"/> is the energy chosen by the reader options (recorded in
    /// <see cref="FrameInfo.EnergyKind"/>), forces in eV/Å, virial in eV (pressure sign) when VASP printed a stress.
    /// <see cref="FrameInfo.SourceFile"/>, <see cref="FrameInfo.SourceIndex"/> (0-based position of this step among
    /// the steps read) and <see cref="FrameInfo.SourceStep"/> (VASP's 1-based ionic step) are set.
    /// </summary>
    public required Frame Frame { get; init; }

    /// <summary>The line where the reader finished this step (for messages), 0 when unknown.</summary>
    public long Line { get; init; }

    /// <summary>VASP's ionic step number, 1-based.</summary>
    public required int IonicStep { get; init; }

    /// <summary><c>free  energy   TOTEN</c>, eV.</summary>
    public double? FreeEnergy { get; init; }

    /// <summary><c>energy  without entropy</c>, eV.</summary>
    public double? EnergyWithoutEntropy { get; init; }

    /// <summary><c>energy(sigma->0)</c>, eV.</summary>
    public double? EnergySigma0 { get; init; }

    /// <summary>Electronic (SCF) iterations of this ionic step; 0 for a machine-learned step.</summary>
    public int ElectronicSteps { get; init; }

    /// <summary>NELM of the run, when known.</summary>
    public int? Nelm { get; init; }

    /// <summary>
    /// VASP 6's own verdict: true after "aborting loop because EDIFF is reached", false after "EDIFF was not reached
    /// (unconverged)", null when the file has no such line (VASP 5 prints "EDIFF is reached" even at NELM, so it is
    /// not trusted there).
    /// </summary>
    public bool? EdiffReached { get; init; }

    /// <summary>True for a step of VASP's on-the-fly machine-learned force field (no DFT behind its labels).</summary>
    public bool IsMachineLearned { get; init; }

    /// <summary>
    /// Whether the electronic loop converged: VASP 6's verdict when present, otherwise fewer iterations than NELM
    /// (a step that used all NELM iterations is treated as unconverged, as dpdata does). Machine-learned steps count
    /// as converged (there is no electronic loop).
    /// </summary>
    public bool Converged => IsMachineLearned || (EdiffReached ?? (Nelm is not { } nelm || ElectronicSteps < nelm));
}
