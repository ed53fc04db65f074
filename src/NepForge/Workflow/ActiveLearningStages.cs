using System.Globalization;
using System.Text.Json;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Sampling.Curation;
using NepForge.Sampling.Selection;
using NepForge.Structures;

namespace NepForge.Workflow;

/// <summary>
/// One active-learning generation in <c>gen-NNN/</c>: <c>01.explore</c> (MD with the NEP model on the CPU, from
/// structures of the current training set), <c>02.clean</c> (each trajectory cut before its first unphysical frame),
/// <c>03.select</c> (farthest-point sampling of the mean scaled descriptor against the training set),
/// <c>04.label</c> (DFT single points; the model's error on them is the acquisition error), <c>05.merge</c>
/// (training set + new labels). The same library calls as <c>nepforge md</c>, <c>trajectory clean</c>,
/// <c>select</c>, <c>dft</c> and <c>merge</c>.
/// </summary>
sealed class ActiveLearningStages(WorkflowSpec spec, WorkflowRunner runner, WorkflowStages phase1)
{
    ActiveLearningSpec Al => spec.ActiveLearning!;

    /// <summary>gen-001, gen-002, …</summary>
    public static string GenerationFolder(int g) => string.Create(CultureInfo.InvariantCulture, $"gen-{g:000}");

    string Dir(int g, string stage) => Path.Combine(spec.WorkDir, GenerationFolder(g), stage);

    /// <summary>The training set a generation starts from.</summary>
    public string BaseTrain(int g) => g == 1
        ? Path.Combine(runner.FolderOf("collect"), spec.Collect.Output)
        : Path.Combine(Dir(g - 1, "05.merge"), spec.Collect.Output);

    /// <summary>The stages of generation <paramref name="g"/>: key, folder, inputs, action.</summary>
    public IEnumerable<WorkflowRunner.StageDef> Stages(int g)
    {
        string settings = spec.StageSettings.GetValueOrDefault("active_learning", "") + "|gen" + g.ToString(CultureInfo.InvariantCulture);
        string gen = GenerationFolder(g);
        if (Al.Trains)
            yield return new($"{gen}.train", Dir(g, "00.train"), settings, () => [BaseTrain(g), .. Al.TrainNepIn is null ? [] : new[] { Al.TrainNepIn }], dir => Train(g, dir));
        yield return new($"{gen}.explore", Dir(g, "01.explore"), settings, () => [BaseTrain(g), ModelFor(g)], dir => Explore(g, dir));
        yield return new($"{gen}.clean", Dir(g, "02.clean"), settings, () => Trajectories(g), dir => Clean(g, dir));
        yield return new($"{gen}.select", Dir(g, "03.select"), settings, () => [Path.Combine(Dir(g, "02.clean"), "candidates.xyz"), BaseTrain(g), ModelFor(g)], dir => Select(g, dir),
            () => WorkflowRunner.CountFrames(Path.Combine(Dir(g, "03.select"), "selected.xyz")) < Al.StopMinSelected
                ? $"{gen}: fewer than {Al.StopMinSelected} structure(s) farther than {Al.SelectMinDistance.ToString(CultureInfo.InvariantCulture)} from the training set in descriptor space"
                : null);
        yield return new($"{gen}.label", Dir(g, "04.label"), spec.StageSettings["label"], () => [Path.Combine(Dir(g, "03.select"), "selected.xyz"), ModelFor(g)], dir => Label(g, dir));
        yield return new($"{gen}.merge", Dir(g, "05.merge"), settings, () => [BaseTrain(g), Path.Combine(Dir(g, "04.label"), "labelled.xyz")], dir => Merge(g, dir),
            () => AcquisitionStop(g));
    }

    /// <summary>The model generation <paramref name="g"/> explores and selects with: its own training's, or the given one.</summary>
    public string ModelFor(int g) => !Al.Trains ? Al.Model!
        : Al.TrainCpu is { Committee: > 1 } ? Path.Combine(Dir(g, "00.train"), "model-1", "nep.txt")
        : Path.Combine(Dir(g, "00.train"), "nep.txt");

    /// <summary>The committee that filters generation g's candidates: the given models, or the ones it trained.</summary>
    List<string> CommitteeFor(int g) => Al.Committee.Count >= 2 ? [.. Al.Committee]
        : Al.TrainCpu is { Committee: > 1 } c ? [.. Enumerable.Range(1, c.Committee).Select(k => Path.Combine(Dir(g, "00.train"), $"model-{k}", "nep.txt"))]
        : [];

