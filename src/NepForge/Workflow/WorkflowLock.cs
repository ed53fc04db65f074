using System.Globalization;

namespace NepForge.Workflow;

/// <summary>
/// Keeps two drivers off one workflow: <c>workflow.lock</c> is created exclusively (O_EXCL, which NFS v3+ honours) and
/// holds the owner's host, pid and process start time. A lock left by a driver that died on this host (pid gone, or
/// reused by another process) is taken over; one held on another host is reported, never broken silently.
/// </summary>
internal sealed class WorkflowLock : IDisposable
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
        for (int attempt = 0; attempt < 20; attempt++)
        {
            if (TryCreate(path, me))
                return new WorkflowLock(path);
            string holder = ReadOrEmpty(path);
            if (holder.Length == 0)
                continue; // released (or being replaced) meanwhile: try again
            if (!IsStale(holder))
                throw new InvalidOperationException($"another nepforge drives this workflow ({path}: {holder}); wait for it, or delete the lock if that host is gone");
            BreakStale(path, holder, me);
        }
        throw new InvalidOperationException($"could not take {path}");
    }

    // A stale lock is removed under a second, short-lived lock, and only while it still holds what was found stale: two
    // drivers that both found it stale used to both delete-and-create, the second deleting the first's new lock, and
    // both ran. Now the second sees the first's lock (or none) and deletes nothing.
    static void BreakStale(string path, string staleHolder, string me)
    {
        string breaker = path + ".break";
        if (!TryCreate(breaker, me))
        {
            string other = ReadOrEmpty(breaker);
            if (other.Length > 0 && IsStale(other))
                TryDelete(breaker); // left by a driver killed while breaking a lock
            Thread.Sleep(Random.Shared.Next(5, 25));
            return;
        }
        try
        {
            if (ReadOrEmpty(path) == staleHolder)
                TryDelete(path);
        }
        finally
        {
            TryDelete(breaker);
        }
    }

    static bool TryCreate(string path, string content)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.Write(content);
            return true;
        }
        catch (IOException e) when (File.Exists(path) || e.HResult == 17 || e.HResult == unchecked((int)0x80070050))
        {
            // EEXIST (or Windows' ERROR_FILE_EXISTS): someone else created it; it may already be gone again.
            return false;
        }
    }

    static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
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
