using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Nep;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge md</c>: molecular dynamics with the CPU NEP evaluator (the explorer where GPUMD is not at hand).</summary>
static class MdCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Starting structure (the first frame, or --frame K)" };
        var model = new Option<string>("--model", "-m") { Description = "NEP model file (nep.txt)", Required = true, HelpName = "nep.txt" };
        var output = CommonOptions.Output();
        var temperature = new Option<string>("--temperature", "-T") { Description = "Temperature, K, or a linear ramp of the thermostat target START:END over --steps (10:300)", Required = true, HelpName = "K|K:K" };
        var steps = new Option<int>("--steps") { Description = "MD steps (of the ramp, with -T START:END)", Required = true, HelpName = "N" };
        var holdSteps = new Option<int>("--hold-steps") { Description = "Steps at the end temperature after --steps (frames record md_target_temperature and md_hold; sample --hold-only keeps the hold)", DefaultValueFactory = _ => 0, HelpName = "M" };
        var timestep = new Option<double>("--timestep") { Description = "Time step, fs", DefaultValueFactory = _ => 1.0, HelpName = "FS" };
        var dumpEvery = new Option<int>("--dump-every") { Description = "Write a frame every K steps (step 0 included)", DefaultValueFactory = _ => 10, HelpName = "K" };
        var ensemble = new Option<string>("--ensemble") { Description = "nve, langevin, bussi (CSVR, GPUMD's nvt_bdp) or npt (Bussi + Berendsen barostat)", DefaultValueFactory = _ => "bussi" };
        var tau = new Option<double>("--tau") { Description = "Thermostat time constant, fs", DefaultValueFactory = _ => 100, HelpName = "FS" };
        var pressure = new Option<double>("--pressure") { Description = "NPT: target pressure, GPa", DefaultValueFactory = _ => 0, HelpName = "GPA" };
        var seed = CommonOptions.Seed("Seed of the initial velocities and the thermostat noise (recorded in every frame)");
        var frameIndex = new Option<int>("--frame") { Description = "Which frame of the input to start from (0-based)", DefaultValueFactory = _ => 0, HelpName = "K" };
        var threads = CommonOptions.Threads();
        var command = new Command("md", "Molecular dynamics with a NEP model on the CPU (velocity Verlet; Bussi or Langevin NVT, Berendsen NPT) for small systems without GPUMD; frames written like GPUMD's dump, the model's energy and forces as nep_energy / nep_forces (never DFT labels)")
        {
            input, model, output, temperature, steps, holdSteps, timestep, dumpEvery, ensemble, tau, pressure, seed, frameIndex, threads,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!;
            var start = StructureReader.Read(inPath, StructureFormats.DetectInput(inPath)).Skip(r.GetValue(frameIndex)).FirstOrDefault()
                ?? throw new UsageException($"{inPath} has no frame {r.GetValue(frameIndex)}");
            var range = MdTemperatureRamp.ParseRange(r.GetValue(temperature)!, out string? rangeError)
                ?? throw new UsageException($"--temperature {rangeError}");
            if (r.GetValue(holdSteps) < 0)
                throw new UsageException("--hold-steps must be ≥ 0");
            var options = new MdOptions
            {
                Temperature = range.Start,
                EndTemperature = range.End == range.Start ? null : range.End,
                HoldSteps = r.GetValue(holdSteps),
                Steps = r.GetValue(steps),
                TimeStepFs = r.GetValue(timestep),
                DumpEvery = r.GetValue(dumpEvery),
                ThermostatFs = r.GetValue(tau),
                PressureGpa = r.GetValue(pressure),
                Seed = CommonOptions.DrawSeed(r, seed, cli, "md"),
                Progress = cli.Progress,
                Ensemble = r.GetValue(ensemble)!.ToLowerInvariant() switch
                {
                    "nve" => MdEnsemble.Nve,
                    "langevin" => MdEnsemble.NvtLangevin,
                    "bussi" => MdEnsemble.NvtBussi,
                    "npt" => MdEnsemble.NptBerendsen,
                    var e => throw new UsageException($"--ensemble {e}: use nve, langevin, bussi or npt"),
                },
            };
            int t = r.GetValue(threads);
            var md = new NepMolecularDynamics(new NepCalculator(NepModelReader.Read(r.GetValue(model)!), t <= 0 ? Environment.ProcessorCount : t), options);
            string configType = "md_" + options.Ramp.RangeText().Replace(':', '-') + "K";
            var frames = md.Run(start).Select(m =>
            {
                cli.Note(string.Create(CultureInfo.InvariantCulture, $"md: step {m.Step,7}  T {m.TemperatureK,8:F1} K (target {options.Ramp.TargetAt(m.Step),6:F1} K)  E_pot {m.PotentialEnergy,14:F6} eV  P {m.PressureGpa,8:F3} GPa"));
                m.Frame.Info.ConfigType = configType;
                m.Frame.Info.SourceFile = inPath;
                m.Frame.Info.SourceIndex = r.GetValue(frameIndex);
                return m.Frame;
            });
            long n = ExtXyzWriter.WriteFile(r.GetValue(output)!, frames);
            cli.Note($"md: {n} frame(s) → {r.GetValue(output)} (seed {options.Seed})");
            return CliContext.Success;
        }));
        return command;
    }
}
