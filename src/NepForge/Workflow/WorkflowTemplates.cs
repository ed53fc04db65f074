namespace NepForge.Workflow;

/// <summary>Commented starting files for <c>nepforge init</c>.</summary>
public static class WorkflowTemplates
{
    /// <summary>Case name → file text.</summary>
    public static IReadOnlyDictionary<string, string> Cases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cp2k"] = """
            # NepForge workflow: phase 1 on CP2K (runs on this machine; no VASP needed).
            # `nepforge run workflow.yaml` runs it; run it again after any interruption and it resumes.
            # `nepforge status workflow.yaml` shows where it is. Paths are relative to this file.
            engine:
              kind: cp2k            # cp2k or vasp
              cp2k_cutoff: 250      # Ry; H needs >= 200, 150 is enough for Si with the built-in SZV basis
              # cp2k_template: sp.inp   # your own single-point input with {CELL} {COORD} {KINDS}
            executor:
              kind: local           # local or slurm
              parallel: 2           # local: jobs at once (one thread each)
              # timeout: 3600       # local: seconds per job
              poll: 2               # seconds between polls
            stages:
              aimd:                 # low-accuracy AIMD of each structure at each temperature
                structures: start.xyz
                temperatures: [300, 900]   # K; "10:300" is a ramp over the steps
                steps: 40
                # hold_steps: 20    # CP2K: steps at the end temperature after the steps
                timestep: 1.0       # fs
                seed: 1             # initial velocities and thermostat noise (recorded in every frame)
              extract:
                skip_first: 5       # drop the first steps of each run (equilibration)
              sample:
                every: 5            # or count: N, or random: N with seed:
              perturb:
                count: 2            # perturbed copies per sampled frame
                cell: 0.06          # ±6 % strain
                disp: 0.1           # Å
                min_ratio: 0.7      # no pair closer than 0.7 × the sum of covalent radii
                seed: 42
                include_sampled: true   # label the sampled AIMD frames too
              label:                # DFT single points
                max_attempts: 3     # first run + retries, then quarantined
                max_failed: 0.2     # stop when more than 20 % of finished jobs failed for good
                # escalate: ["MAX_SCF=100 ALPHA=0.2"]   # own rungs for unconverged SCF
              collect:
                output: train.xyz
                energy_ref: fit     # subtract per-species reference energies (least squares; or {Si: -107.3} isolated-atom eV)
            """,
        ["vasp-slurm"] = """
            # NepForge workflow: phase 1 with VASP on a Slurm cluster.
            # `nepforge run workflow.yaml` on the login node (in tmux/screen, or again after the shell is lost:
            # it re-attaches to the queued and running jobs instead of resubmitting them).
            engine:
              kind: vasp
              incar: INCAR.sp           # single-point INCAR (EDIFF 1e-6, ISMEAR, ENCUT …)
              aimd_incar: INCAR.aimd    # low-accuracy AIMD INCAR; IBRION/NSW/POTIM/TEBEG/MDALGO are set for you
              kspacing: 0.25            # Å⁻¹, Γ-centred mesh by VASP's rule
              potcar_dir: /path/to/potpaw_PBE
              potcar_map: {Ti: Ti_pv, O: O}
              command: "srun vasp_std > vasp.out"
            executor:
              kind: slurm
              partition: cpu
              time: 720                 # minutes per job
              ntasks: 32
              template: slurm-header.sh # your #SBATCH --account/--qos lines and module loads
              array_max: 20             # array tasks at once
              poll: 60
            stages:
              aimd:
                structures: start.vasp
                temperatures: [300, 600, 900]
                steps: 2000
                timestep: 1.0
                ensemble: nvt
              extract:
                skip_first: 200
              sample:
                every: 20
              perturb:
                count: 3
                cell: 0.06
                disp: 0.1
                min_ratio: 0.7
                seed: 42
              label:
                max_attempts: 3
                max_failed: 0.1
                escalate: ["ALGO=All NELM=200", "ALGO=Damped TIME=0.5 NELM=300"]
              collect:
                output: train.xyz
                # energy_ref: fit   # subtract per-species reference energies (or isolated-atom energies, eV: {Li: -1.9, P: -5.4})
            """,
    };

    /// <summary>
    /// Case name → the files its workflow refers to besides the structures (name → text), written next to it by
    /// <c>nepforge init</c> so that every path in the file exists (placeholders to edit, each saying so).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> CompanionFiles { get; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["cp2k"] = new Dictionary<string, string>(StringComparer.Ordinal),
            ["vasp-slurm"] = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["INCAR.sp"] = """
                    # Single-point INCAR written by `nepforge init` — a starting point: check every value for your system.
                    # NepForge keeps your values; it only fills what is missing and records any override in job.json.
                    PREC = Accurate
                    ENCUT = 520
                    EDIFF = 1E-6
                    ISMEAR = 0
                    SIGMA = 0.05
                    LREAL = .FALSE.
                    ISYM = 0
                    LWAVE = .FALSE.
                    LCHARG = .FALSE.

                    """,
                ["INCAR.aimd"] = """
                    # Low-accuracy AIMD INCAR written by `nepforge init` (IBRION, NSW, POTIM, TEBEG, MDALGO are set per run).
                    PREC = Normal
                    ENCUT = 400
                    EDIFF = 1E-4
                    ISMEAR = 0
                    SIGMA = 0.1
                    ISYM = 0
                    LWAVE = .FALSE.
                    LCHARG = .FALSE.

                    """,
                ["slurm-header.sh"] = """
                    # Lines put before each job's command by `nepforge init`'s vasp-slurm case: your cluster's own
                    # #SBATCH lines and module loads. Edit them (account, qos, modules); the partition, time and
                    # ntasks come from workflow.yaml's executor section.
                    #SBATCH --account=CHANGE_ME
                    module load vasp

                    """,
            },
        };
}
