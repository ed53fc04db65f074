using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.Gpumd;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge gpumd prepare IN -o DIR --temperatures 300 600 [--pressures 0 1] --potential nep.txt</c>: GPUMD
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
        var temps = new Option<double[]>("--temperature", "-T") { Description = "Temperatures, K (one or more: -T 300 600)", AllowMultipleArgumentsPerToken = true, HelpName = "K" };
        var oldTemps = CommonOptions.HiddenAlias("--temperatures", temps);
        var press = new Option<double[]>("--pressures", "-P") { Description = "Pressures, GPa (NPT with npt_scr; without: NVT with nvt_bdp)", AllowMultipleArgumentsPerToken = true, HelpName = "GPa" };
        var potential = new Option<string>("--potential") { Description = "NEP model file for the potential line (written as an absolute path)", DefaultValueFactory = _ => "nep.txt", HelpName = "nep.txt" };
        var steps = new Option<long>("--steps") { Description = "MD steps per run", DefaultValueFactory = _ => d.Steps };
        var dt = new Option<double>("--time-step") { Description = "Time step, fs", DefaultValueFactory = _ => d.TimeStep, HelpName = "fs" };
        var thermo = new Option<long>("--dump-thermo") { Description = "Steps between thermo.out rows", DefaultValueFactory = _ => d.DumpThermo };
        var xyz = new Option<long>("--dump-xyz") { Description = "Steps between dump.xyz frames", DefaultValueFactory = _ => d.DumpXyz };
        var template = new Option<string?>("--template") { Description = "Own run.in template with {temperature} {pressure} {potential} {time_step} {steps} {dump_thermo} {dump_xyz}", HelpName = "FILE" };
        var noMass = new Option<bool>("--no-masses") { Description = "Leave the mass column out of model.xyz (GPUMD then uses its own table)" };
        var command = new Command("prepare", "Write GPUMD run folders (model.xyz with masses and velocities, run.in from a template) for every structure × temperature × pressure")
        {
            input, output, temps, oldTemps, press, potential, steps, dt, thermo, xyz, template, noMass,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            var ts = CommonOptions.Either(r, temps, oldTemps) ?? [];
            if (ts.Length == 0)
                throw new UsageException("-T/--temperature is required (one or more, K)");
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
                TimeStep = r.GetValue(dt),
                DumpThermo = r.GetValue(thermo),
                DumpXyz = r.GetValue(xyz),
            };
            var folders = GpumdRunSet.Prepare(r.GetValue(output)!, frames, ts, ps, settings, tmpl, new ModelXyzOptions { Masses = !r.GetValue(noMass) });
            foreach (var f in folders)
                cli.Out.WriteLine(f.Path);
            cli.Note($"gpumd prepare: {folders.Count} run folder(s) for {frames.Count} structure(s) × {ts.Length} temperature(s){(ps.Length > 0 ? $" × {ps.Length} pressure(s)" : "")} under {r.GetValue(output)}");
            return CliContext.Success;
        }));
        return command;
    }
}
