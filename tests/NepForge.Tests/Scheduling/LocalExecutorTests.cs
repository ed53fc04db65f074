using NepForge.Scheduling;

namespace NepForge.Tests.Scheduling;

public sealed class LocalExecutorTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-local").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    string Folder(string name)
    {
        string f = Path.Combine(_dir, name);
        Directory.CreateDirectory(f);
        return f;
    }

    static JobStatus WaitDone(LocalExecutor exec, ExecutorJob job, double seconds = 20)
    {
        var end = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var s = exec.Poll([job])[job.Id];
            if (s.State != JobState.Running || DateTime.UtcNow > end)
                return s;
            Thread.Sleep(50);
        }
    }

    [Fact]
    public void Job_runs_in_its_folder_with_its_output_kept_and_its_exit_code_read()
    {
        var exec = new LocalExecutor(new LocalExecutorOptions { Command = "echo \"threads=$OMP_NUM_THREADS\"; echo oops >&2; pwd > where; exit 0" });
        string ok = Folder("ok");
        string id = exec.Submit([ok], "t")[0];
        Assert.StartsWith("local:", id);
        Assert.Equal(JobState.Completed, WaitDone(exec, new(ok, id)).State);
        Assert.Equal("threads=1\n", File.ReadAllText(Path.Combine(ok, "stdout.log")));
        Assert.Equal("oops\n", File.ReadAllText(Path.Combine(ok, "stderr.log")));
        Assert.Equal(ok, File.ReadAllText(Path.Combine(ok, "where")).Trim());

        var failing = new LocalExecutor(new LocalExecutorOptions { Command = "exit 3" });
        string bad = Folder("bad");
        string id2 = failing.Submit([bad], "t")[0];
        var s = WaitDone(failing, new(bad, id2));
        Assert.Equal((JobState.Failed, 3), (s.State, s.ExitCode));
    }

    [Fact]
    public void Timeout_kills_the_job_and_says_so()
    {
        var exec = new LocalExecutor(new LocalExecutorOptions { Command = "sleep 30", Timeout = TimeSpan.FromSeconds(1) });
        string f = Folder("slow");
        string id = exec.Submit([f], "t")[0];
        var s = WaitDone(exec, new(f, id));
        Assert.Equal((JobState.Failed, "TIMEOUT", 124), (s.State, s.RawState, s.ExitCode));
    }

    [Fact]
    public void Cancel_kills_the_whole_process_tree()
    {
        var exec = new LocalExecutor(new LocalExecutorOptions { Command = "sleep 300 & echo $! > child.pid; wait" });
        string f = Folder("tree");
        string id = exec.Submit([f], "t")[0];
        string pidFile = Path.Combine(f, "child.pid");
        for (int i = 0; i < 200 && !(File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0); i++)
            Thread.Sleep(25);
        string child = File.ReadAllText(pidFile).Trim();
        Assert.True(Directory.Exists($"/proc/{child}"));
        exec.Cancel([new(f, id)]);
        var s = WaitDone(exec, new(f, id));
        Assert.Equal(JobState.Failed, s.State);
        for (int i = 0; i < 100 && IsLiveProcess(child); i++)
            Thread.Sleep(20);
        Assert.False(IsLiveProcess(child), "the grandchild sleep survived the cancel");
    }

    static bool IsLiveProcess(string pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public void A_job_outlives_its_executor_and_a_new_one_finds_it_by_pid_and_start_time()
    {
        string f = Folder("detached");
        string id = new LocalExecutor(new LocalExecutorOptions { Command = "sleep 1" }).Submit([f], "t")[0];
        // A fresh executor (a new `dft submit` after the first was killed) knows the job only by its id.
        var later = new LocalExecutor(new LocalExecutorOptions { Command = "unused" });
        Assert.Equal(JobState.Running, later.Poll([new(f, id)])[id].State);
        Assert.Equal(id, later.Find(f, "t", null));
        Assert.Equal(JobState.Completed, WaitDone(later, new(f, id)).State);
        // The same pid with another start time is another process: never mistaken for the job.
        string[] parts = id.Split(':');
        string forged = $"local:{Environment.ProcessId}:{parts[2]}";
        Assert.NotEqual(JobState.Running, later.Poll([new(f, forged)])[forged].State);
    }
}