    // The current training set into 00.train with nep.in; then GPUMD's nep (nep.restart, if a killed run left one, is
    // resumed by nep itself) or the CPU trainer (its checkpoint is resumed the same way).
    string Train(int g, string dir)
    {
        var frames = ExtXyzReader.ReadFrames(BaseTrain(g)).ToList();
        ExtXyzWriter.WriteFile(Path.Combine(dir, "train.xyz"), frames);
        string nepIn = Path.Combine(dir, "nep.in");
        if (Al.TrainNepIn is { } given)
            File.Copy(given, nepIn, overwrite: true);
        else
            NepInputPresets.Create(Al.TrainCpu is null ? "default" : "fast", NepInputPresets.SpeciesInOrder(frames)).Write(nepIn);
        var issues = NepInputValidator.Validate(NepInput.Read(nepIn));
        if (issues.FirstOrDefault(i => i.Severity == NepInputSeverity.Error) is { } bad)
            throw new InvalidOperationException($"{nepIn}: {bad}");
        if (Al.TrainCpu is { } cpu)
            return TrainOnCpu(g, dir, cpu, frames.Count);
        bool resumed = File.Exists(Path.Combine(dir, "nep.restart"));
        RunInFolders([dir], Al.TrainNep!, "nep.log");
        if (!File.Exists(Path.Combine(dir, "nep.txt")))
            throw new InvalidOperationException($"{dir}: nep ended without nep.txt; see nep.log");
        NepModelReader.Read(Path.Combine(dir, "nep.txt"));
        return $"nep.txt trained on {frames.Count} frame(s){(resumed ? " (resumed from nep.restart)" : "")}";
    }

    static string TrainOnCpu(int g, string dir, NepCpuTrainSpec cpu, int frames)
    {
        var options = new Training.Cpu.NepCpuTrainingOptions
        {
            Directory = dir,
            Seed = cpu.Seed + g,
            Threads = cpu.Threads,
            Generations = cpu.Generations,
            TimeLimit = cpu.TimeLimit is { } minutes ? TimeSpan.FromMinutes(minutes / cpu.Committee) : null,
        };
        var results = cpu.Committee > 1
            ? Training.Cpu.NepCommittee.Train(dir, cpu.Committee, cpu.Bootstrap, options)
            : [Training.Cpu.NepCpuTrainer.Train(options)];
        var r = results[0];
        string rmse = string.Create(CultureInfo.InvariantCulture, $"train RMSE {r.Train.Energy * 1000:F2} meV/atom, {r.Train.Force * 1000:F1} meV/Å");
        string committee = cpu.Committee > 1 ? $" (committee of {cpu.Committee}: model-1 … model-{cpu.Committee})" : "";
        return $"nep.txt trained on the CPU on {frames} frame(s), seed {options.Seed}, {r.Generation} generations{(r.Resumed ? " (resumed from its checkpoint)" : "")}, {rmse}{committee}";
    }

    // nep or gpumd in each folder, on this machine or through the loop's executor (Slurm GPU nodes).
    void RunInFolders(List<string> folders, string exe, string log)
    {
        string command = $"{Scheduling.SlurmScript.ShellQuote(exe)} > {log} 2>&1";
        var e = Al.Executor ?? new ExecutorSpec { Kind = "local", Parallel = 1 };
        var executor = Executors.Create(e, command, Path.Combine(Path.GetDirectoryName(folders[0])!, ".nepforge"));
        FolderJobs.RunAll(executor, folders, TimeSpan.FromSeconds(Math.Max(0.1, (Al.Executor ?? spec.Executor).Poll)), _ => { }, CancellationToken.None);
    }

    List<string> Trajectories(int g) =>
        Directory.Exists(Dir(g, "01.explore")) ? Directory.GetFiles(Dir(g, "01.explore"), "traj-*.xyz").Order(StringComparer.Ordinal).ToList() : [];

