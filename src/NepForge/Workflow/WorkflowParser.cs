using NepForge.Dft;

namespace NepForge.Workflow;

/// <summary>
/// Reads and validates a workflow file in one place, before anything runs: unknown keys, wrong types, missing
/// files and stage combinations that cannot work are errors naming the file, line and key path.
/// </summary>
public static class WorkflowParser
{
    /// <summary>Stage keys in the order they run.</summary>
    public static IReadOnlyList<string> StageOrder { get; } = ["build", "md", "aimd", "extract", "sample", "perturb", "label", "collect"];

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static WorkflowSpec Load(string path)
    {
        if (!File.Exists(path))
            throw new WorkflowException($"{path}: no such workflow file (`nepforge init` writes one)");
        return Parse(File.ReadAllText(path), Path.GetFullPath(path));
    }

    /// <summary>Parses the text of <paramref name="file"/> (paths in it are relative to the file's folder).</summary>
    public static WorkflowSpec Parse(string text, string file)
    {
        var root = YamlNode.Parse(text, file);
        root.AllowOnly("name", "workdir", "engine", "executor", "stages", "active_learning", "allow_outside");
        string baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        // What the workflow writes (workdir, collect.output) stays in the workflow's folder unless the user says so.
        bool allowOutside = root.Get("allow_outside")?.Bool() ?? false;
        string workDir = root.Get("workdir") is { } w ? Confined(w, baseDir, allowOutside, "the workflow file's folder") : baseDir;

        var engineNode = root.Required("engine");
        var engine = ParseEngine(engineNode, baseDir);
        var executor = root.Get("executor") is { } ex ? ParseExecutor(ex, baseDir) : new ExecutorSpec();
        var stages = root.Required("stages");
        stages.AllowOnly([.. StageOrder]);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string engineText = engineNode.Canonical();
        // Where a stage runs (its executor) is not part of what it computes: changing it redoes nothing. Nor is how many
        // failed jobs label tolerates: raising max_failed after a stop (as the stop's message says) resumes the stage,
        // it must not redo every finished DFT job.
        foreach (string key in StageOrder)
            settings[key] = stages.Get(key)?.Canonical("executor", "max_failed") ?? "";
        settings["aimd"] += "|" + engineText;
        settings["label"] += "|" + engineText;
        var alNode = root.Get("active_learning");
        settings["active_learning"] = (alNode?.Canonical("executor") ?? "") + "|" + engineText;

        var spec = new WorkflowSpec
        {
            File = Path.GetFullPath(file),
            WorkDir = workDir,
            Engine = engine,
            Executor = executor,
            Build = stages.Get("build") is { } b ? BuildSpec.Parse(b, baseDir) : null,
            InitialMd = stages.Get("md") is { } md ? InitialMdSpec.Parse(md, baseDir) : null,
            Aimd = stages.Get("aimd") is { } a ? ParseAimd(a, baseDir, stages.Get("build") is null ? null : BuiltStructures(workDir)) : null,
            Extract = stages.Get("extract") is { } e ? ParseExtract(e, baseDir) : new ExtractSpec(),
            Sample = stages.Get("sample") is { } s ? ParseSample(s) : null,
            Perturb = stages.Get("perturb") is { } p ? ParsePerturb(p) : null,
            Label = stages.Get("label") is { } l ? ParseLabel(l, baseDir) : null,
            Collect = stages.Get("collect") is { } c ? ParseCollect(c, workDir, allowOutside) : new CollectSpec(),
            StageSettings = settings,
            ActiveLearning = alNode is null ? null : ParseActiveLearning(alNode, baseDir),
        };
        if (spec.ActiveLearning is not null && spec.Label is null)
            throw alNode!.Error("the loop labels its picks with the engine of stages.label: add stages.label");

        // Combinations that cannot work.
        if (spec.Aimd is null && spec.Extract.From.Count == 0 && spec.Build is null && spec.InitialMd is null)
            throw stages.Error("nothing to start from: give stages.build (packmol boxes), stages.md (MD with a NEP model), stages.aimd (structures to run) or stages.extract.from (existing outputs)");
        if (spec.InitialMd is { Structures: null } && spec.Build is null)
            throw stages.Required("md").Error("give md.structures or a stages.build to start the MD from");
        if (spec.Perturb is not null && spec.Label is null)
            throw stages.Required("perturb").Error("perturbed structures have no labels: add stages.label to run DFT on them");
        if (spec.Engine.Kind == "vasp" && spec.Engine.Command is null && (spec.Aimd is not null || spec.Label is not null))
            throw engineNode.Error("VASP jobs need engine.command (e.g. \"mpirun -np 32 vasp_std > vasp.out\")");
        if (spec.Engine.Kind == "vasp" && spec.Aimd is not null && spec.Engine.AimdIncar is null && spec.Engine.Incar is null)
            throw engineNode.Error("a VASP AIMD needs engine.aimd_incar (or engine.incar)");
        if (spec.Engine.Kind == "vasp" && spec.Aimd is { HoldSteps: > 0 })
            throw stages.Required("aimd").Required("hold_steps").Error("VASP ramps TEBEG → TEEND over NSW in one run and has no hold after it: give the hold as its own temperature (e.g. temperatures: [\"10:300\", 300])");
        return spec;
    }

