using System.CommandLine;
using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.IO;
using NepForge.Training;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge nep errors DIR [-o errors.csv] [--factor 3] [--worst 20]</c>: per-structure errors of a training run
/// mapped onto train.xyz frames, and the outliers.
/// </summary>
public static class NepErrorsCommand
{
    /// <summary>The <c>errors</c> subcommand of <c>nep</c>.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var dir = new Argument<string>("dir") { Description = "Training folder with train.xyz, energy_train.out, force_train.out (virial_train.out optional)" };
        var output = new Option<string>("--output", "-o") { Description = "CSV table (\"-\" = stdout)", DefaultValueFactory = _ => "-", HelpName = "OUT.csv" };
        var factor = new Option<double>("--factor") { Description = "Outlier: energy error or force RMSE above this × the overall RMSE", DefaultValueFactory = _ => 3.0 };
        var top = new Option<int>("--worst") { Description = "Worst frames (outliers) to list, as in `nep eval --worst`", DefaultValueFactory = _ => 20, HelpName = "N" };
        var oldTop = CommonOptions.HiddenAlias("--top", top);
        var set = new Option<string>("--set") { Description = "train (train.xyz, *_train.out) or test (test.xyz, *_test.out; nep keeps the test set in file order)", DefaultValueFactory = _ => "train" };
        set.AcceptOnlyFromAmong("train", "test");
        var command = new Command("errors", "Per-structure energy/force/virial errors from *_train.out mapped to train.xyz frames (full-batch runs), with an outlier list")
        {
            dir, output, factor, top, oldTop, set,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string folder = r.GetValue(dir)!;
            string which = r.GetValue(set)!;
            string P(string name) => Path.Combine(folder, name.Replace("train", which, StringComparison.Ordinal));
            foreach (var need in Required)
            {
                if (!File.Exists(P(need)))
                    throw new IOException($"'{P(need)}' does not exist");
            }
            var frames = ExtXyzReader.ReadFrames(P("train.xyz")).ToList();
            var energy = PredictionFile.Read(P("energy_train.out"));
            var force = PredictionFile.Read(P("force_train.out"));
            var virial = File.Exists(P("virial_train.out")) ? PredictionFile.Read(P("virial_train.out")) : null;
            List<StructureError> rows;
            try
            {
                rows = NepErrorTable.Build(frames, energy, force, virial);
            }
            catch (NepOrderMismatchException e)
            {
                string why = which == "test" ? e.Message.Replace("train", "test", StringComparison.Ordinal) : e.Message;
                if (!File.Exists(Path.Combine(folder, "nep.txt")))
                {
                    cli.Note($"nep errors: {why}; and there is no nep.txt in {folder} to recompute them with");
                    return CliContext.Failure;
                }
                // The rows cannot be mapped back: evaluate the run's own model on every frame instead.
                cli.Note($"nep errors: the *_{which}.out rows do not follow {which}.xyz (nep reordered them into batches); recomputing with the CPU NEP evaluator from nep.txt");
                rows = NepErrorTable.FromModel(frames, new NepForge.Nep.NepCalculator(NepForge.Nep.NepModelReader.Read(Path.Combine(folder, "nep.txt"))));
            }
            AtomicFile.Write(r.GetValue(output)!, s =>
            {
                using var w = new StreamWriter(s, leaveOpen: true);
                w.WriteLine("frame,config_type,atoms,e_nep_ev_per_atom,e_target_ev_per_atom,de_mev_per_atom,f_rmse_mev_per_a,f_max_abs_mev_per_a,v_rmse_mev_per_atom");
                foreach (var x in rows)
                {
                    w.WriteLine(string.Join(',',
                        x.Index.ToString(CultureInfo.InvariantCulture), Csv(x.ConfigType), x.Atoms.ToString(CultureInfo.InvariantCulture),
                        N(x.EnergyNep), N(x.EnergyTarget), N(1000 * x.EnergyError), N(1000 * x.ForceRmse), N(1000 * x.ForceMaxAbs),
                        double.IsNaN(x.VirialRmse) ? "" : N(1000 * x.VirialRmse)));
                }
            });
            var outliers = NepErrorTable.Outliers(rows, r.GetValue(factor));
            cli.Note($"nep errors: {rows.Count} structure(s) mapped to {which}.xyz; {outliers.Count} outlier(s) above {r.GetValue(factor).ToString("G", CultureInfo.InvariantCulture)} × RMSE (frames numbered from 0)");
            foreach (var (row, why) in outliers.Take(CommonOptions.Either(r, top, oldTop)))
                cli.Note($"  frame {row.Index}{(row.ConfigType is { } ct ? $" ({ct})" : "")}: {why}");
            return CliContext.Success;
        }));
        return command;
    }

    static readonly string[] Required = ["train.xyz", "energy_train.out", "force_train.out"];

    static string N(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    static string Csv(string? s) => s is null ? "" : s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
