using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.Nep;
using NepForge.Plotting;
using NepForge.Scheduling;
using NepForge.Training;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge nep train DIR [--train train.xyz] [--test test.xyz] [--nep-in nep.in] [--nep PATH] [--slurm]</c>:
/// prepare a training folder and run GPUMD's nep in it (locally, or as a Slurm GPU job).
/// </summary>
public static class NepTrainCommand
{
    /// <summary>The <c>train</c> subcommand of <c>nep</c>.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var dir = new Argument<string>("dir") { Description = "Training folder (created if needed)" };
        var train = new Option<string?>("--train") { Description = "Training set to copy in as train.xyz (default: the folder's train.xyz)", HelpName = "FILE" };
        var test = new Option<string?>("--test") { Description = "Test set to copy in as test.xyz", HelpName = "FILE" };
        var nepIn = new Option<string?>("--nep-in") { Description = "nep.in to copy in (default: the folder's, else one written from the training set's species)", HelpName = "FILE" };
        var preset = new Option<string>("--preset") { Description = "Preset for a nep.in written here (default, fast, accurate)", DefaultValueFactory = _ => "default" };
        preset.AcceptOnlyFromAmong([.. NepInputPresets.Names]);
        var nep = new Option<string?>("--nep") { Description = $"nep executable (default: ${NepTrainer.EnvironmentVariable}, else nep on PATH)", HelpName = "PATH" };
        var poll = new Option<double>("--poll") { Description = "Seconds between looks at loss.out", DefaultValueFactory = _ => 30.0 };
        var slurm = new Option<bool>("--slurm") { Description = "Submit nep as a Slurm job (one GPU: #SBATCH --gres=gpu:1) instead of running it here" };
        var scriptOnly = new Option<bool>("--script-only") { Description = "With --slurm: write job.sh but do not submit it" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition" };
        var time = new Option<string?>("--time") { Description = "Slurm time limit, e.g. 2-00:00:00 or 12:00:00" };
        var cpu = new NepTrainCpuOptions();
        var command = new Command("train", "Prepare DIR (train.xyz, test.xyz, nep.in) and train a NEP model there: with GPUMD's nep (--engine gpumd; resumes from nep.restart) " +
                                           "or on the CPU (--engine cpu: exact gradients of GPUMD's loss, same nep.in and output files; resumes from its checkpoint)")
        {
            dir, train, test, nepIn, preset, nep, poll, slurm, scriptOnly, partition, time,
        };
        cpu.AddTo(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string folder = Path.GetFullPath(r.GetValue(dir)!);
            Directory.CreateDirectory(folder);
            string trainPath = Path.Combine(folder, "train.xyz");
            if (r.GetValue(train) is { } t)
                CopyIn(cli, t, trainPath);
            if (!File.Exists(trainPath))
                throw new UsageException($"'{trainPath}' does not exist: give --train FILE");
            if (r.GetValue(test) is { } te)
                CopyIn(cli, te, Path.Combine(folder, "test.xyz"));

            var frames = ExtXyzReader.ReadFrames(trainPath).ToList();
            string nepInPath = Path.Combine(folder, "nep.in");
            if (r.GetValue(nepIn) is { } ni)
                File.Copy(ni, nepInPath, overwrite: true);
            if (!File.Exists(nepInPath))
            {
                NepInputPresets.Create(r.GetValue(preset)!, NepInputPresets.SpeciesInOrder(frames)).Write(nepInPath);
                cli.Note($"nep train: wrote {nepInPath} (preset {r.GetValue(preset)})");
            }
            var input = NepInput.Read(nepInPath);
            var issues = NepInputValidator.Validate(input);
            issues.AddRange(NepInputDatasetCheck.Check(input, frames, "train.xyz").Issues);
            foreach (var i in issues)
                cli.Note($"nep.in: {i}");
            if (issues.Any(i => i.Severity == NepInputSeverity.Error))
                throw new InvalidOperationException($"{nepInPath} has errors nep would stop on; fix them first");
            if (frames.Count > (int)input.Number("batch") && r.GetValue(cpu.EngineOption) != "cpu")
                cli.Note($"nep train: batch {input.Number("batch")} < {frames.Count} structures: *_train.out rows will not follow train.xyz (nep errors will not map them)");
            string? exe = NepTrainer.FindExecutable(r.GetValue(nep));
            string engine = cpu.Engine(r, exe is not null);
            if (engine == "cpu")
                return cpu.Run(cli, r, folder);
            if (File.Exists(Path.Combine(folder, "nep.restart")))
                cli.Note("nep train: nep.restart found: nep continues that training (nep.in must match the model in it)");
            if (exe is null)
            {
                cli.Note($"nep train: {folder} is ready (train.xyz, nep.in{(File.Exists(Path.Combine(folder, "test.xyz")) ? ", test.xyz" : "")})");
                throw new InvalidOperationException(NepTrainer.MissingExecutableMessage(r.GetValue(nep)) + "; or train on the CPU with --engine cpu");
            }
            if (r.GetValue(slurm))
                return Submit(cli, folder, exe, r.GetValue(partition), r.GetValue(time), r.GetValue(scriptOnly));

            cli.Note($"nep train: running {exe} in {folder}");
            var result = NepTrainer.Run(folder, exe, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(Math.Max(0.05, r.GetValue(poll))),
                l => cli.Note("nep train: " + Progress(l, input.Number("generation"))));
            cli.Note($"nep train: nep exited with code {result.ExitCode}{(result.Resumed ? " (resumed from nep.restart)" : "")}; log in nep.log");
            cli.Note($"nep train: produced {(result.Produced.Count == 0 ? "nothing" : string.Join(", ", result.Produced))}");
            foreach (string f in result.Produced)
                cli.Out.WriteLine(Path.Combine(folder, f));
            return result.ExitCode == 0 && result.Produced.Contains("nep.txt") ? CliContext.Success : CliContext.Failure;
        }));
        return command;
    }

    /// <summary>One line about the last row of loss.out.</summary>
    internal static string Progress(LossFile l, double maxGeneration)
    {
        var parts = new List<string> { $"generation {l.Generations[^1].ToString("0", CultureInfo.InvariantCulture)}/{maxGeneration.ToString("0", CultureInfo.InvariantCulture)}" };
        if (l.Get("total") is { } total)
            parts.Add($"loss {total.Values[^1].ToString("G4", CultureInfo.InvariantCulture)}");
        foreach (var s in l.Series.Where(s => s.Name.StartsWith("rmse_", StringComparison.Ordinal) && s.Values[^1] != 0))
            parts.Add($"{s.Name[5..]} {ParityPlot.FormatRmse(s.Values[^1], s.Unit)}");
        return string.Join(", ", parts);
    }

    static void CopyIn(CliContext cli, string source, string target)
    {
        if (Path.GetFullPath(source) == target)
            return;
        if (source.EndsWith(".xyz", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".extxyz", StringComparison.OrdinalIgnoreCase))
        {
            string tmp = target + ".tmp";
            File.Copy(source, tmp, overwrite: true);
            File.Move(tmp, target, overwrite: true);
        }
        else
        {
            long n = ExtXyzWriter.WriteFile(target, StructureReader.Read(source, null, new StructureReadOptions { OnDiagnostic = cli.Warn }));
            cli.Note($"nep train: converted {n} frame(s) of {source} → {target}");
        }
    }

    static int Submit(CliContext cli, string folder, string exe, string? partition, string? time, bool scriptOnly)
    {
        TimeSpan? limit = null;
        if (time is not null)
        {
            if (!TimeSpan.TryParse(time.Replace('-', '.'), CultureInfo.InvariantCulture, out var t))
                throw new UsageException($"--time '{time}': expected D-HH:MM:SS or HH:MM:SS");
            limit = t;
        }
        var options = new SlurmScriptOptions
        {
            JobName = "nep-" + Path.GetFileName(folder),
            Partition = partition,
            Time = limit,
            OutputFile = "nep.log",
            ErrorFile = "nep.err",
            Template = "#SBATCH --gres=gpu:1",
            Command = SlurmScript.ShellQuote(exe),
        };
        string script = SlurmScript.Write(folder, options);
        if (scriptOnly)
        {
            cli.Note($"nep train: wrote {script} (not submitted)");
            cli.Out.WriteLine(script);
            return CliContext.Success;
        }
        string id = new SlurmClient().Submit(script, folder, options.JobName);
        cli.Note($"nep train: submitted {script} as Slurm job {id}; follow it with nepforge plot loss {Path.Combine(folder, "loss.out")}");
        cli.Out.WriteLine(id);
        return CliContext.Success;
    }
}
