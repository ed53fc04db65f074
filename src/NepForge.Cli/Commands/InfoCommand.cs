using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge info FILE…</c>: frames, atoms, species, labels present, energy/atom and |F| ranges.</summary>
static class InfoCommand
{
    public static Command Create(CliContext cli)
    {
        var files = new Argument<string[]>("files") { Description = "Structure files or folders of POSCARs (\"-\" = stdin)", Arity = ArgumentArity.OneOrMore };
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("info", "Summarise datasets: frames, atoms, species counts, labels present, energy/atom, |F|, pressure and volume ranges, config_types")
        {
            files, from, skipBad, json,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            var format = CommonOptions.ParseFormat(r.GetValue(from));
            var summaries = new List<(string File, DatasetSummary Summary)>();
            foreach (var file in r.GetValue(files)!)
            {
                var s = new DatasetSummary();
                foreach (var f in StructureReader.Read(file, format ?? StructureFormats.DetectInput(file), CommonOptions.ReadOptions(r, cli, skipBad)))
                    s.Add(f);
                summaries.Add((file, s));
            }
            if (r.GetValue(json))
                cli.Out.WriteLine(DatasetSummary.ToJson(summaries));
            else
                foreach (var (file, s) in summaries)
                    WriteText(cli.Out, file, s);
            return CliContext.Success;
        }));
        return command;
    }

    static string G(double v, int digits = 6) => double.IsNaN(v) ? "–" : v.ToString("G" + digits, CultureInfo.InvariantCulture);

    static void WriteText(TextWriter o, string file, DatasetSummary s)
    {
        o.WriteLine(file);
        o.WriteLine($"  frames        {s.Frames}");
        string perFrame = s.Frames == 0 ? "" : s.AtomsPerFrame.Min == s.AtomsPerFrame.Max
            ? $" ({s.AtomsPerFrame.Min} per frame)"
            : $" ({s.AtomsPerFrame.Min}…{s.AtomsPerFrame.Max} per frame)";
        o.WriteLine($"  atoms         {s.Atoms}{perFrame}");
        o.WriteLine($"  species       {string.Join(", ", s.SpeciesInOrder.Select(e => $"{e.Symbol} {Count(s.Species, e)}"))}");
        o.WriteLine($"  labels        energy {s.WithEnergy}/{s.Frames}, forces {s.WithForces}/{s.Frames}, virial {s.WithVirial}/{s.Frames}, cell {s.WithLattice}/{s.Frames}");
        if (s.WithEnergy > 0)
        {
            string kinds = s.EnergyKinds.Count > 0 ? $"; kind {string.Join(", ", s.EnergyKinds)}" : "";
            o.WriteLine($"  energy        {G(s.EnergyPerAtom.Min)} … {G(s.EnergyPerAtom.Max)} eV/atom (mean {G(s.MeanEnergyPerAtom)}){kinds}");
        }
        if (s.WithForces > 0)
            o.WriteLine($"  |F|           {G(s.ForceMagnitude.Min, 4)} … {G(s.ForceMagnitude.Max, 4)} eV/Å (RMS component {G(s.ForceRms, 4)})");
        if (s.WithVirial > 0 && !double.IsNaN(s.PressureGpa.Min))
            o.WriteLine($"  pressure      {G(s.PressureGpa.Min, 4)} … {G(s.PressureGpa.Max, 4)} GPa");
        if (s.WithLattice > 0)
            o.WriteLine($"  volume        {G(s.VolumePerAtom.Min, 5)} … {G(s.VolumePerAtom.Max, 5)} Å³/atom");
        o.WriteLine($"  config_type   {string.Join(", ", s.ConfigTypesInOrder.Select(c => $"{(c.Length == 0 ? "(none)" : c)} {Count(s.ConfigTypes, c)}"))}");
    }

    static long Count<TKey>(IReadOnlyDictionary<TKey, long> counts, TKey key) => counts.TryGetValue(key, out long n) ? n : 0;
}
