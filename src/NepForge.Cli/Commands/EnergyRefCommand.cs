using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Sampling.Curation;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge energy-ref IN -o OUT [--ref H=-13.6 …] [--undo]</c>: subtract (or add back) per-species reference energies.</summary>
static class EnergyRefCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Labelled dataset (extxyz, OUTCAR, …; \"-\" = stdin)" };
        var output = CommonOptions.Output();
        var refs = new Option<string[]>("--ref")
        {
            Description = "Isolated-atom energies, eV, computed with the same engine and settings, e.g. --ref H=-13.6 O=-432.1 (default: a least-squares fit per species over the dataset)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "EL=eV",
        };
        var undo = new Option<bool>("--undo") { Description = "Add each frame's recorded energy_ref_shift back and remove it" };
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("energy-ref", "Subtract per-species reference energies (least-squares fit over the dataset, or isolated-atom energies with --ref) so energies sit near 0 eV/atom; each frame records energy_ref_shift, undone with --undo")
        {
            input, output, refs, undo, from, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            var given = r.GetValue(refs) ?? [];
            if (r.GetValue(undo) && given.Length > 0)
                throw new UsageException("--undo uses the shift recorded in each frame: leave out --ref");
            var format = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            var frames = StructureReader.Read(inPath, format, CommonOptions.ReadOptions(r, cli, skipBad)).ToList();
            if (r.GetValue(undo))
            {
                int undone = frames.Count(EnergyReference.Undo);
                ExtXyzWriter.WriteFile(outPath, frames, CommonOptions.XyzWrite(r, stress));
                cli.Note($"energy-ref: shift added back to {undone} of {frames.Count} frame(s) → {outPath}");
                return CliContext.Success;
            }
            EnergyReference reference;
            string how;
            if (given.Length > 0)
            {
                try
                {
                    reference = EnergyReference.Parse(given);
                }
                catch (FormatException e)
                {
                    throw new UsageException($"--ref: {e.Message}");
                }
                how = "given";
            }
            else
            {
                var (fitted, rms) = EnergyReference.Fit(frames);
                reference = fitted;
                how = string.Create(CultureInfo.InvariantCulture, $"least-squares fit over {frames.Count(f => f.Energy is not null)} frame(s), residual RMS {rms * 1000:F1} meV/atom");
            }
            foreach (var f in frames)
                reference.Apply(f);
            long n = ExtXyzWriter.WriteFile(outPath, frames, CommonOptions.XyzWrite(r, stress));
            cli.Out.WriteLine($"reference energies (eV/atom), {how}:");
            foreach (var (element, energy) in reference.References)
                cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {element.Symbol,-3} {energy,18:F8}"));
            var perAtom = frames.Where(f => f.Energy is not null && f.AtomCount > 0).Select(f => f.Energy!.Value / f.AtomCount).ToList();
            if (perAtom.Count > 0)
                cli.Note(string.Create(CultureInfo.InvariantCulture, $"energy-ref: {n} frame(s) → {outPath}; energy per atom now {perAtom.Min():F4} … {perAtom.Max():F4} eV"));
            return CliContext.Success;
        }));
        return command;
    }
}
