using NepForge.Structures;

namespace NepForge.Sampling.Selection;

/// <summary>What <see cref="SelectionPipeline.Run"/> picked: the frames (tagged select_distance and, when the first
/// pick was random, select_seed), the report, and the data of the PCA map.</summary>
public sealed record SelectionResult
{
    /// <summary>The picked frames, in pick order.</summary>
    public required IReadOnlyList<Frame> Selected { get; init; }

    /// <summary>The report (the same schema for the verb and the workflow).</summary>
    public required SelectionReport Report { get; init; }

    /// <summary>The seed used for the random first pick, or null when the base set made it deterministic.</summary>
    public int? Seed { get; init; }

    /// <summary>Why a descriptor cache on disk was ignored (and rebuilt), or null.</summary>
    public string? CacheRejected { get; init; }

    /// <summary>Features before normalisation, for the PCA map.</summary>
    public required SelectionMapData Map { get; init; }
}

/// <summary>The candidates' and base set's features (unnormalised) and which candidates were picked.</summary>
public sealed record SelectionMapData(FeatureMatrix Candidates, FeatureMatrix Base, IReadOnlyList<int> Picked);
