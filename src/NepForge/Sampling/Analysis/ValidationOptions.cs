using NepForge.Structures;

namespace NepForge.Sampling.Analysis;

/// <summary>Limits of <see cref="DatasetValidator"/>; the defaults follow what GPUMD's nep checks or assumes.</summary>
public sealed record ValidationOptions
{
    /// <summary>
    /// The species nep.in's <c>type</c> line lists; an atom of any other species makes nep stop. Null: not checked.
    /// </summary>
    public IReadOnlyList<Element>? Types { get; init; }

    /// <summary>Warn when |ΣF| / N exceeds this, eV/Å (DFT forces on a periodic cell sum to ~0; default 0.05).</summary>
    public double ForceSumPerAtom { get; init; } = 0.05;

    /// <summary>Warn when two atoms are closer than this × the sum of their covalent radii (default 0.5).</summary>
    public double MinRatio { get; init; } = 0.5;

    /// <summary>Two frames are duplicates when every atom and cell component agree within this, Å (default 1e-3).</summary>
    public double DuplicateTolerance { get; init; } = 1e-3;

    /// <summary>GPUMD warns about energies below this, eV/atom (single-precision training; default −100).</summary>
    public double MinEnergyPerAtom { get; init; } = -100;

    /// <summary>
    /// Warn when the virial's off-diagonal pairs differ by more than this per atom, eV/atom (nep keeps only one of
    /// each pair; default 1e-3, the tolerance nep uses between virial= and stress=).
    /// </summary>
    public double VirialAsymmetryPerAtom { get; init; } = 1e-3;

    /// <summary>Throws <see cref="ArgumentException"/> for values that make no sense.</summary>
    public void Validate()
    {
        if (!(ForceSumPerAtom >= 0))
            throw new ArgumentException($"the force-sum threshold must be ≥ 0 eV/Å, got {ForceSumPerAtom}");
        if (!(MinRatio >= 0 && double.IsFinite(MinRatio)))
            throw new ArgumentException($"the minimum ratio must be ≥ 0, got {MinRatio}");
        if (!(DuplicateTolerance > 0 && DuplicateTolerance < 1))
            throw new ArgumentException($"the duplicate tolerance must be in (0, 1) Å, got {DuplicateTolerance}");
        if (!(VirialAsymmetryPerAtom >= 0))
            throw new ArgumentException($"the virial asymmetry threshold must be ≥ 0, got {VirialAsymmetryPerAtom}");
    }
}
