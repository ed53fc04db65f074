using System.Text.Json.Serialization;
using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>One file's entry in <c>nepforge extract --json</c>.</summary>
internal sealed record VaspFileReport(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("vasp_version")] string? VaspVersion,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("kept")] long Kept,
    [property: JsonPropertyName("unconverged")] long Unconverged,
    [property: JsonPropertyName("subsampled_out")] long SubsampledOut,
    [property: JsonPropertyName("skipped")] long Skipped,
    [property: JsonPropertyName("truncated")] bool Truncated,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("warnings")] List<string> Warnings)
{
    /// <summary>The entry of one file's summary.</summary>
    public static VaspFileReport Of(VaspFileSummary f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.Path, f.Format, f.Version, f.Steps, f.Kept, f.Unconverged, f.Subsampled, f.Skipped, f.Truncated, f.Error,
            f.Warnings.Select(d => d.ToString()).ToList());
    }
}

/// <summary>The JSON summary of <c>nepforge extract --json</c>: the output ("nothing written" when none), frames written, files.</summary>
internal sealed record VaspExtractReport(
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("files")] List<VaspFileReport> Files)
{
    /// <summary>The report of an extraction's files.</summary>
    public static VaspExtractReport Of(string output, long frames, IEnumerable<VaspFileSummary> files) =>
        new(output, frames, files.Select(VaspFileReport.Of).ToList());

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonReport.ToJson(this, VaspExtractReportJson.Default.VaspExtractReport);
}

/// <summary>Source-generated JSON for <see cref="VaspExtractReport"/>.</summary>
[JsonSerializable(typeof(VaspExtractReport))]
internal sealed partial class VaspExtractReportJson : JsonSerializerContext;
