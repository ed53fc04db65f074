using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge supercell IN -o OUT --size 2 2 1</c> (or <c>--matrix "2 0 0 0 2 0 0 0 1"</c>): repeat every frame;
/// energy and virial × the number of copies, forces tiled, provenance kept.
/// </summary>
public static class SupercellCommand
{
    /// <summary>Default of <c>--max-atoms</c>.</summary>
    public const long DefaultMaxAtoms = 100_000;

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var input = new Argument<string>("input") { Description = "Frames to repeat (extxyz, POSCAR, OUTCAR…; \"-\" = stdin)" };
        var output = CommonOptions.Output();
        var size = new Option<int[]>("--size")
        {
            Description = "Repetitions along a, b, c, e.g. --size 2 2 1",
            AllowMultipleArgumentsPerToken = true,
            Arity = new ArgumentArity(3, 3),
            HelpName = "N",
        };
        var matrix = new Option<string?>("--matrix")
        {
            Description = "Integer matrix P, row-major, new cell = P × old cell (rows a, b, c), e.g. \"1 -1 0 1 1 0 0 0 1\"",
            HelpName = "\"P11 … P33\"",
        };
        var maxAtoms = new Option<long>("--max-atoms")
        {
            Description = "Stop when a supercell would exceed N atoms",
            DefaultValueFactory = _ => DefaultMaxAtoms,
            HelpName = "N",
        };
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var species = CommonOptions.Species();
        var command = new Command("supercell",
            "Repeat every frame: --size NA NB NC or --matrix \"9 integers\"; energy and virial × copies, forces tiled, provenance kept")
        {
            input, output, size, matrix, maxAtoms, from, skipBad, species,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, inPath);
            var sizes = r.GetValue(size);
            string? text = r.GetValue(matrix);
            if ((sizes is { Length: > 0 }) == (text is not null))
                throw new UsageException("give exactly one of --size NA NB NC and --matrix \"P11 … P33\"");
            int[,] p;
            try
            {
                p = text is not null
                    ? Supercell.ParseMatrix(text)
                    : Supercell.ParseMatrix(string.Join(' ', sizes!.Select(s => s.ToString(CultureInfo.InvariantCulture))));
                if (sizes is { Length: > 0 } && sizes.Any(s => s < 1))
                    throw new FormatException("every --size must be ≥ 1");
                Supercell.Copies(p); // checks the determinant
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UsageException($"{(text is not null ? "--matrix" : "--size")}: {e.Message}");
            }
            long limit = r.GetValue(maxAtoms);
            if (limit < 1)
                throw new UsageException("--max-atoms must be ≥ 1");
            var format = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            long frames = 0, largest = 0;
            IEnumerable<Frame> Repeated()
            {
                foreach (var f in StructureReader.Read(inPath, format, CommonOptions.ReadOptions(r, cli, skipBad, species)))
                {
                    long atoms = Supercell.AtomCount(f, p);
                    if (atoms > limit)
                    {
                        throw new InvalidOperationException(
                            $"frame {frames} ({f.AtomCount} atoms) would become {atoms} atoms, more than --max-atoms {limit}; raise --max-atoms if that is intended");
                    }
                    if (f.Lattice is null)
                        throw new InvalidOperationException($"frame {frames} has no cell: a supercell needs lattice vectors");
                    frames++;
                    largest = Math.Max(largest, atoms);
                    yield return Supercell.Make(f, p);
                }
            }
            long written = ExtXyzWriter.WriteFile(outPath, Repeated(), CommonOptions.XyzWrite(r, stress));
            long copies = Supercell.Copies(p);
            string shape = text ?? string.Join("×", sizes!.Select(s => s.ToString(CultureInfo.InvariantCulture)));
            cli.Note($"supercell: {written} frame(s) × {copies} cop{(copies == 1 ? "y" : "ies")} ({shape}), largest {largest} atoms → {outPath}");
            return CliContext.Success;
        }));
        return command;
    }
}
