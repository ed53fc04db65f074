namespace NepForge.Sampling.Generation;

/// <summary>Settings of <see cref="Rattler"/> (names and defaults as hiphive's <c>mc_rattle</c>).</summary>
public sealed record RattleOptions
{
    /// <summary>Standard deviation of each Cartesian component of a trial move, Å (hiphive's <c>rattle_std</c>).</summary>
    public double Std { get; init; }

    /// <summary>
    /// The minimum distance per element pair (hiphive's <c>d_min</c>, there one number): the centre of the acceptance
    /// error function. <c>new DistanceGuard(minDistance: d)</c> is hiphive's setting.
    /// </summary>
    public DistanceGuard MinDistance { get; init; } = DistanceGuard.None;

    /// <summary>Width of the acceptance error function, Å (hiphive's default 0.1); 0 is a hard wall (moves to d &lt; d_min always rejected).</summary>
    public double Width { get; init; } = 0.1;

    /// <summary>Monte-Carlo sweeps over all atoms (hiphive's <c>n_iter</c>, default 10).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>A move that would take an atom farther than this from its start is rejected, Å (hiphive's <c>max_disp</c>, 2.0).</summary>
    public double MaxDisplacement { get; init; } = 2.0;

    /// <summary>Trial moves allowed for one atom in one sweep before giving up (hiphive's <c>max_attempts</c>, 5000).</summary>
    public int MaxAttempts { get; init; } = 5000;

    /// <summary>config_type of the outputs; null: the input's config_type + "_rattled" ("rattled" when it has none).</summary>
    public string? ConfigType { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Std) || Std <= 0)
            throw new ArgumentException($"the rattle standard deviation must be > 0 Å, got {Std}");
        ArgumentNullException.ThrowIfNull(MinDistance);
        if (!MinDistance.IsActive)
            throw new ArgumentException("the Monte-Carlo rattle needs a minimum distance (d_min > 0)");
        if (!double.IsFinite(Width) || Width < 0)
            throw new ArgumentException($"the width must be ≥ 0 Å, got {Width}");
        if (Iterations < 1)
            throw new ArgumentException($"the number of iterations must be ≥ 1, got {Iterations}");
        if (!(MaxDisplacement > 0) || double.IsNaN(MaxDisplacement))
            throw new ArgumentException($"the largest displacement must be > 0 Å, got {MaxDisplacement}");
        if (MaxAttempts < 1)
            throw new ArgumentException($"the number of attempts must be ≥ 1, got {MaxAttempts}");
    }
}
