using System.CommandLine;
using System.Globalization;
using NepForge.Plotting;
using NepForge.Training.Cpu;

namespace NepForge.Cli.Commands;

/// <summary>The options of <c>nep train --engine cpu</c> and how the command runs the CPU trainer (one model or a committee).</summary>
sealed class NepTrainCpuOptions
{
    public Option<string> EngineOption { get; } = new("--engine")
    {
        Description = "Trainer: gpumd (GPUMD's nep, needs an NVIDIA GPU), cpu (NepForge's CPU trainer), or auto (gpumd when a nep executable is found)",
        DefaultValueFactory = _ => "auto",
        HelpName = "ENGINE",
    };

    readonly Option<long?> _seed = PerturbCommand.SeedOption();
    readonly Option<int> _threads = new("--threads", "-t") { Description = "CPU engine: threads (default: one per core); results do not depend on it", DefaultValueFactory = _ => 0, HelpName = "N" };
    readonly Option<double?> _timeLimit = new("--time-limit") { Description = "CPU engine: stop cleanly after MINUTES and keep the best model so far (a committee shares the time)", HelpName = "MINUTES" };
    readonly Option<int?> _generations = new("--generations") { Description = "CPU engine: optimiser steps (default: nep.in's generation)", HelpName = "N" };
    readonly Option<double> _lr = new("--lr") { Description = "CPU engine: Adam's initial learning rate", DefaultValueFactory = _ => 0.01, HelpName = "RATE" };
    readonly Option<double> _lrFinal = new("--lr-final") { Description = "CPU engine: learning rate at the last generation (exponential decay)", DefaultValueFactory = _ => 2e-4, HelpName = "RATE" };
    readonly Option<bool> _fresh = new("--fresh") { Description = "CPU engine: start again instead of continuing from the checkpoint in DIR" };
    readonly Option<int> _committee = new("--committee") { Description = "CPU engine: train N models (seeds S, S+1, …) into DIR/model-1 … model-N, for select --committee", DefaultValueFactory = _ => 1, HelpName = "N" };
    readonly Option<bool> _bootstrap = new("--bootstrap") { Description = "With --committee: each model trains on a bootstrap sample (drawn with replacement) of train.xyz" };

    public void AddTo(Command command)
    {
        EngineOption.AcceptOnlyFromAmong("auto", "gpumd", "cpu");
        foreach (Option o in new Option[] { EngineOption, _seed, _threads, _timeLimit, _generations, _lr, _lrFinal, _fresh, _committee, _bootstrap })
            command.Options.Add(o);
    }

    /// <summary>
    /// The engine to use: cpu or gpumd. auto is gpumd (which, without a nep executable, prepares the folder and says
    /// how to pick the CPU engine), except that a committee is trained on the CPU.
    /// </summary>
    public string Engine(ParseResult r, bool nepFound)
    {
        string e = r.GetValue(EngineOption)!;
        if (e != "auto")
            return e;
        return !nepFound && r.GetValue(_committee) > 1 ? "cpu" : "gpumd";
    }

    public int Run(CliContext cli, ParseResult r, string folder)
    {
        int committee = r.GetValue(_committee);
        if (committee < 1)
            throw new UsageException("--committee must be at least 1");
        if (r.GetValue(_threads) < 0)
            throw new UsageException("--threads must be 0 (one per core) or more");
        long seed = PerturbCommand.ResolveSeed(r, _seed, cli, "nep train");
        TimeSpan? limit = r.GetValue(_timeLimit) is { } minutes
            ? minutes > 0 ? TimeSpan.FromMinutes(minutes / committee) : throw new UsageException("--time-limit must be positive")
            : null;
        var options = new NepCpuTrainingOptions
        {
            Directory = folder,
            Seed = seed,
            Threads = r.GetValue(_threads),
            TimeLimit = limit,
            LearningRate = r.GetValue(_lr),
            FinalLearningRate = r.GetValue(_lrFinal),
            Generations = r.GetValue(_generations),
            Fresh = r.GetValue(_fresh),
        };
        if (committee == 1)
            return Report(cli, Train(cli, options));
        var line = new TrainingProgressLine(cli);
        var results = NepCommittee.Train(folder, committee, r.GetValue(_bootstrap), options,
            (k, m) => { line.Clear(); cli.Note($"nep train: committee model {k + 1}/{committee} in {m.Directory} (seed {m.Seed})"); },
            new SyncProgress<NepTrainingProgress>(line.Show));
        line.Clear();
        int status = CliContext.Success;
        foreach (var result in results)
            status = Math.Max(status, Report(cli, result));
        return status;
    }

    static NepCpuTrainingResult Train(CliContext cli, NepCpuTrainingOptions options)
    {
        var line = new TrainingProgressLine(cli);
        try
        {
            return NepCpuTrainer.Train(options, new SyncProgress<NepTrainingProgress>(line.Show));
        }
        finally
        {
            line.Clear();
        }
    }

    static int Report(CliContext cli, NepCpuTrainingResult result)
    {
        foreach (string note in result.Notes)
            cli.Note("nep train: " + note);
        string why = result.StoppedEarly ? " (stopped early: time limit)" : "";
        cli.Note(string.Create(CultureInfo.InvariantCulture,
            $"nep train: {result.Generation}/{result.Generations} generations in {result.Elapsed.TotalMinutes:F1} min{why}; {result.Parameters} parameters; seed {result.Seed}; best model at generation {result.BestGeneration}"));
        cli.Note($"nep train: train RMSE {Rmse(result.Train)}" + (result.Test is { } t ? $"; test RMSE {Rmse(t)}" : ""));
        foreach (string f in result.Produced)
            cli.Out.WriteLine(Path.Combine(Path.GetDirectoryName(result.ModelPath)!, f));
        return CliContext.Success;
    }

    internal static string Rmse(NepRmse r) =>
        $"energy {ParityPlot.FormatRmse(r.Energy, "eV/atom")}, force {ParityPlot.FormatRmse(r.Force, "eV/Å")}" +
        (r.HasVirial ? $", virial {ParityPlot.FormatRmse(r.Virial, "eV/atom")}" : "");

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and print out of order).</summary>
    sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}

/// <summary>A training run's progress through the one CLI display: generations with rate and ETA, then loss and RMSEs.</summary>
sealed class TrainingProgressLine(CliContext cli)
{
    public void Show(NepTrainingProgress p)
    {
        var ci = CultureInfo.InvariantCulture;
        string detail = string.Create(ci, $", loss {p.Loss:G4}")
                        + (p.Train is { } t ? $"; train {NepTrainCpuOptions.Rmse(t)}" : "")
                        + (p.Test is { } te ? $"; test {NepTrainCpuOptions.Rmse(te)}" : "");
        cli.Progress.Report(new NepForge.Progress.StepProgress("nep train", p.Generation, p.Generations, "generations"), detail);
    }

    public void Clear() => cli.Progress.Clear();
}
