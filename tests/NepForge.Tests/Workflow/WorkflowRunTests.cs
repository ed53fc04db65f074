using System.Diagnostics;
using NepForge.Dft;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;
using Xunit.Abstractions;

namespace NepForge.Tests.Workflow;

/// <summary>
/// A tiny real phase 1 on CP2K (diamond Si8: a 3-step AIMD, 2 sampled frames, 1 perturbed copy each, 4 single
/// points), run once straight through and once with the driver killed (SIGKILL) at random moments and restarted.
/// </summary>
public sealed class WorkflowRunTests(ITestOutputHelper output) : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Workflow(string name, string executor)
    {
        string dir = _cli.PathOf(name);
        Directory.CreateDirectory(dir);
        string start = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/quickstart/start.xyz"));
        File.Copy(start, Path.Combine(dir, "start.xyz"));
        string path = Path.Combine(dir, "wf.yaml");
        File.WriteAllText(path, $"""
            engine:
              kind: cp2k
              cp2k_cutoff: 150
            executor:
              kind: {executor}
              parallel: 2
              poll: 0.3
            stages:
              aimd:
                structures: start.xyz
                temperatures: [600]
                steps: 3
                seed: 5
              sample:
                count: 2
              perturb:
                count: 1
                cell: 0.06
                disp: 0.1
                seed: 9
              label:
                max_attempts: 2
            """);
        return path;
    }

    static List<Frame> Train(string workflow) => ExtXyzReader.ReadFrames(Path.Combine(Path.GetDirectoryName(workflow)!, "train.xyz")).ToList();

    // Same structures, same labels, bit for bit (provenance paths differ between the two work folders).
    static void AssertSame(List<Frame> expected, List<Frame> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Positions, actual[i].Positions);
            Assert.Equal(expected[i].Energy, actual[i].Energy);
            Assert.Equal(expected[i].Forces, actual[i].Forces);
            Assert.Equal(expected[i].Virial, actual[i].Virial);
            Assert.Equal(expected[i].Info.ConfigType, actual[i].Info.ConfigType);
            Assert.Equal(expected[i].Info.Seed, actual[i].Info.Seed);
        }
    }

    // No DFT job ran twice: one attempt each, nothing archived.
    static void AssertEachJobRanOnce(string workflow)
    {
        string dir = Path.GetDirectoryName(workflow)!;
        var jobs = DftJobs.Find(Path.Combine(dir, "00.aimd")).Concat(DftJobs.Find(Path.Combine(dir, "04.label"))).ToList();
        Assert.Equal(5, jobs.Count);
        Assert.All(jobs, j =>
        {
            var record = DftJobRecord.Load(j)!;
            Assert.Equal(1, record.Attempts);
            Assert.Single(record.History);
            Assert.Empty(Directory.GetDirectories(j, "attempt-*"));
        });
    }

    [Cp2kFact]
    public void Killed_at_random_moments_and_rerun_gives_the_same_train_xyz_with_no_job_run_twice() => KillAndResume("local");

    [Cp2kSlurmFact]
    public void Killed_at_random_moments_and_rerun_through_slurm_gives_the_same_train_xyz() => KillAndResume("slurm");

    void KillAndResume(string executor)
    {
        string straight = Workflow("straight", executor);
        var (code, _, err) = _cli.Run("run", straight);
        output.WriteLine(err);
        Assert.Equal(0, code);
        var expected = Train(straight);
        Assert.Equal(4, expected.Count); // the 2 sampled AIMD frames relabelled, and 1 perturbed copy of each
        AssertEachJobRanOnce(straight);

        string killed = Workflow("killed", executor);
        string exe = Path.Combine(AppContext.BaseDirectory, "nepforge");
        var random = new Random(2026);
        int kills = 0;
        for (int round = 0; round < 8 && !File.Exists(Path.Combine(Path.GetDirectoryName(killed)!, "train.xyz")); round++)
        {
            var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("run");
            psi.ArgumentList.Add(killed);
            using var driver = Process.Start(psi)!;
            _ = driver.StandardError.ReadToEndAsync();
            _ = driver.StandardOutput.ReadToEndAsync();
            // Early rounds are killed at a random moment; the last ones may finish.
            if (!driver.WaitForExit(TimeSpan.FromSeconds(round < 4 ? 0.5 + 6 * random.NextDouble() : 120)))
            {
                Process.Start("kill", ["-KILL", driver.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                driver.WaitForExit();
                kills++;
            }
        }
        output.WriteLine($"driver killed {kills} time(s)");
        Assert.True(kills >= 2, $"only {kills} kill(s) landed: the test did not interrupt the run");
        var (again, _, err2) = _cli.Run("run", killed);
        output.WriteLine(err2);
        Assert.Equal(0, again);
        AssertSame(expected, Train(killed));
        AssertEachJobRanOnce(killed);
        var (_, status, _) = _cli.Run("status", killed);
        Assert.Matches(@"05\.collect\s+done", status);
        Assert.Contains("[jobs: 4 converged]", status);
    }

    [Cp2kFact]
    public void A_changed_stage_is_redone_and_the_stages_before_it_are_kept()
    {
        string wf = Workflow("change", "local");
        Assert.Equal(0, _cli.Run("run", wf).Code);
        var first = Train(wf);
        string dir = Path.GetDirectoryName(wf)!;
        var aimdJob = DftJobs.Find(Path.Combine(dir, "00.aimd")).Single();
        var aimdLog = File.GetLastWriteTimeUtc(Path.Combine(aimdJob, "out.log"));

        File.WriteAllText(wf, File.ReadAllText(wf).Replace("seed: 9", "seed: 10", StringComparison.Ordinal));
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        Assert.Contains("00.aimd: done", err);
        Assert.Contains("unchanged, kept", err);
        Assert.Contains("03.perturb: its settings or inputs changed", err);
        Assert.True(Directory.Exists(Path.Combine(dir, "04.label.superseded-1")));
        Assert.Equal(aimdLog, File.GetLastWriteTimeUtc(Path.Combine(aimdJob, "out.log"))); // the AIMD did not run again
        var second = Train(wf);
        Assert.Equal(first.Count, second.Count);
        Assert.Equal(first[0].Energy, second[0].Energy);       // a sampled AIMD frame: same structure, same label
        Assert.NotEqual(first[^1].Positions, second[^1].Positions); // a perturbed one: new seed, new structure
    }
}
