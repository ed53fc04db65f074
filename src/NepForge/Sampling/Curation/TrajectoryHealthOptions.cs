namespace NepForge.Sampling.Curation;

/// <summary>What counts as an unphysical MD frame (see <see cref="TrajectoryHealth"/>).</summary>
public sealed record TrajectoryHealthOptions
{
    /// <summary>
    /// A pair closer than this fraction of the sum of the two covalent radii is a collapse (0.5 by default: an
    /// O–H bond of 0.97 Å against radii 0.66 + 0.31 is 1.0; two Si atoms 1.1 Å apart are 0.5).
    /// </summary>
    public double MinDistanceRatio { get; init; } = 0.5;

    /// <summary>The cell may not grow beyond this multiple of the first frame's volume (an exploding box).</summary>
    public double MaxVolumeRatio { get; init; } = 2.0;

    /// <summary>The cell may not shrink below this multiple of the first frame's volume.</summary>
    public double MinVolumeRatio { get; init; } = 0.5;

    /// <summary>Largest |F| on any atom, eV/Å, when the frames carry forces (null: not checked).</summary>
    public double? MaxForce { get; init; } = 50;

    /// <summary>Frames right before the first bad one that are dropped too (they are often already distorted).</summary>
    public int Margin { get; init; }

    /// <summary>Of the frames before the cut, keep only the last this many (null: all of them).</summary>
    public int? Keep { get; init; }

    /// <summary>Throws when a value makes no sense.</summary>
    public void Validate()
    {
        if (!(MinDistanceRatio >= 0) || !double.IsFinite(MinDistanceRatio))
            throw new ArgumentException("minimum distance ratio must be ≥ 0");
        if (!(MaxVolumeRatio > 1) || !(MinVolumeRatio is > 0 and < 1))
            throw new ArgumentException("volume ratios must satisfy 0 < min < 1 < max");
        if (MaxForce is { } f && !(f > 0))
            throw new ArgumentException("maximum force must be > 0");
        if (Margin < 0)
            throw new ArgumentException("margin must be ≥ 0");
        if (Keep is < 0)
            throw new ArgumentException("keep must be ≥ 0");
    }
}
