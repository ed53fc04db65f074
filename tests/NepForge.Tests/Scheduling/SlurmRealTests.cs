using System.Diagnostics;
using NepForge.Scheduling;

namespace NepForge.Tests.Scheduling;

/// <summary>The real Slurm the tests talk to: SLURM_CONF, else /etc/slurm/slurm.conf, else scripts/slurm-up.sh's default.</summary>
static class RealSlurm
{
    const string ScriptDefault = "/var/tmp/nepforge-slurm/slurm.conf";

    public static ProcessCommandRunner Runner { get; } = new(Environment());

    static readonly Lazy<string?> SkipReasonLazy = new(() =>
    {
        try
        {
            var r = Runner.Run("sinfo", ["-h", "-o", "%T"], null, TimeSpan.FromSeconds(10));
            return r.ExitCode == 0 && r.StdOut.Trim().Length > 0
                ? null
                : $"Slurm is not up (sinfo: exit {r.ExitCode}, {r.AllText.Trim()}); start it with `sudo bash scripts/slurm-up.sh`";
        }
        catch (Exception e)
        {
            return $"Slurm is not up ({e.Message}); start it with `sudo bash scripts/slurm-up.sh`";
        }
    });

    public static string? SkipReason => SkipReasonLazy.Value;

    static Dictionary<string, string>? Environment()
    {
        if (System.Environment.GetEnvironmentVariable("SLURM_CONF") is { Length: > 0 })
            return null;
        if (File.Exists("/etc/slurm/slurm.conf") || !File.Exists(ScriptDefault))
            return null;
        return new Dictionary<string, string> { ["SLURM_CONF"] = ScriptDefault };
    }
}

public sealed class SlurmRealTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-slurm-real").FullName;
    readonly SlurmClient _client = new(RealSlurm.Runner);

    public void Dispose() => Directory.Delete(_dir, true);

    string Folder(string name)
    {
        string f = Path.Combine(_dir, name);
        Directory.CreateDirectory(f);
        return f;
    }

    IReadOnlyDictionary<string, JobStatus> WaitForEnd(IReadOnlyCollection<string> ids, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var st = _client.Poll(ids);
            if (st.Values.All(s => s.State is JobState.Completed or JobState.Failed))
                return st;
            if (sw.Elapsed > timeout)
            {
                _client.Cancel(ids);
                Assert.Fail("jobs did not end in time: " + string.Join(", ", st.Values));
            }
            Thread.Sleep(300);
        }
    }

    [SlurmFact]
    public void TinyJobCompletesAndWritesItsFile()
    {
        string folder = Folder("ok");
        string script = SlurmScript.Write(folder, new SlurmScriptOptions { Command = "echo hi > out.txt" });
        string id = _client.Submit(script, folder, "nepforge-test-ok");
        var st = WaitForEnd([id], TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Completed, st[id].State);
        Assert.Equal("hi\n", File.ReadAllText(Path.Combine(folder, "out.txt")));
        Assert.True(File.Exists(Path.Combine(folder, $"slurm-{id}.out")));
    }

    [SlurmFact]
    public void NonZeroExitIsFailedWithItsCode()
    {
        string folder = Folder("fail");
        string script = SlurmScript.Write(folder, new SlurmScriptOptions { Command = "exit 3" });
        string id = _client.Submit(script, folder, "nepforge-test-fail");
        var st = WaitForEnd([id], TimeSpan.FromSeconds(30));
        Assert.Equal(JobState.Failed, st[id].State);
        Assert.Equal(3, st[id].ExitCode);
        Assert.Equal("FAILED", st[id].RawState);
    }

    [SlurmFact]
    public void ArrayOfThreeWithTwoAtATimeCompletes()
    {
        string[] folders = [Folder("000001"), Folder("000002"), Folder("000003")];
        string script = Path.Combine(_dir, "array.sh");
        File.WriteAllText(script, SlurmScript.RenderArray(folders, new SlurmScriptOptions { Command = "echo task$SLURM_ARRAY_TASK_ID > out.txt" }));
        string id = _client.SubmitArray(script, folders.Length, 2, _dir, "nepforge-test-array");
        var tasks = SlurmClient.ArrayTaskIds(id, folders.Length);
        var st = WaitForEnd(tasks, TimeSpan.FromSeconds(40));
        Assert.All(tasks, t => Assert.Equal(JobState.Completed, st[t].State));
        for (int i = 0; i < folders.Length; i++)
            Assert.Equal($"task{i}\n", File.ReadAllText(Path.Combine(folders[i], "out.txt")));
    }

    [SlurmFact]
    public void FindsSubmittedJobByName()
    {
        string folder = Folder("named");
        string script = SlurmScript.Write(folder, new SlurmScriptOptions { Command = "sleep 5" });
        string name = "nepforge-test-find-" + Guid.NewGuid().ToString("N")[..8];
        string id = _client.Submit(script, folder, name);
        try
        {
            Assert.Equal(id, _client.FindByName(name));
        }
        finally
        {
            _client.Cancel([id]);
        }
        var st = WaitForEnd([id], TimeSpan.FromSeconds(20));
        Assert.Equal(JobState.Failed, st[id].State);
        Assert.Equal("CANCELLED", st[id].RawState);
    }
}
