using System.Globalization;
using NepForge.Scheduling;

namespace NepForge.Dft;

/// <summary>Settings of a <see cref="DftBatch"/>.</summary>
public sealed record DftBatchOptions
{
    /// <summary>Runs per job before it is quarantined.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Escalation ladder for unconverged SCF; null = the engine's default (<see cref="DftEscalation"/>).</summary>
    public IReadOnlyList<EscalationStep>? Escalation { get; init; }

    /// <summary>
    /// Stop submitting when more than this fraction of the finished jobs is quarantined (counted once at least
    /// <see cref="MinFinishedForRatio"/> jobs have finished): a batch that fails wholesale stops instead of quietly
    /// shrinking the training set.
    /// </summary>
    public double MaxFailedFraction { get; init; } = 0.2;

    /// <summary>Finished jobs needed before <see cref="MaxFailedFraction"/> is applied.</summary>
    public int MinFinishedForRatio { get; init; } = 5;

    /// <summary>Seconds between passes when waiting.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Counts of one pass over a batch.</summary>
public sealed record DftBatchSummary
{
    /// <summary>Job folders.</summary>
    public int Total { get; init; }

    /// <summary>Not submitted yet (new, or waiting for a retry slot).</summary>
    public int Waiting { get; init; }

    /// <summary>In the scheduler's queue.</summary>
    public int Queued { get; init; }

    /// <summary>Running.</summary>
    public int Running { get; init; }

    /// <summary>Finished and converged.</summary>
    public int Converged { get; init; }

    /// <summary>Given up.</summary>
    public int Quarantined { get; init; }

    /// <summary>Submitted in this pass.</summary>
    public int Submitted { get; init; }

    /// <summary>Of those, retries.</summary>
    public int Retried { get; init; }

    /// <summary>Set when the failure threshold stopped the batch: the message for the user.</summary>
    public string? Stopped { get; init; }

    /// <summary>Jobs still in an executor's hands.</summary>
    public int Active => Queued + Running;

    /// <summary>Jobs finished (converged or quarantined) of all, as a progress report.</summary>
    public NepForge.Progress.StepProgress AsProgress(string step) => new(step, Converged + Quarantined, Total, "jobs");

    /// <summary>Quarantined / (converged + quarantined).</summary>
    public double FailedFraction => Converged + Quarantined == 0 ? 0 : Quarantined / (double)(Converged + Quarantined);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Converged} converged, {Running} running, {Queued} queued, {Waiting} waiting, {Quarantined} quarantined (of {Total})");
}

/// <summary>
/// Drives a folder of DFT jobs through an executor: submits what was never run, follows what runs (one poll for all),
/// classifies what finished from its outputs, reruns failures (unconverged ones one escalation rung further, crashed,
/// killed, timed-out ones as they were) until the attempt budget is spent, then quarantines them with the reason.
/// Every decision is written to the folder's <see cref="DftJobRecord"/> first, so a driver that is killed and started
/// again submits nothing that is queued, running or finished: a submission cut short is looked up by name.
/// </summary>
public sealed class DftBatch
{
    readonly string _root;
    readonly IJobExecutor _executor;
    readonly DftBatchOptions _options;
    readonly Action<string> _log;

