using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.Vasp;
using NepForge.Sampling.Generation;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge perturb IN -o OUT --count N --cell F --disp D --seed S</c>: N strained and displaced copies of every
/// input frame for DFT, with an optional minimum-distance guard.
/// </summary>
public static class PerturbCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Structures to perturb: extxyz, POSCAR, a folder of POSCARs, OUTCAR, vasprun.xml or XDATCAR (\"-\" = stdin, extxyz)" };
        var output = CommonOptions.Output();
        output.Description = "Output: extxyz file, a folder (ending in /) of POSCAR-1 … POSCAR-n, or with --layout folders the folder of frame-k/ and all/";
        var count = new Option<int>("--count", "-n") { Description = "Structures to make from each input frame", DefaultValueFactory = _ => 1, HelpName = "N" };
        var cell = new Option<double>("--cell") { Description = "Strain amplitude F of the symmetric strain ε (see --cell-mode; σ = F with --cell-dist normal); new lattice = lattice·(I+ε), atoms follow the cell", DefaultValueFactory = _ => 0.03, HelpName = "F" };
        var cellMode = new Option<string>("--cell-mode") { Description = "What F bounds: principal (every principal strain and every lattice-length change within ±F), dpdata (diagonal ±F, off-diagonal ±F/2, as dpdata/GPUMDkit), full-tensor (all six components ±F: principal strains up to ≈±2F)", DefaultValueFactory = _ => "principal", HelpName = "MODE" };
        var cellDist = new Option<string>("--cell-dist") { Description = "Strain distribution: uniform or normal", DefaultValueFactory = _ => "uniform", HelpName = "DIST" };
        var axes = new Option<string>("--axes") { Description = "Cartesian axes the strain acts on: xyz, or e.g. xy (ε_xx, ε_yy, ε_xy only: a slab with vacuum along z keeps its z extent)", DefaultValueFactory = _ => "xyz", HelpName = "AXES" };
        var cellOnly = new Option<bool>("--cell-only") { Description = "Only strain the cell (atoms keep their fractional coordinates, no displacement)" };
        var disp = new Option<double>("--disp") { Description = "Atom displacement after the strain, Å: radius of the ball, or σ per component with --disp-dist normal", DefaultValueFactory = _ => 0.1, HelpName = "Å" };
        var dispDist = new Option<string>("--disp-dist") { Description = "Displacement distribution: ball (uniform in the ball's volume), normal (isotropic Gaussian) or none", DefaultValueFactory = _ => "ball", HelpName = "DIST" };
        var minDistance = new Option<double?>("--min-distance") { Description = "Redraw a structure with a pair of atoms closer than this, Å (any element pair)", HelpName = "Å" };
        var (minRatio, pairDistance) = GuardOptions(
            "Redraw a structure with a pair of atoms closer than R × the sum of their covalent radii (per element pair; e.g. 0.7)");
        var maxTries = new Option<int>("--max-tries") { Description = "Draws allowed per structure under the distance guard before stopping with an error", DefaultValueFactory = _ => 1000, HelpName = "N" };
        var seed = SeedOption();
        var configType = new Option<string?>("--config-type") { Description = "config_type of the new structures (default: the input's + \"_perturbed\")", HelpName = "NAME" };
        var layout = LayoutOption();
        var to = ToOption();
        var direct = DirectOption();
        var from = CommonOptions.From();
        var species = CommonOptions.Species();
        var skipBad = CommonOptions.SkipBad();

        var command = new Command("perturb", "Make strained and displaced copies of structures for DFT (seeded, with a minimum-distance guard): N per input frame")
        {
            input, output, count, cell, cellMode, cellDist, axes, cellOnly, disp, dispDist, minDistance, minRatio, pairDistance, maxTries,
            seed, configType, layout, to, direct, from, species, skipBad,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, inPath);
            int n = r.GetValue(count);
            if (n < 1)
                throw new UsageException("--count must be ≥ 1");
            var strainDist = r.GetValue(cellDist)!.ToLowerInvariant() switch
            {
                "uniform" => StrainDistribution.Uniform,
                "normal" or "gaussian" => StrainDistribution.Normal,
                var other => throw new UsageException($"--cell-dist {other}: use uniform or normal"),
            };
            var dispDistribution = r.GetValue(dispDist)!.ToLowerInvariant() switch
            {
                "ball" or "uniform" => DisplacementDistribution.Ball,
                "normal" or "gaussian" => DisplacementDistribution.Normal,
                "none" => DisplacementDistribution.None,
                var other => throw new UsageException($"--disp-dist {other}: use ball, normal or none"),
            };
            if (r.GetValue(cellOnly))
            {
                if ((r.GetResult(disp) is { Implicit: false }) || (r.GetResult(dispDist) is { Implicit: false } && dispDistribution != DisplacementDistribution.None))
                    throw new UsageException("--cell-only moves no atom: leave out --disp and --disp-dist");
                dispDistribution = DisplacementDistribution.None;
            }
            CellMode mode;
            try
            {
                mode = PerturbOptions.ParseCellMode(r.GetValue(cellMode)!);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--cell-mode: {e.Message}");
            }
            StrainAxes strainAxes;
            try
            {
                strainAxes = PerturbOptions.ParseAxes(r.GetValue(axes)!);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--axes: {e.Message}");
            }
            double f = r.GetValue(cell), d = r.GetValue(disp);
            if (!(f >= 0 && f < 1))
                throw new UsageException($"--cell {f}: the strain amplitude must be in [0, 1)");
            if (!(d >= 0) || !double.IsFinite(d))
                throw new UsageException($"--disp {d}: the displacement must be ≥ 0 Å");
            if (f == 0 && (dispDistribution == DisplacementDistribution.None || d == 0))
                throw new UsageException("nothing to perturb: --cell is 0 and atoms are not displaced");
            if (r.GetValue(maxTries) < 1)
                throw new UsageException("--max-tries must be ≥ 1");
            var options = new PerturbOptions
            {
                Cell = f,
                CellDistribution = strainDist,
                CellMode = mode,
                Axes = strainAxes,
                Displacement = d,
                DisplacementDistribution = dispDistribution,
                Guard = Guard(r, minDistance, minRatio, pairDistance),
                MaxTries = r.GetValue(maxTries),
                ConfigType = r.GetValue(configType),
            };
            var perturber = new Perturber(options);
            bool folders = Layout(r, layout, to);
            var inFormat = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            var inputs = StructureReader.Read(inPath, inFormat, CommonOptions.ReadOptions(r, cli, skipBad, species));
            long userSeed = ResolveSeed(r, seed, cli, "perturb");

            long frames = 0, made = 0, draws = 0, maxDraws = 0;
            string maxWhere = "";
            IEnumerable<(Frame Input, IReadOnlyList<PerturbResult> Made)> Groups()
            {
                foreach (var frame in inputs)
                {
                    long index = frames++;
                    var results = perturber.Perturb(frame, userSeed, index, n);
                    for (int k = 0; k < results.Count; k++)
                    {
                        made++;
                        draws += results[k].Draws;
                        if (results[k].Draws > maxDraws)
                        {
                            maxDraws = results[k].Draws;
                            maxWhere = $"frame {index + 1}, copy {k + 1}";
                        }
                    }
                    yield return (frame, results);
                }
            }

            string where = Write(cli, r, folders, outPath, to, direct, Groups().Select(g => new PerturbFolderGroup(g.Input, g.Made.Select(m => m.Frame).ToList())), "perturb");
            cli.Note($"perturb: {made} structure(s) from {frames} frame(s) → {where} (seed {userSeed})");
            string guard = options.Guard.IsActive ? $" under the distance guard ({options.Guard})" : " (no distance guard)";
            cli.Note($"perturb: {draws} draw(s) in all{guard}, at most {maxDraws} for one structure{(maxDraws > 1 ? $" ({maxWhere})" : "")}");
            return CliContext.Success;
        }));
        return command;
    }

    // ---- pieces shared with RattleCommand ----

    internal static (Option<double?> MinRatio, Option<string[]> Pairs) GuardOptions(string ratioDescription)
    {
        var minRatio = new Option<double?>("--min-ratio") { Description = ratioDescription, HelpName = "R" };
        var pairs = new Option<string[]>("--pair-distance")
        {
            Description = "Minimum distance of one element pair, Å, overriding the rules above for that pair, e.g. --pair-distance Si-C=1.6 (repeatable)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "A-B=Å",
        };
        return (minRatio, pairs);
    }

    internal static DistanceGuard Guard(ParseResult r, Option<double?> minDistance, Option<double?> minRatio, Option<string[]> pairs, string distanceName = "--min-distance")
    {
        double d = r.GetValue(minDistance) ?? 0, ratio = r.GetValue(minRatio) ?? 0;
        if (!(d >= 0) || !double.IsFinite(d))
            throw new UsageException($"{distanceName} {d}: must be ≥ 0 Å");
        if (!(ratio >= 0) || !double.IsFinite(ratio))
            throw new UsageException($"--min-ratio {ratio}: must be ≥ 0");
        var list = new List<PairMinimum>();
        foreach (string text in (r.GetValue(pairs) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            try
            {
                list.Add(PairMinimum.Parse(text));
            }
            catch (FormatException e)
            {
                throw new UsageException($"--pair-distance: {e.Message}");
            }
        }
        return new DistanceGuard(d, ratio, list);
    }

    internal static Option<long?> SeedOption() => new("--seed")
    {
        Description = "Random seed: the same seed gives the same output byte for byte (default: a new one, printed). Each structure records its own seed, derived from this one",
        HelpName = "S",
    };

    internal static long ResolveSeed(ParseResult r, Option<long?> seed, CliContext cli, string verb)
    {
        if (r.GetValue(seed) is { } s)
            return s;
        long fresh = PerturbRandom.NewSeed();
        cli.Note($"{verb}: seed {fresh} (give --seed {fresh} to repeat this run)");
        return fresh;
    }

    internal static Option<string> LayoutOption() => new("--layout")
    {
        Description = "flat: one extxyz file or POSCAR folder; folders: OUT/frame-k/POSCAR (the input) + POSCAR-1…N (its copies), and OUT/all/POSCAR-1… (every copy, ready for DFT)",
        DefaultValueFactory = _ => "flat",
        HelpName = "LAYOUT",
    };

    internal static Option<string?> ToOption() => new("--to")
    {
        Description = "Output format: extxyz or poscar-folder (default: from the name; a folder or a name ending in / gets POSCAR-1 … POSCAR-n)",
        HelpName = "FORMAT",
    };

    internal static Option<bool> DirectOption() => new("--direct") { Description = "POSCARs in Direct (fractional) coordinates; the default Cartesian round-trips exactly" };

    /// <summary>True for --layout folders.</summary>
    internal static bool Layout(ParseResult r, Option<string> layout, Option<string?> to)
    {
        bool folders = r.GetValue(layout)!.ToLowerInvariant() switch
        {
            "flat" => false,
            "folders" or "folder" => true,
            var other => throw new UsageException($"--layout {other}: use flat or folders"),
        };
        if (folders && r.GetValue(to) is { } t && CommonOptions.ParseFormat(t) != StructureFormat.PoscarFolder)
            throw new UsageException("--layout folders writes POSCARs in folders: leave out --to");
        return folders;
    }

    /// <summary>Writes the groups flat (extxyz / POSCAR folder) or in the folder layout; returns where, in words.</summary>
    internal static string Write(CliContext cli, ParseResult r, bool folders, string outPath, Option<string?> to, Option<bool> direct,
        IEnumerable<PerturbFolderGroup> groups, string verb)
    {
        bool directCoordinates = r.GetValue(direct);
        if (folders)
        {
            if (outPath == "-")
                throw new UsageException("--layout folders needs a folder for -o, not stdout");
            PerturbFolderLayout.CheckTarget(outPath);
            var summary = PerturbFolderLayout.Write(outPath, groups, new PoscarWriteOptions { Direct = directCoordinates });
            NoteReordered(cli, verb, summary.ReorderedPoscars);
            string range = summary.Groups == 1 ? PerturbFolderLayout.GroupFolder(1) : $"{PerturbFolderLayout.GroupFolder(1)} … {PerturbFolderLayout.GroupFolder(summary.Groups)}";
            return $"{outPath} ({range}, {PerturbFolderLayout.AllFolder}/ with {summary.ForDft} POSCAR(s))";
        }
        var format = CommonOptions.OutputFormat(outPath, r.GetValue(to));
        var frames = groups.SelectMany(g => g.OriginalToDft ? g.Made.Prepend(g.Original) : g.Made);
        var written = StructureWriter.Write(outPath, format, frames, new StructureWriteOptions { Direct = directCoordinates });
        NoteReordered(cli, verb, written.ReorderedPoscars);
        return format == StructureFormat.PoscarFolder ? $"{outPath} (POSCAR-1 … POSCAR-{written.Frames})" : outPath;
    }

    static void NoteReordered(CliContext cli, string verb, int reordered)
    {
        if (reordered > 0)
            cli.Note($"{verb}: {reordered} POSCAR(s) list atoms grouped by species, in another order than the input (VASP needs one block per species)");
    }

    internal static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
