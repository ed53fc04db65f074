namespace NepForge.Sampling.Curation;

/// <summary>Labels a frame must carry (<c>nepforge filter --require</c>).</summary>
[Flags]
public enum RequiredLabels
{
    /// <summary>Nothing required.</summary>
    None = 0,

    /// <summary>An energy.</summary>
    Energy = 1,

    /// <summary>Forces.</summary>
    Forces = 2,

    /// <summary>A virial (or a stress, which the readers turn into one).</summary>
    Virial = 4,
}

/// <summary>
/// What <see cref="FrameFilter"/> rejects. Every criterion is optional and they combine; frames with NaN or ∞ in
/// positions, cell or labels are always rejected.
/// </summary>
public sealed record FilterOptions
{
    /// <summary>Reject a frame with two atoms (or an atom and a periodic image) closer than this, Å.</summary>
    public double? MinDistance { get; init; }

    /// <summary>
    /// Reject a frame with a pair closer than this fraction of the sum of the two covalent radii (Cordero 2008, as
    /// ASE): 0.5 flags Si–Si below 1.11 Å.
    /// </summary>
    public double? MinRatio { get; init; }

    /// <summary>Reject a frame in which some atom has a force of norm |F| above this, eV/Å.</summary>
    public double? MaxForce { get; init; }

    /// <summary>
    /// Reject a frame whose energy per atom has a robust z-score |e − median| / (1.4826·MAD) above this among the
    /// frames of the same reduced composition. Needs <see cref="FrameFilter.EnergyStatistics"/> filled by a first pass.
    /// </summary>
    public double? EnergyZScore { get; init; }

    /// <summary>Labels every kept frame must have.</summary>
    public RequiredLabels Require { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for values that make no sense.</summary>
    public void Validate()
    {
        if (MinDistance is { } d && !(d > 0 && double.IsFinite(d)))
            throw new ArgumentException($"the minimum distance must be a positive number of Å, got {d}");
        if (MinRatio is { } r && !(r > 0 && double.IsFinite(r)))
            throw new ArgumentException($"the minimum ratio to the sum of covalent radii must be positive, got {r}");
        if (MaxForce is { } f && !(f > 0 && double.IsFinite(f)))
            throw new ArgumentException($"the maximum force must be a positive number of eV/Å, got {f}");
        if (EnergyZScore is { } z && !(z > 0 && double.IsFinite(z)))
            throw new ArgumentException($"the energy z-score threshold must be positive, got {z}");
    }
}

/// <summary>Why a frame was rejected: a short stable code (for counting) and a sentence with the numbers.</summary>
/// <param name="Code">non_finite, missing_energy, missing_forces, missing_virial, max_force, energy_zscore, min_distance or min_ratio.</param>
/// <param name="Detail">What was found, e.g. "Si 3 – Si 17 at 0.812 Å &lt; 1 Å".</param>
public sealed record RejectReason(string Code, string Detail)
{
    /// <summary>"code: detail", as written to the <c>reject_reason</c> key.</summary>
    public override string ToString() => $"{Code}: {Detail}";
}