    static string Resolve(string baseDir, string path) => Path.GetFullPath(Path.Combine(baseDir, path));

    static string ExistingFile(YamlNode node, string baseDir)
    {
        string path = Resolve(baseDir, node.String());
        if (!File.Exists(path))
            throw node.Error($"no such file: {path}");
        return path;
    }

    static EngineSpec ParseEngine(YamlNode n, string baseDir)
    {
        n.AllowOnly("kind", "cp2k_cutoff", "cp2k_template", "incar", "aimd_incar", "kspacing", "potcar_dir", "potcar_map", "command");
        string kind = n.Required("kind").String().ToLowerInvariant();
        if (kind is not ("cp2k" or "vasp"))
            throw n.Required("kind").Error($"expected cp2k or vasp, found '{kind}'");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (n.Get("potcar_map") is { } pm)
        {
            foreach (var (key, value) in pm.Entries())
                map[key] = value.String();
        }
        string? potcarDir = n.Get("potcar_dir") is { } pd ? Resolve(baseDir, pd.String()) : null;
        if (potcarDir is not null && !Directory.Exists(potcarDir))
            throw n.Required("potcar_dir").Error($"no such folder: {potcarDir}");
        if (kind == "cp2k")
        {
            foreach (string vaspOnly in new[] { "incar", "aimd_incar", "kspacing", "potcar_dir", "potcar_map" })
            {
                if (n.Get(vaspOnly) is { } v)
                    throw v.Error("a VASP setting, but engine.kind is cp2k");
            }
        }
        return new EngineSpec
        {
            Kind = kind,
            Cp2kCutoff = n.Get("cp2k_cutoff")?.Number(),
            Cp2kTemplate = n.Get("cp2k_template") is { } t ? ExistingFile(t, baseDir) : null,
            Incar = n.Get("incar") is { } i ? ExistingFile(i, baseDir) : null,
            AimdIncar = n.Get("aimd_incar") is { } ai ? ExistingFile(ai, baseDir) : null,
            Kspacing = n.Get("kspacing")?.Number(),
            PotcarDir = potcarDir,
            PotcarMap = map,
            Command = n.Get("command")?.String(),
        };
    }

