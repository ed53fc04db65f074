using System.CommandLine;
using NepForge.IO;
using NepForge.Plotting;
using NepForge.Sampling.Selection;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge select CANDIDATES… --model nep.txt --base train.xyz --max 100 --min-distance 0.01 -o selected.xyz</c>:
/// active-learning selection by farthest-point sampling in NEP descriptor space, optionally after a committee
/// (or GPUMD active.out) filter by DP-GEN trust levels; JSON report and PCA map.
/// </summary>
static class SelectCommand
{
    public static Command Create(CliContext cli)
    {
        var inputs = new Argument<string[]>("candidates") { Description = "Candidate structure files (extxyz, …); frames keep their source file and index", Arity = ArgumentArity.ZeroOrMore };
        var output = CommonOptions.Output(required: false);
        var model = new Option<string?>("--model", "-m") { Description = "nep.txt whose scaled descriptors define the distance (default: the first --committee model)", HelpName = "NEP" };
        var baseSet = new Option<string?>("--base") { Description = "Training set already selected (e.g. train.xyz); its descriptors are cached in BASE.nfdesc", HelpName = "BASE" };
        var max = new Option<int>("--max") { Description = "Most structures to pick", DefaultValueFactory = _ => 100, HelpName = "N" };
        var minDistance = new Option<double>("--min-distance") { Description = "Pick only candidates strictly farther than this from everything selected", DefaultValueFactory = _ => 0.01, HelpName = "D" };
        var reduction = new Option<string>("--reduction") { Description = "Structure descriptor: mean (over atoms) or per-element (mean and std per species)", DefaultValueFactory = _ => "mean", HelpName = "KIND" };
        reduction.AcceptOnlyFromAmong("mean", "per-element");
        var normalize = new Option<bool>("--normalize") { Description = "Divide features by the base set's std (candidates' without a base)" };
        var byComposition = new Option<bool>("--group-by-composition") { Description = "Give each element set its own budget (√size shares, one seat each, NepTrain v3)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the random first pick when there is no base (drawn and recorded if absent)", HelpName = "S" };
        var perSource = new Option<int?>("--per-source-max") { Description = "Most picks from one candidate file", HelpName = "N" };
        var exclude = new Option<string[]>("--exclude") { Description = "File listing frames to leave out: lines 'FILE INDEX', 'FILE A-B' or 'FILE A-' (0-based)", HelpName = "LIST", AllowMultipleArgumentsPerToken = true };
        var committee = new Option<string[]>("--committee") { Description = "NEP models whose force/virial deviation classifies frames (needs --f-lo/--f-hi)", HelpName = "NEP", AllowMultipleArgumentsPerToken = true };
        var fLo = new Option<double?>("--f-lo") { Description = "Force trust level low, eV/Å", HelpName = "X" };
        var fHi = new Option<double?>("--f-hi") { Description = "Force trust level high, eV/Å", HelpName = "X" };
        var vLo = new Option<double?>("--v-lo") { Description = "Virial trust level low, eV/atom", HelpName = "X" };
        var vHi = new Option<double?>("--v-hi") { Description = "Virial trust level high, eV/atom", HelpName = "X" };
        var active = new Option<string[]>("--active") { Description = "GPUMD run folder(s) with active.out + active.xyz (δ from run.in or --active-threshold)", HelpName = "DIR", AllowMultipleArgumentsPerToken = true };
        var activeThreshold = new Option<double?>("--active-threshold") { Description = "δ of GPUMD's active keyword, when run.in is not beside active.out", HelpName = "X" };
        var report = new Option<string?>("--report") { Description = "JSON report (default OUT with .report.json)", HelpName = "FILE" };
        var plot = new Option<string?>("--plot") { Description = "PCA map SVG (default OUT with .pca.svg)", HelpName = "FILE" };
        var noCache = new Option<bool>("--no-cache") { Description = "Neither read nor write the base descriptor cache" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the report; write nothing" };
        var threads = new Option<int>("--threads", "-t") { Description = "Threads (0 = all)", HelpName = "T" };

        var command = new Command("select", "Active-learning selection: farthest-point sampling in NEP descriptor space against the training set, optional committee / GPUMD active filter")
        {
            inputs, output, model, baseSet, max, minDistance, reduction, normalize, byComposition, seed, perSource, exclude,
            committee, fLo, fHi, vLo, vHi, active, activeThreshold, report, plot, noCache, dryRun, threads,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string? outPath = r.GetValue(output);
            bool dry = r.GetValue(dryRun);
            if (outPath is null && !dry)
                throw new UsageException("give -o OUT (or --dry-run)");
            var committeeModels = r.GetValue(committee) ?? [];
            TrustLevels? trust = null;
            if (r.GetValue(fLo) is double lo && r.GetValue(fHi) is double hi)
                trust = new TrustLevels(lo, hi, r.GetValue(vLo) ?? double.PositiveInfinity, r.GetValue(vHi) ?? double.PositiveInfinity);
            else if (r.GetValue(fLo) is not null || r.GetValue(fHi) is not null)
                throw new UsageException("give both --f-lo and --f-hi");
            string? basePath = r.GetValue(baseSet);
            var options = new SelectionOptions
            {
                Candidates = r.GetValue(inputs) ?? [],
                ActiveRuns = r.GetValue(active) ?? [],
                ActiveThreshold = r.GetValue(activeThreshold),
                Model = r.GetValue(model) ?? committeeModels.FirstOrDefault() ?? throw new UsageException("give --model nep.txt"),
                Base = basePath,
                CachePath = basePath is not null && !r.GetValue(noCache) ? DescriptorCache.PathFor(basePath) : null,
                SaveCache = !dry,
                Max = r.GetValue(max),
                MinDistance = r.GetValue(minDistance),
                Reduction = r.GetValue(reduction) == "per-element" ? FeatureReduction.PerElement : FeatureReduction.Mean,
                Normalize = r.GetValue(normalize),
                GroupByComposition = r.GetValue(byComposition),
                Seed = r.GetValue(seed),
                PerSourceMax = r.GetValue(perSource),
                ExcludeLists = r.GetValue(exclude) ?? [],
                Committee = committeeModels,
                Trust = trust,
                Output = dry ? null : outPath,
                Threads = r.GetValue(threads),
                OnDiagnostic = cli.Warn,
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            var result = SelectionPipeline.Run(options, cli.Progress);
            if (result.CacheRejected is string why)
                cli.Note($"select: ignoring descriptor cache {options.CachePath} ({why}); rebuilding it");
            var rep = result.Report;
            if (dry)
            {
                cli.Out.WriteLine(SelectionPipeline.ReportJson(rep));
                cli.Note($"select (dry run): would pick {rep.Selected} of {rep.CandidatesForFps} candidate(s) ({rep.CandidatesRead} read, {rep.Excluded} excluded); stopped by {rep.StoppedBy}");
                return CliContext.Success;
            }
            string reportPath = r.GetValue(report) ?? Path.ChangeExtension(outPath!, ".report.json");
            SelectionPipeline.Write(result, outPath!, reportPath, CommonOptions.XyzWrite(r, stress));
            string plotPath = r.GetValue(plot) ?? Path.ChangeExtension(outPath!, ".pca.svg");
            AtomicFile.WriteAllText(plotPath, Map(result.Map));
            string seeded = result.Seed is int s ? $" (first pick random, seed {s})" : "";
            cli.Note($"select: picked {rep.Selected} of {rep.CandidatesForFps} candidate(s){seeded}; stopped by {rep.StoppedBy} → {outPath}, {reportPath}, {plotPath}");
            return CliContext.Success;
        }));
        return command;
    }

