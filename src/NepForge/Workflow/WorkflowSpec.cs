namespace NepForge.Workflow;

/// <summary>The DFT engine of a workflow, with its inputs.</summary>
public sealed record EngineSpec
{
    /// <summary>cp2k or vasp.</summary>
    public required string Kind { get; init; }

    /// <summary>CP2K: plane-wave cutoff, Ry.</summary>
    public double? Cp2kCutoff { get; init; }

    /// <summary>CP2K: a template input (single points).</summary>
    public string? Cp2kTemplate { get; init; }

    /// <summary>VASP: INCAR template of the single points.</summary>
    public string? Incar { get; init; }

    /// <summary>VASP: INCAR template of the AIMD (default: <see cref="Incar"/>).</summary>
    public string? AimdIncar { get; init; }

    /// <summary>VASP: KSPACING for the Γ-centred mesh (Å⁻¹); Γ only when null.</summary>
    public double? Kspacing { get; init; }

    /// <summary>VASP: POTCAR library folder.</summary>
    public string? PotcarDir { get; init; }

    /// <summary>VASP: element → setup.</summary>
    public IReadOnlyDictionary<string, string> PotcarMap { get; init; } = new Dictionary<string, string>();

    /// <summary>What each job runs (VASP: required; CP2K: cp2k.psmp by default).</summary>
    public string? Command { get; init; }
}

/// <summary>Where jobs run.</summary>
public sealed record ExecutorSpec
{
    /// <summary>local or slurm.</summary>
    public string Kind { get; init; } = "local";

    /// <summary>Local: jobs at once.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Local: seconds per job.</summary>
    public double? Timeout { get; init; }

    /// <summary>Slurm partition.</summary>
    public string? Partition { get; init; }

    /// <summary>Slurm time limit, minutes.</summary>
    public int? TimeMinutes { get; init; }

    /// <summary>File with the cluster's #SBATCH/module lines.</summary>
    public string? Template { get; init; }

    /// <summary>Slurm array throttle (%max); 0 = none.</summary>
    public int ArrayMax { get; init; }

    /// <summary>Slurm --ntasks.</summary>
    public int Ntasks { get; init; } = 1;

    /// <summary>Slurm --cpus-per-task.</summary>
    public int CpusPerTask { get; init; } = 1;

    /// <summary>Seconds between polls.</summary>
    public double Poll { get; init; } = 5;
}

/// <summary>AIMD of the starting structures at each temperature.</summary>
public sealed record AimdSpec
{
    /// <summary>Starting structures (any format NepForge reads).</summary>
    public required string Structures { get; init; }

    /// <summary>
    /// Temperatures, K: one run per structure and temperature; for a ramp ("10:300" in the file) its end, with its
    /// start in <see cref="StartTemperatures"/>.
    /// </summary>
    public required IReadOnlyList<double> Temperatures { get; init; }

    /// <summary>Start of each run's linear ramp to <see cref="Temperatures"/>, K; null when no run ramps.</summary>
    public IReadOnlyList<double>? StartTemperatures { get; init; }

    /// <summary>MD steps (of the ramp, for a ramped run).</summary>
    public required int Steps { get; init; }

    /// <summary>CP2K: steps at the end temperature after <see cref="Steps"/> (a last segment; frames record md_hold).</summary>
    public int HoldSteps { get; init; }

    /// <summary>Time step, fs.</summary>
    public double Timestep { get; init; } = 1.0;

    /// <summary>Seed of the initial velocities (CP2K).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>VASP ensemble (nvt, nvt-langevin, nve, npt).</summary>
    public string Ensemble { get; init; } = "nvt";

    /// <summary>Where this stage's jobs run, when not the workflow's executor.</summary>
    public ExecutorSpec? Executor { get; init; }
}

/// <summary>Frames from existing outputs (OUTCAR, vasprun.xml, extxyz…) when there is no aimd stage, or in addition.</summary>
public sealed record ExtractSpec
{
    /// <summary>Files or folders to read.</summary>
    public IReadOnlyList<string> From { get; init; } = [];

    /// <summary>Drop the first N frames of each AIMD run (equilibration).</summary>
    public int SkipFirst { get; init; }
}

/// <summary>Subsampling.</summary>
public sealed record SampleSpec
{
    /// <summary>Keep every N-th frame.</summary>
    public int? Every { get; init; }

    /// <summary>Keep this many, evenly spaced.</summary>
    public int? Count { get; init; }

    /// <summary>Keep this many at random (with <see cref="Seed"/>).</summary>
    public int? Random { get; init; }

    /// <summary>Seed of <see cref="Random"/>.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Only frames in the hold after a temperature ramp (<c>md_hold=T</c>), before the choice.</summary>
    public bool HoldOnly { get; init; }
}