    static ExecutorSpec ParseExecutor(YamlNode n, string baseDir)
    {
        n.AllowOnly("kind", "parallel", "timeout", "partition", "time", "template", "array_max", "ntasks", "cpus_per_task", "poll");
        string kind = n.Get("kind")?.String().ToLowerInvariant() ?? "local";
        if (kind is not ("local" or "slurm"))
            throw n.Required("kind").Error($"expected local or slurm, found '{kind}'");
        var spec = new ExecutorSpec
        {
            Kind = kind,
            Parallel = n.Get("parallel")?.Int() ?? 1,
            Timeout = n.Get("timeout")?.Number(),
            Partition = n.Get("partition")?.String(),
            TimeMinutes = n.Get("time")?.Int(),
            Template = n.Get("template") is { } t ? ExistingFile(t, baseDir) : null,
            ArrayMax = n.Get("array_max")?.Int() ?? 0,
            Ntasks = n.Get("ntasks")?.Int() ?? 1,
            CpusPerTask = n.Get("cpus_per_task")?.Int() ?? 1,
            Poll = n.Get("poll")?.Number() ?? 5,
        };
        if (spec.Parallel < 1)
            throw n.Required("parallel").Error("must be ≥ 1");
        return spec;
    }

    /// <summary>The build stage's boxes (what aimd and md start from when they name no structures).</summary>
    public static string BuiltStructures(string workDir) => Path.Combine(workDir, "00.build", "structures.xyz");

    static AimdSpec ParseAimd(YamlNode n, string baseDir, string? built = null)
    {
        n.AllowOnly("structures", "temperatures", "steps", "hold_steps", "timestep", "seed", "ensemble", "executor");
        // A temperature (300) or a linear ramp ("10:300"), as `dft prepare --aimd -T` takes them.
        var ranges = n.Required("temperatures").Items().Select(t =>
        {
            var r = InitialMdSpec.ParseTemperature(t);
            return r.Start > 0 && r.End > 0 ? r : throw t.Error("temperatures must be > 0 K");
        }).ToList();
        int steps = n.Required("steps").Int();
        if (steps < 1)
            throw n.Required("steps").Error("must be ≥ 1");
        int hold = n.Get("hold_steps")?.Int() ?? 0;
        if (hold < 0)
            throw n.Required("hold_steps").Error("must be ≥ 0");
        return new AimdSpec
        {
            Structures = n.Get("structures") is null && built is not null ? built : ExistingFile(n.Required("structures"), baseDir),
            Temperatures = ranges.Select(r => r.End).ToList(),
            StartTemperatures = ranges.Any(r => r.Start != r.End) ? ranges.Select(r => r.Start).ToList() : null,
            Steps = steps,
            HoldSteps = hold,
            Timestep = n.Get("timestep")?.Number() ?? 1.0,
            Seed = n.Get("seed")?.Int() ?? 1,
            Ensemble = n.Get("ensemble")?.String() ?? "nvt",
            Executor = n.Get("executor") is { } ex ? ParseExecutor(ex, baseDir) : null,
        };
    }

    static ExtractSpec ParseExtract(YamlNode n, string baseDir)
    {
        n.AllowOnly("from", "skip_first");
        var from = n.Get("from")?.Items().Select(i =>
        {
            string p = Resolve(baseDir, i.String());
            return File.Exists(p) || Directory.Exists(p) ? p : throw i.Error($"no such file or folder: {p}");
        }).ToList() ?? [];
        int skipFirst = n.Get("skip_first")?.Int() ?? 0;
        if (skipFirst < 0)
            throw n.Required("skip_first").Error("must be ≥ 0 (like --skip-first)");
        return new ExtractSpec { From = from, SkipFirst = skipFirst };
    }

    static SampleSpec ParseSample(YamlNode n)
    {
        n.AllowOnly("every", "count", "random", "seed", "hold_only");
        var spec = new SampleSpec { Every = n.Get("every")?.Int(), Count = n.Get("count")?.Int(), Random = n.Get("random")?.Int(), Seed = n.Get("seed")?.Int() ?? 1, HoldOnly = n.Get("hold_only")?.Bool() ?? false };
        int given = new[] { spec.Every, spec.Count, spec.Random }.Count(v => v is not null);
        if (given != 1)
            throw n.Error("give exactly one of every, count, random");
        if ((spec.Every ?? spec.Count ?? spec.Random) < 1)
            throw n.Error("the sampling number must be ≥ 1");
        return spec;
    }