    string Explore(int g, string dir)
    {
        var train = ExtXyzReader.ReadFrames(BaseTrain(g)).ToList();
        if (train.Count == 0)
            throw new InvalidOperationException($"{BaseTrain(g)} is empty: nothing to start the exploration from");
        var starts = FrameSelection.Evenly(train.Count, Math.Min(Al.Structures, train.Count)).Select(i => train[(int)i]).ToList();
        // Exploration boxes that differ from the training structures (e.g. denser), new packmol seeds each generation.
        if (Al.ExploreBuild is { } build)
        {
            starts = build.BuildAll(seedOffset: 1000 * g);
            ExtXyzWriter.WriteFile(Path.Combine(dir, "starts.xyz"), starts);
        }
        if (Al.Gpumd is { } gpumd)
            return ExploreWithGpumd(g, dir, starts, gpumd);
        var calc = new NepCalculator(NepModelReader.Read(ModelFor(g)), Environment.ProcessorCount);
        int runs = 0, frames = 0;
        for (int s = 0; s < starts.Count; s++)
        {
            for (int k = 0; k < Al.Temperatures.Count; k++)
            {
                double t = Al.Temperatures[k];
                int seed = Al.Seed + 1000 * g + 10 * s + k;
                double t0 = Al.StartTemperatures?[k] ?? t;
                var md = new NepMolecularDynamics(calc, new MdOptions { Temperature = t0, EndTemperature = t0 == t ? null : t, HoldSteps = Al.HoldSteps, Steps = Al.Steps, DumpEvery = Al.DumpEvery, TimeStepFs = Al.Timestep, Seed = seed });
                string path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"traj-{s:00}-{t:0.##}K.xyz"));
                string configType = string.Create(CultureInfo.InvariantCulture, $"al_{GenerationFolder(g)}_{t:0.##}K");
                frames += (int)ExtXyzWriter.WriteFile(path, md.Run(starts[s]).Select(m =>
                {
                    m.Frame.Info.ConfigType = configType;
                    return m.Frame;
                }));
                runs++;
            }
        }
        return $"{runs} MD run(s), {frames} frame(s)";
    }

    // GPUMD on this machine: one folder per structure and temperature (model.xyz, run.in, nep.txt), gpumd run in
    // each that has not finished yet, its dump.xyz (labels mapped away by the reader) copied out as traj-SS-TK.xyz,
    // each frame tagged with its step, target temperature and md_hold as the CPU explorer's.
    string ExploreWithGpumd(int g, string dir, List<Frame> starts, string gpumd)
    {
        // The same ramp and hold as the CPU explorer, as GPUMD's own linear ramp and a second run block.
        var condition = new MdCondition { Potential = "nep.txt", TimeStep = Al.Timestep, Steps = Al.Steps, HoldSteps = Al.HoldSteps, DumpXyz = Al.DumpEvery, DumpThermo = Al.DumpEvery };
        var temperatures = Al.Temperatures.Select((t, k) => (Al.StartTemperatures?[k] ?? t, t)).ToList();
        var folders = GpumdRunSet.Prepare(Path.Combine(dir, "gpumd"), starts, temperatures, null, condition, new RunInTemplate(RunInTemplate.Nvt));
        foreach (var run in folders)
            File.Copy(ModelFor(g), Path.Combine(run.Path, "nep.txt"), overwrite: true);
        RunInFolders(folders.Select(f => f.Path).ToList(), gpumd, "gpumd.log");
        int frames = 0;
        foreach (var run in folders)
        {
            string dump = Path.Combine(run.Path, "dump.xyz");
            if (!File.Exists(dump))
                throw new InvalidOperationException($"{run.Path}: gpumd wrote no dump.xyz (run.in has dump_xyz)");
            string path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"traj-{run.Structure:00}-{run.Condition.Temperature:0.##}K.xyz"));
            string configType = string.Create(CultureInfo.InvariantCulture, $"al_{GenerationFolder(g)}_{run.Condition.Temperature:0.##}K");
            frames += (int)ExtXyzWriter.WriteFile(path, GpumdDump.Read(dump, run.Condition, DumpOptions).Select(f =>
            {
                f.Info.ConfigType = configType;
                return f;
            }));
        }
        return $"{folders.Count} GPUMD run(s), {frames} frame(s)";
    }

    // An exploding MD run writes NaN: the clean stage cuts the trajectory there instead of the reader stopping.
    static readonly ExtXyzReadOptions DumpOptions = new() { AllowNonFinite = true };

    string Clean(int g, string dir)
    {
        var options = new TrajectoryHealthOptions { MinDistanceRatio = Al.CleanMinRatio, MaxForce = Al.CleanMaxForce };
        var kept = new List<Frame>();
        var report = new List<string>();
        foreach (string path in Trajectories(g))
        {
            var frames = ExtXyzReader.ReadFrames(path, DumpOptions).Select(f =>
            {
                // The health check reads |F| from the model's forces of the dump.
                if (f.GetArray("nep_forces")?.Reals is { } forces)
                    f.Forces = forces;
                return f;
            });
            var result = TrajectoryHealth.Clean(frames, options, (f, index) =>
            {
                // Where the structure came from is the trajectory (the run's start is kept as md_start).
                if (f.Info.SourceFile is { } start)
                    f.Info.SetExtra("md_start", $"{start}:{f.Info.SourceIndex}");
                f.Info.SourceFile = path;
                f.Info.SourceIndex = index;
                f.Info.RemoveExtra("nep_energy");
                TrajectoryHealth.StripDumpLabels(f, path, index);
                kept.Add(f);
            });
            report.Add(result.Problem is { } p
                ? string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}: cut at frame {result.BadFrame} ({p.Check}: {p.Message})")
                : $"{Path.GetFileName(path)}: healthy");
        }
        ExtXyzWriter.WriteFile(Path.Combine(dir, "candidates.xyz"), kept);
        AtomicFile.WriteAllText(Path.Combine(dir, "clean-report.txt"), string.Join("\n", report) + "\n");
        int cut = report.Count(r => r.Contains("cut at", StringComparison.Ordinal));
        return $"{kept.Count} candidate frame(s); {cut} of {report.Count} trajectories cut";
    }

    // The same pipeline as nepforge select (committee filter, cached base descriptors, report schema); the base
    // set's descriptor cache lives in this stage's folder, not beside another stage's output.
    string Select(int g, string dir)
    {
        var result = SelectionPipeline.Run(SelectOptions(g, dir));
        SelectionPipeline.Write(result, Path.Combine(dir, "selected.xyz"), Path.Combine(dir, "select-report.json"));
        return $"{result.Report.Selected} of {result.Report.CandidatesForFps} candidate(s) picked";
    }

    /// <summary>The options of generation g's select stage: what <c>nepforge select</c> gets from the same settings.</summary>
    internal SelectionOptions SelectOptions(int g, string dir) => new()
    {
        Candidates = [Path.Combine(Dir(g, "02.clean"), "candidates.xyz")],
        Model = ModelFor(g),
        Base = BaseTrain(g),
        CachePath = Path.Combine(dir, "base.nfdesc"),
        Max = Al.SelectMax,
        MinDistance = Al.SelectMinDistance,
        Seed = Al.Seed + g,
        Committee = CommitteeFor(g),
        Trust = CommitteeFor(g).Count >= 2 ? new TrustLevels(Al.CommitteeFLo, Al.CommitteeFHi) : null,
        Output = Path.Combine(dir, "selected.xyz"),
        OnDiagnostic = d => runner.Warn(d.ToString()),
    };

    string Label(int g, string dir)
    {
        var selected = ExtXyzReader.ReadFrames(Path.Combine(Dir(g, "03.select"), "selected.xyz")).ToList();
        var (summary, labelled) = phase1.LabelFrames(selected, dir);
        // The acquisition error: how wrong the exploring model was on what it found.
        var calc = new NepCalculator(NepModelReader.Read(ModelFor(g)), Environment.ProcessorCount);
        var force = NepEvaluation.Errors(calc, labelled.Where(f => f.Forces is not null)).Force;
        double? rmse = force.Count == 0 ? null : JsonReport.Finite(force.Rmse / 1000); // meV/Å → eV/Å
        JsonReport.Write(Path.Combine(dir, "acquisition.json"),
            new Dictionary<string, object?> { ["frames"] = labelled.Count, ["force_rmse_ev_per_a"] = rmse }, WorkflowReportJson.Default.DictionaryStringObject);
        return summary + (rmse is double r ? string.Create(CultureInfo.InvariantCulture, $"; model force RMSE on them {r * 1000:F1} meV/Å") : "");
    }

    string Merge(int g, string dir)
    {
        var labelled = ExtXyzReader.ReadFrames(Path.Combine(Dir(g, "04.label"), "labelled.xyz")).ToList();
        string refs = Path.Combine(runner.FolderOf("collect"), WorkflowStages.EnergyReferenceFile);
        if (spec.Collect.EnergyRef is not null && File.Exists(refs))
        {
            // The same per-species references as phase 1's collect stage, so the merged set has one energy zero.
            var reference = EnergyReference.Parse(File.ReadAllLines(refs).Where(l => l.Length > 0));
            foreach (var f in labelled)
            {
                // A shift copied along from the structure the MD started at describes another energy: drop it.
                f.Info.RemoveExtra(EnergyReference.ShiftKey);
                f.Info.RemoveExtra(EnergyReference.ReferenceKey);
                reference.Apply(f);
            }
        }
        var frames = ExtXyzReader.ReadFrames(BaseTrain(g)).Concat(labelled).ToList();
        string output = Path.Combine(dir, spec.Collect.Output);
        long n = ExtXyzWriter.WriteFile(output, frames);
        WorkflowStages.Publish(output, spec);
        return $"{n} frame(s) in {spec.Collect.Output}";
    }

    string? AcquisitionStop(int g)
    {
        if (Al.StopForceRmse is not double target)
            return null;
        string path = Path.Combine(Dir(g, "04.label"), "acquisition.json");
        if (!File.Exists(path))
            return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("force_rmse_ev_per_a", out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() < target
            ? string.Create(CultureInfo.InvariantCulture, $"{GenerationFolder(g)}: the model's force RMSE on the new labels ({v.GetDouble():F4} eV/Å) is below the target {target} eV/Å")
            : null;
    }
}

/// <summary>Source-generated JSON for the workflow's small reports.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object?>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<Dictionary<string, object?>>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(double))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class WorkflowReportJson : System.Text.Json.Serialization.JsonSerializerContext;
