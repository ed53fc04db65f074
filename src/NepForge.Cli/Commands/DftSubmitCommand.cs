using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NepForge.Dft;
using NepForge.Dft.Cp2k;
using NepForge.IO;
using NepForge.Scheduling;
using NepForge.Workflow;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge dft submit</c> and <c>dft run</c>: drive job folders through an executor with retries.</summary>
static class DftSubmitCommand
{
    sealed record CommonBatchOptions(
        Argument<string> Jobs, Option<int> MaxAttempts, Option<double> MaxFailed, Option<string[]> Escalate,
        Option<double> Poll, Option<string?> Command, Option<double?> Timeout, Option<int> Parallel, Option<int> OldParallel);

    static CommonBatchOptions Common(int defaultParallel)
    {
        var jobs = CommonOptions.Jobs("Local executor: jobs at once (each with OMP_NUM_THREADS=1)", defaultParallel);
        return Common(jobs, CommonOptions.HiddenAlias("--parallel", jobs));
    }

    static CommonBatchOptions Common(Option<int> jobs, Option<int> oldParallel) => new(
        new Argument<string>("jobs") { Description = "Folder of job folders (from `dft prepare`)" },
        new Option<int>("--max-attempts") { Description = "Runs per job (first run + retries) before it is quarantined with its reason", DefaultValueFactory = _ => 3, HelpName = "N" },
        new Option<double>("--max-failed") { Description = "Stop submitting when more than this fraction of finished jobs is quarantined (after 5 have finished)", DefaultValueFactory = _ => 0.2, HelpName = "FRACTION" },
        new Option<string[]>("--escalate") { Description = "Escalation ladder for unconverged SCF, one rung per option, e.g. --escalate \"ALGO=All NELM=200\" (VASP INCAR) or \"MAX_SCF=100 ALPHA=0.2\" (CP2K in.inp); default: VASP ALGO=All NELM=200, then ALGO=Damped TIME=0.5 NELM=300; CP2K MAX_SCF doubled and mixing halved, twice", AllowMultipleArgumentsPerToken = false, HelpName = "\"KEY=VALUE …\"" },
        new Option<double>("--poll") { Description = "Seconds between polls while waiting", DefaultValueFactory = _ => 5, HelpName = "S" },
        new Option<string?>("--command") { Description = "What each job runs in its folder (default for CP2K: cp2k.psmp -i in.inp -o out.log; VASP needs one, e.g. \"mpirun -np 16 vasp_std > vasp.out\")", HelpName = "CMD" },
        new Option<double?>("--timeout") { Description = "Local executor: seconds per job before its process tree is killed", HelpName = "S" },
        jobs,
        oldParallel);

    public static Command Run(CliContext cli)
    {
        var o = Common(1);
        var command = new Command("run", "Run the jobs on this machine and wait (the same as `dft submit --executor local --wait`): N at a time, failures retried and escalated, then quarantined; finished jobs are never rerun")
        {
            o.Jobs, o.Parallel, o.OldParallel, o.Timeout, o.Command, o.MaxAttempts, o.MaxFailed, o.Escalate, o.Poll,
        };
        command.SetAction(r => cli.Guard(() => Drive(cli, r, o, Local(r, o), wait: true)));
        return command;
    }

