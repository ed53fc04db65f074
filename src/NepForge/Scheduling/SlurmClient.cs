using System.Globalization;

namespace NepForge.Scheduling;

/// <summary>Where a scheduler job stands, reduced to what a workflow needs.</summary>
public enum JobState
{
    /// <summary>Waiting (PENDING, CONFIGURING, ...).</summary>
    Queued,

    /// <summary>Running or finishing (RUNNING, COMPLETING).</summary>
    Running,

    /// <summary>Ended with exit code 0.</summary>
    Completed,

    /// <summary>Ended otherwise (FAILED, TIMEOUT, OUT_OF_MEMORY, CANCELLED, ...); see <see cref="JobStatus.Reason"/>.</summary>
    Failed,

    /// <summary>Not found in squeue, sacct or scontrol (too old, or never existed).</summary>
    Unknown,
}

/// <summary>One job's state. <paramref name="RawState"/> is Slurm's word (COMPLETED, TIMEOUT, ...).</summary>
public sealed record JobStatus(string JobId, JobState State, string RawState, int? ExitCode = null, string? Reason = null);

/// <summary>A Slurm command failed in a way that retrying will not fix.</summary>
public sealed class SlurmException(string message) : Exception(message);

/// <summary>Settings for <see cref="SlurmClient"/>.</summary>
public sealed record SlurmClientOptions
{
    /// <summary>Time limit for one Slurm command.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a transient failure (submit limit, socket time-out) is retried.</summary>
    public int MaxRetries { get; init; } = 8;

    /// <summary>First wait after a transient failure; doubled each time up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between retries.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(120);
}

/// <summary>
/// Submits and polls Slurm jobs through the real commands (<c>sbatch</c>, <c>squeue</c>, <c>sacct</c>,
/// <c>scontrol</c>, <c>scancel</c>). A submission is never repeated blindly: when sbatch's reply cannot be read,
/// or it failed in a way that may still have queued the job, the job is first looked up by its name.
/// Polling costs one <c>squeue</c> call for all ids; jobs that left the queue are read from <c>sacct</c>,
/// then <c>scontrol show job</c> (works without an accounting database), then <c>sacct -c</c>.
/// </summary>
public sealed class SlurmClient
{
    /// <summary>sbatch/squeue messages that mean "try again later".</summary>
    public static IReadOnlyList<string> TransientMessages { get; } =
    [
        "QOSMaxSubmitJobPerUserLimit", "Job violates accounting/QOS policy", "AssocMaxSubmitJobLimit",
        "Socket timed out", "Unable to contact slurm controller", "Resource temporarily unavailable",
    ];

    readonly ICommandRunner _runner;
    readonly Action<TimeSpan> _delay;
    readonly SlurmClientOptions _options;

    /// <param name="runner">Runs the commands; default: child processes.</param>
    /// <param name="delay">Waits between retries; default: <see cref="Thread.Sleep(TimeSpan)"/>.</param>
    /// <param name="options">Time-outs and retry policy.</param>
    public SlurmClient(ICommandRunner? runner = null, Action<TimeSpan>? delay = null, SlurmClientOptions? options = null)
    {
        _runner = runner ?? new ProcessCommandRunner();
        _delay = delay ?? Thread.Sleep;
        _options = options ?? new SlurmClientOptions();
    }

    /// <summary>Whether the Slurm controller answers (<c>sinfo</c> works).</summary>
    public bool IsAvailable()
    {
        var r = _runner.Run("sinfo", ["-h", "-o", "%T"], null, _options.CommandTimeout);
        return r.ExitCode == 0 && r.StdOut.Trim().Length > 0;
    }

    /// <summary>Submits <paramref name="scriptPath"/> with <c>sbatch --parsable</c>; returns the job id.</summary>
    /// <param name="scriptPath">The batch script.</param>
    /// <param name="workDir">The job's working folder (<c>--chdir</c>); default: the script's folder.</param>
    /// <param name="jobName">The job's name, used to find it again when sbatch's reply is lost; default: a unique name.</param>
    /// <param name="extraArgs">More sbatch options, placed before the script.</param>
    public string Submit(string scriptPath, string? workDir = null, string? jobName = null, IEnumerable<string>? extraArgs = null)
        => SubmitCore(scriptPath, workDir, jobName, extraArgs ?? []);

