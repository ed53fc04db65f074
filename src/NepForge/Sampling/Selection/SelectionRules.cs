namespace NepForge.Sampling.Selection;

/// <summary>The rules of one farthest-point selection.</summary>
public sealed class SelectionRules
{
    /// <summary>Most picks in all (base structures do not count).</summary>
    public int Max { get; init; } = 100;

    /// <summary>A candidate is picked only if its distance to everything selected is strictly above this (and above 0).</summary>
    public double MinDistance { get; init; }

    /// <summary>Seed of the random first pick of a group that has no base structures.</summary>
    public int Seed { get; init; }

    /// <summary>Source id of each candidate (for <see cref="PerSourceMax"/>); null = all from one source.</summary>
    public int[]? CandidateSource { get; init; }

    /// <summary>Most picks from one source; null = no cap.</summary>
    public int? PerSourceMax { get; init; }

    /// <summary>Group id of each candidate (e.g. its element set); null = one group.</summary>
    public int[]? CandidateGroup { get; init; }

    /// <summary>Group id of each base row, same numbering as <see cref="CandidateGroup"/>.</summary>
    public int[]? BaseGroup { get; init; }

    /// <summary>Threads for the distance passes (0 = one per processor).</summary>
    public int Threads { get; init; }
}

/// <summary>One pick: candidate index, its distance to everything selected before it, and its group.</summary>
public readonly record struct SelectionPick(int Index, double Distance, int Group);

/// <summary>Why a selection stopped.</summary>
public enum SelectionStop
{
    /// <summary>The budget (--max) was reached.</summary>
    Max,

    /// <summary>The farthest remaining eligible candidate was not farther than the minimum distance.</summary>
    MinDistance,

    /// <summary>No eligible candidate was left.</summary>
    Exhausted,
}

/// <summary>The result of <see cref="FpsSelection.Select"/>.</summary>
public sealed class SelectionOutcome
{
    /// <summary>Picks in the order made.</summary>
    public required IReadOnlyList<SelectionPick> Picks { get; init; }

    /// <summary>Distance of the farthest eligible candidate left after the last pick (NaN when none is left).</summary>
    public required double RemainingLargest { get; init; }

    /// <summary>Why it stopped.</summary>
    public required SelectionStop Stop { get; init; }

    /// <summary>Seats per group (one entry without grouping).</summary>
    public required int[] Quotas { get; init; }

    /// <summary>Groups (by id) that had no base rows, so their first pick was random with <see cref="SelectionRules.Seed"/>.</summary>
    public required IReadOnlyList<int> SeededGroups { get; init; }

    /// <summary>Exact nearest-base searches run (work measure).</summary>
    public required long BaseSearches { get; init; }
}
