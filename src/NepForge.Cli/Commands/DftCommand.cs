using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NepForge.Dft;
using NepForge.Dft.Cp2k;
using NepForge.Dft.Vasp;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Scheduling;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge dft prepare|run|status|collect</c>: DFT single points in job folders.</summary>
static class DftCommand
{
    public static Command Create(CliContext cli) => new("dft", "DFT single points in job folders: prepare inputs (VASP, CP2K), run CP2K locally or submit through Slurm (PBS/LSF scripts), check every folder, collect the converged ones")
    {
        Prepare(cli), Run(cli), Submit(cli), Status(cli), Collect(cli),
    };

    static Command Prepare(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Structures (extxyz, POSCAR folder, …)" };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the job folders (000001, 000002, …)", Required = true, HelpName = "DIR" };
        var engine = new Option<string>("--engine") { Description = "vasp or cp2k", DefaultValueFactory = _ => "cp2k" };
        var incar = new Option<string?>("--incar") { Description = "VASP: INCAR template file", HelpName = "FILE" };
        var set = new Option<string[]>("--set") { Description = "VASP: INCAR overrides KEY=VALUE (repeatable)", AllowMultipleArgumentsPerToken = true, HelpName = "KEY=VALUE" };
        var kspacing = new Option<double?>("--kspacing") { Description = "VASP: Γ-centred mesh from this spacing (Å⁻¹, VASP's rule); default Γ only", HelpName = "K" };
        var potcar = new Option<string?>("--potcar-dir") { Description = "VASP: POTCAR library (<dir>/<setup>/POTCAR)", HelpName = "DIR" };
        var potcarMap = new Option<string[]>("--potcar-map") { Description = "VASP: element→setup, e.g. Ti=Ti_pv (repeatable)", AllowMultipleArgumentsPerToken = true, HelpName = "EL=SETUP" };
        var template = new Option<string?>("--cp2k-template") { Description = "CP2K: input template with {CELL} {COORD} {KINDS} {PROJECT}", HelpName = "FILE" };
        var cutoff = new Option<double?>("--cp2k-cutoff") { Description = "CP2K: plane-wave cutoff, Ry (default 250)", HelpName = "RY" };
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("prepare", "Write one job folder per structure with the engine's inputs and structure.xyz (provenance); folders already run are left alone")
        {
            input, output, engine, incar, set, kspacing, potcar, potcarMap, template, cutoff, skipBad,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string eng = r.GetValue(engine)!.ToLowerInvariant();
            DftEngineInputs inputs;
            if (eng == "vasp")
            {
                var overrides = (r.GetValue(set) ?? []).Select(kv => kv.Split('=', 2)).Select(p => p.Length == 2
                    ? new KeyValuePair<string, string?>(p[0].Trim(), p[1].Trim())
                    : throw new UsageException($"--set {string.Join('=', p)}: expected KEY=VALUE")).ToList();
                var map = (r.GetValue(potcarMap) ?? []).Select(kv => kv.Split('=', 2)).ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : p[0]);
                inputs = new DftEngineInputs
                {
                    Vasp = new VaspInputSet
                    {
                        IncarTemplate = r.GetValue(incar) is { } path ? Incar.Load(path) : Incar.Empty,
                        Overrides = overrides,
                        KPoints = r.GetValue(kspacing) is { } k ? VaspKPoints.FromSpacing(k) : VaspKPoints.Gamma,
                        Potcar = r.GetValue(potcar) is { } dir ? new PotcarLibrary(dir, map) : null,
                    },
                };
            }
            else if (eng == "cp2k")
            {
                var settings = new Cp2kSettings();
                if (r.GetValue(template) is { } t)
                    settings = settings with { Template = Cp2kInputWriter.ReadTemplate(t) };
                if (r.GetValue(cutoff) is { } c)
                    settings = settings with { Cutoff = c };
                inputs = new DftEngineInputs { Cp2k = settings };
            }
            else
            {
                throw new UsageException($"--engine {eng}: use vasp or cp2k");
            }
            string inPath = r.GetValue(input)!;
            var frames = StructureReader.Read(inPath, StructureFormats.DetectInput(inPath), CommonOptions.ReadOptions(r, cli, skipBad));
            var (written, skipped) = DftJobs.Prepare(frames, r.GetValue(output)!, inputs);
            cli.Note($"dft prepare: {written.Count} {eng} job folder(s) in {r.GetValue(output)}" + (skipped.Count > 0 ? $"; {skipped.Count} already run, left alone" : ""));
            return CliContext.Success;
        }));
        return command;
    }

    static Command Run(CliContext cli)
    {
        var jobs = new Argument<string>("jobs") { Description = "Folder of job folders" };
        var parallel = new Option<int>("--parallel", "-j") { Description = "CP2K runs at once (1 thread each)", DefaultValueFactory = _ => 1, HelpName = "N" };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds per run before it is killed", HelpName = "S" };
        var retry = new Option<bool>("--retry") { Description = "Also rerun failed jobs (old logs kept as out.log.N): unconverged ones with MAX_SCF doubled and mixing halved, up to --max-attempts" };
        var maxAttempts = new Option<int>("--max-attempts") { Description = "Runs per job before it is given up (quarantined with its reason)", DefaultValueFactory = _ => 3, HelpName = "N" };
        var command = new Command("run", "Run the prepared CP2K jobs on this machine (the local executor); finished jobs are never rerun")
        {
            jobs, parallel, timeout, retry, maxAttempts,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            if (r.GetValue(parallel) < 1)
                throw new UsageException("--parallel must be ≥ 1");
            return RunLocal(cli, r.GetValue(jobs)!, r.GetValue(parallel), r.GetValue(timeout), r.GetValue(retry), r.GetValue(maxAttempts));
        }));
        return command;
    }

    // The local executor: prepared CP2K jobs (and, with retry, failed ones) in parallel slots of one thread each.
    static int RunLocal(CliContext cli, string root, int parallel, double? timeoutSeconds, bool retry, int maxAttempts)
    {
        var todo = new List<string>();
        int givenUp = 0;
        foreach (var folder in DftJobs.Find(root))
        {
            var status = DftJobs.Inspect(folder);
            if (status.Engine != "cp2k")
                continue;
            bool failed = status.State is DftJobState.Crashed or DftJobState.Incomplete or DftJobState.Unconverged;
            if (retry && failed)
            {
                int runs = 1 + CountOldLogs(folder);
                if (runs >= maxAttempts)
                {
                    givenUp++;
                    cli.Note($"{folder}: given up after {runs} run(s): {status.Reason}");
                    continue;
                }
                KeepOldLog(folder);
                if (status.State == DftJobState.Unconverged)
                    Escalate(cli, folder);
            }
            if (status.State == DftJobState.Prepared || (retry && failed))
                todo.Add(folder);
        }
        if (givenUp > 0)
            cli.Note($"dft run: {givenUp} job(s) quarantined after {maxAttempts} run(s); `nepforge dft status` lists their reasons");
        cli.Note($"dft run: {todo.Count} CP2K job(s) to run, {parallel} at a time");
        var options = new Cp2kRunOptions { Timeout = timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null };
        int done = 0;
        Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = parallel }, folder =>
        {
            var result = Cp2kRunner.Run(folder, options);
            var status = DftJobs.Inspect(folder);
            lock (cli)
            {
                done++;
                cli.Note($"[{done}/{todo.Count}] {folder}: {status.State} ({result.Elapsed.TotalSeconds:F1} s) {(status.State == DftJobState.Converged ? "" : status.Reason)}");
            }
        });
        return CliContext.Success;
    }

    const string SchedulerRecord = "scheduler.json";

    static Command Submit(CliContext cli)
    {
        var jobs = new Argument<string>("jobs") { Description = "Folder of job folders" };
        var executor = new Option<string>("--executor") { Description = "slurm, local (the same as `dft run`), or pbs / lsf (scripts written and their qsub/bsub lines printed)", DefaultValueFactory = _ => "slurm" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write the job scripts and print the submit command lines, submit nothing" };
        var wait = new Option<bool>("--wait") { Description = "Block until every submitted job has left the queue, then print the status" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition", HelpName = "NAME" };
        var minutes = new Option<int?>("--time") { Description = "Slurm time limit per job, minutes", HelpName = "MIN" };
        var command = new Option<string>("--command") { Description = "What each job runs in its folder", DefaultValueFactory = _ => SlurmScript.Cp2kCommand };
        var template = new Option<string?>("--template") { Description = "File with extra #SBATCH lines / module loads put before the command", HelpName = "FILE" };
        var poll = new Option<double>("--poll") { Description = "Seconds between queue polls with --wait", DefaultValueFactory = _ => 5, HelpName = "S" };
        var cmd = new Command("submit", "Submit the prepared jobs through a scheduler; a job already queued or running, or finished, is never submitted again")
        {
            jobs, executor, wait, partition, minutes, command, template, poll, dryRun,
        };
        cmd.SetAction(r => cli.Guard(() =>
        {
            string exec = r.GetValue(executor)!.ToLowerInvariant();
            if (exec == "local")
                return RunLocal(cli, r.GetValue(jobs)!, 1, null, retry: false, maxAttempts: 1);
            var system = exec switch
            {
                "slurm" => BatchSystem.Slurm,
                "pbs" => BatchSystem.Pbs,
                "lsf" => BatchSystem.Lsf,
                _ => throw new UsageException($"--executor {exec}: use slurm, local, pbs or lsf"),
            };
            var options = new SlurmScriptOptions
            {
                Partition = r.GetValue(partition),
                Time = r.GetValue(minutes) is { } m ? TimeSpan.FromMinutes(m) : null,
                Command = r.GetValue(command)!,
                Template = r.GetValue(template) is { } t ? File.ReadAllText(t) : null,
                OmpThreads = 1,
            };
            var folders = DftJobs.Find(r.GetValue(jobs)!);
            if (system != BatchSystem.Slurm || r.GetValue(dryRun))
            {
                // Scripts and the command lines that would submit them (PBS/LSF: no server to talk to here).
                int written = 0;
                foreach (var folder in folders.Where(f => DftJobs.Inspect(f).State == DftJobState.Prepared))
                {
                    string path = Path.Combine(folder, BatchScripts.FileName(system));
                    AtomicFile.WriteAllText(path, BatchScripts.Render(system, folder, options with { JobName = "nf-" + Path.GetFileName(folder) }));
                    cli.Out.WriteLine(BatchScripts.SubmitCommandLine(system, Path.GetFullPath(path)));
                    written++;
                }
                cli.Note($"dft submit: {written} {exec} script(s) written; nothing submitted (run the lines above)");
                return CliContext.Success;
            }
            var client = new SlurmClient();
            if (!client.IsAvailable())
                throw new InvalidOperationException("Slurm does not answer (sinfo failed); start it (scripts/slurm-up.sh on one machine) or use --executor local");
            var recorded = folders.Select(f => (Folder: f, Id: ReadRecord(f))).Where(x => x.Id is not null).ToList();
            var live = recorded.Count == 0 ? new Dictionary<string, JobStatus>() : client.Poll(recorded.Select(x => x.Id!).ToList());
            int submitted = 0, skipped = 0;
            var ids = new List<string>();
            foreach (var folder in folders)
            {
                string? id = ReadRecord(folder);
                if (id is not null && live.TryGetValue(id, out var js) && js.State is JobState.Queued or JobState.Running)
                {
                    skipped++;
                    ids.Add(id);
                    continue;
                }
                if (DftJobs.Inspect(folder).State != DftJobState.Prepared || id is not null)
                {
                    skipped++;
                    continue;
                }
                string script = SlurmScript.Write(folder, options with { JobName = "nf-" + Path.GetFileName(folder) });
                string name = $"nf-{Path.GetFileName(folder)}-{Guid.NewGuid():N}"[..24];
                string newId = client.Submit(script, folder, name);
                AtomicFile.WriteAllText(Path.Combine(folder, SchedulerRecord),
                    JsonSerializer.Serialize(new Dictionary<string, string> { ["executor"] = "slurm", ["job_id"] = newId, ["job_name"] = name }));
                ids.Add(newId);
                submitted++;
            }
            cli.Note($"dft submit: {submitted} job(s) submitted to Slurm, {skipped} left alone (queued, running, finished or already submitted)");
            if (!r.GetValue(wait) || ids.Count == 0)
                return CliContext.Success;
            var delay = TimeSpan.FromSeconds(Math.Max(0.2, r.GetValue(poll)));
            while (true)
            {
                var states = client.Poll(ids);
                int queued = states.Values.Count(s => s.State == JobState.Queued), running = states.Values.Count(s => s.State == JobState.Running);
                cli.Note($"dft submit: {queued} queued, {running} running, {ids.Count - queued - running} done");
                if (queued + running == 0)
                    break;
                Thread.Sleep(delay);
            }
            var all = folders.Select(DftJobs.Inspect).ToList();
            cli.Note("dft submit: " + string.Join(", ", all.GroupBy(s => s.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));
            return CliContext.Success;
        }));
        return cmd;
    }

    static string? ReadRecord(string folder)
    {
        string path = Path.Combine(folder, SchedulerRecord);
        if (!File.Exists(path))
            return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("job_id", out var id) ? id.GetString() : null;
    }

    static int CountOldLogs(string folder) =>
        Directory.EnumerateFiles(folder, Cp2kRunner.DefaultLogName + ".*").Count();

    // An unconverged SCF is rerun with more iterations and gentler mixing; the change is logged in the folder.
    static void Escalate(CliContext cli, string folder)
    {
        string input = Path.Combine(folder, Cp2kRunner.DefaultInputName);
        if (Cp2kEscalation.Next(File.ReadAllText(input)) is not { } next)
            return;
        AtomicFile.WriteAllText(input, next.Input);
        File.AppendAllText(Path.Combine(folder, "escalation.log"), next.Change + "\n");
        cli.Note($"{folder}: SCF unconverged, rerunning with {next.Change}");
    }

    static void KeepOldLog(string folder)
    {
        string log = Path.Combine(folder, Cp2kRunner.DefaultLogName);
        if (!File.Exists(log))
            return;
        int n = 1;
        while (File.Exists($"{log}.{n}"))
            n++;
        File.Move(log, $"{log}.{n}");
        foreach (var name in new[] { Cp2kInputWriter.ForcesFile, Cp2kInputWriter.StressFile })
        {
            string p = Path.Combine(folder, name);
            if (File.Exists(p))
                File.Move(p, $"{p}.{n}");
        }
    }

    static Command Status(CliContext cli)
    {
        var jobs = new Argument<string>("jobs") { Description = "Folder of job folders (made by prepare, or by hand: any folder with an OUTCAR, vasprun.xml or CP2K log)" };
        var json = new Option<bool>("--json") { Description = "One JSON object per folder: folder, engine, state, reason" };
        var command = new Command("status", "Classify every job folder: converged, unconverged, crashed, incomplete, prepared, missing output (the users' check.sh)") { jobs, json };
        command.SetAction(r => cli.Guard(() =>
        {
            var all = DftJobs.Find(r.GetValue(jobs)!).Select(DftJobs.Inspect).ToList();
            if (r.GetValue(json))
            {
                foreach (var s in all)
                {
                    cli.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
                    {
                        ["folder"] = s.Folder,
                        ["engine"] = s.Engine,
                        ["state"] = s.State.ToString().ToLowerInvariant(),
                        ["reason"] = s.Reason,
                    }));
                }
                return CliContext.Success;
            }
            foreach (var group in all.GroupBy(s => s.State).OrderBy(g => g.Key))
                cli.Out.WriteLine($"{group.Key.ToString().ToLowerInvariant(),-14} {group.Count(),6}");
            foreach (var s in all.Where(s => s.State is not (DftJobState.Converged or DftJobState.Prepared)))
                cli.Out.WriteLine($"  {s.Folder}: {s.State.ToString().ToLowerInvariant()}: {s.Reason}");
            return CliContext.Success;
        }));
        return command;
    }

    static Command Collect(CliContext cli)
    {
        var jobs = new Argument<string>("jobs") { Description = "Folder of job folders" };
        var output = CommonOptions.Output();
        var maxFailed = new Option<double>("--max-failed") { Description = "Stop (exit 1, nothing written) when more than this fraction of finished jobs failed", DefaultValueFactory = _ => 0.05, HelpName = "FRACTION" };
        var command = new Command("collect", "Write the converged jobs' labelled frames (with the provenance of the structures that went in) to one extxyz; the users' single_energy2xyz.sh")
        {
            jobs, output, maxFailed,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            var all = DftJobs.Find(r.GetValue(jobs)!).Select(DftJobs.Inspect).ToList();
            int converged = all.Count(s => s.State == DftJobState.Converged);
            int failed = all.Count(s => s.State is DftJobState.Unconverged or DftJobState.Crashed or DftJobState.Incomplete or DftJobState.MissingOutput);
            int pending = all.Count(s => s.State == DftJobState.Prepared);
            double ratio = converged + failed == 0 ? 0 : failed / (double)(converged + failed);
            string summary = string.Create(CultureInfo.InvariantCulture,
                $"{converged} converged, {failed} failed ({ratio:P1}), {pending} not run");
            if (ratio > r.GetValue(maxFailed))
            {
                cli.Error.WriteLine($"nepforge: error: {summary}: more than --max-failed {r.GetValue(maxFailed):P0} failed; nothing written (see `nepforge dft status`)");
                return CliContext.Failure;
            }
            long n = ExtXyzWriter.WriteFile(r.GetValue(output)!, all.Where(s => s.Result is not null).Select(s => s.Result!));
            cli.Note($"dft collect: {n} frame(s) → {r.GetValue(output)} ({summary})");
            return CliContext.Success;
        }));
        return command;
    }
}
