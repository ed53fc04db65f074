using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using NepForge.IO;

namespace NepForge.Dft;

/// <summary>What the batch driver last knew about a job folder's run.</summary>
public enum DftRunPhase
{
    /// <summary>Inputs written; never submitted.</summary>
    Prepared,

    /// <summary>About to be submitted under <see cref="DftJobRecord.JobName"/>: after a crash, look the job up by name before resubmitting.</summary>
    Submitting,

    /// <summary>Waiting in the scheduler's queue.</summary>
    Queued,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Left the executor; the outputs decide how it went.</summary>
    Finished,

    /// <summary>Given up: the retry budget is spent, or no escalation step is left. <see cref="DftJobRecord.Reason"/> says why.</summary>
    Quarantined,
}

/// <summary>One attempt of a job: where it ran and how it ended.</summary>
public sealed class DftAttempt
{
    /// <summary>1, 2, …</summary>
    public int Number { get; set; }

    /// <summary>local or slurm.</summary>
    public string Executor { get; set; } = "";

    /// <summary>The executor's id (Slurm job or array task id, local:pid:start).</summary>
    public string? JobId { get; set; }

    /// <summary>When it was submitted (UTC).</summary>
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>How it ended (state: reason), once known.</summary>
    public string? Outcome { get; set; }

    /// <summary>The input change made before this attempt (escalation), if any.</summary>
    public string? Change { get; set; }

    /// <summary>The archive folder this attempt's outputs were moved to before the next one.</summary>
    public string? Archive { get; set; }
}

/// <summary>
/// The small status file of a job folder (<c>job.json</c>): engine, where its run stands, attempts, the scheduler id,
/// hashes of the inputs, and the reason of the last decision. Written atomically, so a kill never leaves half a file.
/// Folders made by hand have none; the outputs are then the only truth.
/// </summary>
public sealed class DftJobRecord
{
    /// <summary>The file name inside a job folder.</summary>
    public const string FileName = "job.json";

    /// <summary>vasp or cp2k.</summary>
    public string Engine { get; set; } = "";

    /// <summary>Single point or AIMD.</summary>
    public string Kind { get; set; } = "single-point";

    /// <summary>Where the run stands.</summary>
    public DftRunPhase Phase { get; set; }

    /// <summary>Runs submitted so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Executor of the current or last attempt.</summary>
    public string? Executor { get; set; }

    /// <summary>Scheduler id of the current or last attempt.</summary>
    public string? JobId { get; set; }

    /// <summary>The unique name the job was submitted under (finds it again when sbatch's reply was lost).</summary>
    public string? JobName { get; set; }

    /// <summary>Index in the Slurm array the job was submitted in, if any.</summary>
    public int? ArrayIndex { get; set; }

    /// <summary>SHA-256 of each input file at prepare time (and after each escalation).</summary>
    public SortedDictionary<string, string> InputHashes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Each value of the user's input template that a given setting replaced or removed, e.g. "NSW = 3000 → 1000 (--steps)".</summary>
    public List<string> InputOverrides { get; set; } = [];

    /// <summary>Why the folder is where it is, in words a user can act on.</summary>
    public string? Reason { get; set; }

    /// <summary>Every attempt, oldest first.</summary>
    public List<DftAttempt> History { get; set; } = [];

    /// <summary>Whether the job may be in an executor's hands right now.</summary>
    [JsonIgnore]
    public bool IsActive => Phase is DftRunPhase.Submitting or DftRunPhase.Queued or DftRunPhase.Running;

    /// <summary>The record in <paramref name="folder"/>, or null when it has none.</summary>
    public static DftJobRecord? Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), DftJobRecordJson.Default.DftJobRecord);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid job record ({e.Message}); delete it to start the folder afresh", e);
        }
    }

    /// <summary>Writes the record atomically.</summary>
    public void Save(string folder) => AtomicFile.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, DftJobRecordJson.Default.DftJobRecord) + "\n");

    /// <summary>The input files of a job folder that are hashed (those present).</summary>
    public static IReadOnlyList<string> InputFiles { get; } =
        ["INCAR", "POSCAR", "KPOINTS", "POTCAR", Cp2k.Cp2kRunner.DefaultInputName, DftJobs.StructureFile];

    /// <summary>SHA-256 (hex) of the input files present in <paramref name="folder"/>.</summary>
    public static SortedDictionary<string, string> HashInputs(string folder)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // The segment inputs of a CP2K AIMD ramp (md-*.inp) are inputs too.
        IEnumerable<string> segments = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "md-*.inp").Select(Path.GetFileName).OfType<string>().Where(Cp2k.Cp2kMdChain.IsSegmentInput).Order(StringComparer.Ordinal)
            : [];
        foreach (string name in InputFiles.Concat(segments))
        {
            string path = Path.Combine(folder, name);
            if (!File.Exists(path))
                continue;
            using var stream = File.OpenRead(path);
            hashes[name] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        return hashes;
    }

    /// <summary>The input files whose content differs from the recorded hashes (edited by hand since).</summary>
    public IReadOnlyList<string> ChangedInputs(string folder)
    {
        var now = HashInputs(folder);
        return InputHashes.Where(kv => !now.TryGetValue(kv.Key, out var h) || h != kv.Value).Select(kv => kv.Key)
            .Concat(now.Keys.Where(k => !InputHashes.ContainsKey(k))).ToList();
    }
}

/// <summary>Source-generated JSON for <see cref="DftJobRecord"/> (snake_case, enums as words).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DftJobRecord))]
internal sealed partial class DftJobRecordJson : JsonSerializerContext;
