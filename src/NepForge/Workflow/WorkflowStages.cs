using System.Globalization;
using NepForge.Dft;
using NepForge.Dft.Cp2k;
using NepForge.Dft.Vasp;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Sampling.Analysis;
using NepForge.Sampling.Curation;
using NepForge.Sampling.Generation;
using NepForge.Structures;

namespace NepForge.Workflow;

/// <summary>What each stage does, through the library calls behind the CLI verbs. Each writes its output atomically.</summary>
sealed class WorkflowStages(WorkflowSpec spec, WorkflowRunner runner, Action<string> log, CancellationToken cancellationToken)
{
    /// <summary>The AIMD frames (converged steps), written by the aimd stage.</summary>
    public const string AimdFrames = "frames.xyz";

    /// <summary>The files a stage reads (their content goes into its fingerprint).</summary>
    public static IReadOnlyList<string> InputsOf(string stage, WorkflowSpec spec, WorkflowRunner runner) => stage switch
    {
        "build" => [],
        "md" => [spec.InitialMd!.Structures ?? WorkflowParser.BuiltStructures(spec.WorkDir), spec.InitialMd.Model],
        "aimd" => [spec.Aimd!.Structures, .. Templates(spec)],
        "extract" => [.. spec.Aimd is null ? [] : new[] { Path.Combine(runner.FolderOf("aimd"), AimdFrames) }, .. spec.Extract.From, .. InitialStageFrames(spec, runner)],
        "sample" => [Path.Combine(runner.FolderOf("extract"), "frames.xyz")],
        "perturb" => [SampledOrFrames(spec, runner)],
        "label" => [LabelInput(spec, runner), .. Templates(spec)],
        "collect" => [spec.Label is not null ? Path.Combine(runner.FolderOf("label"), "labelled.xyz") : SampledOrFrames(spec, runner)],
        _ => [],
    };

    // What extract reads from the initial stages when no AIMD runs: the MD frames, or else the built boxes.
    static IEnumerable<string> InitialStageFrames(WorkflowSpec spec, WorkflowRunner runner) =>
        spec.Aimd is not null ? []
        : spec.InitialMd is not null ? [Path.Combine(runner.FolderOf("md"), AimdFrames)]
        : spec.Build is not null ? [WorkflowParser.BuiltStructures(spec.WorkDir)]
        : [];

    static IEnumerable<string> Templates(WorkflowSpec spec) =>
        new[] { spec.Engine.Cp2kTemplate, spec.Engine.Incar, spec.Engine.AimdIncar, spec.Executor.Template }.OfType<string>();

    static string SampledOrFrames(WorkflowSpec spec, WorkflowRunner runner) =>
        spec.Sample is not null ? Path.Combine(runner.FolderOf("sample"), "sampled.xyz") : Path.Combine(runner.FolderOf("extract"), "frames.xyz");

    static string LabelInput(WorkflowSpec spec, WorkflowRunner runner) =>
        spec.Perturb is not null ? Path.Combine(runner.FolderOf("perturb"), "to-label.xyz") : SampledOrFrames(spec, runner);

    public string Run(string stage, string dir) => stage switch
    {
        "build" => InitialStages.Build(spec, dir),
        "md" => InitialStages.Md(spec, dir),
        "aimd" => Aimd(dir),
        "extract" => Extract(dir),
        "sample" => Sample(dir),
        "perturb" => Perturb(dir),
        "label" => Label(dir),
        "collect" => Collect(dir),
        _ => throw new InvalidOperationException($"unknown stage {stage}"),
    };