    /// <param name="root">The folder of job folders.</param>
    /// <param name="executor">Where the jobs run.</param>
    /// <param name="options">Budget, escalation, threshold.</param>
    /// <param name="log">One line per decision (retries, quarantines).</param>
    public DftBatch(string root, IJobExecutor executor, DftBatchOptions? options = null, Action<string>? log = null)
    {
        _root = root;
        _executor = executor;
        _options = options ?? new DftBatchOptions();
        _log = log ?? (_ => { });
        if (_options.MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be ≥ 1");
    }

    /// <summary>Passes until nothing is active or waiting (or the threshold stops it); <paramref name="progress"/> after each.</summary>
    public DftBatchSummary Run(bool wait, Action<DftBatchSummary>? progress = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var summary = Pass();
            progress?.Invoke(summary);
            bool done = summary.Stopped is not null || (summary.Active == 0 && summary.Waiting == 0);
            if (!wait || done)
                return summary;
            cancellationToken.WaitHandle.WaitOne(_options.PollInterval);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>One pass: reconcile, classify, retry or quarantine, submit.</summary>
    public DftBatchSummary Pass()
    {
        var folders = DftJobs.Find(_root);
        var records = new Dictionary<string, DftJobRecord>(StringComparer.Ordinal);
        foreach (string folder in folders)
            records[folder] = DftJobRecord.Load(folder) ?? NewRecord(folder);

        Reconcile(records);

        var todo = new List<string>();
        int retried = 0, converged = 0, quarantined = 0, queued = 0, running = 0;
        foreach (string folder in folders)
        {
            var record = records[folder];
            switch (record.Phase)
            {
                case DftRunPhase.Queued:
                    queued++;
                    continue;
                case DftRunPhase.Running:
                    running++;
                    continue;
                case DftRunPhase.Quarantined:
                    quarantined++;
                    continue;
            }
            var status = DftJobs.Inspect(folder);
            if (status.State == DftJobState.Converged)
            {
                converged++;
                Conclude(folder, record, "converged", null);
                continue;
            }
            // Never run, or a retry decided earlier that found no free slot then.
            bool ready = status.State == DftJobState.Prepared && (record.Attempts == 0 || record.History.Count > record.Attempts);
            if (ready)
            {
                todo.Add(folder);
                continue;
            }
            if (Decide(folder, record, status))
            {
                todo.Add(folder);
                retried++;
            }
            else
            {
                quarantined++;
            }
        }

        string? stopped = null;
        int finished = converged + quarantined;
        if (finished >= _options.MinFinishedForRatio && quarantined > _options.MaxFailedFraction * finished)
        {
            stopped = string.Create(CultureInfo.InvariantCulture,
                $"{quarantined} of {finished} finished jobs failed for good ({quarantined / (double)finished:P0} > {_options.MaxFailedFraction:P0}): stopped submitting; fix the inputs (see `nepforge dft status`) or raise --max-failed");
        }

        int submitted = 0;
        if (stopped is null && todo.Count > 0)
        {
            int room = _executor.Slots is int slots ? Math.Max(0, slots - running) : todo.Count;
            var now = todo.Take(room).ToList();
            Submit(now, records);
            submitted = now.Count;
            if (_executor.Slots is null)
                queued += submitted;
            else
                running += submitted;
        }
        return new DftBatchSummary
        {
            Total = folders.Count,
            Waiting = todo.Count - submitted,
            Queued = queued,
            Running = running,
            Converged = converged,
            Quarantined = quarantined,
            Submitted = submitted,
            Retried = Math.Min(retried, submitted),
            Stopped = stopped,
        };
    }

    static DftJobRecord NewRecord(string folder)
    {
        var status = DftJobs.Inspect(folder);
        // A folder run by hand counts as one attempt already made.
        return new DftJobRecord
        {
            Engine = status.Engine,
            Phase = status.State == DftJobState.Prepared ? DftRunPhase.Prepared : DftRunPhase.Finished,
            Attempts = status.State == DftJobState.Prepared ? 0 : 1,
            History = status.State == DftJobState.Prepared ? [] : [new DftAttempt { Number = 1, Executor = "by hand" }],
        };
    }

    // Asks the executor about every job it may hold (one poll), and finishes interrupted submissions.
    void Reconcile(Dictionary<string, DftJobRecord> records)
    {
        foreach (var (folder, record) in records.Where(kv => kv.Value.Phase == DftRunPhase.Submitting).ToList())
        {
            string? id = record.JobName is { } name ? _executor.Find(folder, name, record.ArrayIndex) : null;
            if (id is not null)
            {
                record.JobId = id;
                record.Phase = DftRunPhase.Queued;
                record.History[^1].JobId = id;
                _log($"{folder}: found job {id}, submitted before an interruption");
            }
            else
            {
                // Never reached the executor: undo the attempt.
                record.Attempts--;
                record.History.RemoveAt(record.History.Count - 1);
                record.Phase = record.Attempts == 0 ? DftRunPhase.Prepared : DftRunPhase.Finished;
                record.JobId = null;
            }
            record.Save(folder);
        }

        var active = records.Where(kv => kv.Value.Phase is DftRunPhase.Queued or DftRunPhase.Running && kv.Value.JobId is not null)
            .Select(kv => new ExecutorJob(kv.Key, kv.Value.JobId!)).ToList();
        if (active.Count == 0)
            return;
        var states = _executor.Poll(active);
        foreach (var job in active)
        {
            var record = records[job.Folder];
            var state = states.TryGetValue(job.Id, out var s) ? s : new JobStatus(job.Id, JobState.Unknown, "", null, "not reported");
            var phase = state.State switch
            {
                JobState.Queued => DftRunPhase.Queued,
                JobState.Running => DftRunPhase.Running,
                _ => DftRunPhase.Finished,
            };
            if (phase == record.Phase)
                continue;
            record.Phase = phase;
            if (phase == DftRunPhase.Finished && state.State != JobState.Completed)
                record.Reason = $"{_executor.Name} job {job.Id}: {state.Reason ?? state.RawState}";
            else if (phase == DftRunPhase.Finished)
                record.Reason = null;
            record.Save(job.Folder);
        }
    }

    static void Conclude(string folder, DftJobRecord record, string outcome, string? reason)
    {
        if (record.Phase == DftRunPhase.Finished && record.History.Count > 0 && record.History[^1].Outcome == outcome && record.Reason == reason)
            return;
        record.Phase = DftRunPhase.Finished;
        record.Reason = reason;
        if (record.History.Count > 0)
            record.History[^1].Outcome ??= outcome;
        record.Save(folder);
    }

    // A finished job that did not converge: rerun (true) or quarantine (false).
    bool Decide(string folder, DftJobRecord record, DftJobStatus status)
    {
        string state = status.State == DftJobState.Prepared ? "missing-output" : Name(status.State);
        string why = status.State == DftJobState.Prepared ? "the run left no output" : status.Reason;
        if (record.Reason is { } executorReason && !why.Contains(executorReason, StringComparison.Ordinal))
            why = $"{why} ({executorReason})";
        string outcome = $"{state}: {why}";
        if (record.History.Count > 0)
            record.History[^1].Outcome ??= outcome;

        if (record.Attempts >= _options.MaxAttempts)
            return Quarantine(folder, record, $"gave up after {record.Attempts} attempt(s); last: {outcome}");

        string? change = null;
        if (status.State == DftJobState.Unconverged)
        {
            change = DftEscalation.Apply(folder, record.Engine, DftEscalation.UnconvergedSoFar(record) - 1, _options.Escalation);
            if (change is null)
                return Quarantine(folder, record, $"SCF still unconverged after every escalation step; last: {outcome}");
            File.AppendAllText(Path.Combine(folder, "escalation.log"), $"attempt {record.Attempts + 1}: {change}\n");
            record.InputHashes = DftJobRecord.HashInputs(folder);
        }
        string archive = DftJobArchive.Archive(folder, record.Attempts);
        if (record.History.Count > 0)
            record.History[^1].Archive = Path.GetFileName(archive);
        record.Reason = $"retrying after {outcome}" + (change is null ? "" : $"; {change}");
        record.History.Add(new DftAttempt { Number = record.Attempts + 1, Change = change });
        record.Phase = DftRunPhase.Prepared;
        record.Save(folder);
        _log($"{folder}: {outcome}; rerun {record.Attempts + 1}/{_options.MaxAttempts}" + (change is null ? "" : $" with {change}"));
        return true;
    }

    bool Quarantine(string folder, DftJobRecord record, string reason)
    {
        record.Phase = DftRunPhase.Quarantined;
        record.Reason = reason;
        record.Save(folder);
        _log($"{folder}: quarantined: {reason}");
        return false;
    }

    void Submit(List<string> folders, Dictionary<string, DftJobRecord> records)
    {
        if (folders.Count == 0)
            return;
        string name = "nf-" + Guid.NewGuid().ToString("N")[..16];
        // Recorded before submitting: a crash in between leaves a name to look the job up by, never a blind resubmit.
        for (int i = 0; i < folders.Count; i++)
        {
            var record = records[folders[i]];
            record.Phase = DftRunPhase.Submitting;
            record.JobName = name;
            record.ArrayIndex = folders.Count > 1 && _executor.Slots is null ? i : null;
            record.Executor = _executor.Name;
            record.JobId = null;
            record.Attempts++;
            if (record.History.Count < record.Attempts)
                record.History.Add(new DftAttempt { Number = record.Attempts });
            var attempt = record.History[^1];
            attempt.Number = record.Attempts;
            attempt.Executor = _executor.Name;
            attempt.SubmittedAt = DateTimeOffset.UtcNow;
            if (record.InputHashes.Count == 0)
                record.InputHashes = DftJobRecord.HashInputs(folders[i]);
            record.Save(folders[i]);
        }
        var ids = _executor.Submit(folders, name);
        var phase = _executor.Slots is null ? DftRunPhase.Queued : DftRunPhase.Running;
        for (int i = 0; i < folders.Count; i++)
        {
            var record = records[folders[i]];
            record.JobId = ids[i];
            record.History[^1].JobId = ids[i];
            record.Phase = phase;
            record.Save(folders[i]);
        }
    }

    static string Name(DftJobState state) => state switch
    {
        DftJobState.MissingOutput => "missing-output",
        _ => state.ToString().ToLowerInvariant(),
    };
}
