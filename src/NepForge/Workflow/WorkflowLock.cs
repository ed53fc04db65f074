using System.Globalization;

namespace NepForge.Workflow;

/// <summary>
/// Keeps two drivers off one workflow: <c>workflow.lock</c> is created exclusively (O_EXCL, which NFS v3+ honours) and
/// holds the owner's host, pid and process start time. A lock left by a driver that died on this host (pid gone, or
/// reused by another process) is taken over; one held on another host is reported, never broken silently.
/// </summary>
public sealed class WorkflowLock : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string FileName = "workflow.lock";

    readonly string _path;

    WorkflowLock(string path) => _path = path;

    /// <summary>Takes the lock of <paramref name="workDir"/> or throws with who holds it.</summary>
    public static WorkflowLock Acquire(string workDir)
    {
        Directory.CreateDirectory(workDir);
        string path = Path.Combine(workDir, FileName);
        string me = Identity(Environment.ProcessId);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                using (var writer = new StreamWriter(stream))
                    writer.Write(me);
                return new WorkflowLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                string holder = File.ReadAllText(path).Trim();
                if (!IsStale(holder))
                    throw new InvalidOperationException($"another nepforge drives this workflow ({path}: {holder}); wait for it, or delete the lock if that host is gone");
                File.Delete(path);
            }
        }
        throw new InvalidOperationException($"could not take {path}");
    }

    static string Identity(int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"host={Environment.MachineName} pid={pid} start={Scheduling.ProcessInfo.StartTime(pid)} since={DateTimeOffset.UtcNow:O}");

    static bool IsStale(string holder)
    {
        var fields = holder.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
            .ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (fields.GetValueOrDefault("host") != Environment.MachineName)
            return false;
        if (!int.TryParse(fields.GetValueOrDefault("pid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid))
            return true;
        return Scheduling.ProcessInfo.StartTime(pid) is not { } start || start != fields.GetValueOrDefault("start");
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => File.Delete(_path);
}