/// <summary>Cell perturbation and atom displacement.</summary>
public sealed record PerturbSpec
{
    /// <summary>Perturbed copies per sampled frame.</summary>
    public int Count { get; init; } = 3;

    /// <summary>Strain amplitude (0.06 = ±6 %).</summary>
    public double Cell { get; init; } = 0.03;

    /// <summary>Displacement amplitude, Å.</summary>
    public double Disp { get; init; } = 0.1;

    /// <summary>Minimum pair distance as a fraction of the covalent radii sum.</summary>
    public double? MinRatio { get; init; } = 0.7;

    /// <summary>Seed.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Label the sampled frames themselves too (with the single-point settings).</summary>
    public bool IncludeSampled { get; init; } = true;

    /// <summary>Rattled copies per sampled frame (hiphive's Monte-Carlo rattle), in addition to the perturbed ones.</summary>
    public int RattleCount { get; init; }

    /// <summary>Rattle: standard deviation of the displacements, Å.</summary>
    public double RattleStd { get; init; } = 0.05;

    /// <summary>Rattle: minimum interatomic distance, Å.</summary>
    public double RattleMinDistance { get; init; } = 1.5;

    /// <summary>
    /// Keep the first N sampled frames as they are and perturb/rattle only the rest (the H₂ study: 100 frames, the
    /// first 80 kept, the last 20 rattled twice); null = every frame is kept (with include_sampled) and perturbed.
    /// </summary>
    public int? KeepFirst { get; init; }
}

/// <summary>DFT single points.</summary>
public sealed record LabelSpec
{
    /// <summary>Runs per job before quarantine.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Stop when more than this fraction of finished jobs is quarantined.</summary>
    public double MaxFailed { get; init; } = 0.2;

    /// <summary>Escalation ladder (KEY=VALUE … per rung); null = the engine's default.</summary>
    public IReadOnlyList<string>? Escalate { get; init; }

    /// <summary>Where this stage's jobs run, when not the workflow's executor.</summary>
    public ExecutorSpec? Executor { get; init; }
}

/// <summary>The training set.</summary>
public sealed record CollectSpec
{
    /// <summary>Output file name, in the collect stage's folder (and copied beside the workflow file).</summary>
    public string Output { get; init; } = "train.xyz";

    /// <summary>
    /// Per-species reference energies subtracted before writing (as <c>nepforge energy-ref</c>): null for none, an
    /// empty map for a least-squares fit over the collected frames (<c>energy_ref: fit</c>), or isolated-atom
    /// energies, eV (<c>energy_ref: {H: -13.6, O: -432.1}</c>).
    /// </summary>
    public IReadOnlyDictionary<string, double>? EnergyRef { get; init; }
}

/// <summary>The active-learning loop after phase 1: explore with a NEP model, clean, select, label, merge.</summary>
public sealed record ActiveLearningSpec
{
    /// <summary>The NEP model (nep.txt) that explores and whose descriptors select; null when each generation trains its own.</summary>
    public string? Model { get; init; }

    /// <summary>GPUMD's nep executable: each generation first trains a model on the current training set with it.</summary>
    public string? TrainNep { get; init; }

    /// <summary>nep.in for the training (default: NepForge's default preset for the training set's species).</summary>
    public string? TrainNepIn { get; init; }

    /// <summary>CPU training instead of GPUMD's nep (<c>train.engine: cpu</c>): each generation trains its model with NepForge's trainer.</summary>
    public NepCpuTrainSpec? TrainCpu { get; init; }

    /// <summary>True when each generation trains its own model (GPUMD's nep or the CPU trainer).</summary>
    public bool Trains => TrainNep is not null || TrainCpu is not null;

    /// <summary>Generation budget.</summary>
    public int Generations { get; init; } = 1;

    /// <summary>GPUMD's gpumd executable: explore with it (NVT run.in per structure and temperature) instead of the CPU MD.</summary>
    public string? Gpumd { get; init; }

    /// <summary>Where nep and gpumd run (e.g. Slurm GPU nodes through a template with <c>#SBATCH --gres=gpu:1</c>); null = this machine.</summary>
    public ExecutorSpec? Executor { get; init; }

    /// <summary>Exploration temperatures, K.</summary>
    public required IReadOnlyList<double> Temperatures { get; init; }

    /// <summary>MD steps per run.</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Dump every this many steps.</summary>
    public int DumpEvery { get; init; } = 20;

    /// <summary>Time step, fs.</summary>
    public double Timestep { get; init; } = 1.0;

    /// <summary>Starting structures per generation, taken evenly from the current training set.</summary>
    public int Structures { get; init; } = 2;

