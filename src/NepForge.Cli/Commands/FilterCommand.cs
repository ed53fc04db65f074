using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge filter IN -o KEPT [--rejected REJ]</c>: drop frames with close contacts, huge forces, outlier energies
/// per composition, missing labels or NaN/∞, each rejected frame tagged with its reason.
/// </summary>
public static class FilterCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var input = new Argument<string>("input") { Description = "Dataset to filter (extxyz, OUTCAR, vasprun.xml…; \"-\" = stdin)" };
        var output = CommonOptions.Output();
        var rejected = new Option<string?>("--rejected")
        {
            Description = "Also write the rejected frames here, each with reject_reason=\"…\" (extxyz)",
            HelpName = "REJ",
        };
        var minDistance = new Option<double?>("--min-distance")
        {
            Description = "Reject frames with two atoms (or periodic images) closer than D Å",
            HelpName = "D",
        };
        var minRatio = new Option<double?>("--min-ratio")
        {
            Description = "Reject frames with a pair closer than R × the sum of their covalent radii (e.g. 0.6)",
            HelpName = "R",
        };
        var maxForce = new Option<double?>("--max-force")
        {
            Description = "Reject frames in which some atom has a force norm |F| above F eV/Å",
            HelpName = "F",
        };
        var energyZ = new Option<double?>("--energy-zscore")
        {
            Description = "Reject frames whose energy per atom has a robust z-score (median/MAD among frames of the same reduced composition) above Z; reads the input twice",
            HelpName = "Z",
        };
        var require = new Option<string[]>("--require")
        {
            Description = "Reject frames missing any of these labels: energy, forces, virial (comma- or space-separated)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "LABELS",
        };
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("filter",
            "Drop bad frames: --min-distance/--min-ratio (close contacts), --max-force (|F|), --energy-zscore (outliers per composition), --require labels; NaN/∞ always")
        {
            input, output, rejected, minDistance, minRatio, maxForce, energyZ, require, from, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, inPath);
            string? rejPath = r.GetValue(rejected);
            var options = new FilterOptions
            {
                MinDistance = r.GetValue(minDistance),
                MinRatio = r.GetValue(minRatio),
                MaxForce = r.GetValue(maxForce),
                EnergyZScore = r.GetValue(energyZ),
                Require = ParseRequire(r.GetValue(require)),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            if (rejPath is not null && rejPath == outPath)
                throw new UsageException("--rejected and -o must be different files");
            var format = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);

            CompositionEnergyStatistics? stats = null;
            if (options.EnergyZScore is not null)
            {
                if (inPath == "-")
                    throw new UsageException("--energy-zscore reads the input twice (statistics first, then the filter); it cannot read stdin");
                stats = new CompositionEnergyStatistics();
                // First pass: energies only; warnings are printed by the second pass.
                var quiet = CommonOptions.ReadOptions(r, cli, skipBad) with { OnDiagnostic = null, AllowNonFinite = true };
                foreach (var f in StructureReader.Read(inPath, format, quiet))
                {
                    if (FrameFilter.FindNonFinite(f) is null)
                        stats.Add(f);
                }
            }
            if (options is { MinDistance: null, MinRatio: null, MaxForce: null, EnergyZScore: null, Require: RequiredLabels.None })
                cli.Note("filter: no criterion given: only frames with NaN or ∞ are dropped");
            var filter = new FrameFilter(options, stats);
            var tally = new FilterTally();

            using var rejFile = rejPath is null ? null : AtomicFile.Create(rejPath);
            var rejWriter = rejFile is null ? null : new ExtXyzWriter(rejFile.Stream, CommonOptions.XyzWrite(r, stress), leaveOpen: true);
            IEnumerable<Frame> Kept()
            {
                foreach (var f in StructureReader.Read(inPath, format, CommonOptions.ReadOptions(r, cli, skipBad) with { AllowNonFinite = true }))
                {
                    var reason = filter.Check(f);
                    tally.Add(reason);
                    if (reason is null)
                    {
                        yield return f;
                        continue;
                    }
                    rejWriter?.Write(f); // the filter recorded reject_reason in the frame
                }
            }
            ExtXyzWriter.WriteFile(outPath, Kept(), CommonOptions.XyzWrite(r, stress));
            if (rejWriter is not null)
            {
                rejWriter.Dispose(); // flushes into the temporary file, which the commit then renames
                rejFile!.Commit();
            }

            long total = tally.Kept + tally.Rejected;
            cli.Note($"filter: kept {tally.Kept} of {total} frame(s) → {outPath}");
            if (tally.Rejected > 0)
            {
                string where = rejPath is null ? "" : $" → {rejPath}";
                cli.Note($"filter: rejected {tally.Rejected}: {string.Join(", ", tally.ByReason.Select(kv => $"{kv.Key} {kv.Value}"))}{where}");
            }
            else
            {
                cli.Note("filter: rejected 0");
            }
            return CliContext.Success;
        }));
        return command;
    }

    static RequiredLabels ParseRequire(string[]? values)
    {
        var labels = RequiredLabels.None;
        foreach (var token in (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            labels |= token.ToLowerInvariant() switch
            {
                "energy" or "energies" => RequiredLabels.Energy,
                "force" or "forces" => RequiredLabels.Forces,
                "virial" or "virials" or "stress" => RequiredLabels.Virial,
                _ => throw new UsageException($"--require: unknown label '{token}' (energy, forces, virial)"),
            };
        }
        return labels;
    }
}
