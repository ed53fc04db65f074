using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Sampling.Curation;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge trajectory clean dump.xyz -o frames.xyz</c>: cut an MD trajectory at its first unphysical frame and
/// strip GPUMD's dump labels, so that the frames can go to DFT.
/// </summary>
public static class TrajectoryCommand
{
    /// <summary>The <c>trajectory</c> verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var trajectory = new Command("trajectory", "MD trajectory health");
        trajectory.Subcommands.Add(Clean(cli));
        return trajectory;
    }

    static Command Clean(CliContext cli)
    {
        var defaults = new TrajectoryHealthOptions();
        var input = new Argument<string>("input") { Description = "Trajectory (GPUMD dump.xyz, any extxyz, XDATCAR, OUTCAR…)" };
        var output = CommonOptions.Output();
        var minDist = new Option<double>("--min-distance-ratio") { Description = "Cut where two atoms are closer than this × the sum of their covalent radii", DefaultValueFactory = _ => defaults.MinDistanceRatio };
        var maxVol = new Option<double>("--max-volume-ratio") { Description = "Cut where the cell volume exceeds this × the first frame's", DefaultValueFactory = _ => defaults.MaxVolumeRatio };
        var minVol = new Option<double>("--min-volume-ratio") { Description = "Cut where the cell volume falls below this × the first frame's", DefaultValueFactory = _ => defaults.MinVolumeRatio };
        var maxForce = new Option<double>("--max-force") { Description = "Cut where any |F| exceeds this, eV/Å (only when the frames carry forces)", DefaultValueFactory = _ => defaults.MaxForce!.Value, HelpName = "eV/Å" };
        var margin = new Option<int>("--margin") { Description = "Also drop this many frames right before the first bad one", DefaultValueFactory = _ => 0, HelpName = "N" };
        var keep = new Option<int?>("--keep") { Description = "Keep only the last N good frames before the cut (default: all)", HelpName = "N" };
        var keepLabels = new Option<bool>("--keep-labels") { Description = "Keep the dump's energy, forces and virial (default: strip them; they are MD values, not DFT labels)" };
        var command = new Command("clean", "Cut a trajectory at its first unphysical frame (atoms too close, exploding/collapsing cell, huge or non-finite forces), strip dump labels")
        {
            input, output, minDist, maxVol, minVol, maxForce, margin, keep, keepLabels,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            var options = new TrajectoryHealthOptions
            {
                MinDistanceRatio = r.GetValue(minDist),
                MaxVolumeRatio = r.GetValue(maxVol),
                MinVolumeRatio = r.GetValue(minVol),
                MaxForce = r.GetValue(maxForce),
                Margin = r.GetValue(margin),
                Keep = r.GetValue(keep),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            bool strip = !r.GetValue(keepLabels);
            using var file = AtomicFile.Create(outPath);
            TrajectoryCleanResult result;
            using (var writer = new ExtXyzWriter(file.Stream, leaveOpen: true))
            {
                result = TrajectoryHealth.Clean(StructureReader.Read(inPath, null, new StructureReadOptions { OnDiagnostic = cli.Warn, AllowNonFinite = true }), options, (f, i) =>
                {
                    if (strip)
                        TrajectoryHealth.StripDumpLabels(f, inPath, i);
                    writer.Write(f);
                });
                writer.Flush();
            }
            file.Commit();
            if (result.BadFrame is { } bad)
            {
                cli.Note($"trajectory clean: frame {bad + 1} is unphysical [{result.Problem!.Check}]: {result.Problem.Message}");
                cli.Note($"trajectory clean: cut there after reading {result.FramesRead} frame(s); the rest of the file was not read");
            }
            else
            {
                cli.Note($"trajectory clean: all {result.FramesRead} frame(s) look physical");
            }
            string range = result.FramesKept > 0 ? $" (frames {result.FirstKept + 1}–{result.LastKept + 1})" : "";
            cli.Note($"trajectory clean: kept {result.FramesKept} frame(s){range}{(strip ? ", dump labels stripped" : "")} → {outPath}");
            return CliContext.Success;
        }));
        return command;
    }
}
