using System.Diagnostics;
using NepForge.Dft;
using NepForge.Scheduling;
using NepForge.Tests.Cli;
using Xunit.Abstractions;

namespace NepForge.Tests.Scheduling;

/// <summary>Counts the commands a <see cref="SlurmClient"/> runs.</summary>
sealed class CountingRunner(ICommandRunner inner) : ICommandRunner
{
    public List<string> Calls { get; } = [];

    public CommandResult Run(string file, IReadOnlyList<string> args, string? workDir, TimeSpan timeout)
    {
        lock (Calls)
            Calls.Add(file);
        return inner.Run(file, args, workDir, timeout);
    }
}

/// <summary>Batches through the real Slurm on localhost: arrays, cancellations, failures, a killed driver.</summary>
public sealed class SlurmBatchTests(ITestOutputHelper output) : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [SlurmFact]
    public void A_thousand_queued_array_tasks_cost_one_squeue_call_per_poll()
    {
        string dir = _cli.PathOf("array");
        Directory.CreateDirectory(dir);
        var folders = Enumerable.Range(0, 1000).Select(i => Path.Combine(dir, i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        foreach (string f in folders)
            Directory.CreateDirectory(f);
        string script = Path.Combine(dir, "array.sh");
        File.WriteAllText(script, SlurmScript.RenderArray(folders, new SlurmScriptOptions { Command = "true", RecordExitCode = true }));
        var counting = new CountingRunner(RealSlurm.Runner);
        var client = new SlurmClient(counting);
        // Held: all 1,000 stay queued while we poll.
        string arrayId = client.SubmitArray(script, 1000, 0, dir, "nf-thousand", ["--hold"]);
        try
        {
            var ids = SlurmClient.ArrayTaskIds(arrayId, 1000);
            counting.Calls.Clear();
            var clock = Stopwatch.StartNew();
            const int polls = 5;
            for (int p = 0; p < polls; p++)
            {
                var states = client.Poll(ids);
                Assert.Equal(1000, states.Count);
                Assert.All(states.Values, s => Assert.Equal(JobState.Queued, s.State));
            }
            double perPoll = clock.Elapsed.TotalMilliseconds / polls;
            Assert.Equal(Enumerable.Repeat("squeue", polls), counting.Calls);
            output.WriteLine($"1,000 queued array tasks: {counting.Calls.Count / polls} command per poll, {perPoll:F0} ms per poll");
        }
        finally
        {
            client.Cancel([arrayId]);
        }
    }

    List<string> VaspJobs(int n)
    {
        string si8 = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        Assert.Equal(0, _cli.Run("sample", si8, "-o", _cli.PathOf("in.xyz"), "--count", n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("in.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "vasp").Code);
        return DftJobs.Find(_cli.PathOf("jobs"));
    }

    /// <summary>Two VASP jobs of the structure of <paramref name="outcar"/>, so that copying it in is that job's output.</summary>
    List<string> VaspJobsOf(string outcar)
    {
        Assert.Equal(0, _cli.Run("extract", outcar, "-o", _cli.PathOf("one.xyz")).Code);
        Assert.Equal(0, _cli.Run("merge", _cli.PathOf("one.xyz"), _cli.PathOf("one.xyz"), "-o", _cli.PathOf("in.xyz")).Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("in.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "vasp").Code);
        return DftJobs.Find(_cli.PathOf("jobs"));
    }

    [SlurmFact]
    public void A_scancelled_job_and_a_failing_one_are_retried_then_quarantined_after_the_budget()
    {
        var folders = VaspJobs(2);
        // Job 1 would run for a minute (the test scancels it each time); job 2 fails at once with exit code 3.
        string command = "case $(basename $PWD) in 000001) sleep 60;; *) exit 3;; esac";
        var run = Task.Run(() => _cli.Run("dft", "submit", _cli.PathOf("jobs"), "--wait", "--poll", "0.3", "--max-attempts", "2", "--command", command));
        var cancelled = new HashSet<string>();
        var client = new SlurmClient(RealSlurm.Runner);
        while (!run.IsCompleted && cancelled.Count < 2)
        {
            if (DftJobRecord.Load(folders[0]) is { Phase: DftRunPhase.Running, JobId: { } id } && cancelled.Add(id))
                client.Cancel([id]);
            Thread.Sleep(200);
        }
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "dft submit --wait did not finish");
        var (code, _, err) = run.Result;
        output.WriteLine(err);
        Assert.Equal(0, code);
        Assert.Equal(2, cancelled.Count);
        var first = DftJobRecord.Load(folders[0])!;
        Assert.Equal((DftRunPhase.Quarantined, 2), (first.Phase, first.Attempts));
        Assert.Contains("CANCELLED", first.Reason);
        Assert.All(first.History, a => Assert.Contains("CANCELLED", a.Outcome));
        var second = DftJobRecord.Load(folders[1])!;
        Assert.Equal((DftRunPhase.Quarantined, 2), (second.Phase, second.Attempts));
        Assert.Contains("exit code 3", second.Reason);
        Assert.Contains("2 quarantined", err);
        var (_, status, _) = _cli.Run("dft", "status", _cli.PathOf("jobs"));
        Assert.Contains("quarantined         2", status);
    }

    [SlurmFixtureFact]
    public void Killing_submit_wait_and_running_it_again_resubmits_nothing()
    {
        // A stand-in for VASP that only handles the process side: it waits, then leaves a real converged OUTCAR
        // (of the jobs' own structure: an output of another structure is classed mismatched).
        string outcar = Fixtures.Path("vasp/pymatgen-core/static_silicon/OUTCAR");
        var folders = VaspJobsOf(outcar);
        string command = $"sleep 4; cp '{outcar}' OUTCAR";
        string exe = Path.Combine(AppContext.BaseDirectory, "nepforge");
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "dft", "submit", _cli.PathOf("jobs"), "--wait", "--poll", "0.5", "--command", command })
            psi.ArgumentList.Add(a);
        using (var driver = Process.Start(psi)!)
        {
            var end = DateTime.UtcNow.AddSeconds(60);
            while (!folders.All(f => DftJobRecord.Load(f) is { JobId: not null }) && DateTime.UtcNow < end)
                Thread.Sleep(100);
            driver.Kill(entireProcessTree: true);
            driver.WaitForExit();
        }
        var ids = folders.Select(f => DftJobRecord.Load(f)!.JobId).ToList();
        Assert.All(ids, Assert.NotNull);

        var (code, _, err) = _cli.Run("dft", "submit", _cli.PathOf("jobs"), "--command", command);
        Assert.Equal(0, code);
        Assert.DoesNotContain("submitted", err);
        var (code2, _, err2) = _cli.Run("dft", "submit", _cli.PathOf("jobs"), "--wait", "--poll", "0.5", "--command", command);
        output.WriteLine(err2);
        Assert.Equal(0, code2);
        Assert.DoesNotContain("submitted", err2);
        Assert.Contains("done: 2 converged, 0 quarantined", err2);
        Assert.Equal(ids, folders.Select(f => DftJobRecord.Load(f)!.JobId).ToList());
        Assert.All(folders, f => Assert.Equal(1, DftJobRecord.Load(f)!.Attempts));
    }
}
