using System.Text.Json;
using NepForge.Formats.ExtXyz;
using NepForge.Tests.Cli;
using Xunit.Abstractions;

namespace NepForge.Tests.Workflow;

/// <summary>
/// One active-learning generation end to end on a tiny real system: three CP2K-labelled Si8 frames as the training
/// set, MD with a fixture NEP model on the CPU, trajectory cleaning, farthest-point selection against the training
/// set, CP2K labels for the picks, and the merged training set.
/// </summary>
public sealed class ActiveLearningRunTests(ITestOutputHelper output) : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Workflow(string minDistance, string? train = null, string exploreEngine = "", string selectExtra = "", string name = "al")
    {
        string dir = _cli.PathOf(name);
        Directory.CreateDirectory(dir);
        string aimd = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        string model = Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt");
        string path = Path.Combine(dir, "wf.yaml");
        File.WriteAllText(path, $"""
            engine:
              kind: cp2k
              cp2k_cutoff: 150
            executor:
              kind: local
              parallel: 2
              poll: 0.3
            stages:
              extract:
                from: ['{aimd}']
              sample:
                count: 3
              label:
                max_attempts: 2
            active_learning:
              {(train is null ? $"model: '{model}'" : train)}
              generations: 2
              explore:
                temperatures: [1200]{exploreEngine}
                steps: 200
                dump_every: 20
                structures: 1
                seed: 3
              clean:
                min_ratio: 0.5
              select:
                max: 2
                min_distance: {minDistance}{selectExtra}
              stop:
                min_selected: 1
            """);
        return path;
    }

    [Cp2kFixtureFact]
    public void A_generation_explores_cleans_selects_labels_and_merges()
    {
        string wf = Workflow("0.0001");
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        string dir = Path.GetDirectoryName(wf)!;
        var train = ExtXyzReader.ReadFrames(Path.Combine(dir, "train.xyz")).ToList();
        // 3 phase-1 frames, then 2 picks per generation for 2 generations.
        Assert.Equal(7, train.Count);
        var picked = train.Skip(3).ToList();
        Assert.All(picked, f =>
        {
            Assert.StartsWith("al_gen-00", f.Info.ConfigType);
            Assert.Equal("cp2k_free_energy", f.Info.EnergyKind);   // real CP2K labels, not the model's
            Assert.Contains("traj-00-1200K.xyz", f.Info.SourceFile);  // where in the exploration it came from
            Assert.NotNull(f.Forces);
            Assert.NotNull(f.Virial);
        });
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "gen-001", "03.select", "select-report.json")));
        Assert.Equal(2, report.RootElement.GetProperty("picks").GetArrayLength());
        Assert.Equal(3, report.RootElement.GetProperty("base_structures").GetInt32());
        using var acquisition = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "gen-001", "04.label", "acquisition.json")));
        Assert.True(acquisition.RootElement.GetProperty("force_rmse_ev_per_a").GetDouble() > 0);
        // Generation 2 started from generation 1's merged set.
        using var report2 = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "gen-002", "03.select", "select-report.json")));
        Assert.Equal(5, report2.RootElement.GetProperty("base_structures").GetInt32());
        var (_, status, _) = _cli.Run("status", wf);
        Assert.Matches(@"gen-002/05\.merge\s+done", status);

        // Nothing changed: a rerun keeps everything.
        var (again, _, err2) = _cli.Run("run", wf);
        Assert.Equal(0, again);
        Assert.DoesNotContain("resuming", err2);
        Assert.DoesNotContain("redoing", err2);
    }

    [Cp2kFixtureFact]
    public void The_loop_stops_when_nothing_is_new_enough()
    {
        string wf = Workflow("1000");
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        Assert.Contains("stopping: gen-001: fewer than 1 structure(s) farther than 1000", err);
        string dir = Path.GetDirectoryName(wf)!;
        Assert.False(Directory.Exists(Path.Combine(dir, "gen-001", "04.label")));
        Assert.Equal(3, ExtXyzReader.ReadFrames(Path.Combine(dir, "train.xyz")).Count());
        var (_, status, _) = _cli.Run("status", wf);
        Assert.Contains("stopped: gen-001", status);
    }

    [Cp2kFixtureFact]
    public void Each_generation_trains_a_committee_on_the_cpu_that_explores_and_filters()
    {
        string wf = Workflow("0.0001", "train: {engine: cpu, generations: 150, seed: 7, committee: 2}", selectExtra: "\n    f_lo: 0.0\n    f_hi: 1000");
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        string dir = Path.GetDirectoryName(wf)!;
        Assert.Contains("trained on the CPU on 3 frame(s), seed 8, 150 generations", err);
        Assert.Contains("trained on the CPU on 5 frame(s), seed 9", err);  // generation 2 trains on the merged set
        foreach (string gen in new[] { "gen-001", "gen-002" })
        {
            var m1 = NepForge.Nep.NepModelReader.Read(Path.Combine(dir, gen, "00.train", "model-1", "nep.txt"));
            var m2 = NepForge.Nep.NepModelReader.Read(Path.Combine(dir, gen, "00.train", "model-2", "nep.txt"));
            Assert.NotEqual(m1.Parameters, m2.Parameters);
            Assert.True(File.Exists(Path.Combine(dir, gen, "00.train", "model-1", "loss.out")));
        }
        // The trained committee filtered the candidates: each pick records its force deviation.
        var train = ExtXyzReader.ReadFrames(Path.Combine(dir, "train.xyz")).ToList();
        Assert.Equal(7, train.Count);
        Assert.All(train.Skip(3), f => Assert.NotNull(f.Info.GetExtra("committee_max_force_dev")));
    }

    [Cp2kFixtureFact]
    public void The_loop_with_cpu_training_killed_at_random_moments_and_rerun_gives_the_same_models_and_train_xyz()
    {
        const string train = "train: {engine: cpu, generations: 400, seed: 7}";
        string straight = Workflow("0.0001", train, name: "straight");
        var (code, _, err) = _cli.Run("run", straight);
        output.WriteLine(err);
        Assert.Equal(0, code);

        string killed = Workflow("0.0001", train, name: "killed");
        string exe = Path.Combine(AppContext.BaseDirectory, "nepforge");
        var random = new Random(2027);
        int kills = 0;
        for (int round = 0; round < 10; round++)
        {
            var psi = new System.Diagnostics.ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("run");
            psi.ArgumentList.Add(killed);
            using var driver = System.Diagnostics.Process.Start(psi)!;
            _ = driver.StandardError.ReadToEndAsync();
            _ = driver.StandardOutput.ReadToEndAsync();
            if (driver.WaitForExit(TimeSpan.FromSeconds(1 + 8 * random.NextDouble())))
                break;
            System.Diagnostics.Process.Start("kill", ["-KILL", driver.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            driver.WaitForExit();
            kills++;
        }
        output.WriteLine($"driver killed {kills} time(s)");
        Assert.True(kills >= 3, $"only {kills} kill(s) landed: the test did not interrupt the loop");
        (code, _, err) = _cli.Run("run", killed);
        output.WriteLine(err);
        Assert.Equal(0, code);

        // Training continues from its checkpoint exactly, so the models are the same bytes; so is everything after them.
        string a = Path.GetDirectoryName(straight)!, b = Path.GetDirectoryName(killed)!;
        foreach (string file in new[] { "gen-001/00.train/nep.txt", "gen-002/00.train/nep.txt", "train.xyz" })
        {
            var x = File.ReadAllLines(Path.Combine(a, file));
            var y = File.ReadAllLines(Path.Combine(b, file)).Select(l => l.Replace("/killed/", "/straight/", StringComparison.Ordinal)).ToArray();
            int at = x.Zip(y).TakeWhile(p => p.First == p.Second).Count();
            Assert.True(x.Length == y.Length && at == x.Length, $"{file} differs after kills at line {at + 1}:\n{x.ElementAtOrDefault(at)}\n{y.ElementAtOrDefault(at)}");
        }
        // No DFT job was run twice.
        foreach (string job in NepForge.Dft.DftJobs.Find(b))
            Assert.Equal(1, NepForge.Dft.DftJobRecord.Load(job)!.Attempts);
        Assert.Empty(Directory.GetFiles(b, ".*.tmp", SearchOption.AllDirectories));
    }

    [Cp2kFixtureFact]
    public void New_labels_get_the_same_energy_references_as_phase_one()
    {
        string wf = Workflow("0.0001", "train: {engine: cpu, generations: 100, seed: 7}");
        File.WriteAllText(wf, File.ReadAllText(wf).Replace("    max_attempts: 2\n", "    max_attempts: 2\n  collect:\n    energy_ref: fit\n", StringComparison.Ordinal));
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        var train = ExtXyzReader.ReadFrames(Path.Combine(Path.GetDirectoryName(wf)!, "train.xyz")).ToList();
        Assert.Equal(7, train.Count);
        // CP2K puts Si near −107 eV/atom; with the references every frame, phase 1's and the loop's, is near 0.
        Assert.All(train, f =>
        {
            Assert.NotNull(f.Info.GetExtra("energy_ref_shift"));
            Assert.InRange(f.EnergyPerAtom!.Value, -1.0, 1.0);
        });
    }

    [Cp2kFixtureFact]
    public void Each_generation_can_train_its_own_model_with_nep_first() => TrainEachGeneration("");

    [Cp2kSlurmFixtureFact]
    public void Nep_training_of_the_loop_can_run_through_slurm() =>
        TrainEachGeneration("\n  executor: {kind: slurm, poll: 0.3}");

    void TrainEachGeneration(string executor)
    {
        // A stand-in for GPUMD's nep that only handles the process side: it writes a loss.out row and "trains" the
        // fixture model (a copy), as nep would leave nep.txt in its folder.
        string model = Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt");
        string nep = _cli.PathOf("nep");
        File.WriteAllText(nep, $"#!/bin/sh\ntest -f nep.in && test -f train.xyz || exit 2\nprintf '100 0.5 0.1 0.1 0.01 0.02 0.03 0.04 0.05 0.06\\n' > loss.out\ncp '{model}' nep.txt\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(nep, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string wf = Workflow("0.0001", $"train: {{nep: '{nep}'}}{executor}");
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        string dir = Path.GetDirectoryName(wf)!;
        Assert.Contains("gen-001/00.train: done (nep.txt trained on 3 frame(s))", err);
        Assert.Contains("gen-002/00.train: done (nep.txt trained on 5 frame(s))", err);
        Assert.Matches(@"type\s+1\s+Si", File.ReadAllText(Path.Combine(dir, "gen-002", "00.train", "nep.in")));
        Assert.True(File.Exists(Path.Combine(dir, "gen-001", "00.train", "loss.out")));
        Assert.Equal(7, ExtXyzReader.ReadFrames(Path.Combine(dir, "train.xyz")).Count());
        if (executor.Length > 0)
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "gen-001", "00.train"), "job.sh")); // it went through sbatch
    }

    [Cp2kFixtureFact]
    public void Gpumd_can_explore_instead_of_the_cpu_md()
    {
        // A stand-in for gpumd that only handles the process side: it checks its inputs and leaves a dump.xyz of
        // the model.xyz it was given, three times (GPUMD itself needs a GPU).
        string gpumd = _cli.PathOf("gpumd");
        File.WriteAllText(gpumd, "#!/bin/sh\ntest -f run.in && test -f nep.txt && test -f model.xyz || exit 2\ngrep -qE '^potential +nep.txt' run.in || exit 3\ncat model.xyz model.xyz model.xyz > dump.xyz\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(gpumd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string wf = Workflow("0.0001", exploreEngine: $"\n    engine: gpumd\n    gpumd: '{gpumd}'");
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        string dir = Path.GetDirectoryName(wf)!;
        Assert.Contains("gen-001/01.explore: done (1 GPUMD run(s), 3 frame(s))", err);
        Assert.True(File.Exists(Path.Combine(dir, "gen-001", "01.explore", "gpumd", "1200K", "run.in")) ||
            Directory.GetFiles(Path.Combine(dir, "gen-001", "01.explore", "gpumd"), "run.in", SearchOption.AllDirectories).Length == 1);
        // The stand-in's frames are copies of the starting structure, itself a training frame: at distance 0 from
        // the base set, none is new, and the loop stops there instead of labelling duplicates.
        Assert.Contains("gen-001/03.select: done (0 of 3 candidate(s) picked)", err);
        Assert.Contains("stopping: gen-001: fewer than 1 structure(s)", err);
        Assert.Equal(3, ExtXyzReader.ReadFrames(Path.Combine(dir, "train.xyz")).Count());
    }

    [Cp2kFixtureFact]
    public void A_committee_passes_only_the_frames_it_disagrees_on_to_fps()
    {
        string m1 = Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt");
        string m2 = Fixtures.Path("nep/potentials/Si_2022_NEP3_5body.txt");
        string wf = Workflow("0.0001", selectExtra: $"\n    committee: ['{m1}', '{m2}']\n    f_lo: 0.0\n    f_hi: 1000");
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.Equal(0, code);
        string dir = Path.GetDirectoryName(wf)!;
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "gen-001", "03.select", "select-report.json")));
        int candidates = report.RootElement.GetProperty("classified").GetProperty("candidate").GetInt32();
        Assert.True(candidates > 0);
        var picked = ExtXyzReader.ReadFrames(Path.Combine(dir, "gen-001", "03.select", "selected.xyz")).ToList();
        Assert.Equal(2, picked.Count);
        // The recorded deviation is DeePMD's max over atoms of the population std of the committee's forces.
        var f = picked[0];
        var a = new NepForge.Nep.NepCalculator(NepForge.Nep.NepModelReader.Read(m1)).Compute(f).Forces;
        var b = new NepForge.Nep.NepCalculator(NepForge.Nep.NepModelReader.Read(m2)).Compute(f).Forces;
        double expected = Enumerable.Range(0, f.AtomCount).Max(i =>
            Math.Sqrt(Enumerable.Range(0, 3).Sum(k => (a[3 * i + k] - b[3 * i + k]) * (a[3 * i + k] - b[3 * i + k])) / 4));
        Assert.Equal(expected, double.Parse(f.Info.GetExtra("committee_max_force_dev")!, System.Globalization.CultureInfo.InvariantCulture), 1e-9);

        // Trust levels that call everything accurate leave nothing to pick: the loop stops.
        string quiet = Workflow("0.0001", selectExtra: $"\n    committee: ['{m1}', '{m2}']\n    f_lo: 100\n    f_hi: 1000");
        var (code2, _, err2) = _cli.Run("run", quiet);
        Assert.Equal(0, code2);
        Assert.Contains("gen-001/03.select: done (0 of 0 candidate(s) picked)", err2);
    }
}
