using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.Gpumd;
using NepForge.Nep;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge gpumd prepare IN -o DIR -T 300 10:600 [--hold-steps M] [--pressures 0 1] --potential nep.txt</c>: GPUMD
/// exploration run folders (model.xyz + run.in) per structure and condition.
/// </summary>
public static class GpumdCommand
{
    /// <summary>The <c>gpumd</c> verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var gpumd = new Command("gpumd", "GPUMD exploration runs");
        gpumd.Subcommands.Add(Prepare(cli));
        return gpumd;
    }

    static Command Prepare(CliContext cli)
    {
        var d = new MdCondition();
        var input = new Argument<string>("input") { Description = "Starting structure(s); each frame gets its own set of folders" };
        var output = new Option<string>("--output", "-o") { Description = "Folder to create the run folders in", Required = true, HelpName = "DIR" };
        var temps = new Option<string[]>("--temperature", "-T") { Description = "Temperatures, K, or linear ramps START:END over --steps (one or more: -T 300 10:600; a ramp folder is named T10-600)", AllowMultipleArgumentsPerToken = true, HelpName = "K|K:K" };
        var oldTemps = CommonOptions.HiddenAlias("--temperatures", temps);
        var press = new Option<double[]>("--pressures", "-P") { Description = "Pressures, GPa (NPT with npt_scr; without: NVT with nvt_bdp)", AllowMultipleArgumentsPerToken = true, HelpName = "GPa" };
        var potential = new Option<string>("--potential") { Description = "NEP model file for the potential line (written as an absolute path)", DefaultValueFactory = _ => "nep.txt", HelpName = "nep.txt" };
        var steps = new Option<long>("--steps") { Description = "MD steps per run (of the ramp, with -T START:END)", DefaultValueFactory = _ => d.Steps };
        var holdSteps = new Option<long>("--hold-steps") { Description = "Steps at the end temperature after --steps: a second run block (ensemble at END END, the dump lines again); dump.xyz frames then read back with md_hold for sample --hold-only", DefaultValueFactory = _ => 0, HelpName = "M" };
        var dt = new Option<double>("--time-step") { Description = "Time step, fs", DefaultValueFactory = _ => d.TimeStep, HelpName = "fs" };
        var thermo = new Option<long>("--dump-thermo") { Description = "Steps between thermo.out rows", DefaultValueFactory = _ => d.DumpThermo };
        var xyz = new Option<long>("--dump-xyz") { Description = "Steps between dump.xyz frames", DefaultValueFactory = _ => d.DumpXyz };
        var template = new Option<string?>("--template") { Description = "Own run.in template with {temperature} {start_temperature} {pressure} {potential} {time_step} {steps} {hold_steps} {dump_thermo} {dump_xyz} (a ramp needs {start_temperature}, --hold-steps a block ending in `run {hold_steps}`; refused otherwise)", HelpName = "FILE" };
        var noMass = new Option<bool>("--no-masses") { Description = "Leave the mass column out of model.xyz (GPUMD then uses its own table)" };
        var command = new Command("prepare", "Write GPUMD run folders (model.xyz with masses and velocities, run.in from a template) for every structure × temperature × pressure")
        {
            input, output, temps, oldTemps, press, potential, steps, holdSteps, dt, thermo, xyz, template, noMass,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            var ts = (CommonOptions.Either(r, temps, oldTemps) ?? []).Select(text => MdTemperatureRamp.ParseRange(text, out string? error)
                ?? throw new UsageException($"--temperature {error}")).ToList();
            if (ts.Count == 0)
                throw new UsageException("-T/--temperature is required (one or more, K, or START:END ramps)");
            if (r.GetValue(holdSteps) < 0)
                throw new UsageException("--hold-steps must be ≥ 0");
            var ps = r.GetValue(press) ?? [];
            if (r.GetValue(steps) < 1 || r.GetValue(thermo) < 1 || r.GetValue(xyz) < 1 || !(r.GetValue(dt) > 0))
                throw new UsageException("--steps, --dump-thermo, --dump-xyz must be ≥ 1 and --time-step > 0");
            string pot = r.GetValue(potential)!;
            if (!File.Exists(pot))
                cli.Note($"gpumd prepare: warning: potential '{pot}' does not exist (yet); run.in points to {Path.GetFullPath(pot)}");
            var tmpl = r.GetValue(template) is { } t ? new RunInTemplate(File.ReadAllText(t))
                : new RunInTemplate(ps.Length > 0 ? RunInTemplate.Npt : RunInTemplate.Nvt);
            var frames = StructureReader.Read(r.GetValue(input)!, null, new StructureReadOptions { OnDiagnostic = cli.Warn }).ToList();
            var settings = new MdCondition
            {
                Potential = Path.GetFullPath(pot),
                Steps = r.GetValue(steps),
                HoldSteps = r.GetValue(holdSteps),
                TimeStep = r.GetValue(dt),
                DumpThermo = r.GetValue(thermo),
                DumpXyz = r.GetValue(xyz),
            };
            // A template that cannot say the ramp or the hold is a usage error, found before anything is written.
            foreach (var (start, end) in ts)
            {
                if (tmpl.Refusal(settings with { StartTemperature = start, Temperature = end }) is { } why)
                    throw new UsageException($"--template {r.GetValue(template)}: {why}");
            }
            var folders = GpumdRunSet.Prepare(r.GetValue(output)!, frames, ts, ps, settings, tmpl, new ModelXyzOptions { Masses = !r.GetValue(noMass) });
            foreach (var f in folders)
                cli.Out.WriteLine(f.Path);
            cli.Note($"gpumd prepare: {folders.Count} run folder(s) for {frames.Count} structure(s) × {ts.Count} temperature(s){(ps.Length > 0 ? $" × {ps.Length} pressure(s)" : "")} under {r.GetValue(output)}");
            return CliContext.Success;
        }));
        return command;
    }
}
