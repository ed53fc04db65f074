using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.Gpumd;
using NepForge.Plotting;
using NepForge.Sampling;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge plot loss|parity|rdf|thermo|hist …  -o OUT.svg|OUT.png</c>: SVG plots drawn by NepForge itself; PNG
/// through rsvg-convert (librsvg2-bin) when it is installed.
/// </summary>
public static class PlotCommand
{
    /// <summary>The <c>plot</c> verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var plot = new Command("plot", "Plots as SVG (or PNG with rsvg-convert): training loss, parity, g(r), thermo.out, dataset distributions");
        plot.Subcommands.Add(Simple(cli, "loss", "loss.out", "Training curves from nep's loss.out (log–log; test curves dashed)", "loss.svg",
            p => SvgRenderer.Render(LossPlot.Create(LossFile.Read(p)))));
        plot.Subcommands.Add(Parity(cli));
        plot.Subcommands.Add(Simple(cli, "thermo", "thermo.out", "Temperature, potential energy, pressure and volume from GPUMD's thermo.out", "thermo.svg",
            p => SvgRenderer.Render(ThermoPlot.Create(ThermoFile.Read(p)))));
        plot.Subcommands.Add(Rdf(cli));
        plot.Subcommands.Add(Simple(cli, "hist", "dataset", "Distributions of energy per atom and force magnitude |F| over a dataset", "hist.svg",
            p => SvgRenderer.Render(DatasetHistogramPlot.Create(StructureReader.Read(p, null, new StructureReadOptions { OnDiagnostic = cli.Warn }), title: Path.GetFileName(p)))));
        return plot;
    }

    static Option<string> Output(string fallback) => new("--output", "-o")
    {
        Description = "Output file: .svg, or .png (needs rsvg-convert)",
        DefaultValueFactory = _ => fallback,
        HelpName = "OUT.svg|OUT.png",
    };

    static Command Simple(CliContext cli, string name, string argName, string description, string fallback, Func<string, string> render)
    {
        var input = new Argument<string>(argName) { Description = "Input file" };
        var output = Output(fallback);
        var command = new Command(name, description) { input, output };
        command.SetAction(r => cli.Guard(() => Save(cli, render(r.GetValue(input)!), r.GetValue(output)!)));
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
        PngExport.Save(svg, path);
        cli.Note($"plot: → {path}");
        return CliContext.Success;
    }
}