    string Aimd(string dir)
    {
        var a = spec.Aimd!;
        var frames = WorkflowRunner.Read(a.Structures).ToList();
        for (int k = 0; k < a.Temperatures.Count; k++)
        {
            var ramp = new MdTemperatureRamp(a.StartTemperatures?[k] ?? a.Temperatures[k], a.Temperatures[k], a.Steps, a.HoldSteps);
            double? end = ramp.IsRamp ? ramp.End : null;
            // "300K" for a constant temperature (as before ramps existed, so that runs already made are found again),
            // "10-300K" for a ramp: the md stage's naming.
            string name = ramp.RangeText().Replace(':', '-') + "K";
            string tdir = Path.Combine(dir, name);
            var inputs = spec.Engine.Kind == "cp2k"
                ? new DftEngineInputs
                {
                    Cp2k = Cp2kSettings(),
                    Cp2kMd = new Cp2kMdSettings
                    {
                        Temperature = ramp.Start,
                        EndTemperature = end,
                        HoldSteps = ramp.HoldSteps,
                        Steps = ramp.RampSteps,
                        TimeStepFs = a.Timestep,
                        Seed = a.Seed,
                    },
                    Kind = "aimd",
                }
                : new DftEngineInputs
                {
                    Vasp = VaspInputs(spec.Engine.AimdIncar ?? spec.Engine.Incar),
                    VaspAimd = new VaspAimdSettings
                    {
                        Temperature = ramp.Start,
                        EndTemperature = end,
                        Steps = ramp.RampSteps,
                        TimeStepFs = a.Timestep,
                        Ensemble = Ensemble(a.Ensemble),
                        // temperatures and steps are written in the workflow file; the rest only fills what aimd_incar lacks.
                        Explicit = VaspAimdExplicit.Temperature | VaspAimdExplicit.Steps | (ramp.IsRamp ? VaspAimdExplicit.EndTemperature : 0),
                    },
                    Kind = "aimd",
                };
            var tagged = frames.Select(f =>
            {
                var c = f.Clone();
                c.Info.ConfigType = $"{f.Info.ConfigType ?? f.Formula}_aimd_{name}";
                return c;
            });
            DftJobs.Prepare(tagged, tdir, inputs);
        }
        var summary = RunJobs(dir, new LabelSpec { Executor = a.Executor });
        var labelled = DftJobs.Find(dir).Select(DftJobs.Describe).Where(s => s.State == DftJobState.Converged).SelectMany(s => s.Labelled).ToList();
        long n = ExtXyzWriter.WriteFile(Path.Combine(dir, AimdFrames), labelled);
        return $"{summary.Converged} AIMD run(s), {summary.Quarantined} quarantined, {n} frame(s)";
    }

    string Extract(string dir)
    {
        var frames = new List<Frame>();
        int truncated = 0;
        if (spec.Aimd is not null)
        {
            // Per run, drop the first steps (equilibration).
            foreach (var run in WorkflowRunner.Read(Path.Combine(runner.FolderOf("aimd"), AimdFrames)).GroupBy(f => f.Info.GetExtra("dft_folder")))
                frames.AddRange(run.Skip(spec.Extract.SkipFirst));
        }
        // The MD stage's frames (when there is no AIMD) or else the built boxes themselves (a cold start).
        foreach (string source in InitialStageFrames(spec, runner))
            frames.AddRange(WorkflowRunner.Read(source).Skip(spec.Extract.SkipFirst));
        foreach (string source in spec.Extract.From)
        {
            bool vasp = Directory.Exists(source) || Path.GetFileName(source).Contains("OUTCAR", StringComparison.Ordinal) || source.EndsWith(".xml", StringComparison.Ordinal);
            if (!vasp)
            {
                frames.AddRange(WorkflowRunner.Read(source).Skip(spec.Extract.SkipFirst));
                continue;
            }
            // The same extractor and the same report as the extract verb: a file it cannot read stops the stage
            // (nepforge extract exits 1 on it), truncations and other warnings are printed and journaled.
            var extractor = new VaspExtractor(new VaspExtractOptions { SkipFirst = spec.Extract.SkipFirst, OnDiagnostic = d => runner.Warn(d.ToString()) });
            frames.AddRange(extractor.Extract([source]));
            if (extractor.Files.Count == 0)
                throw new FileNotFoundException($"stages.extract.from: no OUTCAR or vasprun.xml found under {source}");
            if (extractor.Files.FirstOrDefault(f => f.Error is not null) is { } bad)
                throw new InvalidDataException(bad.Error);
            if (extractor.Files.FirstOrDefault(f => f.Steps == 0) is { } empty)
                throw new InvalidDataException($"{empty.Path}: no ionic step found");
            truncated += extractor.Files.Count(f => f.Truncated);
        }
        long n = ExtXyzWriter.WriteFile(Path.Combine(dir, "frames.xyz"), frames);
        return truncated > 0 ? $"{n} frame(s); {truncated} truncated file(s)" : $"{n} frame(s)";
    }

