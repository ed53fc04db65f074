using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge merge A B … -o OUT</c>: concatenate datasets into one extxyz, streaming.</summary>
static class MergeCommand
{
    public static Command Create(CliContext cli)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Files or POSCAR folders to concatenate, in order (\"-\" = stdin)", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Output();
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("merge", "Concatenate datasets into one extxyz (e.g. the single points of every round into train.xyz)")
        {
            inputs, output, from, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            var format = CommonOptions.ParseFormat(r.GetValue(from));
            var files = r.GetValue(inputs)!;
            string outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, files);
            var counts = new long[files.Length];
            IEnumerable<Frame> All()
            {
                for (int i = 0; i < files.Length; i++)
                {
                    foreach (var f in StructureReader.Read(files[i], format ?? StructureFormats.DetectInput(files[i]), CommonOptions.ReadOptions(r, cli, skipBad)))
                    {
                        counts[i]++;
                        yield return f;
                    }
                }
            }
            long total = ExtXyzWriter.WriteFile(outPath, All(), CommonOptions.XyzWrite(r, stress));
            for (int i = 0; i < files.Length; i++)
                cli.Note($"merge: {counts[i]} frame(s) from {files[i]}");
            cli.Note($"merge: {total} frame(s) → {outPath}");
            return CliContext.Success;
        }));
        return command;
    }
}