    /// <summary>
    /// Submits an array of <paramref name="count"/> tasks (indices 0..count-1, <c>--array=0-N%max</c>); returns the array's
    /// job id. Task ids are <c>ID_index</c> (<see cref="ArrayTaskIds"/>); the script reads <c>SLURM_ARRAY_TASK_ID</c>.
    /// </summary>
    public string SubmitArray(string scriptPath, int count, int maxParallel, string? workDir = null, string? jobName = null, IEnumerable<string>? extraArgs = null)
    {
        return SubmitCore(scriptPath, workDir, jobName, [ArraySpec(count, maxParallel), .. extraArgs ?? []]);
    }

    /// <summary><c>--array=0-{count-1}</c>, with <c>%max</c> when <paramref name="maxParallel"/> &gt; 0.</summary>
    public static string ArraySpec(int count, int maxParallel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        string spec = string.Create(CultureInfo.InvariantCulture, $"--array=0-{count - 1}");
        if (maxParallel > 0)
            spec += string.Create(CultureInfo.InvariantCulture, $"%{maxParallel}");
        return spec;
    }

    /// <summary>The arguments <c>sbatch</c> is given for <paramref name="scriptPath"/> (what a submission runs, and what a dry run prints).</summary>
    public static IReadOnlyList<string> SbatchArguments(string scriptPath, string? workDir, string jobName, IEnumerable<string> extraArgs)
    {
        string script = Path.GetFullPath(scriptPath);
        string dir = Path.GetFullPath(workDir ?? Path.GetDirectoryName(script)!);
        return ["--parsable", "--job-name=" + jobName, "--chdir=" + dir, .. extraArgs, script];
    }

    /// <summary>The ids of an array's tasks, <c>ID_0</c> .. <c>ID_{count-1}</c>, for <see cref="Poll"/>.</summary>
    public static IReadOnlyList<string> ArrayTaskIds(string arrayJobId, int count) =>
        Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{arrayJobId}_{i}")).ToList();

    string SubmitCore(string scriptPath, string? workDir, string? jobName, IEnumerable<string> extraArgs)
    {
        string script = Path.GetFullPath(scriptPath);
        if (!File.Exists(script))
            throw new FileNotFoundException($"no batch script at {script}", script);
        string dir = Path.GetFullPath(workDir ?? Path.GetDirectoryName(script)!);
        string name = jobName ?? "nepforge-" + Guid.NewGuid().ToString("N")[..12];
        if (name.Any(c => char.IsWhiteSpace(c) || c == ','))
            throw new ArgumentException($"job name '{name}' must not contain spaces or commas", nameof(jobName));
        var args = SbatchArguments(script, dir, name, extraArgs);

        for (int attempt = 0; ; attempt++)
        {
            var r = _runner.Run("sbatch", args, dir, _options.CommandTimeout);
            if (r.ExitCode == 0 && TryParseSbatchReply(r.StdOut, out string id))
                return id;
            bool transient = r.TimedOut || IsTransient(r.AllText);
            if (r.ExitCode != 0 && !transient)
                throw new SlurmException($"sbatch {Path.GetFileName(script)} failed (exit {r.ExitCode}): {r.AllText.Trim()}");
            // Reply unreadable, or a failure after which the job may exist anyway: look before doing anything else.
            if (FindByName(name) is { } found)
                return found;
            if (!transient)
                throw new SlurmException($"sbatch gave an unreadable reply '{r.StdOut.Trim()}' and no job named {name} was found; not resubmitting");
            if (attempt >= _options.MaxRetries)
                throw new SlurmException($"sbatch still refused after {attempt + 1} tries: {r.AllText.Trim()}");
            _delay(RetryDelay(attempt));
        }
    }