    string Sample(string dir)
    {
        var s = spec.Sample!;
        var frames = WorkflowRunner.Read(Path.Combine(runner.FolderOf("extract"), "frames.xyz")).ToList();
        if (s.HoldOnly)
            frames = [.. HoldFilter.Keep(frames, Path.Combine(runner.FolderOf("extract"), "frames.xyz"))];
        long[] keep = s.Every is int every ? FrameSelection.Every(frames.Count, every).ToArray()
            : s.Count is int count ? FrameSelection.Evenly(frames.Count, count)
            : FrameSelection.Random(frames.Count, s.Random!.Value, s.Seed);
        // The same pick as nepforge sample: a random sample records its seed in every frame.
        long n = ExtXyzWriter.WriteFile(Path.Combine(dir, "sampled.xyz"), FrameSelection.Pick(frames, keep, s.Random is null ? null : s.Seed));
        return $"{n} of {frames.Count} frame(s)";
    }

    string Perturb(string dir)
    {
        var p = spec.Perturb!;
        var frames = WorkflowRunner.Read(SampledOrFrames(spec, runner)).ToList();
        var perturber = new Perturber(new PerturbOptions
        {
            Cell = p.Cell,
            Displacement = p.Disp,
            Guard = p.MinRatio is double r && r > 0 ? new DistanceGuard(minRatio: r) : DistanceGuard.None,
        });
        var output = new List<Frame>();
        // keep_first: the first N frames go to DFT as they are; only the rest are perturbed and rattled.
        int first = p.KeepFirst is int k ? Math.Min(k, frames.Count) : 0;
        if (p.KeepFirst is not null)
            output.AddRange(frames.Take(first).Select(Perturber.PrepareForRelabel));
        else if (p.IncludeSampled)
            output.AddRange(frames.Select(Perturber.PrepareForRelabel));
        int made = 0;
        for (int i = first; i < frames.Count; i++)
        {
            foreach (var result in perturber.Perturb(frames[i], p.Seed, i, p.Count))
            {
                output.Add(result.Frame);
                made++;
            }
        }
        int rattled = 0;
        if (p.RattleCount > 0)
        {
            var rattler = new Rattler(new RattleOptions { Std = p.RattleStd, MinDistance = new DistanceGuard(minDistance: p.RattleMinDistance) });
            for (int i = first; i < frames.Count; i++)
            {
                // Another seed stream than the perturbation's, so the two never share random numbers.
                foreach (var result in rattler.Rattle(frames[i], p.Seed + 7919, i, p.RattleCount))
                {
                    output.Add(result.Frame);
                    rattled++;
                }
            }
        }
        long n = ExtXyzWriter.WriteFile(Path.Combine(dir, "to-label.xyz"), output);
        return $"{made} perturbed, {rattled} rattled, {n} structure(s) to label";
    }

    string Label(string dir) => LabelFrames(WorkflowRunner.Read(LabelInput(spec, runner)), dir).Summary;

    /// <summary>DFT single points of <paramref name="frames"/> in <paramref name="dir"/>; writes and returns labelled.xyz's frames.</summary>
    internal (string Summary, List<Frame> Labelled) LabelFrames(IEnumerable<Frame> frames, string dir)
    {
        var inputs = spec.Engine.Kind == "cp2k"
            ? new DftEngineInputs { Cp2k = Cp2kSettings() with { Template = spec.Engine.Cp2kTemplate is { } t ? Cp2kInputWriter.ReadTemplate(t) : null } }
            : new DftEngineInputs { Vasp = VaspInputs(spec.Engine.Incar) };
        DftJobs.Prepare(frames, dir, inputs);
        var summary = RunJobs(dir, spec.Label!);
        var labelled = DftJobs.Find(dir).Select(DftJobs.Describe).Where(s => s.State == DftJobState.Converged).SelectMany(s => s.Labelled).ToList();
        long n = ExtXyzWriter.WriteFile(Path.Combine(dir, "labelled.xyz"), labelled);
        return ($"{summary.Converged} converged, {summary.Quarantined} quarantined, {n} frame(s)", labelled);
    }

