using System.Text.Json.Serialization;

namespace NepForge.Sampling.Selection;

/// <summary>
/// The JSON report of one selection (<c>nepforge select</c>'s OUT.report.json and the workflow's
/// select-report.json: one schema). Values JSON cannot hold (NaN, ∞) are null.
/// </summary>
public sealed record SelectionReport
{
    /// <summary>The selected structures' file (null on a dry run).</summary>
    [JsonPropertyName("output"), JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Output { get; init; }

    [JsonPropertyName("descriptor_model")]
    public required string DescriptorModel { get; init; }

    [JsonPropertyName("descriptor_model_sha256")]
    public required string DescriptorModelSha256 { get; init; }

    /// <summary>"mean" or "per-element".</summary>
    [JsonPropertyName("reduction")]
    public required string Reduction { get; init; }

    [JsonPropertyName("normalize")]
    public bool Normalize { get; init; }

    [JsonPropertyName("candidates_read")]
    public int CandidatesRead { get; init; }

    [JsonPropertyName("excluded")]
    public int Excluded { get; init; }

    [JsonPropertyName("trust_levels")]
    public SelectionTrustReport? TrustLevels { get; init; }

    /// <summary>Candidates per trust class (accurate, candidate, failed), when a trust filter ran.</summary>
    [JsonPropertyName("classified")]
    public Dictionary<string, int>? Classified { get; init; }

    [JsonPropertyName("candidates_for_fps")]
    public int CandidatesForFps { get; init; }

    [JsonPropertyName("base_structures")]
    public int BaseStructures { get; init; }

    [JsonPropertyName("base_cache_hits")]
    public int? BaseCacheHits { get; init; }

    [JsonPropertyName("base_cache_misses")]
    public int? BaseCacheMisses { get; init; }

    [JsonPropertyName("max")]
    public int Max { get; init; }

    [JsonPropertyName("min_distance"), JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? MinDistance { get; init; }

    [JsonPropertyName("per_source_max")]
    public int? PerSourceMax { get; init; }

    /// <summary>The seed of the random first pick; absent when the base set made the first pick deterministic.</summary>
    [JsonPropertyName("seed")]
    public int? Seed { get; init; }

    [JsonPropertyName("selected")]
    public int Selected { get; init; }

    /// <summary>"max", "min-distance" or "exhausted".</summary>
    [JsonPropertyName("stopped_by")]
    public required string StoppedBy { get; init; }

    [JsonPropertyName("remaining_largest_distance"), JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? RemainingLargestDistance { get; init; }

    [JsonPropertyName("groups")]
    public List<SelectionGroupReport>? Groups { get; init; }

    [JsonPropertyName("picks")]
    public required List<SelectionPickReport> Picks { get; init; }
}

/// <summary>DP-GEN trust levels as used (∞ written as null).</summary>
public sealed record SelectionTrustReport(
    [property: JsonPropertyName("f_lo"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? FLo,
    [property: JsonPropertyName("f_hi"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? FHi,
    [property: JsonPropertyName("v_lo"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? VLo,
    [property: JsonPropertyName("v_hi"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? VHi);

/// <summary>One composition group's budget and picks.</summary>
public sealed record SelectionGroupReport(
    [property: JsonPropertyName("elements")] string Elements,
    [property: JsonPropertyName("seats")] int Seats,
    [property: JsonPropertyName("picked")] int Picked);

/// <summary>One picked structure: where it was read (0-based index), its distance at pick time, its deviations.</summary>
public sealed record SelectionPickReport
{
    [JsonPropertyName("file")]
    public required string File { get; init; }

    [JsonPropertyName("index")]
    public long Index { get; init; }

    [JsonPropertyName("source_file")]
    public string? SourceFile { get; init; }

    [JsonPropertyName("source_index")]
    public long? SourceIndex { get; init; }

    [JsonPropertyName("distance"), JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? Distance { get; init; }

    [JsonPropertyName("max_devi_f")]
    public double? MaxDeviF { get; init; }

    [JsonPropertyName("max_devi_v")]
    public double? MaxDeviV { get; init; }

    [JsonPropertyName("devi_e")]
    public double? DeviE { get; init; }

    [JsonPropertyName("active_sigma_f")]
    public double? ActiveSigmaF { get; init; }
}

/// <summary>Source-generated JSON for <see cref="SelectionReport"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SelectionReport))]
internal sealed partial class SelectionReportJson : JsonSerializerContext;
