namespace NepForge.Sampling.Selection;

/// <summary>What <see cref="SelectionPipeline"/> selects from, against what, and by which rules.</summary>
public sealed record SelectionOptions
{
    /// <summary>Candidate structure files; frames keep their file and 0-based index.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    /// <summary>GPUMD run folders with active.out + active.xyz.</summary>
    public IReadOnlyList<string> ActiveRuns { get; init; } = [];

    /// <summary>δ of GPUMD's active keyword, when run.in is not beside active.out.</summary>
    public double? ActiveThreshold { get; init; }

    /// <summary>nep.txt whose scaled descriptors define the distance.</summary>
    public required string Model { get; init; }

    /// <summary>The training set already selected (null: none).</summary>
    public string? Base { get; init; }

    /// <summary>The base set's descriptor cache file (null: no cache). See <see cref="DescriptorCache.PathFor"/>.</summary>
    public string? CachePath { get; init; }

    /// <summary>Write the cache back when it gained entries (false on a dry run).</summary>
    public bool SaveCache { get; init; } = true;

    /// <summary>Most structures to pick.</summary>
    public int Max { get; init; } = 100;

    /// <summary>Pick only candidates strictly farther than this from everything selected.</summary>
    public double MinDistance { get; init; } = 0.01;

    /// <summary>Structure descriptor reduction.</summary>
    public FeatureReduction Reduction { get; init; } = FeatureReduction.Mean;

    /// <summary>Divide features by the base set's spread (the candidates' without a base).</summary>
    public bool Normalize { get; init; }

    /// <summary>Give each element set its own budget.</summary>
    public bool GroupByComposition { get; init; }

    /// <summary>Seed of the random first pick when there is no base; drawn when null (and recorded).</summary>
    public int? Seed { get; init; }

    /// <summary>Most picks from one candidate file.</summary>
    public int? PerSourceMax { get; init; }

    /// <summary>Files listing frames to leave out (lines 'FILE INDEX', 'FILE A-B', 'FILE A-', 0-based).</summary>
    public IReadOnlyList<string> ExcludeLists { get; init; } = [];

    /// <summary>NEP models whose force/virial deviation classifies the candidates (two or more; needs <see cref="Trust"/>).</summary>
    public IReadOnlyList<string> Committee { get; init; } = [];

    /// <summary>DP-GEN trust levels: only the "candidate" class goes on to farthest-point sampling.</summary>
    public TrustLevels? Trust { get; init; }

    /// <summary>The selected file's path, recorded in the report (null on a dry run).</summary>
    public string? Output { get; init; }

    /// <summary>Threads (0 = all).</summary>
    public int Threads { get; init; }

    /// <summary>Reader warnings (truncated files and the like).</summary>
    public Action<NepForge.IO.ParseDiagnostic>? OnDiagnostic { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> on options that contradict each other.</summary>
    public void Validate()
    {
        if (Candidates.Count == 0 && ActiveRuns.Count == 0)
            throw new ArgumentException("give candidate files or --active DIR");
        if (Committee.Count == 1)
            throw new ArgumentException("--committee needs at least two models");
        if (Committee.Count > 0 && Trust is null)
            throw new ArgumentException("--committee needs --f-lo and --f-hi");
        if (Max < 0)
            throw new ArgumentException("--max must be ≥ 0");
        if (PerSourceMax is < 1)
            throw new ArgumentException("--per-source-max must be ≥ 1");
    }
}