    string Collect(string dir)
    {
        string source = InputsOf("collect", spec, runner)[0];
        var frames = WorkflowRunner.Read(source).ToList();
        string referenced = "";
        if (spec.Collect.EnergyRef is { } given)
        {
            // The same shift as `nepforge energy-ref`, recorded per frame (energy_ref_shift) so it can be undone.
            var reference = given.Count == 0
                ? Sampling.Curation.EnergyReference.Fit(frames).Reference
                : new Sampling.Curation.EnergyReference(given.ToDictionary(kv => Structures.Elements.Get(kv.Key), kv => kv.Value));
            foreach (var f in frames)
                reference.Apply(f);
            // The loop's new labels must get the same references, or the merged set mixes two energy zeros.
            AtomicFile.WriteAllText(Path.Combine(dir, EnergyReferenceFile),
                string.Concat(reference.References.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Element.Symbol}={r.Energy:R}\n"))));
            referenced = $", energies minus references ({string.Join(", ", reference.References.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Element.Symbol} {r.Energy:F4}")))} eV)";
        }
        string output = Path.Combine(dir, spec.Collect.Output);
        long n = ExtXyzWriter.WriteFile(output, frames);
        // The same checks as `nepforge validate`: what nep would refuse or misread.
        var report = new DatasetValidator().Validate(output);
        if (!report.IsValid)
            throw new InvalidOperationException($"{output}: {report.Errors} validation error(s): {string.Join("; ", report.Issues.Take(3))}");
        Publish(output, spec);
        return $"{n} frame(s) in {spec.Collect.Output}{referenced}, valid ({report.Warnings} warning(s))";
    }

    /// <summary>The per-species reference energies the collect stage subtracted (ELEMENT=eV per line), when it did.</summary>
    public const string EnergyReferenceFile = "energy-ref.txt";

    /// <summary>Copies a stage's training set to the work folder's <c>train.xyz</c> (atomically: readers never see half of it).</summary>
    internal static void Publish(string trainXyz, WorkflowSpec spec) =>
        IO.AtomicFile.Write(Path.Combine(spec.WorkDir, spec.Collect.Output), s =>
        {
            using var source = File.OpenRead(trainXyz);
            source.CopyTo(s);
        });

    Cp2kSettings Cp2kSettings() => spec.Engine.Cp2kCutoff is double c ? new Cp2kSettings { Cutoff = c } : new Cp2kSettings();

    VaspInputSet VaspInputs(string? incar) => new()
    {
        IncarTemplate = incar is null ? Incar.Empty : Incar.Load(incar),
        KPoints = spec.Engine.Kspacing is double k ? VaspKPoints.FromSpacing(k) : null,
        DefaultKPoints = VaspKPoints.Gamma,
        Potcar = spec.Engine.PotcarDir is { } dir ? new PotcarLibrary(dir, spec.Engine.PotcarMap) : null,
    };

    static VaspAimdEnsemble Ensemble(string text) =>
        VaspAimd.ParseEnsemble(text) ?? throw new WorkflowException($"stages.aimd.ensemble: expected {VaspAimd.EnsembleNames}, found '{text}'");

    // The DFT jobs of a stage through the configured executor, waiting until all have finished.
    internal DftBatchSummary RunJobs(string dir, LabelSpec label)
    {
        var e = label.Executor ?? spec.Executor;
        string command = spec.Engine.Command ?? Cp2kRunner.JobCommand(local: e.Kind == "local");
        var executor = Executors.Create(e, command, Path.Combine(dir, ".nepforge"));
        var batch = new DftBatch(dir, executor, new DftBatchOptions
        {
            MaxAttempts = label.MaxAttempts,
            MaxFailedFraction = label.MaxFailed,
            Escalation = label.Escalate?.Select(EscalationStep.Parse).ToList(),
            PollInterval = TimeSpan.FromSeconds(Math.Max(0.1, e.Poll)),
        }, line => log("  " + line));
        string? last = null;
        var summary = batch.Run(wait: true, s =>
        {
            string line = s.ToString();
            if (line != last)
                log($"  {Path.GetFileName(dir)}: {line}");
            last = line;
        }, cancellationToken);
        if (summary.Stopped is { } why)
            throw new InvalidOperationException($"{Path.GetFileName(dir)}: {why}");
        return summary;
    }
}