    static PerturbSpec ParsePerturb(YamlNode n)
    {
        n.AllowOnly("count", "cell", "disp", "min_ratio", "seed", "include_sampled", "rattle", "keep_first");
        var rattle = n.Get("rattle");
        rattle?.AllowOnly("count", "std", "d_min");
        var spec = new PerturbSpec
        {
            Count = n.Get("count")?.Int() ?? 3,
            Cell = n.Get("cell")?.Number() ?? 0.03,
            Disp = n.Get("disp")?.Number() ?? 0.1,
            MinRatio = n.Get("min_ratio")?.Number() ?? 0.7,
            Seed = n.Get("seed")?.Int() ?? 1,
            IncludeSampled = n.Get("include_sampled")?.Bool() ?? true,
            RattleCount = rattle?.Get("count")?.Int() ?? 0,
            RattleStd = rattle?.Get("std")?.Number() ?? 0.05,
            RattleMinDistance = rattle?.Get("d_min")?.Number() ?? 1.5,
            KeepFirst = n.Get("keep_first")?.Int(),
        };
        if (spec.KeepFirst is < 0)
            throw n.Required("keep_first").Error("must be ≥ 0");
        if (spec.RattleCount < 0 || !(spec.RattleStd > 0))
            throw rattle!.Error("count must be ≥ 0 and std > 0");
        if (spec.Count < 0)
            throw n.Required("count").Error("must be ≥ 0");
        if (spec.Cell is < 0 or >= 0.5)
            throw n.Required("cell").Error("a strain amplitude in [0, 0.5), e.g. 0.06 for ±6 %");
        return spec;
    }

    static LabelSpec ParseLabel(YamlNode n, string baseDir)
    {
        n.AllowOnly("max_attempts", "max_failed", "escalate", "executor");
        var escalate = n.Get("escalate")?.Items().Select(i =>
        {
            try
            {
                return EscalationStep.Parse(i.String()).ToString();
            }
            catch (FormatException e)
            {
                throw i.Error(e.Message);
            }
        }).ToList();
        var spec = new LabelSpec
        {
            MaxAttempts = n.Get("max_attempts")?.Int() ?? 3,
            MaxFailed = n.Get("max_failed")?.Number() ?? 0.2,
            Escalate = escalate,
            Executor = n.Get("executor") is { } ex ? ParseExecutor(ex, baseDir) : null,
        };
        if (spec.MaxAttempts < 1)
            throw n.Required("max_attempts").Error("must be ≥ 1");
        return spec;
    }