    /// <summary>Seed of the MD (generation g uses seed + g).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Trajectory health: minimum distance as a fraction of the covalent radii sum.</summary>
    public double CleanMinRatio { get; init; } = 0.5;

    /// <summary>Trajectory health: largest |F| in eV/Å.</summary>
    public double CleanMaxForce { get; init; } = 50;

    /// <summary>Structures picked per generation at most.</summary>
    public int SelectMax { get; init; } = 10;

    /// <summary>Novelty threshold in descriptor space (the farthest candidate must be farther than this).</summary>
    public double SelectMinDistance { get; init; } = 0.01;

    /// <summary>Committee models: only frames the committee disagrees on (between <see cref="CommitteeFLo"/> and <see cref="CommitteeFHi"/>) go to FPS.</summary>
    public IReadOnlyList<string> Committee { get; init; } = [];

    /// <summary>Trust level: below this max force deviation (eV/Å) a frame is accurate (not picked).</summary>
    public double CommitteeFLo { get; init; } = 0.05;

    /// <summary>Trust level: above this a frame is failed (unphysical, not picked).</summary>
    public double CommitteeFHi { get; init; } = 0.3;

    /// <summary>Stop when fewer structures than this are new enough to pick.</summary>
    public int StopMinSelected { get; init; } = 1;

    /// <summary>Stop when the model's force RMSE on the new labels (eV/Å) is below this.</summary>
    public double? StopForceRmse { get; init; }

    /// <summary>Ramp starts, K, one per entry of <see cref="Temperatures"/> (the ends); null = constant temperatures.</summary>
    public IReadOnlyList<double>? StartTemperatures { get; init; }

    /// <summary>Exploration steps at the end temperature after the ramp (<see cref="Steps"/>).</summary>
    public int HoldSteps { get; init; }

    /// <summary>Exploration boxes built per generation (seed moved by the generation) instead of training structures.</summary>
    public BuildSpec? ExploreBuild { get; init; }

    /// <summary>Element pairs whose RDF the workflow report plots per generation (e.g. H-H).</summary>
    public IReadOnlyList<string> RdfPairs { get; init; } = [];
}

/// <summary>The CPU trainer's settings in a workflow (<c>active_learning.train</c> with <c>engine: cpu</c>).</summary>
public sealed record NepCpuTrainSpec
{
    /// <summary>Optimiser steps (default: nep.in's generation).</summary>
    public int? Generations { get; init; }

    /// <summary>Seed; generation g uses seed + g.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Wall-time limit per generation's training, minutes.</summary>
    public double? TimeLimit { get; init; }

    /// <summary>Models trained per generation (≥ 2: a committee for the selection's trust filter; model-1 explores).</summary>
    public int Committee { get; init; } = 1;

    /// <summary>Committee members train on bootstrap samples.</summary>
    public bool Bootstrap { get; init; }

    /// <summary>Threads (0 = one per core).</summary>
    public int Threads { get; init; }
}

/// <summary>A parsed and validated workflow file.</summary>
public sealed record WorkflowSpec
{
    /// <summary>The workflow file.</summary>
    public required string File { get; init; }

    /// <summary>Folder of the stage folders and the state (default: the file's folder).</summary>
    public required string WorkDir { get; init; }

    /// <summary>Engine.</summary>
    public required EngineSpec Engine { get; init; }

    /// <summary>Executor.</summary>
    public required ExecutorSpec Executor { get; init; }

    /// <summary>AIMD stage, if any.</summary>
    public AimdSpec? Aimd { get; init; }

    /// <summary>Extract stage (always present: it gathers the AIMD frames or reads <see cref="ExtractSpec.From"/>).</summary>
    public ExtractSpec Extract { get; init; } = new();

    /// <summary>Sample stage, if any.</summary>
    public SampleSpec? Sample { get; init; }

    /// <summary>Perturb stage, if any.</summary>
    public PerturbSpec? Perturb { get; init; }

    /// <summary>Label stage, if any.</summary>
    public LabelSpec? Label { get; init; }

    /// <summary>Collect stage.</summary>
    public CollectSpec Collect { get; init; } = new();

    /// <summary>The active-learning loop, if any.</summary>
    public ActiveLearningSpec? ActiveLearning { get; init; }

    /// <summary>Build stage (packmol boxes), if any.</summary>
    public BuildSpec? Build { get; init; }

    /// <summary>MD stage with a user-supplied NEP model, if any.</summary>
    public InitialMdSpec? InitialMd { get; init; }

    /// <summary>Canonical text of each stage's settings (with the engine/executor where they matter), for fingerprints.</summary>
    public IReadOnlyDictionary<string, string> StageSettings { get; init; } = new Dictionary<string, string>();
}
