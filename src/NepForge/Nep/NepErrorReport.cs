using System.Text.Json.Serialization;
using NepForge.IO;

namespace NepForge.Nep;

/// <summary>RMSE, MAE and R² of one quantity (null where JSON cannot hold the value).</summary>
public sealed record NepErrorMetrics(
    [property: JsonPropertyName("rmse")] double? Rmse,
    [property: JsonPropertyName("mae")] double? Mae,
    [property: JsonPropertyName("r2")] double? R2,
    [property: JsonPropertyName("count")] long Count)
{
    /// <summary>The metrics of an accumulator, or null when it saw no value.</summary>
    public static NepErrorMetrics? Of(ErrorAccumulator a) =>
        a.Count == 0 ? null : new(JsonReport.Finite(a.Rmse), JsonReport.Finite(a.Mae), JsonReport.Finite(a.R2), a.Count);
}

/// <summary>Energy, force and virial metrics of a set of frames.</summary>
public sealed record NepErrorBlock(
    [property: JsonPropertyName("energy_mev_per_atom")] NepErrorMetrics? Energy,
    [property: JsonPropertyName("force_mev_per_angstrom")] NepErrorMetrics? Force,
    [property: JsonPropertyName("virial_mev_per_atom")] NepErrorMetrics? Virial)
{
    /// <summary>The block of a statistics object.</summary>
    public static NepErrorBlock Of(NepErrorStatistics s) => new(NepErrorMetrics.Of(s.Energy), NepErrorMetrics.Of(s.Force), NepErrorMetrics.Of(s.Virial));
}

/// <summary>One of the worst frames by energy error (0-based index in the input).</summary>
public sealed record NepWorstEnergy(
    [property: JsonPropertyName("frame")] long Frame,
    [property: JsonPropertyName("config_type")] string? ConfigType,
    [property: JsonPropertyName("energy_error_mev_per_atom")] double EnergyError);

/// <summary>One of the worst frames by force RMSE (0-based index in the input).</summary>
public sealed record NepWorstForce(
    [property: JsonPropertyName("frame")] long Frame,
    [property: JsonPropertyName("config_type")] string? ConfigType,
    [property: JsonPropertyName("force_rmse_mev_per_angstrom")] double ForceRmse);

/// <summary>The JSON report of <c>nepforge nep eval --json</c>.</summary>
public sealed record NepErrorReport(
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("atoms")] long Atoms,
    [property: JsonPropertyName("errors")] NepErrorBlock Errors,
    [property: JsonPropertyName("by_config_type")] Dictionary<string, NepErrorBlock> ByConfigType,
    [property: JsonPropertyName("worst_energy")] List<NepWorstEnergy> WorstEnergy,
    [property: JsonPropertyName("worst_force")] List<NepWorstForce> WorstForce)
{
    /// <summary>The report of an evaluation, with its <paramref name="worst"/> worst frames by energy and by force.</summary>
    public static NepErrorReport Of(NepEvaluationResult r, int worst)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = r.Statistics;
        return new(r.Frames, r.Atoms, NepErrorBlock.Of(s),
            s.ByConfigType.ToDictionary(kv => kv.Key, kv => NepErrorBlock.Of(kv.Value), StringComparer.Ordinal),
            s.WorstByEnergy(worst).Select(f => new NepWorstEnergy(f.Index, f.ConfigType, f.EnergyError)).ToList(),
            s.WorstByForce(worst).Select(f => new NepWorstForce(f.Index, f.ConfigType, f.ForceRmse)).ToList());
    }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonReport.ToJson(this, NepErrorReportJson.Default.NepErrorReport);
}

/// <summary>Source-generated JSON for <see cref="NepErrorReport"/>.</summary>
[JsonSerializable(typeof(NepErrorReport))]
internal sealed partial class NepErrorReportJson : JsonSerializerContext;
