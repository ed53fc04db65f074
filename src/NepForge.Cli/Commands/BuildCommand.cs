using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge build box --molecule H2O --count 32 [--molecule CO2 --count 4] (--box A [B C] | --density RHO) -o OUT</c>:
/// molecules packed by packmol into a periodic box, checked for overlaps across the boundaries.
/// </summary>
public static class BuildCommand
{
    /// <summary>The <c>build</c> verb with its subcommands.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        return new Command("build", "Build starting structures: `build box` packs molecules into a periodic box with packmol")
        {
            Box(cli),
        };
    }

    static Command Box(CliContext cli)
    {
        var molecule = new Option<string[]>("--molecule", "-m")
        {
            Description = $"Molecule to pack: built-in {string.Join(", ", Molecule.BuiltinNames)} or an xyz file; repeat with --count for a mixture",
            Required = true,
            HelpName = "NAME|FILE",
        };
        var count = new Option<int[]>("--count", "-n")
        {
            Description = "How many of the molecule given at the same position (1st --count for the 1st --molecule, …)",
            Required = true,
            HelpName = "N",
        };
        var box = new Option<double[]>("--box")
        {
            Description = "Box lengths in Å: A (cubic) or A B C (orthorhombic)",
            AllowMultipleArgumentsPerToken = true,
            Arity = new ArgumentArity(1, 3),
            HelpName = "A [B C]",
        };
        var density = new Option<double?>("--density") { Description = "Density in g/cm³ instead of --box: a cubic box from the total mass", HelpName = "RHO" };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Smallest distance between atoms of different molecules, Å (packmol tolerance)",
            DefaultValueFactory = _ => 2.0,
            HelpName = "Å",
        };
        var margin = new Option<double?>("--margin")
        {
            Description = "Gap kept free on each face of the box so periodic images respect the tolerance, Å (default: tolerance/2)",
            HelpName = "Å",
        };
        var seed = new Option<int?>("--seed") { Description = "packmol seed, ≥ 0 (default: random; the seed used is printed and recorded)", HelpName = "S" };
        var nloop = new Option<int?>("--nloop") { Description = "packmol nloop: more optimisation loops for hard packings (packmol's default 50 per molecule type)", HelpName = "N" };
        var configType = new Option<string?>("--config-type") { Description = "config_type of the frame (default e.g. box_H2O32_CO24)", HelpName = "NAME" };
        var packmol = new Option<string?>("--packmol") { Description = "packmol executable (default: packmol on PATH)", HelpName = "PATH" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output file: extxyz (.xyz, \"-\" = stdout) or a POSCAR name",
            Required = true,
            HelpName = "OUT",
        };

        var command = new Command("box", "Pack molecules into a periodic box with packmol (apt-get install packmol): --molecule H2O --count 32 [--molecule CO2 --count 4 …] --box A [B C] | --density RHO")
        {
            molecule, count, box, density, tolerance, margin, seed, nloop, configType, packmol, output,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string[] names = r.GetValue(molecule) ?? [];
            int[] counts = r.GetValue(count) ?? [];
            if (names.Length != counts.Length)
                throw new UsageException($"give one --count per --molecule ({names.Length} molecule(s), {counts.Length} count(s))");
            if (counts.Any(c => c < 1))
                throw new UsageException("every --count must be ≥ 1");
            double[]? lengths = r.GetValue(box);
            double? rho = r.GetValue(density);
            if ((lengths is { Length: > 0 }) == (rho is not null))
                throw new UsageException("give either --box A [B C] or --density RHO");
            Vec3? boxLengths = null;
            if (lengths is { Length: > 0 })
            {
                if (lengths.Length == 2)
                    throw new UsageException("--box takes 1 (cubic) or 3 lengths");
                boxLengths = lengths.Length == 1 ? new Vec3(lengths[0], lengths[0], lengths[0]) : new Vec3(lengths[0], lengths[1], lengths[2]);
                if (!(boxLengths.Value.X > 0 && boxLengths.Value.Y > 0 && boxLengths.Value.Z > 0))
                    throw new UsageException("--box lengths must be > 0");
            }
            if (rho is { } d && !(d > 0))
                throw new UsageException("--density must be > 0");
            double tol = r.GetValue(tolerance);
            if (!(tol > 0))
                throw new UsageException("--tolerance must be > 0");
            if (r.GetValue(margin) is { } mg && !(mg >= 0))
                throw new UsageException("--margin must be ≥ 0");
            if (r.GetValue(seed) is < 0)
                throw new UsageException("--seed must be ≥ 0");
            if (r.GetValue(nloop) is < 1)
                throw new UsageException("--nloop must be ≥ 1");
            string outPath = r.GetValue(output)!;
            var format = CommonOptions.OutputFormat(outPath);

            var species = names.Select((n, i) => new BoxSpecies(MoleculeFile.Resolve(n), counts[i])).ToList();
            int seedUsed = r.GetValue(seed) ?? Random.Shared.Next(0, int.MaxValue);
            var options = new BoxBuildOptions
            {
                Species = species,
                Box = boxLengths,
                Density = rho,
                Tolerance = tol,
                Margin = r.GetValue(margin),
                Seed = seedUsed,
                Nloop = r.GetValue(nloop),
                ConfigType = r.GetValue(configType),
                PackmolExecutable = r.GetValue(packmol),
            };
            int atoms = species.Sum(s => s.Count * s.Molecule.AtomCount);
            string what = string.Join(" + ", species.Select(s => $"{s.Count} {s.Molecule.Name}"));
            cli.Note($"build box: packing {what} ({atoms} atoms), tolerance {G(tol)} Å, margin {G(options.Margin ?? tol / 2)} Å, seed {seedUsed}");

            var result = BoxBuilder.Build(options);
            var lat = result.Frame.Lattice!.Lengths;
            string version = result.Packmol.Version is { } v ? $"packmol {v}" : "packmol";
            if (result.Packmol.PerfectPacking)
            {
                cli.Note($"build box: {version}: Success! ({result.Packmol.Elapsed.TotalSeconds:0.##} s)");
            }
            else
            {
                cli.Note($"warning: {version} ended without a perfect packing ({result.Packmol.Elapsed.TotalSeconds:0.##} s): its best solution is kept " +
                         "and the distances were checked below; a larger box, lower density or --nloop may help. The end of its output:");
                cli.Note(result.Packmol.LogTail(8));
            }
            string closest = result.MinIntermolecularDistance is { } md
                ? $"{G(md)} Å"
                : $"more than {G(2 * tol)} Å";
            cli.Note($"build box: {G(lat.X)} × {G(lat.Y)} × {G(lat.Z)} Å, {G(result.Density)} g/cm³; closest atoms of different molecules " +
                     $"(periodic images included): {closest}");

            var summary = StructureWriter.Write(outPath, format, [result.Frame]);
            cli.Note($"build box: {atoms} atoms, config_type {result.Frame.Info.ConfigType} → {string.Join(", ", summary.Paths)}");
            return CliContext.Success;
        }));
        return command;
    }

    static string G(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
