using System.Text.Json;
using System.Text.Json.Serialization;
using NepForge.IO;

namespace NepForge.Workflow;

/// <summary>One stage's entry in the journal.</summary>
public sealed class StageRecord
{
    /// <summary>running, done or failed.</summary>
    public string Status { get; set; } = "running";

    /// <summary>SHA-256 of the stage's settings and input files when it (last) started.</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>When it started and finished (UTC).</summary>
    public DateTimeOffset Started { get; set; }

    /// <summary>When it finished, if it did.</summary>
    public DateTimeOffset? Finished { get; set; }

    /// <summary>What it made, in words (frames, jobs).</summary>
    public string? Summary { get; set; }

    /// <summary>The last error, if it failed.</summary>
    public string? Error { get; set; }

    /// <summary>What the readers warned about (truncated inputs, skipped steps), as the verbs print it.</summary>
    public List<string>? Warnings { get; set; }
}

/// <summary>
/// The workflow's journal (<c>workflow.state.json</c> in the work folder): per stage its status and fingerprint.
/// One writer (the lock), whole-file atomic renames: safe on NFS and Lustre, which break database locking.
/// </summary>
public sealed class WorkflowState
{
    /// <summary>File name in the work folder.</summary>
    public const string FileName = "workflow.state.json";

    /// <summary>Why the last run stopped early (a stopping rule of the loop), if it did.</summary>
    public string? Stopped { get; set; }

    /// <summary>Stages by name.</summary>
    public SortedDictionary<string, StageRecord> Stages { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Reads the journal of <paramref name="workDir"/> (empty when there is none yet).</summary>
    public static WorkflowState Load(string workDir)
    {
        string path = Path.Combine(workDir, FileName);
        if (!File.Exists(path))
            return new WorkflowState();
        const string Advice = "restore it, or delete it to redo every stage (finished DFT jobs are kept in their folders)";
        WorkflowState? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllText(path), WorkflowStateJson.Default.WorkflowState);
        }
        catch (JsonException e)
        {
            // One line with the place, not the serializer's internals.
            string why = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
            throw new InvalidDataException($"{path}:{(e.LineNumber ?? 0) + 1}: the workflow journal is damaged ({why}); {Advice}");
        }
        if (state is null)
            throw new InvalidDataException($"{path}:1: the workflow journal is empty (null); {Advice}");
        if (state.Stages is null || state.Stages.Any(kv => kv.Value is null))
            throw new InvalidDataException($"{path}:1: the workflow journal has no stage records; {Advice}");
        return state;
    }

    /// <summary>Writes the journal atomically.</summary>
    public void Save(string workDir)
    {
        Directory.CreateDirectory(workDir);
        AtomicFile.WriteAllText(Path.Combine(workDir, FileName), JsonSerializer.Serialize(this, WorkflowStateJson.Default.WorkflowState) + "\n");
    }
}

/// <summary>Source-generated JSON for the journal.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkflowState))]
internal sealed partial class WorkflowStateJson : JsonSerializerContext;