    static ActiveLearningSpec ParseActiveLearning(YamlNode n, string baseDir)
    {
        n.AllowOnly("model", "train", "generations", "explore", "clean", "select", "stop", "executor", "rdf");
        var train = n.Get("train");
        train?.AllowOnly("engine", "nep", "nep_in", "generations", "seed", "time_limit", "committee", "bootstrap", "threads");
        string? nepExe = null;
        string trainEngine = train?.Get("engine")?.String().ToLowerInvariant() ?? "gpumd";
        if (trainEngine is not ("gpumd" or "cpu"))
            throw train!.Required("engine").Error($"expected gpumd (GPUMD's nep) or cpu (NepForge's CPU trainer), found '{trainEngine}'");
        NepCpuTrainSpec? cpuTrain = null;
        if (train is not null && trainEngine == "cpu")
        {
            if (train.Get("nep") is { } nepNode)
                throw nepNode.Error("train.nep names GPUMD's nep, but train.engine is cpu: remove one of them");
            cpuTrain = new NepCpuTrainSpec
            {
                Generations = train.Get("generations")?.Int(),
                Seed = train.Get("seed")?.Int() ?? 1,
                TimeLimit = train.Get("time_limit")?.Number(),
                Committee = train.Get("committee")?.Int() ?? 1,
                Bootstrap = train.Get("bootstrap")?.Bool() ?? false,
                Threads = train.Get("threads")?.Int() ?? 0,
            };
            if (cpuTrain.Committee < 1)
                throw train.Required("committee").Error("must be ≥ 1");
            if (cpuTrain.Generations is < 1)
                throw train.Required("generations").Error("must be ≥ 1");
            if (cpuTrain.TimeLimit is { } tl && !(tl > 0))
                throw train.Required("time_limit").Error("minutes, > 0");
        }
        else if (train is not null)
        {
            foreach (string cpuOnly in new[] { "generations", "seed", "time_limit", "committee", "bootstrap", "threads" })
            {
                if (train.Get(cpuOnly) is { } k)
                    throw k.Error($"train.{cpuOnly} is a setting of the CPU trainer: add 'engine: cpu' (GPUMD's nep reads its settings from nep.in)");
            }
            string? given = train.Get("nep")?.String();
            nepExe = Training.NepTrainer.FindExecutable(given is null ? null : Path.IsPathRooted(given) || given.Contains('/', StringComparison.Ordinal) ? Resolve(baseDir, given) : given)
                ?? throw train.Error(Training.NepTrainer.MissingExecutableMessage(given) + "; or set train.engine: cpu to train on this machine's CPU");
        }
        if (train is null && n.Get("model") is null)
            throw n.Error("give active_learning.model (a nep.txt to explore with) or active_learning.train (each generation trains one: engine gpumd or cpu)");
        var explore = n.Required("explore");
        explore.AllowOnly("temperatures", "steps", "dump_every", "timestep", "structures", "seed", "engine", "gpumd", "hold_steps", "build");
        // Each temperature is constant (300) or a ramp START:END ("10:300").
        var ranges = explore.Required("temperatures").Items().Select(InitialMdSpec.ParseTemperature).ToList();
        string exploreEngine = explore.Get("engine")?.String().ToLowerInvariant() ?? "cpu";
        if (exploreEngine is not ("cpu" or "gpumd"))
            throw explore.Required("engine").Error($"expected cpu or gpumd, found '{exploreEngine}'");
        string? gpumd = null;
        if (exploreEngine == "gpumd")
        {
            string given = explore.Get("gpumd")?.String() ?? "gpumd";
            string candidate = given.Contains('/', StringComparison.Ordinal) ? Resolve(baseDir, given) : given;
            gpumd = Structures.Packmol.Find(candidate)
                ?? throw explore.Error($"explore.engine is gpumd but the gpumd executable '{given}' was not found (give explore.gpumd: /path/to/gpumd, or use engine: cpu)");
        }
        var clean = n.Get("clean");
        clean?.AllowOnly("min_ratio", "max_force");
        var select = n.Get("select");
        select?.AllowOnly("max", "min_distance", "committee", "f_lo", "f_hi");
        var stop = n.Get("stop");
        stop?.AllowOnly("min_selected", "force_rmse");
        var spec = new ActiveLearningSpec
        {
            Model = n.Get("model") is { } m ? ExistingFile(m, baseDir) : null,
            TrainNep = nepExe,
            TrainNepIn = train?.Get("nep_in") is { } ni ? ExistingFile(ni, baseDir) : null,
            TrainCpu = cpuTrain,
            Generations = n.Get("generations")?.Int() ?? 1,
            Temperatures = ranges.Select(r => r.End).ToList(),
            StartTemperatures = ranges.Any(r => r.Start != r.End) ? ranges.Select(r => r.Start).ToList() : null,
            HoldSteps = explore.Get("hold_steps")?.Int() ?? 0,
            ExploreBuild = explore.Get("build") is { } eb ? BuildSpec.Parse(eb, baseDir) : null,
            RdfPairs = n.Get("rdf")?.Items().Select(i =>
            {
                try
                {
                    return Sampling.Analysis.ElementPair.Parse(i.String()).Label;
                }
                catch (FormatException e)
                {
                    throw i.Error(e.Message);
                }
            }).ToList() ?? [],
            Gpumd = gpumd,
            Executor = n.Get("executor") is { } ex ? ParseExecutor(ex, baseDir) : null,
            Steps = explore.Get("steps")?.Int() ?? 1000,
            DumpEvery = explore.Get("dump_every")?.Int() ?? 20,
            Timestep = explore.Get("timestep")?.Number() ?? 1.0,
            Structures = explore.Get("structures")?.Int() ?? 2,
            Seed = explore.Get("seed")?.Int() ?? 1,
            CleanMinRatio = clean?.Get("min_ratio")?.Number() ?? 0.5,
            CleanMaxForce = clean?.Get("max_force")?.Number() ?? 50,
            SelectMax = select?.Get("max")?.Int() ?? 10,
            SelectMinDistance = select?.Get("min_distance")?.Number() ?? 0.01,
            Committee = select?.Get("committee")?.Items().Select(i => ExistingFile(i, baseDir)).ToList() ?? [],
            CommitteeFLo = select?.Get("f_lo")?.Number() ?? 0.05,
            CommitteeFHi = select?.Get("f_hi")?.Number() ?? 0.3,
            StopMinSelected = stop?.Get("min_selected")?.Int() ?? 1,
            StopForceRmse = stop?.Get("force_rmse")?.Number(),
        };
        if (spec.Generations < 1)
            throw n.Required("generations").Error("must be ≥ 1");
        if (spec.Gpumd is not null && spec.ExploreBuild is not null)
            throw explore.Error("explore with gpumd starts from training structures for now: explore.build needs engine: cpu");
        if (spec.Committee.Count == 1)
            throw select!.Required("committee").Error("a committee needs at least two models");
        if (!(spec.CommitteeFLo < spec.CommitteeFHi))
            throw select!.Error("f_lo must be below f_hi");
        if (spec.Temperatures.Any(t => !(t > 0)))
            throw explore.Required("temperatures").Error("temperatures must be > 0 K");
        if (spec.Steps < 1 || spec.DumpEvery < 1 || spec.Structures < 1)
            throw explore.Error("steps, dump_every and structures must be ≥ 1");
        return spec;
    }

