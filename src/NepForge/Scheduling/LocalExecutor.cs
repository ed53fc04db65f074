using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NepForge.Scheduling;

/// <summary>Settings of <see cref="LocalExecutor"/>.</summary>
public sealed record LocalExecutorOptions
{
    /// <summary>The command run in each job folder (through bash).</summary>
    public required string Command { get; init; }

    /// <summary>Jobs at once.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>OMP_NUM_THREADS of each job (cp2k.psmp otherwise starts one thread per core).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Wall-clock limit per job; the whole process tree is killed after it (exit code 124).</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// Runs job folders on this machine, <see cref="LocalExecutorOptions.Slots"/> at a time. Each job runs in its own
/// session (setsid) so that cancelling kills its whole process tree, and it outlives this process: a
/// <c>dft submit</c> that is killed leaves its jobs running, and the next one finds them by pid and start time
/// (so a recycled pid is never mistaken for the job). stdout/stderr go to <c>stdout.log</c>/<c>stderr.log</c> in the
/// folder and the exit code to <c>.exit_code</c>, written by a wrapper shell that survives the job.
/// </summary>
public sealed class LocalExecutor : IJobExecutor
{
    /// <summary>The job's script inside its folder.</summary>
    public const string ScriptName = "job-local.sh";

    /// <summary>The exit code of the job's command, written when it ends.</summary>
    public const string ExitCodeFile = ".exit_code";

    /// <summary>The wrapper's pid and start time, written first thing: finds a job whose id was never recorded.</summary>
    public const string PidFile = ".local_job";

    readonly LocalExecutorOptions _options;
    readonly Dictionary<int, Process> _started = [];

    /// <param name="options">Command, slots, threads, time limit.</param>
    public LocalExecutor(LocalExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        _options = options;
    }

    /// <inheritdoc/>
    public string Name => "local";

    /// <inheritdoc/>
    public int? Slots => _options.Slots;

    /// <inheritdoc/>
    public IReadOnlyList<string> Submit(IReadOnlyList<string> folders, string jobName)
    {
        var ids = new List<string>(folders.Count);
        foreach (string folder in folders)
            ids.Add(Start(Path.GetFullPath(folder)));
        return ids;
    }

    string Start(string folder)
    {
        foreach (string stale in new[] { ExitCodeFile, PidFile })
            File.Delete(Path.Combine(folder, stale));
        var script = new StringBuilder("#!/bin/bash\n");
        script.Append("export OMP_NUM_THREADS=").Append(_options.Threads.ToString(CultureInfo.InvariantCulture)).Append('\n');
        script.Append(_options.Command.ReplaceLineEndings("\n").TrimEnd('\n')).Append('\n');
        // Written under a temporary name and renamed: a symlink planted as job-local.sh is replaced, never followed
        // (writing through it would overwrite its target, which the job then executes).
        IO.AtomicFile.WriteAllText(Path.Combine(folder, ScriptName), script.ToString());

        // The wrapper records itself, runs the job (under `timeout` when limited) and writes the exit code.
        string limit = _options.Timeout is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"timeout --kill-after=10 {Math.Max(1, Math.Ceiling(t.TotalSeconds))} ")
            : "";
        string wrapper =
            // Planted symlinks for the logs are removed first, so the redirections do not write through them.
            $"rm -f stdout.log stderr.log {ExitCodeFile}.tmp; echo \"$$ $(cut -d' ' -f22 /proc/$$/stat)\" > {PidFile}; " +
            $"{limit}bash {ScriptName} > stdout.log 2> stderr.log < /dev/null; echo $? > {ExitCodeFile}.tmp && mv {ExitCodeFile}.tmp {ExitCodeFile}";
        var psi = new ProcessStartInfo("setsid") { WorkingDirectory = folder, UseShellExecute = false };
        psi.ArgumentList.Add("bash");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(wrapper);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start setsid");
        _started[process.Id] = process;
        string start = ProcessInfo.StartTime(process.Id) ?? "0";
        // Also written here so that the job can be found at once, before its wrapper has got going.
        IO.AtomicFile.WriteAllText(Path.Combine(folder, PidFile), string.Create(CultureInfo.InvariantCulture, $"{process.Id} {start}\n"));
        return string.Create(CultureInfo.InvariantCulture, $"local:{process.Id}:{start}");
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, JobStatus> Poll(IReadOnlyList<ExecutorJob> jobs)
    {
        var result = new Dictionary<string, JobStatus>();
        foreach (var (folder, id) in jobs)
            result[id] = PollOne(folder, id);
        return result;
    }

    JobStatus PollOne(string folder, string id)
    {
        if (!TryParseId(id, out int pid, out string start))
            return new JobStatus(id, JobState.Unknown, "", null, $"'{id}' is not a local job id");
        if (IsAlive(pid, start))
            return new JobStatus(id, JobState.Running, "RUNNING");
        string codeFile = Path.Combine(folder, ExitCodeFile);
        if (!File.Exists(codeFile))
            return new JobStatus(id, JobState.Failed, "KILLED", null, "the job's shell was killed before the command ended (no exit code)");
        int? code = int.TryParse(File.ReadAllText(codeFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) ? c : null;
        if (code == 0)
            return new JobStatus(id, JobState.Completed, "COMPLETED", 0);
        if (code == 124 && _options.Timeout is { } t)
            return new JobStatus(id, JobState.Failed, "TIMEOUT", code, string.Create(CultureInfo.InvariantCulture, $"TIMEOUT: killed after {t.TotalSeconds:0.#} s"));
        return new JobStatus(id, JobState.Failed, "FAILED", code, $"FAILED (exit code {code?.ToString(CultureInfo.InvariantCulture) ?? "?"})");
    }

    bool IsAlive(int pid, string start)
    {
        if (_started.TryGetValue(pid, out var process))
        {
            // Our own child: HasExited also reaps it (a zombie would still have a /proc entry).
            if (!process.HasExited)
                return true;
            process.Dispose();
            _started.Remove(pid);
            return false;
        }
        return ProcessInfo.IsAlive(pid, start);
    }

    /// <inheritdoc/>
    public string? Find(string folder, string jobName, int? arrayIndex)
    {
        string path = Path.Combine(folder, PidFile);
        if (!File.Exists(path))
            return null;
        string[] parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2 ? $"local:{parts[0]}:{parts[1]}" : null;
    }

    /// <inheritdoc/>
    public void Cancel(IReadOnlyList<ExecutorJob> jobs)
    {
        foreach (var (_, id) in jobs)
        {
            if (!TryParseId(id, out int pid, out string start) || !IsAlive(pid, start))
                continue;
            // setsid made the wrapper a process-group leader: signal the whole group.
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-KILL", "--", "-" + pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false });
            kill?.WaitForExit();
        }
    }

    static bool TryParseId(string id, out int pid, out string start)
    {
        pid = 0;
        start = "";
        string[] parts = id.Split(':');
        if (parts.Length != 3 || parts[0] != "local" || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out pid))
            return false;
        start = parts[2];
        return true;
    }
}
