using System.Text.Json.Serialization;
using NepForge.IO;

namespace NepForge.Sampling.Analysis;

/// <summary>One finding in <c>nepforge validate --json</c> (frame 0-based, line 1-based; null when not known).</summary>
internal sealed record ValidationIssueJson(
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("frame")] long? Frame,
    [property: JsonPropertyName("line")] long? Line,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The JSON report of <c>nepforge validate --json</c>.</summary>
internal sealed record ValidationReportJson(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("frames")] long Frames,
    [property: JsonPropertyName("atoms")] long Atoms,
    [property: JsonPropertyName("frames_nep_reads")] long FramesNepReads,
    [property: JsonPropertyName("species")] Dictionary<string, long> Species,
    [property: JsonPropertyName("valid")] bool Valid,
    [property: JsonPropertyName("errors")] int Errors,
    [property: JsonPropertyName("warnings")] int Warnings,
    [property: JsonPropertyName("issues")] List<ValidationIssueJson> Issues)
{
    /// <summary>The JSON shape of a validation report.</summary>
    public static ValidationReportJson Of(ValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.File, report.Frames, report.Atoms, report.FramesNepReads,
            report.Species.ToDictionary(kv => kv.Key.Symbol, kv => kv.Value, StringComparer.Ordinal),
            report.IsValid, report.Errors, report.Warnings,
            report.Issues.Select(i => new ValidationIssueJson(i.Severity == ValidationSeverity.Error ? "error" : "warning", i.Frame, i.Line, i.Code, i.Message)).ToList());
    }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonReport.ToJson(this, ValidationReportJsonContext.Default.ValidationReportJson);
}

/// <summary>Source-generated JSON for <see cref="ValidationReportJson"/>.</summary>
[JsonSerializable(typeof(ValidationReportJson))]
internal sealed partial class ValidationReportJsonContext : JsonSerializerContext;
