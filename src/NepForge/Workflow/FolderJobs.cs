using System.Globalization;
using NepForge.IO;
using NepForge.Scheduling;

namespace NepForge.Workflow;

/// <summary>
/// Runs one command in each of several folders through an executor (local or Slurm) and waits for all of them: the
/// non-DFT jobs of the loop (GPUMD's <c>nep</c> and <c>gpumd</c>). Each folder records its job before and after the
/// submission (<c>.nepforge-run</c>), so a driver killed meanwhile re-attaches to the job instead of starting it again,
/// and a folder whose job ended with exit code 0 (<c>.exit_code</c>) is not run again.
/// </summary>
static class FolderJobs
{
    const string RecordFile = ".nepforge-run";

    /// <summary>Runs the executor's command in every folder not yet done; throws when one ends with an error.</summary>
    public static void RunAll(IJobExecutor executor, IReadOnlyList<string> folders, TimeSpan poll, Action<string> log, CancellationToken cancellationToken)
    {
        var active = new Dictionary<string, string>(StringComparer.Ordinal);
        var todo = new List<string>();
        foreach (string folder in folders)
        {
            if (ExitCode(folder) == 0)
                continue;
            var (id, name) = ReadRecord(folder);
            id ??= name is not null ? executor.Find(folder, name, null) : null;
            if (id is not null && executor.Poll([new ExecutorJob(folder, id)])[id].State is JobState.Queued or JobState.Running)
            {
                active[folder] = id;
                log($"  {Path.GetFileName(folder)}: re-attached to {executor.Name} job {id}");
                continue;
            }
            if (id is not null && File.Exists(Path.Combine(folder, LocalExecutor.ExitCodeFile)))
                continue; // ended while nobody watched: judged below
            todo.Add(folder);
        }
        // One submission each (nep and gpumd runs are long; each is its own job), recorded before and after.
        foreach (string folder in todo)
        {
            string name = "nf-" + Guid.NewGuid().ToString("N")[..16];
            WriteRecord(folder, null, name);
            string id = executor.Submit([folder], name)[0];
            WriteRecord(folder, id, name);
            active[folder] = id;
            log($"  {Path.GetFileName(folder)}: {executor.Name} job {id}");
        }
        while (active.Count > 0)
        {
            var states = executor.Poll(active.Select(kv => new ExecutorJob(kv.Key, kv.Value)).ToList());
            foreach (var (folder, id) in active.ToList())
            {
                if (states.TryGetValue(id, out var s) && s.State is JobState.Queued or JobState.Running)
                    continue;
                active.Remove(folder);
            }
            if (active.Count > 0)
            {
                cancellationToken.WaitHandle.WaitOne(poll);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        foreach (string folder in folders)
        {
            int? code = ExitCode(folder);
            if (code != 0)
                throw new InvalidOperationException($"{folder}: the job ended with {(code is int c ? string.Create(CultureInfo.InvariantCulture, $"exit code {c}") : "no exit code (killed?)")}; see its log");
        }
    }

    static int? ExitCode(string folder)
    {
        string path = Path.Combine(folder, LocalExecutor.ExitCodeFile);
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) ? c : null;
    }

    static (string? Id, string? Name) ReadRecord(string folder)
    {
        string path = Path.Combine(folder, RecordFile);
        if (!File.Exists(path))
            return (null, null);
        string[] parts = File.ReadAllText(path).Split('\n', StringSplitOptions.TrimEntries);
        return (parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null, parts[0].Length > 0 ? parts[0] : null);
    }

    static void WriteRecord(string folder, string? id, string name) =>
        AtomicFile.WriteAllText(Path.Combine(folder, RecordFile), $"{name}\n{id}\n");
}
