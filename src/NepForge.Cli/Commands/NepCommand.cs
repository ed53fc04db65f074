using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.IO;
using NepForge.Nep;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge nep eval|descriptors|info</c>: evaluate a NEP model (nep.txt) on the CPU: predicted labels and errors
/// against DFT, descriptors for sampling, and a summary of the model file.
/// </summary>
static class NepCommand
{
    public static Command Create(CliContext cli) => new("nep", "NEP models: nep.in and training with GPUMD's nep (init, train, errors), evaluation on the CPU (eval: predictions and errors against DFT labels; descriptors; info)")
    {
        Eval(cli), Descriptors(cli), Info(cli),
    };

    static Option<string> Model() => new("--model", "-m") { Description = "NEP model file (nep.txt)", Required = true, HelpName = "nep.txt" };

    static Option<int> Threads() => CommonOptions.Threads();

    static NepCalculator Calculator(ParseResult r, Option<string> model, Option<int> threads)
    {
        int t = r.GetValue(threads);
        if (t < 0)
            throw new UsageException("--threads must be ≥ 0");
        return new NepCalculator(NepModelReader.Read(r.GetValue(model)!), t);
    }

    static Command Eval(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Structures (extxyz, OUTCAR, vasprun.xml, POSCAR…; \"-\" = stdin)" };
        var model = Model();
        var output = CommonOptions.Output(required: false);
        output.Description = "Write the frames with the predicted energy, forces and virial as labels (DFT labels kept as dft_energy, dft_forces, dft_virial)";
        var json = new Option<bool>("--json") { Description = "Print the error report as JSON" };
        var worst = new Option<int>("--worst") { Description = "Number of worst frames to list", DefaultValueFactory = _ => 5, HelpName = "N" };
        var threads = Threads();
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("eval", "Predict energies, forces and virials; with DFT labels in the input, print RMSE/MAE/R² of energy (meV/atom), force components (meV/Å) and virial (meV/atom), per config_type, and the worst frames")
        {
            input, model, output, json, worst, threads, from, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!;
            string? outPath = r.GetValue(output);
            if (outPath is not null)
                CommonOptions.RefuseInputAsOutput(outPath, inPath, r.GetValue(model)!);
            if (r.GetValue(worst) < 0)
                throw new UsageException("--worst must be ≥ 0");
            var calculator = Calculator(r, model, threads);
            var result = NepEvaluation.Run(calculator, new NepEvaluationOptions
            {
                Input = inPath,
                Format = CommonOptions.ParseFormat(r.GetValue(from)),
                ReadOptions = CommonOptions.ReadOptions(r, cli, skipBad),
                Output = outPath,
                WriteOptions = new StructureWriteOptions { WriteStress = r.GetValue(stress) },
            }, cli.Progress);
            var (frames, atoms, stats) = (result.Frames, result.Atoms, result.Statistics);
            string target = outPath is null ? "" : $" → {outPath}";
            cli.Note($"nep eval: {frames} frame(s), {atoms} atoms, {calculator.Model.Token} with {calculator.Model.TypeCount} species{target}");
            if (r.GetValue(json))
                cli.Out.WriteLine(NepErrorReport.Of(result, r.GetValue(worst)).ToJson());
            else if (stats.Frames.Count == 0)
                cli.Note("nep eval: the input has no DFT labels, so no errors to report");
            else
                WriteReport(cli.Out, stats, r.GetValue(worst));
            return CliContext.Success;
        }));
        return command;
    }

    static string G(double v) => double.IsNaN(v) ? "–" : v.ToString("0.###", CultureInfo.InvariantCulture);

    static string R2(double v) => double.IsNaN(v) ? "–" : v.ToString("0.#####", CultureInfo.InvariantCulture);

    static void WriteReport(TextWriter o, NepErrorStatistics s, int worst)
    {
        o.WriteLine($"{"",-18} {"RMSE",10} {"MAE",10} {"R²",9} {"values",9}");
        void Row(string name, ErrorAccumulator a)
        {
            if (a.Count > 0)
                o.WriteLine($"{name,-18} {G(a.Rmse),10} {G(a.Mae),10} {R2(a.R2),9} {a.Count,9}");
        }
        Row("energy (meV/atom)", s.Energy);
        Row("force (meV/Å)", s.Force);
        Row("virial (meV/atom)", s.Virial);
        if (s.ByConfigType.Count > 1 || (s.ByConfigType.Count == 1 && !s.ByConfigType.ContainsKey("")))
        {
            o.WriteLine();
            o.WriteLine($"{"config_type",-20} {"frames",7} {"E RMSE",9} {"F RMSE",9} {"W RMSE",9}");
            foreach (var (type, g) in s.ByConfigType)
            {
                int count = s.Frames.Count(f => (f.ConfigType ?? "") == type);
                o.WriteLine($"{(type.Length == 0 ? "(none)" : type),-20} {count,7} {G(g.Energy.Rmse),9} {G(g.Force.Rmse),9} {G(g.Virial.Rmse),9}");
            }
        }
        if (worst == 0)
            return;
        o.WriteLine();
        o.WriteLine("worst frames (frame index from 0):");
        o.WriteLine($"  {"by |ΔE| meV/atom",-24} {"by force RMSE meV/Å",-24}");
        var byEnergy = s.WorstByEnergy(worst).ToList();
        var byForce = s.WorstByForce(worst).ToList();
        for (int k = 0; k < Math.Max(byEnergy.Count, byForce.Count); k++)
        {
            string e = k < byEnergy.Count ? $"#{byEnergy[k].Index} {G(byEnergy[k].EnergyError)}" : "";
            string f = k < byForce.Count ? $"#{byForce[k].Index} {G(byForce[k].ForceRmse)}" : "";
            o.WriteLine($"  {e,-24} {f,-24}");
        }
    }

    static Command Descriptors(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Structures (extxyz, OUTCAR, vasprun.xml, POSCAR…; \"-\" = stdin)" };
        var model = Model();
        var output = new Option<string>("--output", "-o") { Description = "D.npy (float64, rows × dim) or D.csv", Required = true, HelpName = "D.npy|D.csv" };
        var perAtom = new Option<bool>("--per-atom") { Description = "One row per atom, in input order (the default)" };
        var perStructure = new Option<bool>("--per-structure") { Description = "One row per structure: the mean of its atoms' descriptors" };
        var unscaled = new Option<bool>("--unscaled") { Description = "Raw descriptors q instead of q ⊙ q_scaler (the network input, what GPUMD writes)" };
        var threads = Threads();
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("descriptors", "Write NEP descriptors (scaled by q_scaler unless --unscaled) per atom or per structure to .npy or .csv")
        {
            input, model, output, perAtom, perStructure, unscaled, threads, from, skipBad,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            if (r.GetValue(perAtom) && r.GetValue(perStructure))
                throw new UsageException("--per-atom and --per-structure exclude each other");
            bool npy = outPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);
            if (!npy && !outPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"-o {outPath}: the name must end in .npy or .csv");
            bool atomRows = !r.GetValue(perStructure);
            bool scaled = !r.GetValue(unscaled);
            var calculator = Calculator(r, model, threads);
            var format = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            int dim = calculator.Model.Dimension;
            long frames = 0;
            using (var file = AtomicFile.Create(outPath))
            {
                using var writer = new NepDescriptorWriter(file.Stream, npy, dim, atomRows);
                foreach (var batch in NepBatches.Of(StructureReader.Read(inPath, format, CommonOptions.ReadOptions(r, cli, skipBad)), calculator.Threads))
                {
                    var descriptors = calculator.Descriptors(batch, scaled);
                    for (int k = 0; k < batch.Count; k++, frames++)
                    {
                        if (atomRows)
                            writer.WriteAtoms(frames, batch[k], descriptors[k]);
                        else
                            writer.WriteMean(frames, batch[k], descriptors[k]);
                    }
                    cli.Progress.Report(new NepForge.Progress.StepProgress("nep descriptors", frames, 0, "frames"));
                }
                if (frames == 0)
                    throw new InvalidOperationException($"'{inPath}' holds no frames");
                writer.Complete();
                file.Commit();
                cli.Note($"nep descriptors: {frames} frame(s) → {writer.Rows} row(s) × {dim} ({(scaled ? "scaled" : "unscaled")}, {(atomRows ? "per atom" : "per structure")}) → {outPath}");
            }
            return CliContext.Success;
        }));
        return command;
    }

    static Command Info(CliContext cli)
    {
        var file = new Argument<string>("model") { Description = "NEP model file (nep.txt)" };
        var command = new Command("info", "Summarise a nep.txt: version, species, cutoffs, descriptor sizes, network, number of parameters, ZBL") { file };
        command.SetAction(r => cli.Guard(() =>
        {
            string path = r.GetValue(file)!;
            var m = NepModelReader.Read(path);
            var o = cli.Out;
            static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
            o.WriteLine(path);
            o.WriteLine($"  model         {m.Token} (NEP{(int)m.Version}{(m.Zbl is null ? "" : " with ZBL")})");
            o.WriteLine($"  species       {m.TypeCount}: {string.Join(' ', m.Species)}");
            bool uniform = m.RadialCutoffs.Distinct().Count() == 1 && m.AngularCutoffs.Distinct().Count() == 1;
            o.WriteLine(uniform
                ? $"  cutoffs       radial {N(m.RadialCutoffMax)} Å, angular {N(m.AngularCutoffMax)} Å"
                : $"  cutoffs       per species (radial/angular Å): {string.Join(", ", m.Species.Select((e, t) => $"{e} {N(m.RadialCutoffs[t])}/{N(m.AngularCutoffs[t])}"))}");
            o.WriteLine($"  n_max         radial {m.NMaxRadial}, angular {m.NMaxAngular}; basis_size {m.BasisRadial} {m.BasisAngular}");
            string invariants = m.Invariants.Count == 0 ? "none" : string.Join(", ", m.Invariants.Select(NepInvariantName));
            o.WriteLine($"  l_max         {m.LMax} (3-body); higher-order: {invariants}");
            o.WriteLine($"  descriptor    {m.Dimension} components ({m.RadialDimension} radial + {m.Dimension - m.RadialDimension} angular)");
            string networks = m.Version == NepVersion.Nep3 ? "one network shared by all species" : "one network per species";
            o.WriteLine($"  network       {m.Neurons} hidden neurons, {networks}");
            o.WriteLine($"  parameters    {m.ParameterCount} (+ {m.Dimension} q_scaler{(m.Zbl is { Kind: NepZblKind.Flexible } z ? $" + {z.FlexibleParameters.Count} ZBL" : "")})");
            if (m.Zbl is { } zbl)
            {
                o.WriteLine(zbl.Kind switch
                {
                    NepZblKind.Universal => $"  zbl           universal, switched off between {N(zbl.InnerCutoff)} and {N(zbl.OuterCutoff)} Å",
                    NepZblKind.Typewise => $"  zbl           universal, per pair up to min((R_cov,i + R_cov,j) × {N(zbl.TypewiseFactor)}, {N(zbl.OuterCutoff)} Å)",
                    _ => "  zbl           flexible (per-pair radii and screening from the file)",
                });
            }
            return CliContext.Success;
        }));
        return command;
    }

    static string NepInvariantName(NepInvariant i) => i switch
    {
        NepInvariant.Q222 => "q_222 (4-body)",
        NepInvariant.Q1111 => "q_1111 (5-body)",
        _ => "q_" + i.ToString()[1..],
    };
}
