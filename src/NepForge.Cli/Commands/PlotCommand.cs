using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.Gpumd;
using NepForge.Plotting;
using NepForge.Sampling.Analysis;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge plot loss|parity|rdf|thermo|hist …  -o OUT.svg|OUT.png|OUT.pdf</c>: SVG plots drawn by NepForge itself;
/// PNG and PDF rendered from that SVG in-process by SkiaSharp (rsvg-convert only as a fallback).
/// </summary>
public static class PlotCommand
{
    /// <summary>The <c>plot</c> verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var plot = new Command("plot", "Plots as SVG, PNG or PDF: training loss, parity, g(r), thermo.out, dataset distributions");
        plot.Subcommands.Add(Loss(cli));
        plot.Subcommands.Add(Parity(cli));
        plot.Subcommands.Add(Thermo(cli));
        plot.Subcommands.Add(Rdf(cli));
        plot.Subcommands.Add(Simple(cli, "hist", "dataset", "Distributions of energy per atom and force magnitude |F| over a dataset", "hist.svg",
            p => SvgRenderer.Render(DatasetHistogramPlot.Create(StructureReader.Read(p, null, new StructureReadOptions { OnDiagnostic = cli.Warn }), title: Path.GetFileName(p)))));
        return plot;
    }

    static Option<string> Output(string fallback)
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output file: .svg, .png (2× scale) or .pdf; other names are refused",
            DefaultValueFactory = _ => fallback,
            HelpName = "OUT.svg|.png|.pdf",
        };
        // Refused at parse time, before the input is read: never SVG written under a .jpg or .pdf name.
        output.Validators.Add(result =>
        {
            string? path = result.GetValueOrDefault<string>();
            if (path is not null && PngExport.FormatOf(path) is null)
                result.AddError($"-o {path}: a plot is written as .svg, .png or .pdf (by the name's extension)");
        });
        return output;
    }

    static Command Simple(CliContext cli, string name, string argName, string description, string fallback, Func<string, string> render)
    {
        var input = new Argument<string>(argName) { Description = "Input file" };
        var output = Output(fallback);
        var command = new Command(name, description) { input, output };
        command.SetAction(r => cli.Guard(() => Save(cli, render(r.GetValue(input)!), r.GetValue(output)!)));
        return command;
    }

    static Command Loss(CliContext cli)
    {
        var input = new Argument<string>("loss.out") { Description = "Input file" };
        var time = new Option<bool>("--time") { Description = "x axis = wall time, from the CPU trainer's nepforge-train.csv beside loss.out" };
        var output = Output("loss.svg");
        var command = new Command("loss", "Training curves from nep's loss.out (log–log; test curves dashed; --time: against wall time)") { input, time, output };
        command.SetAction(r => cli.Guard(() =>
        {
            string path = r.GetValue(input)!;
            var loss = LossFile.Read(path);
            IReadOnlyList<double>? minutes = null;
            if (r.GetValue(time))
                minutes = Training.Cpu.NepCpuTrainer.ElapsedMinutes(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Training.Cpu.NepCpuTrainer.TimeLogFile), loss.Generations);
            return Save(cli, SvgRenderer.Render(LossPlot.Create(loss, minutes)), r.GetValue(output)!);
        }));
        return command;
    }

    static Command Parity(CliContext cli)
    {
        var dir = new Argument<string>("dir") { Description = "Folder with nep's energy_train.out, force_train.out, virial_train.out / stress_train.out" };
        var set = new Option<string>("--set") { Description = "train or test", DefaultValueFactory = _ => "train" };
        set.AcceptOnlyFromAmong("train", "test");
        var output = Output("parity.svg");
        var command = new Command("parity", "Parity plots NEP vs target for energy, force and virial (or stress), with RMSE and R²") { dir, set, output };
        command.SetAction(r => cli.Guard(() =>
        {
            string folder = r.GetValue(dir)!, which = r.GetValue(set)!;
            if (!Directory.Exists(folder))
                throw new IOException($"'{folder}' is not a folder");
            var fig = ParityPlot.Create(folder, which);
            if (fig.Charts.Count == 0)
                throw new InvalidOperationException($"'{folder}' has no *_{which}.out file with target values");
            foreach (var c in fig.Charts)
                cli.Note($"plot parity: {c.Title}: {string.Join(", ", c.Notes)}");
            return Save(cli, SvgRenderer.Render(fig), r.GetValue(output)!);
        }));
        return command;
    }

    static Command Thermo(CliContext cli)
    {
        var input = new Argument<string>("thermo.out") { Description = "GPUMD's thermo.out" };
        var interval = new Option<double?>("--interval")
        {
            Description = "fs between rows (dump_thermo × time_step); default: from run.in beside thermo.out, else the file's # dt_output header, else rows are numbered",
            HelpName = "fs",
        };
        var output = Output("thermo.svg");
        var command = new Command("thermo", "Temperature, potential energy, pressure and volume from GPUMD's thermo.out") { input, interval, output };
        command.SetAction(r => cli.Guard(() =>
        {
            if (r.GetValue(interval) is { } dt && !(dt > 0))
                throw new UsageException("--interval must be > 0");
            string path = r.GetValue(input)!;
            var thermo = ThermoFile.Read(path);
            // The run.in beside thermo.out gives the time of every row (time_step × dump_thermo, run by run).
            string runIn = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "run.in");
            double[]? times = r.GetValue(interval) is null ? ThermoTimes.FromRunIn(runIn, thermo.Rows) : null;
            if (times is not null)
                cli.Note($"plot thermo: time axis from {runIn}");
            else if (File.Exists(runIn) && r.GetValue(interval) is null && thermo.OutputIntervalFs is null)
                cli.Note($"plot thermo: {runIn} does not account for the {thermo.Rows} rows (dump_thermo per run); rows are numbered, give --interval FS");
            var fig = ThermoPlot.Create(thermo, r.GetValue(interval), times);
            return Save(cli, SvgRenderer.Render(fig), r.GetValue(output)!);
        }));
        return command;
    }

    static Command Rdf(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Dataset or trajectory" };
        var rmax = new Option<double>("--rmax") { Description = "Largest distance, Å", DefaultValueFactory = _ => 6.0 };
        var bins = new Option<int>("--bins") { Description = "Number of bins", DefaultValueFactory = _ => 120 };
        var output = Output("rdf.svg");
        var command = new Command("rdf", "g(r) per element pair (see also the rdf verb for the numbers as CSV)") { input, rmax, bins, output };
        command.SetAction(r => cli.Guard(() =>
        {
            double rMax = r.GetValue(rmax);
            int n = r.GetValue(bins);
            if (!(rMax > 0) || n < 1)
                throw new UsageException("--rmax must be > 0 and --bins ≥ 1");
            var rdf = new PairDistribution(rMax, n);
            string path = r.GetValue(input)!;
            rdf.AddRange(StructureReader.Read(path, null, new StructureReadOptions { OnDiagnostic = cli.Warn }));
            if (rdf.Frames == 0)
                throw new InvalidOperationException($"'{path}' holds no frames");
            if (rdf.PeriodicFrames == 0)
                cli.Note("plot rdf: no frame has a cell periodic in a, b and c: g(r) is undefined and the plot is empty");
            return Save(cli, SvgRenderer.Render(RdfPlot.Create(rdf, $"g(r) of {Path.GetFileName(path)} ({rdf.Frames} frames)")), r.GetValue(output)!);
        }));
        return command;
    }

    static int Save(CliContext cli, string svg, string path)
    {
        if (PngExport.FormatOf(path) is null)
            throw new UsageException($"-o {path}: a plot is written as .svg, .png or .pdf (by the name's extension)");
        PngExport.Save(svg, path);
        cli.Note($"plot: → {path}");
        return CliContext.Success;
    }
}
