using System.CommandLine;
using NepForge.Formats;
using NepForge.Sampling.Generation;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge rattle IN -o OUT --std S --d-min D</c>: hiphive's Monte-Carlo rattle with a minimum distance, M copies
/// per frame; <c>--keep-first K</c> passes the first K frames through unchanged (the seed workflow in one call).
/// </summary>
public static class RattleCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Structures to rattle: extxyz, POSCAR, a folder of POSCARs, OUTCAR, vasprun.xml or XDATCAR (\"-\" = stdin, extxyz)" };
        var output = CommonOptions.Output();
        output.Description = "Output: extxyz file, a folder (ending in /) of POSCAR-1 … POSCAR-n, or with --layout folders the folder of frame-k/ and all/";
        var std = new Option<double>("--std") { Description = "Standard deviation of each component of a trial move, Å (hiphive's rattle_std; after --iterations sweeps a free atom has moved ≈ std·√iterations per component)", Required = true, HelpName = "Å" };
        var dMin = new Option<double?>("--d-min", "--min-distance")
        {
            Description = "d_min, Å: a move leaving an atom at distance d from its nearest neighbour is accepted with probability (erf((d − d_min)/width) + 1)/2",
            HelpName = "Å",
        };
        var (minRatio, pairDistance) = PerturbCommand.GuardOptions("d_min per element pair as R × the sum of the two covalent radii (instead of or with --d-min: the larger applies)");
        var width = new Option<double>("--width") { Description = "Width of the acceptance error function, Å (hiphive's default 0.1); 0 = hard wall, no pair ever ends below d_min", DefaultValueFactory = _ => 0.1, HelpName = "Å" };
        var iterations = new Option<int>("--iterations") { Description = "Monte-Carlo sweeps over all atoms (hiphive's n_iter)", DefaultValueFactory = _ => 10, HelpName = "N" };
        var count = new Option<int>("--count", "-n") { Description = "Rattled copies of each frame (after --keep-first)", DefaultValueFactory = _ => 1, HelpName = "M" };
        var keepFirst = new Option<long>("--keep-first") { Description = "Pass the first K frames through unchanged (labels and all) and rattle only the later ones", HelpName = "K" };
        var maxDisp = new Option<double>("--max-disp") { Description = "Reject moves taking an atom farther than this from its start, Å (hiphive's max_disp)", DefaultValueFactory = _ => 2.0, HelpName = "Å" };
        var maxAttempts = new Option<int>("--max-attempts") { Description = "Trial moves per atom and sweep before stopping with an error (hiphive's max_attempts)", DefaultValueFactory = _ => 5000, HelpName = "N" };
        var seed = PerturbCommand.SeedOption();
        var configType = new Option<string?>("--config-type") { Description = "config_type of the rattled structures (default: the input's + \"_rattled\")", HelpName = "NAME" };
        var layout = PerturbCommand.LayoutOption();
        var to = PerturbCommand.ToOption();
        var direct = PerturbCommand.DirectOption();
        var from = CommonOptions.From();
        var species = CommonOptions.Species();
        var skipBad = CommonOptions.SkipBad();

        var oldCopies = CommonOptions.HiddenAlias("--copies", count);
        var command = new Command("rattle", "Monte-Carlo rattle with a minimum distance (hiphive's mc_rattle), seeded: M copies per frame, optionally keeping the first K frames as they are")
        {
            input, output, std, dMin, minRatio, pairDistance, width, iterations, count, oldCopies, keepFirst, maxDisp, maxAttempts,
            seed, configType, layout, to, direct, from, species, skipBad,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, inPath);
            int m = CommonOptions.Either(r, count, oldCopies);
            long keep = r.GetValue(keepFirst);
            if (m < 1)
                throw new UsageException("--count must be ≥ 1");
            if (keep < 0)
                throw new UsageException("--keep-first must be ≥ 0");
            var guard = PerturbCommand.Guard(r, dMin, minRatio, pairDistance, "--d-min");
            if (!guard.IsActive)
                throw new UsageException("give the minimum distance: --d-min Å, --min-ratio R (× covalent radii) or --pair-distance A-B=Å");
            var options = new RattleOptions
            {
                Std = r.GetValue(std),
                MinDistance = guard,
                Width = r.GetValue(width),
                Iterations = r.GetValue(iterations),
                MaxDisplacement = r.GetValue(maxDisp),
                MaxAttempts = r.GetValue(maxAttempts),
                ConfigType = r.GetValue(configType),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            var rattler = new Rattler(options);
            bool folders = PerturbCommand.Layout(r, layout, to);
            var inFormat = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            var inputs = StructureReader.Read(inPath, inFormat, CommonOptions.ReadOptions(r, cli, skipBad, species));
            long userSeed = PerturbCommand.ResolveSeed(r, seed, cli, "rattle");

            long frames = 0, kept = 0, rattledFrames = 0, made = 0, attempts = 0;
            double sumSq = 0, maxDisplacement = 0;
            long atoms = 0;
            IEnumerable<PerturbFolderGroup> Groups()
            {
                foreach (var frame in inputs)
                {
                    long index = frames++;
                    if (index < keep)
                    {
                        kept++;
                        yield return new PerturbFolderGroup(frame, [], OriginalToDft: true);
                        continue;
                    }
                    rattledFrames++;
                    var results = rattler.Rattle(frame, userSeed, index, m);
                    foreach (var res in results)
                    {
                        made++;
                        attempts += res.Attempts;
                        sumSq += res.RmsDisplacement * res.RmsDisplacement * res.Frame.AtomCount;
                        atoms += res.Frame.AtomCount;
                        maxDisplacement = Math.Max(maxDisplacement, res.MaxDisplacement);
                    }
                    yield return new PerturbFolderGroup(frame, results.Select(x => x.Frame).ToList());
                }
            }

            string where = PerturbCommand.Write(cli, r, folders, outPath, to, direct, Groups(), "rattle");
            string keptText = keep > 0 ? $"kept {kept} frame(s) as they are, " : "";
            cli.Note($"rattle: {keptText}rattled {rattledFrames} frame(s) into {made} structure(s) → {where} (seed {userSeed})");
            if (made > 0)
            {
                long accepted = atoms * options.Iterations;
                cli.Note($"rattle: displacement rms {PerturbCommand.Format(Math.Sqrt(sumSq / Math.Max(atoms, 1)))} Å, max {PerturbCommand.Format(maxDisplacement)} Å; " +
                         $"{PerturbCommand.Format(attempts / (double)Math.Max(accepted, 1))} trial move(s) per accepted move");
            }
            if (keep > 0 && frames < keep)
                cli.Note($"rattle: the input has only {frames} frame(s), fewer than --keep-first {keep}: nothing was rattled");
            return CliContext.Success;
        }));
        return command;
    }
}