    static CollectSpec ParseCollect(YamlNode n, string workDir, bool allowOutside)
    {
        n.AllowOnly("output", "energy_ref");
        if (n.Get("output") is { } output)
            Confined(output, workDir, allowOutside, "the work folder");
        Dictionary<string, double>? refs = null;
        if (n.Get("energy_ref") is { } e)
        {
            if (e.IsMap)
            {
                refs = [];
                foreach (var (key, value) in e.Entries())
                {
                    if (!Structures.Elements.TryGet(key, out _))
                        throw value.Error($"'{key}' is not an element symbol");
                    refs[key] = value.Number();
                }
                if (refs.Count == 0)
                    throw e.Error("give isolated-atom energies (e.g. {H: -13.6}) or 'fit'");
            }
            else if (e.String() == "fit")
            {
                refs = [];
            }
            else
            {
                throw e.Error("expected 'fit' or a map of isolated-atom energies in eV, e.g. {H: -13.6, O: -432.1}");
            }
        }
        return new CollectSpec { Output = n.Get("output")?.String() ?? "train.xyz", EnergyRef = refs };
    }

    // A path the workflow writes to: inside root (the folder itself counts), or anywhere with allow_outside: true.
    static string Confined(YamlNode node, string root, bool allowOutside, string rootName)
    {
        string given = node.String();
        string full;
        try
        {
            if (given.Length == 0 || given.Contains('\0', StringComparison.Ordinal))
                throw new ArgumentException("empty or holds a NUL character");
            full = Path.GetFullPath(Path.Combine(root, given));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw node.Error($"'{given}' is not a usable path ({e.Message.Split(" (Parameter", 2)[0]})");
        }
        string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!allowOutside && full != root && !full.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw node.Error($"'{given}' is outside {rootName} ({root}): a workflow writes only there unless the file says " +
                "allow_outside: true at its top level");
        }
        return full;
    }
}
