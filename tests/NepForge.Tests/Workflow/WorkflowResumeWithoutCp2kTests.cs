using System.Diagnostics;
using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Tests.Cli;
using NepForge.Workflow;
using Xunit.Abstractions;

namespace NepForge.Tests.Workflow;

/// <summary>
/// The workflow's resume, supersede and lock logic on the scripted CP2K of <see cref="FakeDftEngine"/> (issue 16), so
/// it is tested on every machine, CP2K or not: extract a real 10-step AIMD OUTCAR (H₂O, 6 atoms), sample 3 frames,
/// perturb each once, label the 6 structures with the fake engine (local executor, 2 at a time), collect.
/// </summary>
public sealed class WorkflowResumeWithoutCp2kTests(ITestOutputHelper output) : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // The phase-1 stages of this workflow, in the order they run.
    static readonly string[] Stages = ["extract", "sample", "perturb", "label", "collect"];

    const int Jobs = 6; // 3 sampled frames relabelled + 1 perturbed copy of each

    string Workflow(string name, int maxAttempts = 1, double maxFailed = 0.2, int parallel = 2)
    {
        string dir = _cli.PathOf(name);
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "wf.yaml");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            engine:
              kind: cp2k
            executor:
              kind: local
              parallel: {parallel}
              poll: 0.1
            stages:
              extract:
                from: ['{Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10")}']
              sample:
                count: 3
              perturb:
                count: 1
                cell: 0.03
                disp: 0.05
                seed: 9
              label:
                max_attempts: {maxAttempts}
                max_failed: {maxFailed}
            """));
        return path;
    }

    FakeDftEngine Engine() => FakeDftEngine.Install(_cli.Dir);

    static string WorkDir(string workflow) => Path.GetDirectoryName(workflow)!;

    static string TrainPath(string workflow) => Path.Combine(WorkDir(workflow), "train.xyz");

    // The job folders the fake engine ran in for this workflow, relative to its work folder, in order.
    static List<string> Ran(FakeDftEngine engine, string workflow) =>
        engine.Ledger().Where(l => l.StartsWith(WorkDir(workflow) + "/", StringComparison.Ordinal))
            .Select(l => Path.GetRelativePath(WorkDir(workflow), l)).ToList();

    static string? StageStatus(string workflow, string stage)
    {
        try
        {
            return WorkflowState.Load(WorkDir(workflow)).Stages.GetValueOrDefault(stage)?.Status;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // Polls until the condition holds or the driver has ended; true when it held.
    static bool WaitFor(Func<bool> condition, FakeDftEngine.Driver driver, double seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (condition())
                return true;
            if (driver.HasExited)
                return condition();
            Thread.Sleep(5);
        }
        return false;
    }

    static readonly string[] AllJobs = [.. Enumerable.Range(1, Jobs).Select(i => string.Create(CultureInfo.InvariantCulture, $"04.label/{i:D6}"))];

    (int Code, string Out, string Err) Status(string workflow) => _cli.Run("status", workflow);

    [FixtureFact]
    public void Killed_at_every_stage_boundary_and_at_random_moments_then_rerun_gives_the_same_train_xyz_bit_for_bit_with_no_job_run_twice()
    {
        var engine = Engine();
        engine.SleepSeconds = 0.3;
        string wf = Workflow("wf");
        var clock = Stopwatch.StartNew();
        var (code, _, err) = engine.Run("run", wf);
        double straightSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(err);
        Assert.Equal(0, code);
        byte[] expected = File.ReadAllBytes(TrainPath(wf));
        var frames = ExtXyzReader.ReadFrames(TrainPath(wf)).ToList();
        Assert.Equal(Jobs, frames.Count);
        Assert.All(frames, f => Assert.True(f.Energy is double e && double.IsFinite(e) && e != 0));
        Assert.Equal(Jobs, frames.Select(f => f.Energy).Distinct().Count()); // six structures, six labels
        Assert.Equal(AllJobs, Ran(engine, wf).Order(StringComparer.Ordinal));

        // The same workflow from scratch in the same folder (so the provenance paths agree), killed again and again.
        foreach (string entry in Directory.EnumerateFileSystemEntries(WorkDir(wf)).Where(e => Path.GetFileName(e) != "wf.yaml"))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
        File.Delete(engine.LedgerPath);
        int kills = 0;
        var missed = new List<string>();
        // At each stage boundary: the moment the journal says the stage is done, before the next one starts.
        foreach (string stage in Stages)
        {
            using var driver = engine.Start("run", wf);
            if (WaitFor(() => StageStatus(wf, stage) == "done", driver) && !driver.HasExited)
            {
                driver.Kill();
                kills++;
            }
            else
            {
                missed.Add(stage);
            }
            if (stage == "perturb")
            {
                // And in the middle of the label stage, with jobs running (they outlive the driver and are re-attached).
                using var mid = engine.Start("run", wf);
                if (WaitFor(() => Ran(engine, wf).Count >= 3, mid) && !mid.HasExited)
                {
                    mid.Kill();
                    kills++;
                }
            }
        }
        output.WriteLine($"straight run {straightSeconds:F1} s; {kills} boundary kill(s); missed: {string.Join(", ", missed)}");
        Assert.True(kills >= 4, $"only {kills} boundary kill(s) landed (missed {string.Join(", ", missed)})");
        var (again, _, err2) = engine.Run("run", wf);
        output.WriteLine(err2);
        Assert.Equal(0, again);
        Assert.Equal(expected, File.ReadAllBytes(TrainPath(wf)));
        Assert.Equal(AllJobs, Ran(engine, wf).Order(StringComparer.Ordinal)); // each job ran exactly once

        // Then at random moments of a run, from scratch once more.
        foreach (string dir in Directory.EnumerateDirectories(WorkDir(wf)))
            Directory.Delete(dir, recursive: true);
        foreach (string file in new[] { WorkflowState.FileName, "train.xyz", WorkflowReport.FileName, engine.LedgerPath })
            File.Delete(Path.Combine(WorkDir(wf), file));
        var random = new Random(2026);
        int randomKills = 0;
        for (int round = 0; round < 6 && !File.Exists(TrainPath(wf)); round++)
        {
            using var driver = engine.Start("run", wf);
            if (!driver.WaitForExit(TimeSpan.FromSeconds(random.NextDouble() * straightSeconds)))
            {
                driver.Kill();
                randomKills++;
            }
        }
        output.WriteLine($"{randomKills} random kill(s)");
        var (third, _, err3) = engine.Run("run", wf);
        output.WriteLine(err3);
        Assert.Equal(0, third);
        Assert.Equal(expected, File.ReadAllBytes(TrainPath(wf)));
        Assert.Equal(AllJobs, Ran(engine, wf).Order(StringComparer.Ordinal));
        var (_, status, _) = Status(wf);
        Assert.Matches(@"05\.collect\s+done", status);
        Assert.Contains($"[jobs: {Jobs} converged]", status, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(WorkDir(wf), WorkflowLock.FileName)));
    }

    [FixtureFact]
    public void A_changed_perturb_seed_redoes_perturb_and_the_stages_after_it_and_keeps_the_ones_before()
    {
        var engine = Engine();
        string wf = Workflow("wf");
        Assert.Equal(0, engine.Run("run", wf).Code);
        var first = ExtXyzReader.ReadFrames(TrainPath(wf)).ToList();
        string dir = WorkDir(wf);
        var extracted = File.GetLastWriteTimeUtc(Path.Combine(dir, "01.extract", "frames.xyz"));
        var sampled = File.GetLastWriteTimeUtc(Path.Combine(dir, "02.sample", "sampled.xyz"));

        File.WriteAllText(wf, File.ReadAllText(wf).Replace("seed: 9", "seed: 10", StringComparison.Ordinal));
        var (code, _, err) = engine.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        Assert.Contains("01.extract: done (10 frame(s)); unchanged, kept", err, StringComparison.Ordinal);
        Assert.Contains("02.sample: done (3 of 10 frame(s)); unchanged, kept", err, StringComparison.Ordinal);
        foreach (string stage in new[] { "03.perturb", "04.label", "05.collect" })
        {
            Assert.Contains($"{stage}: its settings or inputs changed since it ran; old results moved to {stage}.superseded-1, redoing it", err, StringComparison.Ordinal);
            Assert.True(Directory.Exists(Path.Combine(dir, stage + ".superseded-1")), stage);
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "02.sample.superseded-1")));
        Assert.Equal(extracted, File.GetLastWriteTimeUtc(Path.Combine(dir, "01.extract", "frames.xyz")));
        Assert.Equal(sampled, File.GetLastWriteTimeUtc(Path.Combine(dir, "02.sample", "sampled.xyz")));
        // The label stage ran all six jobs again, in its fresh folder: twice each in all.
        Assert.Equal(AllJobs.Concat(AllJobs).Order(StringComparer.Ordinal), Ran(engine, wf).Order(StringComparer.Ordinal));

        var second = ExtXyzReader.ReadFrames(TrainPath(wf)).ToList();
        Assert.Equal(Jobs, second.Count);
        for (int i = 0; i < 3; i++)
        {
            // A sampled frame, relabelled: the same structure gives the same label, bit for bit.
            Assert.Equal(first[i].Positions, second[i].Positions);
            Assert.Equal(first[i].Energy, second[i].Energy);
            Assert.Equal(first[i].Forces, second[i].Forces);
        }
        for (int i = 3; i < Jobs; i++)
        {
            // A perturbed copy: a new seed, a new structure, a new label.
            Assert.NotEqual(first[i].Positions, second[i].Positions);
            Assert.NotEqual(first[i].Energy, second[i].Energy);
            Assert.NotEqual(first[i].Info.Seed, second[i].Info.Seed); // the recorded perturbation seed
        }

        // Run again unchanged: nothing is redone, no job runs.
        var (code3, _, err3) = engine.Run("run", wf);
        Assert.Equal(0, code3);
        Assert.Equal(5, err3.Split('\n').Count(l => l.Contains("unchanged, kept", StringComparison.Ordinal)));
        Assert.Equal(2 * Jobs, Ran(engine, wf).Count);
    }

    [FixtureFact]
    public void A_deleted_train_xyz_is_published_again_by_the_next_run_and_no_stage_is_redone()
    {
        var engine = Engine();
        string wf = Workflow("wf");
        Assert.Equal(0, engine.Run("run", wf).Code);
        byte[] published = File.ReadAllBytes(TrainPath(wf));
        File.Delete(TrainPath(wf));

        // It used to say "run: done; training set …/train.xyz" with no such file, and status "train.xyz: 0 frame(s)".
        var (code, _, err) = engine.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        Assert.Equal(5, err.Split('\n').Count(l => l.Contains("unchanged, kept", StringComparison.Ordinal)));
        Assert.Contains("train.xyz was missing: published 05.collect/train.xyz again", err, StringComparison.Ordinal);
        Assert.Equal(published, File.ReadAllBytes(TrainPath(wf)));
        Assert.Equal(AllJobs, Ran(engine, wf).Order(StringComparer.Ordinal)); // no job ran again
        Assert.Contains($"train.xyz: {Jobs} frame(s)", Status(wf).Out, StringComparison.Ordinal);

        // A training set the user edited is theirs: never replaced.
        File.WriteAllText(TrainPath(wf), "edited by hand\n");
        Assert.Equal(0, engine.Run("run", wf).Code);
        Assert.Equal("edited by hand\n", File.ReadAllText(TrainPath(wf)));
    }

    [FixtureFact]
    public void A_second_run_while_the_first_runs_is_refused_with_one_line_and_a_stale_lock_is_taken_over()
    {
        var engine = Engine();
        string wf = Workflow("wf");
        string lockPath = Path.Combine(WorkDir(wf), WorkflowLock.FileName);
        engine.Hold(); // the first run's jobs wait until the second run has been turned away
        using (var first = engine.Start("run", wf))
        {
            Assert.True(WaitFor(() => Ran(engine, wf).Count >= 1, first), "the first run never started a job");
            var (code, stdout, err) = engine.Run("run", wf);
            engine.Release();
            Assert.Equal(1, code);
            Assert.Equal("", stdout);
            string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"nepforge: error: another nepforge drives this workflow ({lockPath}: host={Environment.MachineName} pid={first.Id} ", line, StringComparison.Ordinal);
            var (firstCode, _, firstErr) = first.Result();
            output.WriteLine(firstErr);
            Assert.Equal(0, firstCode);
        }
        Assert.Equal(AllJobs, Ran(engine, wf).Order(StringComparer.Ordinal)); // the refused run started nothing
        Assert.False(File.Exists(lockPath));

        // A lock left by a driver that died (its pid is gone): taken over.
        using (var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            gone.WaitForExit();
            File.WriteAllText(lockPath, string.Create(CultureInfo.InvariantCulture, $"host={Environment.MachineName} pid={gone.Id} start=1 since=2026-01-01T00:00:00.0000000+00:00"));
        }
        var (taken, _, takenErr) = engine.Run("run", wf);
        output.WriteLine(takenErr);
        Assert.Equal(0, taken);
        Assert.Contains("05.collect: done", takenErr, StringComparison.Ordinal);
        Assert.False(File.Exists(lockPath));

        // One held on another host is never broken: refused, and left as it was.
        const string Foreign = "host=another-node-of-the-cluster pid=1 start=1 since=2026-01-01T00:00:00.0000000+00:00";
        File.WriteAllText(lockPath, Foreign);
        var (refused, _, refusedErr) = engine.Run("run", wf);
        Assert.Equal(1, refused);
        Assert.Equal($"nepforge: error: another nepforge drives this workflow ({lockPath}: {Foreign}); wait for it, or delete the lock if that host is gone", refusedErr.Trim());
        Assert.Equal(Foreign, File.ReadAllText(lockPath));
        Assert.Equal(Jobs, Ran(engine, wf).Count);
    }

    [FixtureFact]
    public void A_job_that_fails_twice_is_quarantined_and_reported_and_the_rest_are_collected()
    {
        var engine = Engine();
        engine.FailFolder = "04.label/000002";
        string wf = Workflow("wf", maxAttempts: 2, maxFailed: 0.5);
        var (code, _, err) = engine.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        string job = Path.Combine(WorkDir(wf), "04.label", "000002");
        const string Abort = "crashed: CP2K aborted: SCF failed (FAKE_DFT_FAIL names this folder)";
        Assert.Contains($"{job}: {Abort}", err, StringComparison.Ordinal);
        Assert.Contains("rerun 2/2", err, StringComparison.Ordinal);
        Assert.Contains($"{job}: quarantined: gave up after 2 attempt(s); last: {Abort}", err, StringComparison.Ordinal);
        Assert.Contains("04.label: done (5 converged, 1 quarantined, 5 frame(s))", err, StringComparison.Ordinal);
        // The failing job ran twice (one retry), every other job once.
        var ran = Ran(engine, wf);
        Assert.Equal(2, ran.Count(r => r == "04.label/000002"));
        Assert.Equal(AllJobs.Where(j => j != "04.label/000002"), ran.Where(r => r != "04.label/000002").Order(StringComparer.Ordinal));
        Assert.Equal(5, ExtXyzReader.ReadFrames(TrainPath(wf)).Count());

        var (_, status, _) = Status(wf);
        output.WriteLine(status);
        Assert.Matches(@"04\.label\s+done\s+5 converged, 1 quarantined, 5 frame\(s\) \[jobs: 5 converged, 1 quarantined\]", status);
        Assert.Contains("train.xyz: 5 frame(s)", status, StringComparison.Ordinal);
        // Why it failed, in the workflow's own status (its help promises "failures with reasons") and in its JSON.
        Assert.Contains($"            quarantined: {Path.Combine("04.label", "000002")}: gave up after 2 attempt(s); last: {Abort}", status, StringComparison.Ordinal);
        var (_, json, _) = _cli.Run("status", wf, "--json");
        using (var doc = System.Text.Json.JsonDocument.Parse(json))
        {
            var label = doc.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "04.label");
            var failure = Assert.Single(label.GetProperty("failures").EnumerateArray());
            Assert.Equal("04.label/000002", failure.GetProperty("folder").GetString());
            Assert.Equal("quarantined", failure.GetProperty("state").GetString());
            Assert.StartsWith("gave up after 2 attempt(s)", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        // And, as for any batch, `dft status` on the stage folder.
        var (dftCode, dft, _) = _cli.Run("dft", "status", Path.Combine(WorkDir(wf), "04.label"));
        Assert.Equal(0, dftCode);
        Assert.Contains($"  {job}: quarantined: gave up after 2 attempt(s); last: {Abort}", dft, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Too_many_failed_jobs_stop_the_label_stage_with_exit_1_and_status_shows_the_error()
    {
        var engine = Engine();
        engine.FailFolder = "04.label/000002";
        string wf = Workflow("wf", maxAttempts: 1, maxFailed: 0, parallel: 1);
        var (code, _, err) = engine.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(1, code);
        const string Why = "04.label: 1 of 5 finished jobs failed for good (20 % > 0 %): stopped submitting; fix the inputs (see `nepforge dft status`) or raise --max-failed";
        Assert.EndsWith($"nepforge: error: {Why}", err.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(5, Ran(engine, wf).Count); // one job at a time: the sixth was never started
        Assert.False(File.Exists(TrainPath(wf)));
        Assert.False(File.Exists(Path.Combine(WorkDir(wf), WorkflowLock.FileName)));

        var (_, status, _) = Status(wf);
        output.WriteLine(status);
        Assert.Matches(@"04\.label\s+failed\s+\[jobs: 4 converged, 1 quarantined, 1 prepared\]", status);
        Assert.Contains($"            error: {Why}", status, StringComparison.Ordinal);
        Assert.Matches(@"05\.collect\s+pending", status);

        // Raising max_failed, as the message says, resumes the stage: it runs the one job left and redoes none (the
        // tolerance is not part of what a job computes; it used to supersede 04.label and rerun every finished job).
        engine.FailFolder = null;
        File.WriteAllText(wf, File.ReadAllText(wf).Replace("max_failed: 0", "max_failed: 0.5", StringComparison.Ordinal));
        var (again, _, againErr) = engine.Run("run", wf);
        output.WriteLine(againErr);
        Assert.Equal(0, again);
        Assert.Contains("04.label: resuming", againErr, StringComparison.Ordinal);
        Assert.Contains("04.label: done (5 converged, 1 quarantined, 5 frame(s))", againErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(WorkDir(wf), "04.label.superseded-1")));
        Assert.Equal(AllJobs, Ran(engine, wf).Order(StringComparer.Ordinal)); // each job ran once, the quarantined one too
        Assert.Equal(5, ExtXyzReader.ReadFrames(TrainPath(wf)).Count());
    }
}
