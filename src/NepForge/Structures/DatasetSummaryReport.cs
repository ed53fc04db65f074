using System.Text.Json.Serialization;
using NepForge.IO;

namespace NepForge.Structures;

/// <summary>
/// One file's entry in <c>nepforge info --json</c>. Ranges are <c>[min, max]</c>, null when no frame has the
/// quantity; a bound JSON cannot hold (∞ from a 1e200 eV/Å force) is null.
/// </summary>
internal sealed record DatasetSummaryReport(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("atoms")] long Atoms,
    [property: JsonPropertyName("species")] Dictionary<string, long> Species,
    [property: JsonPropertyName("frames_with_energy")] long FramesWithEnergy,
    [property: JsonPropertyName("frames_with_forces")] long FramesWithForces,
    [property: JsonPropertyName("frames_with_virial")] long FramesWithVirial,
    [property: JsonPropertyName("frames_with_cell")] long FramesWithCell,
    [property: JsonPropertyName("energy_per_atom_ev")] double?[]? EnergyPerAtomEv,
    [property: JsonPropertyName("force_magnitude_ev_per_a")] double?[]? ForceMagnitudeEvPerA,
    [property: JsonPropertyName("pressure_gpa")] double?[]? PressureGpa,
    [property: JsonPropertyName("volume_per_atom_a3")] double?[]? VolumePerAtomA3,
    [property: JsonPropertyName("config_types")] Dictionary<string, long> ConfigTypes)
{
    /// <summary>The entry of <paramref name="file"/>'s summary.</summary>
    public static DatasetSummaryReport Of(string file, DatasetSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(file, s.Frames, s.Atoms,
            s.Species.ToDictionary(kv => kv.Key.Symbol, kv => kv.Value, StringComparer.Ordinal),
            s.WithEnergy, s.WithForces, s.WithVirial, s.WithLattice,
            Range(s.EnergyPerAtom), Range(s.ForceMagnitude), Range(s.PressureGpa), Range(s.VolumePerAtom),
            s.ConfigTypes.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
    }

    /// <summary>The <c>info --json</c> array of several files' entries, as indented JSON.</summary>
    public static string ToJson(IEnumerable<(string File, DatasetSummary Summary)> summaries) =>
        JsonReport.ToJson(summaries.Select(s => Of(s.File, s.Summary)).ToList(), DatasetSummaryReportJson.Default.ListDatasetSummaryReport);

    static double?[]? Range((double Min, double Max) r) =>
        double.IsNaN(r.Min) ? null : [JsonReport.Finite(r.Min), JsonReport.Finite(r.Max)];
}

/// <summary>Source-generated JSON for <see cref="DatasetSummaryReport"/>.</summary>
[JsonSerializable(typeof(List<DatasetSummaryReport>))]
internal sealed partial class DatasetSummaryReportJson : JsonSerializerContext;