    TimeSpan RetryDelay(int attempt)
    {
        double seconds = _options.RetryDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxRetryDelay.TotalSeconds));
    }

    static bool IsTransient(string text) => TransientMessages.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads sbatch --parsable's reply: <c>123</c> or <c>123;cluster</c> (last non-empty line).</summary>
    public static bool TryParseSbatchReply(string stdout, out string jobId)
    {
        jobId = "";
        string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (line == null)
            return false;
        string first = line.Split(';')[0].Trim();
        if (first.Length == 0 || !first.All(char.IsAsciiDigit))
            return false;
        jobId = first;
        return true;
    }

    /// <summary>The newest job with this name: <c>squeue --name</c>, then <c>sacct --name</c>. Null when none.</summary>
    public string? FindByName(string jobName)
    {
        var q = _runner.Run("squeue", ["-h", "-o", "%i", "--name=" + jobName], null, _options.CommandTimeout);
        var ids = q.ExitCode == 0 ? JobIdsIn(q.StdOut) : [];
        if (ids.Count == 0)
        {
            var s = _runner.Run("sacct", ["-n", "-P", "-X", "-o", "JobID", "--name=" + jobName], null, _options.CommandTimeout);
            if (s.ExitCode == 0)
                ids = JobIdsIn(s.StdOut);
        }
        return ids.Count == 0 ? null : ids.Max().ToString(CultureInfo.InvariantCulture);
    }

    static List<long> JobIdsIn(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('_', '|', ' ', ';')[0])
            .Where(s => s.Length > 0 && s.All(char.IsAsciiDigit))
            .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).Distinct().ToList();

    /// <summary>
    /// The state of each id (plain ids or array task ids <c>ID_i</c>): one <c>squeue</c> call for all of them, then
    /// <c>sacct</c> / <c>scontrol</c> / <c>sacct -c</c> for those that left the queue.
    /// </summary>
    public IReadOnlyDictionary<string, JobStatus> Poll(IReadOnlyCollection<string> ids)
    {
        var result = new Dictionary<string, JobStatus>();
        if (ids.Count == 0)
            return result;
        // Array tasks are asked for by their array's id: one short squeue line however many tasks there are.
        string list = string.Join(',', ids.Select(BaseId).Distinct());

        var q = RunWithRetry("squeue", ["-h", "-r", "-o", "%i %T", "-j", list]);
        // squeue exits 1 ("Invalid job id specified") when none of the ids is known any more: all left the queue.
        if (q.ExitCode == 0)
        {
            foreach (var (id, raw) in ParseSqueue(q.StdOut))
            {
                var status = FromState(id, raw, null);
                if (ids.Contains(id) && status.State is JobState.Queued or JobState.Running)
                    result[id] = status;
            }
        }
        else if (!q.AllText.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
        {
            throw new SlurmException($"squeue failed (exit {q.ExitCode}): {q.AllText.Trim()}");
        }

        var gone = ids.Where(id => !result.ContainsKey(id)).ToList();
        if (gone.Count == 0)
            return result;
        var s = _runner.Run("sacct", ["-n", "-P", "-X", "-o", "JobID,State,ExitCode", "-j", string.Join(',', gone.Select(BaseId).Distinct())], null, _options.CommandTimeout);
        if (s.ExitCode == 0)
            AddFinished(result, gone, ParseSacct(s.StdOut));

        // Without an accounting database: scontrol remembers finished jobs for MinJobAge; one call per array.
        foreach (string baseId in gone.Where(id => !result.ContainsKey(id)).Select(BaseId).Distinct().ToList())
        {
            var c = _runner.Run("scontrol", ["show", "job", "-o", baseId], null, _options.CommandTimeout);
            if (c.ExitCode == 0)
                AddFinished(result, gone, ParseScontrolAll(c.StdOut));
        }

        gone = ids.Where(id => !result.ContainsKey(id)).ToList();
        if (gone.Count > 0)
        {
            var j = _runner.Run("sacct", ["-c", "-n", "-P", "-o", "JobID,State,ExitCode", "-j", string.Join(',', gone.Select(BaseId).Distinct())], null, _options.CommandTimeout);
            if (j.ExitCode == 0)
                AddFinished(result, gone, ParseSacct(j.StdOut));
        }
        foreach (string id in ids.Where(id => !result.ContainsKey(id)))
            result[id] = new JobStatus(id, JobState.Unknown, "", null, "not in squeue, sacct or scontrol");
        return result;
    }

    static void AddFinished(Dictionary<string, JobStatus> result, IReadOnlyList<string> wanted, IEnumerable<JobStatus> rows)
    {
        foreach (var row in rows)
        {
            if (wanted.Contains(row.JobId) && !result.ContainsKey(row.JobId))
                result[row.JobId] = row;
        }
    }

    CommandResult RunWithRetry(string file, IReadOnlyList<string> args)
    {
        for (int attempt = 0; ; attempt++)
        {
            var r = _runner.Run(file, args, null, _options.CommandTimeout);
            if (r.ExitCode == 0 || !(r.TimedOut || IsTransient(r.AllText)) || attempt >= _options.MaxRetries)
                return r;
            _delay(RetryDelay(attempt));
        }
    }

    /// <summary>Cancels jobs (<c>scancel</c>; unknown or finished ids are ignored by Slurm).</summary>
    public void Cancel(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        if (list.Count == 0)
            return;
        var r = RunWithRetry("scancel", list);
        if (r.ExitCode != 0)
            throw new SlurmException($"scancel failed (exit {r.ExitCode}): {r.AllText.Trim()}");
    }

    /// <summary>Lines of <c>squeue -h -o "%i %T"</c> as (id, state).</summary>
    public static IEnumerable<(string Id, string State)> ParseSqueue(string stdout)
    {
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2)
                yield return (parts[0], parts[1]);
        }
    }

    /// <summary>Lines of <c>sacct -n -P -o JobID,State,ExitCode</c>; steps (<c>123.batch</c>) are skipped.</summary>
    public static IEnumerable<JobStatus> ParseSacct(string stdout)
    {
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split('|');
            if (f.Length < 3 || f[0].Contains('.', StringComparison.Ordinal))
                continue;
            yield return FromState(f[0].Trim(), f[1], ParseExitCode(f[2]));
        }
    }

    /// <summary>The array's id of an array task id (<c>123_4</c> → <c>123</c>); other ids unchanged.</summary>
    public static string BaseId(string id)
    {
        int u = id.IndexOf('_', StringComparison.Ordinal);
        return u > 0 ? id[..u] : id;
    }

    /// <summary>
    /// Every line of <c>scontrol show job -o</c>; array tasks are keyed <c>ArrayJobId_ArrayTaskId</c> as squeue and
    /// sacct name them (scontrol's own JobId of a task is a plain number).
    /// </summary>
    public static IEnumerable<JobStatus> ParseScontrolAll(string stdout)
    {
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ParseScontrol(line) is not { } status)
                continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string? array = fields.FirstOrDefault(f => f.StartsWith("ArrayJobId=", StringComparison.Ordinal))?["ArrayJobId=".Length..];
            string? task = fields.FirstOrDefault(f => f.StartsWith("ArrayTaskId=", StringComparison.Ordinal))?["ArrayTaskId=".Length..];
            if (array is not null && task is not null && task.All(char.IsAsciiDigit))
                status = status with { JobId = array + "_" + task };
            yield return status;
        }
    }

    /// <summary>One line of <c>scontrol show job -o</c> (JobId=, JobState=, ExitCode=, Reason=); null when none.</summary>
    public static JobStatus? ParseScontrol(string stdout)
    {
        string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (line == null)
            return null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                fields.TryAdd(token[..eq], token[(eq + 1)..]);
        }
        if (!fields.TryGetValue("JobState", out string? state))
            return null;
        var status = FromState(fields.GetValueOrDefault("JobId", ""), state, ParseExitCode(fields.GetValueOrDefault("ExitCode", "")));
        if (status.State == JobState.Failed && fields.TryGetValue("Reason", out string? reason) && reason != "None")
            status = status with { Reason = $"{status.Reason}; {reason}" };
        return status;
    }

    /// <summary><c>3:0</c> (code:signal) gives 3; null when unreadable.</summary>
    public static int? ParseExitCode(string text)
    {
        string code = text.Split(':')[0].Trim();
        return int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null;
    }

    /// <summary>Maps Slurm's state (first word: "CANCELLED by 0" is CANCELLED) to a <see cref="JobState"/>.</summary>
    public static JobState MapState(string raw)
    {
        string word = FirstWord(raw).TrimEnd('+');
        return word switch
        {
            "PENDING" or "CONFIGURING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESIZING" or "SUSPENDED" => JobState.Queued,
            "RUNNING" or "COMPLETING" or "STAGE_OUT" or "SIGNALING" or "STOPPED" => JobState.Running,
            "COMPLETED" => JobState.Completed,
            "FAILED" or "TIMEOUT" or "OUT_OF_MEMORY" or "NODE_FAIL" or "CANCELLED" or "PREEMPTED" or "BOOT_FAIL"
                or "DEADLINE" or "REVOKED" or "SPECIAL_EXIT" => JobState.Failed,
            _ => JobState.Unknown,
        };
    }

    static string FirstWord(string raw) => raw.Trim().Split(' ', 2)[0].ToUpperInvariant();

    static JobStatus FromState(string id, string raw, int? exitCode)
    {
        var state = MapState(raw);
        string? reason = null;
        if (state == JobState.Failed)
            reason = exitCode is int c && c != 0 ? string.Create(CultureInfo.InvariantCulture, $"{raw.Trim()} (exit code {c})") : raw.Trim();
        else if (state == JobState.Unknown)
            reason = $"unrecognised Slurm state '{raw.Trim()}'";
        // COMPLETED always means exit code 0 in Slurm; a non-zero code is reported as FAILED.
        return new JobStatus(id, state, FirstWord(raw), exitCode, reason);
    }
}