    static string Map(SelectionMapData data)
    {
        var (cand, bas, picks) = (data.Candidates, data.Base, data.Picked);
        var sets = bas.Rows > 0 ? new[] { bas, cand } : new[] { cand };
        var pca = Pca2.Fit(sets);
        var chart = new Chart { Title = "Selection in descriptor space (PCA)" };
        chart.X.Label = "PC 1";
        chart.Y.Label = "PC 2";
        // Candidates first, then the base over them: the base is usually the smaller set, and the question the map
        // answers is where the candidates lie outside it (drawn the other way round, the base vanished).
        var (cx, cy) = pca.Project(cand);
        chart.Series.Add(new Series($"candidates ({cand.Rows})", SeriesKind.Scatter, Thin(cx), Thin(cy)) { Color = "#1f77b4" });
        if (bas.Rows > 0)
        {
            var (bx, by) = pca.Project(bas);
            chart.Series.Add(new Series($"base ({bas.Rows})", SeriesKind.Scatter, Thin(bx), Thin(by)) { Color = "#7f7f7f" });
        }
        chart.Series.Add(new Series($"selected ({picks.Count})", SeriesKind.Scatter, picks.Select(i => cx[i]).ToArray(), picks.Select(i => cy[i]).ToArray()) { Color = "#d62728" });
        if (cand.Rows > 5000 || bas.Rows > 5000)
            chart.Notes.Add("base and candidates thinned to ≤ 5000 points each for drawing");
        return SvgRenderer.Render(chart);
    }

    // At most 5000 evenly spaced points, so the SVG stays small.
    static double[] Thin(double[] v)
    {
        if (v.Length <= 5000)
            return v;
        return Enumerable.Range(0, 5000).Select(k => v[(int)((long)k * v.Length / 5000)]).ToArray();
    }
}
