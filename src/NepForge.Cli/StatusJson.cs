using System.Text.Json.Serialization;

namespace NepForge.Cli;

/// <summary>One line of <c>nepforge dft status --json</c>: a job folder, its engine, state, reason, attempts, job id, frames.</summary>
sealed record DftStatusRow(
    [property: JsonPropertyName("folder")] string Folder,
    [property: JsonPropertyName("engine")] string? Engine,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("job_id")] string? JobId,
    [property: JsonPropertyName("frames")] int Frames);

/// <summary>One stage of <c>nepforge status --json</c>; <see cref="Jobs"/> counts DFT jobs by state, <see cref="Failures"/> lists the failed ones (AIMD and label stages only).</summary>
sealed record WorkflowStageStatus(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("warnings")] List<string> Warnings,
    [property: JsonPropertyName("jobs")] Dictionary<string, int> Jobs,
    [property: JsonPropertyName("failures")] List<WorkflowJobFailure> Failures);

/// <summary>A DFT job of a workflow stage that ended without usable labels: its folder (relative to the work folder), state and reason.</summary>
sealed record WorkflowJobFailure(
    [property: JsonPropertyName("folder")] string Folder,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>The JSON of <c>nepforge status --json</c>.</summary>
sealed record WorkflowStatusReport(
    [property: JsonPropertyName("workflow")] string Workflow,
    [property: JsonPropertyName("stages")] List<WorkflowStageStatus> Stages,
    [property: JsonPropertyName("train_frames")] long TrainFrames,
    [property: JsonPropertyName("stopped")] string? Stopped);

/// <summary>Source-generated JSON for the status reports, written through NepForge.IO.JsonReport like every other report.</summary>
[JsonSerializable(typeof(DftStatusRow))]
[JsonSerializable(typeof(WorkflowStatusReport))]
sealed partial class StatusJson : JsonSerializerContext;
