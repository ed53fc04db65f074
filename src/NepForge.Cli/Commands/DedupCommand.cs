using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge dedup IN -o OUT [--tolerance 1e-3]</c>: drop frames that repeat an earlier one (same species sequence,
/// cell and positions within the tolerance, periodic images included), streaming.
/// </summary>
public static class DedupCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var input = new Argument<string>("input") { Description = "Dataset (extxyz, OUTCAR, vasprun.xml…; \"-\" = stdin)" };
        var output = CommonOptions.Output();
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Largest displacement of any atom (and difference of any cell component), Å, that still makes a duplicate",
            DefaultValueFactory = _ => 1e-3,
            HelpName = "TOL",
        };
        var dropped = new Option<string?>("--dropped")
        {
            Description = "Also write the dropped frames here, each with duplicate_of=<index of the kept frame in the input>",
            HelpName = "FILE",
        };
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("dedup",
            "Drop duplicate frames: same species order, cell and positions within --tolerance Å (atoms wrapped or shifted by lattice vectors still match); the first copy is kept")
        {
            input, output, tolerance, dropped, from, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, inPath);
            string? dropPath = r.GetValue(dropped);
            double tol = r.GetValue(tolerance);
            if (!(tol > 0 && tol < 1))
                throw new UsageException($"--tolerance must be in (0, 1) Å, got {tol.ToString(CultureInfo.InvariantCulture)}");
            if (dropPath is not null && dropPath == outPath)
                throw new UsageException("--dropped and -o must be different files");
            var format = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            var index = new DedupIndex(tol);
            long read = 0, removed = 0;

            using var dropFile = dropPath is null ? null : AtomicFile.Create(dropPath);
            var dropWriter = dropFile is null ? null : new ExtXyzWriter(dropFile.Stream, CommonOptions.XyzWrite(r, stress), leaveOpen: true);
            IEnumerable<Frame> Unique()
            {
                foreach (var f in StructureReader.Read(inPath, format, CommonOptions.ReadOptions(r, cli, skipBad)))
                {
                    long i = read++;
                    if (index.FindOrAdd(f, i) is not { } first)
                    {
                        yield return f;
                        continue;
                    }
                    removed++;
                    dropWriter?.Write(f); // the index recorded duplicate_of in the frame
                }
            }
            long kept = ExtXyzWriter.WriteFile(outPath, Unique(), CommonOptions.XyzWrite(r, stress));
            if (dropWriter is not null)
            {
                dropWriter.Dispose(); // flushes into the temporary file, which the commit then renames
                dropFile!.Commit();
            }
            string where = dropPath is null ? "" : $" → {dropPath}";
            cli.Note($"dedup: kept {kept} of {read} frame(s), dropped {removed} duplicate(s) (tolerance {tol.ToString("G6", CultureInfo.InvariantCulture)} Å){where} → {outPath}");
            return CliContext.Success;
        }));
        return command;
    }
}
