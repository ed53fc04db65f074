using System.CommandLine;
using System.Globalization;
using NepForge.Dft;
using NepForge.Dft.Cp2k;
using NepForge.Dft.Vasp;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Nep;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge dft prepare|run|status|collect</c>: DFT single points in job folders.</summary>
static class DftCommand
{
    public static Command Create(CliContext cli) => new("dft", "DFT single points in job folders: prepare inputs (VASP, CP2K), run CP2K locally or submit through Slurm (PBS/LSF scripts), check every folder, collect the converged ones")
    {
        Prepare(cli), DftSubmitCommand.Run(cli), DftSubmitCommand.Submit(cli), Status(cli), Collect(cli),
    };

    static Command Prepare(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Structures (extxyz, POSCAR folder, …)" };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the job folders (000001, 000002, …)", Required = true, HelpName = "DIR" };
        var engine = new Option<string>("--engine") { Description = "vasp or cp2k", DefaultValueFactory = _ => "cp2k" };
        var incar = new Option<string?>("--incar") { Description = "VASP: INCAR template file; its values are kept (NepForge fills only missing keys; explicit flags and --set replace, recorded in job.json)", HelpName = "FILE" };
        var set = new Option<string[]>("--set") { Description = "VASP: INCAR overrides KEY=VALUE (repeatable)", AllowMultipleArgumentsPerToken = true, HelpName = "KEY=VALUE" };
        var kspacing = new Option<double?>("--kspacing") { Description = "k-point spacing, Å⁻¹ (VASP's rule N = ⌈|b|/K⌉): VASP writes the Γ-centred KPOINTS (a KSPACING in the INCAR is then removed; default: the INCAR's KSPACING if it has one, else Γ only); CP2K gets a Monkhorst–Pack &KPOINTS mesh (default Γ only, with a warning for cells narrower than 10 Å)", HelpName = "K" };
        var potcar = new Option<string?>("--potcar-dir") { Description = "VASP: POTCAR library (<dir>/<setup>/POTCAR)", HelpName = "DIR" };
        var potcarMap = new Option<string[]>("--potcar-map") { Description = "VASP: element→setup, e.g. Ti=Ti_pv (repeatable)", AllowMultipleArgumentsPerToken = true, HelpName = "EL=SETUP" };
        var template = new Option<string?>("--cp2k-template") { Description = "CP2K: input template with {CELL} {COORD} {KINDS} {PROJECT}", HelpName = "FILE" };
        var cutoff = new Option<double?>("--cp2k-cutoff") { Description = "CP2K: plane-wave cutoff, Ry (default: the --quality preset's)", HelpName = "RY" };
        var quality = new Option<string>("--quality") { Description = "CP2K: fast (SZV, 250 Ry, EPS_DEFAULT 1e-8: pipelines and demos), standard (DZVP, 400 Ry, 1e-12) or accurate (DZVP, 600 Ry, 1e-14, EPS_SCF 1e-9); k-points from --kspacing", DefaultValueFactory = _ => "fast", HelpName = "Q" };
        var aimd = new Option<bool>("--aimd") { Description = "AIMD instead of a single point (NVT; VASP: IBRION=0, MDALGO; CP2K: CSVR)" };
        var temperature = new Option<string>("--temperature", "-T") { Description = "AIMD: temperature, K, or a linear ramp START:END over --steps (VASP: TEBEG/TEEND; CP2K: a chain of constant-temperature segments of ≤ 50 steps whose targets step from START to END, run one after another in the job)", DefaultValueFactory = _ => "300", HelpName = "K|K:K" };
        var endTemperature = new Option<double?>("--end-temperature") { Description = "AIMD: end temperature, K: the same as -T START:END (an older spelling, kept)", HelpName = "K" };
        var steps = new Option<int>("--steps") { Description = "AIMD: MD steps (of the ramp, with -T START:END)", DefaultValueFactory = _ => 1000, HelpName = "N" };
        var holdSteps = new Option<int>("--hold-steps") { Description = "AIMD (CP2K): steps at the end temperature after --steps, a last segment; frames record md_target_temperature and md_hold (sample --hold-only keeps the hold)", DefaultValueFactory = _ => 0, HelpName = "M" };
        var timestep = new Option<double>("--timestep") { Description = "AIMD: time step, fs", DefaultValueFactory = _ => 1.0, HelpName = "FS" };
        var ensemble = new Option<string>("--ensemble") { Description = "AIMD (VASP): nvt (Nosé–Hoover), nvt-langevin, nve, npt (Langevin + Parrinello–Rahman; bulk only)", DefaultValueFactory = _ => "nvt" };
        var seed = CommonOptions.Seed("AIMD (CP2K): seed of the initial velocities and the thermostat (written into the CP2K input)");
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("prepare", "Write one job folder per structure with the engine's inputs, structure.xyz (provenance) and job.json (state, input hashes); folders already run or submitted are left alone")
        {
            input, output, engine, incar, set, kspacing, potcar, potcarMap, template, cutoff, quality, aimd, temperature, endTemperature, steps, holdSteps, timestep, ensemble, seed, skipBad,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string eng = r.GetValue(engine)!.ToLowerInvariant();
            var (start, end) = AimdTemperatures(r, temperature, endTemperature);
            if (r.GetValue(holdSteps) < 0)
                throw new UsageException("--hold-steps must be ≥ 0");
            if (r.GetValue(holdSteps) > 0 && !r.GetValue(aimd))
                throw new UsageException("--hold-steps is for --aimd runs");
            DftEngineInputs inputs;
            if (eng == "vasp")
            {
                if (r.GetValue(holdSteps) > 0)
                    throw new UsageException("--hold-steps: VASP ramps TEBEG → TEEND over NSW in one run and has no hold after it; prepare the hold as its own --aimd job at the end temperature");
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
                        OverrideSources = overrides.Select(o => o.Key).Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(key => key, _ => "--set", StringComparer.OrdinalIgnoreCase),
                        KPoints = r.GetValue(kspacing) is { } k ? VaspKPoints.FromSpacing(k) : null,
                        DefaultKPoints = VaspKPoints.Gamma,
                        Potcar = r.GetValue(potcar) is { } dir ? new PotcarLibrary(dir, map) : null,
                    },
                    VaspAimd = r.GetValue(aimd) ? new VaspAimdSettings
                    {
                        Temperature = start,
                        EndTemperature = end == start && !Given(r, endTemperature) ? null : end,
                        Steps = r.GetValue(steps),
                        TimeStepFs = r.GetValue(timestep),
                        Ensemble = VaspAimd.ParseEnsemble(r.GetValue(ensemble)!)
                            ?? throw new UsageException($"--ensemble {r.GetValue(ensemble)}: use {VaspAimd.EnsembleNames}"),
                        // Only flags given on the command line replace the template's values; defaults fill gaps.
                        Explicit = (Given(r, temperature) ? VaspAimdExplicit.Temperature : 0)
                            | (Given(r, endTemperature) ? VaspAimdExplicit.EndTemperature : 0)
                            | (Given(r, steps) ? VaspAimdExplicit.Steps : 0)
                            | (Given(r, timestep) ? VaspAimdExplicit.TimeStep : 0)
                            | (Given(r, ensemble) ? VaspAimdExplicit.Ensemble : 0),
                    } : null,
                    Kind = r.GetValue(aimd) ? "aimd" : "single-point",
                };
            }
            else if (eng == "cp2k")
            {
                Cp2kSettings settings;
                try
                {
                    settings = Cp2kSettings.Preset(r.GetValue(quality)!);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException($"--quality: {e.Message}");
                }
                if (r.GetValue(kspacing) is { } ks)
                    settings = settings with { KSpacing = ks };
                if (settings.Quality == "fast" && r.GetValue(template) is null)
                    cli.Note("dft prepare: --quality fast (SZV basis, EPS_DEFAULT 1e-8) is for pipelines and demos, not production labels: use --quality standard or accurate");
                if (r.GetValue(template) is { } t)
                    settings = settings with { Template = Cp2kInputWriter.ReadTemplate(t) };
                if (r.GetValue(cutoff) is { } c)
                    settings = settings with { Cutoff = c };
                inputs = new DftEngineInputs
                {
                    Cp2k = settings,
                    Cp2kMd = r.GetValue(aimd)
                        ? new Cp2kMdSettings
                        {
                            Temperature = start,
                            EndTemperature = end == start ? null : end,
                            HoldSteps = r.GetValue(holdSteps),
                            Steps = r.GetValue(steps),
                            TimeStepFs = r.GetValue(timestep),
                            Seed = CommonOptions.DrawSeed(r, seed, cli, "dft prepare"),
                        }
                        : null,
                    Kind = r.GetValue(aimd) ? "aimd" : "single-point",
                };
            }
            else
            {
                throw new UsageException($"--engine {eng}: use vasp or cp2k");
            }
            string inPath = r.GetValue(input)!;
            var gammaWarnings = new Dictionary<string, int>(StringComparer.Ordinal);
            var frames = StructureReader.Read(inPath, StructureFormats.DetectInput(inPath), CommonOptions.ReadOptions(r, cli, skipBad)).Select(f =>
            {
                if (inputs.Cp2k is { } cp2k && inputs.Cp2kMd is null && Cp2kInputWriter.GammaOnlyWarning(f, cp2k) is { } w)
                    gammaWarnings[w] = gammaWarnings.GetValueOrDefault(w) + 1;
                return f;
            });
            var replaced = new Dictionary<string, int>(StringComparer.Ordinal);
            var (written, skipped) = DftJobs.Prepare(frames, r.GetValue(output)!, inputs, (_, change) => replaced[change] = replaced.GetValueOrDefault(change) + 1);
            foreach (var (warning, count) in gammaWarnings)
                cli.Note($"warning: {warning} ({count} structure(s))");
            foreach (var (change, count) in replaced)
                cli.Note($"dft prepare: template value replaced: {change} in {count} folder(s) (recorded in job.json)");
            cli.Note($"dft prepare: {written.Count} {eng} job folder(s) in {r.GetValue(output)}" + (skipped.Count > 0 ? $"; {skipped.Count} already run, left alone" : ""));
            return CliContext.Success;
        }));
        return command;
    }

    static bool Given<T>(ParseResult r, Option<T> option) => r.GetResult(option) is { Implicit: false };

    // -T 300 or -T 10:300; --end-temperature K is the older spelling of the ramp's end (both at once must agree).
    static (double Start, double End) AimdTemperatures(ParseResult r, Option<string> temperature, Option<double?> endTemperature)
    {
        var (start, end) = MdTemperatureRamp.ParseRange(r.GetValue(temperature)!, out string? error)
            ?? throw new UsageException($"--temperature {error}");
        if (r.GetValue(endTemperature) is { } alias)
        {
            if (start != end && alias != end)
                throw new UsageException($"--end-temperature {alias.ToString(CultureInfo.InvariantCulture)} and -T {r.GetValue(temperature)} give two end temperatures: use one");
            end = alias;
        }
        return (start, end);
    }

    static Command Status(CliContext cli)
    {
        var jobs = new Argument<string>("jobs") { Description = "Folder of job folders (made by prepare, or by hand: any folder with an OUTCAR, vasprun.xml or CP2K log)" };
        var json = new Option<bool>("--json") { Description = "One JSON object per folder: folder, engine, state, reason" };
        var command = new Command("status", "Classify every job folder: converged, unconverged, crashed, incomplete, prepared, missing output, mismatched (output not from structure.xyz), queued, running, quarantined (the users' check.sh)") { jobs, json };
        command.SetAction(r => cli.Guard(() =>
        {
            string root = r.GetValue(jobs)!;
            var all = DftJobs.Find(root).Select(f => (Status: DftJobs.Describe(f), Record: DftJobRecord.Load(f))).ToList();
            if (all.Count == 0)
            {
                // Said, not silent: an empty table would look like "all done".
                cli.Error.WriteLine($"nepforge: error: {root} holds no job folder: expected folders made by `dft prepare` (job.json) or folders with an OUTCAR, vasprun.xml or CP2K log");
                return CliContext.Failure;
            }
            if (r.GetValue(json))
            {
                foreach (var (s, record) in all)
                {
                    var row = new DftStatusRow(s.Folder, s.Engine, StateName(s.State), s.Reason,
                        record?.Attempts ?? (s.State == DftJobState.Prepared ? 0 : 1), record?.JobId, s.Labelled.Count);
                    cli.Out.WriteLine(JsonReport.ToJsonLine(row, StatusJson.Default.DftStatusRow));
                }
                return CliContext.Success;
            }
            foreach (var group in all.GroupBy(s => s.Status.State).OrderBy(g => g.Key))
                cli.Out.WriteLine($"{StateName(group.Key),-14} {group.Count(),6}");
            foreach (var (s, _) in all.Where(s => s.Status.State is not (DftJobState.Converged or DftJobState.Prepared or DftJobState.Queued or DftJobState.Running)))
                cli.Out.WriteLine($"  {s.Folder}: {StateName(s.State)}: {s.Reason}");
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
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            var all = DftJobs.Find(r.GetValue(jobs)!).Select(DftJobs.Describe).ToList();
            int converged = all.Count(s => s.State == DftJobState.Converged);
            int failed = all.Count(s => s.State is DftJobState.Unconverged or DftJobState.Crashed or DftJobState.Incomplete or DftJobState.MissingOutput or DftJobState.Mismatched or DftJobState.Quarantined);
            int pending = all.Count(s => s.State is DftJobState.Prepared or DftJobState.Queued or DftJobState.Running);
            double ratio = converged + failed == 0 ? 0 : failed / (double)(converged + failed);
            string summary = string.Create(CultureInfo.InvariantCulture,
                $"{converged} converged, {failed} failed ({ratio:P1}), {pending} not run");
            if (ratio > r.GetValue(maxFailed))
            {
                cli.Error.WriteLine($"nepforge: error: {summary}: more than --max-failed {r.GetValue(maxFailed):P0} failed; nothing written (see `nepforge dft status`)");
                return CliContext.Failure;
            }
            long n = ExtXyzWriter.WriteFile(r.GetValue(output)!, all.Where(s => s.State == DftJobState.Converged).SelectMany(s => s.Labelled), CommonOptions.XyzWrite(r, stress));
            cli.Note($"dft collect: {n} frame(s) → {r.GetValue(output)} ({summary})");
            return CliContext.Success;
        }));
        return command;
    }

    static string StateName(DftJobState state) => state == DftJobState.MissingOutput ? "missing-output" : state.ToString().ToLowerInvariant();
}
