using System.CommandLine;
using NepForge.Formats;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge convert IN -o OUT</c>: between extxyz, POSCAR and folders of POSCARs.</summary>
static class ConvertCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Input file or folder of POSCARs (\"-\" = stdin, extxyz)" };
        var output = CommonOptions.Output();
        var from = CommonOptions.From();
        var to = new Option<string?>("--to")
        {
            Description = "Output format: extxyz, poscar or poscar-folder (default: from the name; a folder or a name ending in / gets POSCAR-1 … POSCAR-n)",
            HelpName = "FORMAT",
        };
        var skipBad = CommonOptions.SkipBad();
        var species = CommonOptions.Species();
        var direct = new Option<bool>("--direct") { Description = "POSCAR output in Direct (fractional) coordinates; the default Cartesian round-trips exactly" };
        var strip = new Option<bool>("--strip-labels") { Description = "Drop energy, forces and virial (e.g. MD frames going to DFT)" };
        var configType = new Option<string?>("--config-type") { Description = "Set config_type on every frame", HelpName = "NAME" };
        var weight = new Option<double?>("--weight") { Description = "Set the NEP weight on every frame (0 < w ≤ 100)", HelpName = "W" };

        var command = new Command("convert", "Convert between extended XYZ and POSCAR: one extxyz to a folder of POSCAR-1 … POSCAR-n, a folder of POSCARs back to one extxyz")
        {
            input, output, from, to, skipBad, species, direct, strip, configType, weight,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, inPath);
            var inFormat = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            var outFormat = CommonOptions.OutputFormat(outPath, r.GetValue(to));
            double? w = r.GetValue(weight);
            if (w is { } wv && (wv <= 0 || wv > 100))
                throw new UsageException($"--weight {wv}: GPUMD's nep accepts 0 < weight ≤ 100");
            string? ct = r.GetValue(configType);
            var frames = StructureReader.Read(inPath, inFormat, CommonOptions.ReadOptions(r, cli, skipBad, species)).Select(f =>
            {
                if (ct is not null)
                    f.Info.ConfigType = ct;
                if (w is not null)
                    f.Info.Weight = w;
                return f;
            });
            var summary = StructureWriter.Write(outPath, outFormat, frames,
                new StructureWriteOptions { Direct = r.GetValue(direct), StripLabels = r.GetValue(strip), WriteStress = r.GetValue(stress) });
            string where = outFormat == StructureFormat.PoscarFolder ? $"{outPath} (POSCAR-1 … POSCAR-{summary.Frames})" : outPath;
            cli.Note($"convert: {summary.Frames} frame(s) → {where}");
            if (summary.ReorderedPoscars > 0)
                cli.Note($"convert: {summary.ReorderedPoscars} POSCAR(s) list atoms grouped by species, in another order than the input (VASP needs one block per species)");
            return CliContext.Success;
        }));
        return command;
    }
}
