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
        ("build", "00.build"), ("md", "00.md"), ("aimd", "00.aimd"), ("extract", "01.extract"), ("sample", "02.sample"), ("perturb", "03.perturb"), ("label", "04.label"), ("collect", "05.collect"),
    ];

    readonly WorkflowSpec _spec;
    readonly Action<string> _log;
    StageRecord? _current;
    string? _currentName;

    /// <param name="spec">The validated workflow.</param>
    /// <param name="log">Progress lines.</param>
    public WorkflowRunner(WorkflowSpec spec, Action<string>? log = null)
    {
        _spec = spec;
        _log = log ?? (_ => { });
    }

    /// <summary>
    /// A warning of the running stage (a truncated input, a skipped step): printed and kept in the journal, where
    /// <c>status</c> shows it.
    /// </summary>
    public void Warn(string message)
    {
        _log($"{_currentName ?? "workflow"}: warning: {message}");
        if (_current is { } record)
            (record.Warnings ??= []).Add(message);
    }

    /// <summary>The folder of a stage.</summary>
    public string FolderOf(string stage) => Path.Combine(_spec.WorkDir, Folders.Single(f => f.Stage == stage).Folder);

    /// <summary>A stage: its journal key, folder, settings text, input files, action, and an optional stop rule checked once it is done.</summary>
    internal sealed record StageDef(string Key, string Folder, string Settings, Func<IReadOnlyList<string>> Inputs, Func<string, string> Run, Func<string?>? StopAfter = null);

    /// <summary>Runs (or resumes) every stage; returns the training set's path.</summary>
    public string Run(CancellationToken cancellationToken = default)
    {
        using var workflowLock = WorkflowLock.Acquire(_spec.WorkDir);
        var state = WorkflowState.Load(_spec.WorkDir);
        var stages = new WorkflowStages(_spec, this, _log, cancellationToken);
        string? published = null;
        foreach (var def in Definitions(stages))
        {
            bool go = RunStage(state, def);
            if (PublishedBy(def) is { } set && state.Stages.GetValueOrDefault(def.Key)?.Status == "done")
                published = set;
            if (!go)
                break;
        }
        RestorePublished(published);
        WriteReport();
        return Path.Combine(_spec.WorkDir, _spec.Collect.Output);
    }

    // Phase 1, then each active-learning generation.
    IEnumerable<StageDef> Definitions(WorkflowStages stages)
    {
        foreach (var (stage, folder) in Folders.Where(f => IsEnabled(f.Stage)))
        {
            yield return new StageDef(stage, Path.Combine(_spec.WorkDir, folder), _spec.StageSettings.GetValueOrDefault(stage, ""),
                () => WorkflowStages.InputsOf(stage, _spec, this), dir => stages.Run(stage, dir));
        }
        if (_spec.ActiveLearning is not { } al)
            yield break;
        var loop = new ActiveLearningStages(_spec, this, stages);
        for (int g = 1; g <= al.Generations; g++)
        {
            foreach (var def in loop.Stages(g))
                yield return def;
        }
    }

    // The training set a stage copies to the work folder when it runs: phase 1's collect, each generation's merge.
    string? PublishedBy(StageDef def) =>
        def.Key == "collect" || def.Key.EndsWith(".merge", StringComparison.Ordinal) ? Path.Combine(def.Folder, _spec.Collect.Output) : null;

    // A kept stage does not run, so it does not publish: a train.xyz deleted since is copied again from the last stage
    // that made it (else the run says "done; training set …" of a file that is not there). One the user edited is kept.
    void RestorePublished(string? source)
    {
        string target = Path.Combine(_spec.WorkDir, _spec.Collect.Output);
        if (source is null || File.Exists(target) || !File.Exists(source))
            return;
        WorkflowStages.Publish(source, _spec);
        _log($"{_spec.Collect.Output} was missing: published {Path.GetRelativePath(_spec.WorkDir, source)} again");
    }

    // report.html for the whole workflow; a report that cannot be made is a warning, never a failed run.
    void WriteReport()
    {
        try
        {
            WorkflowReport.Write(_spec, _log);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or ArgumentException or FormatException)
        {
            _log($"workflow: warning: no {WorkflowReport.FileName}: {e.Message}");
        }
    }

    /// <summary>The stage keys and folders of this workflow, in order (for status).</summary>
    public IReadOnlyList<(string Key, string Folder)> StageList()
    {
        var stages = new WorkflowStages(_spec, this, _log, CancellationToken.None);
        return Definitions(stages).Select(d => (d.Key, Path.GetRelativePath(_spec.WorkDir, d.Folder))).ToList();
    }

    // Runs one stage unless it is done and unchanged; false when a stop rule ends the workflow here.
    bool RunStage(WorkflowState state, StageDef def)
    {
        string name = Path.GetRelativePath(_spec.WorkDir, def.Folder);
        string fingerprint = Fingerprint(def);
        if (state.Stages.TryGetValue(def.Key, out var record) && record.Fingerprint == fingerprint && record.Status == "done")
        {
            _log($"{name}: done ({record.Summary}); unchanged, kept");
            return Continue(state, def);
        }
        if (record is not null && record.Fingerprint != fingerprint && Directory.Exists(def.Folder))
        {
            string old = Supersede(def.Folder);
            _log($"{name}: its settings or inputs changed since it ran; old results moved to {Path.GetFileName(old)}, redoing it");
        }
        else if (record is { Status: not "done" })
        {
            _log($"{name}: resuming");
        }
        record = new StageRecord { Status = "running", Fingerprint = fingerprint, Started = DateTimeOffset.UtcNow };
        state.Stages[def.Key] = record;
        state.Stopped = null;
        state.Save(_spec.WorkDir);
        Directory.CreateDirectory(def.Folder);
        _current = record;
        _currentName = name;
        try
        {
            record.Summary = def.Run(def.Folder);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            record.Status = "failed";
            record.Error = e.Message;
            state.Save(_spec.WorkDir);
            throw;
        }
        finally
        {
            _current = null;
            _currentName = null;
        }
        record.Status = "done";
        record.Error = null;
        record.Finished = DateTimeOffset.UtcNow;
        state.Save(_spec.WorkDir);
        _log($"{name}: done ({record.Summary}){(record.Warnings is { Count: > 0 } w ? $", {w.Count} warning(s)" : "")}");
        return Continue(state, def);
    }

    bool Continue(WorkflowState state, StageDef def)
    {
        if (def.StopAfter?.Invoke() is not { } reason)
            return true;
        _log($"stopping: {reason}");
        state.Stopped = reason;
        state.Save(_spec.WorkDir);
        return false;
    }

    /// <summary>Whether the workflow has this stage.</summary>
    public bool IsEnabled(string stage) => stage switch
    {
        "build" => _spec.Build is not null,
        "md" => _spec.InitialMd is not null,
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
    static string Fingerprint(StageDef def)
    {
        var sb = new StringBuilder(def.Settings);
        foreach (string input in def.Inputs())
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
    public static IReadOnlyDictionary<DftJobState, int> JobCounts(string stageDir) => JobCounts(JobStatuses(stageDir));

    /// <summary>Every DFT job of a stage folder, described (none when the folder does not exist yet).</summary>
    public static IReadOnlyList<DftJobStatus> JobStatuses(string stageDir) =>
        Directory.Exists(stageDir) ? [.. DftJobs.Find(stageDir).Select(DftJobs.Describe)] : [];

    /// <summary>Jobs counted by state.</summary>
    public static IReadOnlyDictionary<DftJobState, int> JobCounts(IEnumerable<DftJobStatus> jobs) =>
        jobs.GroupBy(s => s.State).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The jobs that ended without usable labels (quarantined, crashed, unconverged, mismatched, no output), with their reasons.</summary>
    public static IReadOnlyList<DftJobStatus> Failures(IEnumerable<DftJobStatus> jobs) =>
        [.. jobs.Where(j => j.State is DftJobState.Quarantined or DftJobState.Crashed or DftJobState.Unconverged or DftJobState.Mismatched or DftJobState.MissingOutput)];
}
