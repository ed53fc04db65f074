using System.Security.Cryptography;
using System.Text;
using NepForge.Dft;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;

namespace NepForge.Workflow;

/// <summary>
/// Runs a workflow stage after stage, each in its own folder (<c>00.aimd/</c>, <c>01.extract/</c>, …), journaling
/// every start and finish. Run it again after a crash, a SIGKILL or a reboot and it resumes where it was: a finished
/// stage whose settings and inputs are unchanged is skipped, an interrupted one is run again (the DFT stages pick up
/// their job folders: nothing finished is redone, nothing queued or running is resubmitted), and a stage whose
/// settings or inputs changed is redone from scratch, its old folder kept as <c>NAME.superseded-N</c>.
/// Every step is the library call behind the matching CLI verb; nothing is implemented twice.
/// </summary>
public sealed class WorkflowRunner
{
    /// <summary>The stage folders, in order.</summary>
    public static IReadOnlyList<(string Stage, string Folder)> Folders { get; } =
    [
        ("aimd", "00.aimd"), ("extract", "01.extract"), ("sample", "02.sample"), ("perturb", "03.perturb"), ("label", "04.label"), ("collect", "05.collect"),
    ];

    readonly WorkflowSpec _spec;
    readonly Action<string> _log;

    /// <param name="spec">The validated workflow.</param>
    /// <param name="log">Progress lines.</param>
    public WorkflowRunner(WorkflowSpec spec, Action<string>? log = null)
    {
        _spec = spec;
        _log = log ?? (_ => { });
    }

    /// <summary>The folder of a stage.</summary>
    public string FolderOf(string stage) => Path.Combine(_spec.WorkDir, Folders.Single(f => f.Stage == stage).Folder);

    /// <summary>Runs (or resumes) every stage; returns the training set's path.</summary>
    public string Run(CancellationToken cancellationToken = default)
    {
        using var workflowLock = WorkflowLock.Acquire(_spec.WorkDir);
        var state = WorkflowState.Load(_spec.WorkDir);
        var stages = new WorkflowStages(_spec, this, _log, cancellationToken);
        foreach (var (stage, folder) in Folders)
        {
            if (!IsEnabled(stage))
                continue;
            string fingerprint = Fingerprint(stage);
            if (state.Stages.TryGetValue(stage, out var record) && record.Fingerprint == fingerprint && record.Status == "done")
            {
                _log($"{folder}: done ({record.Summary}); unchanged, kept");
                continue;
            }
            string dir = Path.Combine(_spec.WorkDir, folder);
            if (record is not null && record.Fingerprint != fingerprint && Directory.Exists(dir))
            {
                string old = Supersede(dir);
                _log($"{folder}: its settings or inputs changed since it ran; old results moved to {Path.GetFileName(old)}, redoing it");
            }
            else if (record is { Status: not "done" })
            {
                _log($"{folder}: resuming");
            }
            record = new StageRecord { Status = "running", Fingerprint = fingerprint, Started = DateTimeOffset.UtcNow };
            state.Stages[stage] = record;
            state.Save(_spec.WorkDir);
            Directory.CreateDirectory(dir);
            try
            {
                record.Summary = stages.Run(stage, dir);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                record.Status = "failed";
                record.Error = e.Message;
                state.Save(_spec.WorkDir);
                throw;
            }
            record.Status = "done";
            record.Error = null;
            record.Finished = DateTimeOffset.UtcNow;
            state.Save(_spec.WorkDir);
            _log($"{folder}: done ({record.Summary})");
        }
        return Path.Combine(_spec.WorkDir, _spec.Collect.Output);
    }

    /// <summary>Whether the workflow has this stage.</summary>
    public bool IsEnabled(string stage) => stage switch
    {
        "aimd" => _spec.Aimd is not null,
        "sample" => _spec.Sample is not null,
        "perturb" => _spec.Perturb is not null,
        "label" => _spec.Label is not null,
        _ => true,
    };

    static string Supersede(string dir)
    {
        int n = 1;
        while (Directory.Exists($"{dir}.superseded-{n}"))
            n++;
        Directory.Move(dir, $"{dir}.superseded-{n}");
        return $"{dir}.superseded-{n}";
    }

    // The stage's settings plus the content of what it reads: a change in either redoes the stage.
    string Fingerprint(string stage)
    {
        var sb = new StringBuilder(_spec.StageSettings.GetValueOrDefault(stage, ""));
        foreach (string input in WorkflowStages.InputsOf(stage, _spec, this))
            sb.Append('|').Append(Path.GetFileName(input)).Append('=').Append(HashFile(input));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    static string HashFile(string path)
    {
        if (Directory.Exists(path))
        {
            // Output folders given to extract: names, sizes and times (hashing every OUTCAR would cost minutes).
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => new FileInfo(f)).Select(f => $"{f.FullName}:{f.Length}:{f.LastWriteTimeUtc.Ticks}");
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", files))));
        }
        if (!File.Exists(path))
            return "absent";
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Frames in an extxyz file (0 when absent).</summary>
    public static long CountFrames(string path) => File.Exists(path) ? ExtXyzReader.ReadFrames(path).LongCount() : 0;

    /// <summary>Reads any structure file.</summary>
    internal static IEnumerable<Structures.Frame> Read(string path) => StructureReader.Read(path, StructureFormats.DetectInput(path));

    /// <summary>The DFT job folders of a stage folder by state, for status.</summary>
    public static IReadOnlyDictionary<DftJobState, int> JobCounts(string stageDir) =>
        Directory.Exists(stageDir)
            ? DftJobs.Find(stageDir).Select(DftJobs.Describe).GroupBy(s => s.State).ToDictionary(g => g.Key, g => g.Count())
            : new Dictionary<DftJobState, int>();
}