    public static Command Submit(CliContext cli)
    {
        var o = Common(1);
        var executor = new Option<string>("--executor") { Description = "slurm (job arrays), local (background processes on this machine), or pbs / lsf (scripts written and their qsub/bsub lines printed)", DefaultValueFactory = _ => "slurm" };
        var wait = new Option<bool>("--wait") { Description = "Block until every job has finished (retries included), showing progress; safe to kill and run again" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write the job scripts a real submit would write and print its command line(s), submit nothing (Slurm: the one sbatch of the array, with --array-max)" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition", HelpName = "NAME" };
        var minutes = new Option<int?>("--time") { Description = "Slurm time limit per job, minutes", HelpName = "MIN" };
        var ntasks = new Option<int>("--ntasks") { Description = "Slurm --ntasks (MPI ranks) per job", DefaultValueFactory = _ => 1, HelpName = "N" };
        var cpus = new Option<int>("--cpus-per-task") { Description = "Slurm --cpus-per-task (and OMP_NUM_THREADS)", DefaultValueFactory = _ => 1, HelpName = "N" };
        var template = new Option<string?>("--template") { Description = "File with the cluster's own lines (#SBATCH --account/--qos/--gres…, module load, source…) put before the command", HelpName = "FILE" };
        var arrayMax = new Option<int>("--array-max") { Description = "Slurm: array tasks running at once (%max); 0 = no limit", DefaultValueFactory = _ => 0, HelpName = "N" };
        var command = new Command("submit", "Submit the jobs through a scheduler (Slurm arrays, or local background processes) and, with --wait, follow them to the end: one squeue per poll, failures retried (unconverged SCF one escalation rung further), quarantined after --max-attempts. Running it again submits nothing queued, running or finished")
        {
            o.Jobs, executor, wait, partition, minutes, ntasks, cpus, template, arrayMax, o.Command, o.Parallel, o.OldParallel, o.Timeout,
            o.MaxAttempts, o.MaxFailed, o.Escalate, o.Poll, dryRun,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string exec = r.GetValue(executor)!.ToLowerInvariant();
            var spec = exec == "local"
                ? Local(r, o)
                : new ExecutorSpec
                {
                    Kind = exec,
                    Partition = r.GetValue(partition),
                    TimeMinutes = r.GetValue(minutes),
                    Ntasks = r.GetValue(ntasks),
                    CpusPerTask = r.GetValue(cpus),
                    Template = r.GetValue(template),
                    ArrayMax = r.GetValue(arrayMax),
                    Poll = r.GetValue(o.Poll),
                };
            if (exec == "slurm" && r.GetValue(dryRun))
                return PreviewSlurm(cli, r, o, spec);
            if (exec is "pbs" or "lsf")
                return WriteScripts(cli, r, o, exec, spec);
            if (exec is not ("slurm" or "local"))
                throw new UsageException($"--executor {exec}: use slurm, local, pbs or lsf");
            return Drive(cli, r, o, spec, r.GetValue(wait));
        }));
        return command;
    }

    static ExecutorSpec Local(ParseResult r, CommonBatchOptions o) => new()
    {
        Kind = "local",
        Parallel = CommonOptions.Either(r, o.Parallel, o.OldParallel) is var jobs and >= 1 ? jobs : throw new UsageException("--jobs must be ≥ 1"),
        Timeout = r.GetValue(o.Timeout),
        Poll = r.GetValue(o.Poll),
    };

    static int Drive(CliContext cli, ParseResult r, CommonBatchOptions o, ExecutorSpec spec, bool wait)
    {
        string root = r.GetValue(o.Jobs)!;
        string exec = spec.Kind;
        string command = JobCommand(DftJobs.Find(root), r.GetValue(o.Command), exec == "local");
        if (exec == "slurm" && !new SlurmClient().IsAvailable())
            throw new InvalidOperationException("Slurm does not answer (sinfo failed); start it (scripts/slurm-up.sh on one machine) or use --executor local");
        var executor = Executors.Create(spec, command, Path.Combine(root, ".nepforge"));
        var options = new DftBatchOptions
        {
            MaxAttempts = r.GetValue(o.MaxAttempts),
            MaxFailedFraction = r.GetValue(o.MaxFailed),
            Escalation = r.GetValue(o.Escalate) is { Length: > 0 } rungs ? rungs.Select(EscalationStep.Parse).ToList() : null,
            PollInterval = TimeSpan.FromSeconds(Math.Max(0.1, r.GetValue(o.Poll))),
        };
        var batch = new DftBatch(root, executor, options, line => cli.Note(line));
        var clock = Stopwatch.StartNew();
        string? last = null;
        var summary = batch.Run(wait, s =>
        {
            if (wait)
                cli.Progress.Report(s.AsProgress($"dft {exec}"));
            // The progress display: one line whenever the counts change.
            string line = s.ToString();
            if (line == last)
                return;
            last = line;
            cli.Note(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed:hh\\:mm\\:ss}] dft {exec}: {line}{(s.Submitted > 0 ? $"; submitted {s.Submitted}{(s.Retried > 0 ? $" ({s.Retried} retries)" : "")}" : "")}"));
        });
        if (summary.Stopped is { } why)
        {
            cli.Error.WriteLine($"nepforge: error: {why}");
            return CliContext.Failure;
        }
        if (wait)
        {
            cli.Note(string.Create(CultureInfo.InvariantCulture,
                $"dft {exec}: done: {summary.Converged} converged, {summary.Quarantined} quarantined ({summary.FailedFraction:P1}); `nepforge dft collect {root} -o train.xyz` gathers the converged ones"));
        }
        return CliContext.Success;
    }

    // The command a job runs; CP2K's is found on PATH (a clear error when missing), VASP's must be given.
    static string JobCommand(IReadOnlyList<string> folders, string? given, bool local)
    {
        if (given is not null)
            return given;
        if (folders.Any(f => DftJobs.EngineOf(f) == "vasp"))
            throw new UsageException("VASP jobs need --command, e.g. --command \"mpirun -np 16 vasp_std > vasp.out\" (VASP cannot be found for you)");
        return Cp2kRunner.JobCommand(local);
    }

    // Slurm --dry-run: the script a real submit writes (one array for several folders, with --array-max's %max) and
    // the one sbatch line that would submit it, built by the executor a real submit uses.
    static int PreviewSlurm(CliContext cli, ParseResult r, CommonBatchOptions o, ExecutorSpec spec)
    {
        string root = r.GetValue(o.Jobs)!;
        var folders = DftJobs.Find(root);
        var ready = folders.Where(f => DftJobs.Describe(f).State == DftJobState.Prepared).ToList();
        if (ready.Count == 0)
        {
            cli.Note("dft submit --dry-run: no prepared job to submit");
            return CliContext.Success;
        }
        string command = JobCommand(folders, r.GetValue(o.Command), local: false);
        var executor = (SlurmExecutor)Executors.Create(spec, command, Path.Combine(root, ".nepforge"));
        cli.Out.WriteLine(executor.Preview(ready, "nf-dry-run"));
        cli.Note(ready.Count == 1
            ? "dft submit --dry-run: 1 job script written; nothing submitted (a real submit runs this line, under a unique job name)"
            : $"dft submit --dry-run: one array of {ready.Count} task(s) written; nothing submitted (a real submit runs this one line, under a unique job name)");
        return CliContext.Success;
    }

    // PBS/LSF (no server here): the scripts and the lines that would submit them.
    static int WriteScripts(CliContext cli, ParseResult r, CommonBatchOptions o, string exec, ExecutorSpec spec)
    {
        var system = exec == "pbs" ? BatchSystem.Pbs : BatchSystem.Lsf;
        var folders = DftJobs.Find(r.GetValue(o.Jobs)!);
        var options = new SlurmScriptOptions
        {
            Command = JobCommand(folders, r.GetValue(o.Command), local: false),
            Partition = spec.Partition,
            Time = spec.TimeMinutes is int m ? TimeSpan.FromMinutes(m) : null,
            Ntasks = spec.Ntasks,
            CpusPerTask = spec.CpusPerTask,
            Template = spec.Template is { } t ? File.ReadAllText(t) : null,
        };
        int written = 0;
        foreach (var folder in folders.Where(f => DftJobs.Describe(f).State == DftJobState.Prepared))
        {
            string path = Path.Combine(folder, BatchScripts.FileName(system));
            AtomicFile.WriteAllText(path, BatchScripts.Render(system, folder, options with { JobName = "nf-" + Path.GetFileName(folder) }));
            cli.Out.WriteLine(BatchScripts.SubmitCommandLine(system, Path.GetFullPath(path)));
            written++;
        }
        cli.Note($"dft submit: {written} {exec} script(s) written; nothing submitted (run the lines above)");
        return CliContext.Success;
    }
}
