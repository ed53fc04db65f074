using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Plotting;
using NepForge.Sampling.Selection;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge select CANDIDATES… --model nep.txt --base train.xyz --max 100 --min-distance 0.01 -o selected.xyz</c>:
/// active-learning selection by farthest-point sampling in NEP descriptor space, optionally after a committee
/// (or GPUMD active.out) filter by DP-GEN trust levels; JSON report and PCA map.
/// </summary>
static class SelectCommand
{
    sealed record Candidate(Frame Frame, string File, long Index, int Source);

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
            var files = r.GetValue(inputs) ?? [];
            var activeDirs = r.GetValue(active) ?? [];
            if (files.Length == 0 && activeDirs.Length == 0)
                throw new UsageException("give candidate files or --active DIR");
            var committeeModels = r.GetValue(committee) ?? [];
            if (committeeModels.Length == 1)
                throw new UsageException("--committee needs at least two models");
            string modelPath = r.GetValue(model) ?? committeeModels.FirstOrDefault() ?? throw new UsageException("give --model nep.txt");
            if (r.GetValue(max) < 0)
                throw new UsageException("--max must be ≥ 0");
            if (r.GetValue(perSource) is < 1)
                throw new UsageException("--per-source-max must be ≥ 1");
            TrustLevels? trust = null;
            if (r.GetValue(fLo) is double lo && r.GetValue(fHi) is double hi)
                trust = new TrustLevels(lo, hi, r.GetValue(vLo) ?? double.PositiveInfinity, r.GetValue(vHi) ?? double.PositiveInfinity);
            else if (r.GetValue(fLo) is not null || r.GetValue(fHi) is not null)
                throw new UsageException("give both --f-lo and --f-hi");
            if (committeeModels.Length > 0 && trust is null)
                throw new UsageException("--committee needs --f-lo and --f-hi");
            var red = r.GetValue(reduction) == "per-element" ? FeatureReduction.PerElement : FeatureReduction.Mean;
            int nThreads = r.GetValue(threads);

            // Candidates, with where each was read.
            var sources = new List<string>();
            var cands = new List<Candidate>();
            var sigma = new List<double?>();
            foreach (var f in files)
            {
                int s = sources.Count;
                sources.Add(f);
                long i = 0;
                foreach (var frame in StructureReader.Read(f, null, new StructureReadOptions { OnDiagnostic = cli.Warn }))
                {
                    frame.Info.SourceFile ??= f;
                    frame.Info.SourceIndex ??= i;
                    cands.Add(new Candidate(frame, f, i++, s));
                    sigma.Add(null);
                }
            }
            foreach (var dir in activeDirs)
            {
                int s = sources.Count;
                string xyz = Path.Combine(dir, "active.xyz");
                sources.Add(xyz);
                foreach (var a in ActiveFrames.Read(dir, r.GetValue(activeThreshold), new StructureReadOptions { OnDiagnostic = cli.Warn }))
                {
                    cands.Add(new Candidate(a.Frame, xyz, a.Frame.Info.SourceIndex ?? 0, s));
                    sigma.Add(a.Uncertainty);
                }
            }
            int read = cands.Count;
            var excluded = new ExcludeList();
            foreach (var e in r.GetValue(exclude) ?? [])
                ExcludeList.Read(e, excluded);
            var keep = new List<int>();
            for (int i = 0; i < cands.Count; i++)
            {
                var c = cands[i];
                if (!excluded.Contains(c.File, c.Index) && !excluded.Contains(c.Frame.Info.SourceFile, c.Frame.Info.SourceIndex))
                    keep.Add(i);
            }
            int excludedCount = cands.Count - keep.Count;

            // Committee / active classification.
            var counts = new Dictionary<TrustClass, int>();
            var deviations = new Dictionary<int, ModelDeviation>();
            if (committeeModels.Length > 0)
            {
                var calcs = committeeModels.Select(p => new NepCalculator(NepModelReader.Read(p), nThreads)).ToArray();
                var frames = keep.Select(i => cands[i].Frame).ToList();
                var results = calcs.Select(c => c.Compute(frames)).ToArray();
                for (int k = 0; k < keep.Count; k++)
                    deviations[keep[k]] = ModelDeviation.Of(results.Select(rs => rs[k]).ToArray(), frames[k].AtomCount);
            }
            if (trust is not null)
            {
                var next = new List<int>();
                foreach (int i in keep)
                {
                    TrustClass cls;
                    if (deviations.TryGetValue(i, out var dev))
                        cls = trust.Classify(dev.MaxForce, dev.MaxVirial);
                    else if (sigma[i] is double sf)
                        cls = trust.Classify(sf, 0);
                    else
                        cls = TrustClass.Candidate; // no committee for plain files without --committee: keep
                    counts[cls] = counts.GetValueOrDefault(cls) + 1;
                    if (cls == TrustClass.Candidate)
                        next.Add(i);
                }
                keep = next;
            }

            // Features.
            var nep = NepModelReader.Read(modelPath);
            var calc = new NepCalculator(nep, nThreads);
            string modelHash = StructureHash.OfFile(modelPath);
            int dim = StructureFeatures.Dimension(nep, red);
            var baseFrames = r.GetValue(baseSet) is string bp && File.Exists(bp)
                ? StructureReader.Read(bp, null, new StructureReadOptions { OnDiagnostic = cli.Warn }).ToList()
                : [];
            string? basePath = r.GetValue(baseSet);
            DescriptorCache? cache = basePath is not null && !r.GetValue(noCache) ? DescriptorCache.Load(DescriptorCache.PathFor(basePath)) : null;
            if (cache?.Rejected is string why)
                cli.Note($"select: ignoring descriptor cache {DescriptorCache.PathFor(basePath!)} ({why}); rebuilding it");
            var baseRows = Features(calc, baseFrames, red, cache, modelHash);
            var candRows = Features(calc, keep.Select(i => cands[i].Frame).ToList(), red, null, modelHash);
            var candM = FeatureMatrix.FromRows(candRows, dim);
            var baseM = FeatureMatrix.FromRows(baseRows, dim);
            int? cacheHits = cache?.Hits, cacheMisses = cache?.Misses;
            if (cache is { Dirty: true } && !dry)
                cache.Save(DescriptorCache.PathFor(basePath!));

            int[]? candGroup = null, baseGroup = null;
            var groupNames = new List<string>();
            if (r.GetValue(byComposition))
            {
                string Key(Frame f) => string.Join('-', f.Elements.Select(e => e.Symbol).Distinct().Order(StringComparer.Ordinal));
                groupNames = keep.Select(i => Key(cands[i].Frame)).Concat(baseFrames.Select(Key)).Distinct().Order(StringComparer.Ordinal).ToList();
                candGroup = keep.Select(i => groupNames.IndexOf(Key(cands[i].Frame))).ToArray();
                baseGroup = baseFrames.Select(f => groupNames.IndexOf(Key(f))).ToArray();
            }
            var (plotCand, plotBase) = (FeatureMatrix.FromRows(candRows, dim), FeatureMatrix.FromRows(baseRows, dim));
            if (r.GetValue(normalize))
                Normalize(candM, baseM, candGroup, baseGroup);

            bool needsSeed = candGroup is null ? baseM.Rows == 0 : candGroup.Distinct().Any(g => !baseGroup!.Contains(g));
            int seedUsed = r.GetValue(seed) ?? Random.Shared.Next();
            var rules = new SelectionRules
            {
                Max = r.GetValue(max),
                MinDistance = r.GetValue(minDistance),
                Seed = seedUsed,
                CandidateSource = keep.Select(i => cands[i].Source).ToArray(),
                PerSourceMax = r.GetValue(perSource),
                CandidateGroup = candGroup,
                BaseGroup = baseGroup,
                Threads = nThreads,
            };
            var outcome = keep.Count == 0
                ? new SelectionOutcome { Picks = [], RemainingLargest = double.NaN, Stop = SelectionStop.Exhausted, Quotas = [], SeededGroups = [], BaseSearches = 0 }
                : FpsSelection.Select(candM, baseM, rules);

            var picked = outcome.Picks.Select(p => cands[keep[p.Index]]).ToList();
            string json = Report(outcome, picked, keep, cands, deviations, sigma, counts, trust, rules, needsSeed ? seedUsed : null,
                read, excludedCount, baseM.Rows, red, r.GetValue(normalize), modelPath, modelHash, groupNames, cacheHits, cacheMisses, dry ? null : outPath);
            if (dry)
            {
                cli.Out.WriteLine(json);
                cli.Note($"select (dry run): would pick {picked.Count} of {keep.Count} candidate(s) ({read} read, {excludedCount} excluded); stopped by {Stop(outcome.Stop)}");
                return CliContext.Success;
            }
            foreach (var (c, p) in picked.Zip(outcome.Picks))
            {
                c.Frame.Info.SetExtra("select_distance", p.Distance.ToString("R", CultureInfo.InvariantCulture));
                if (needsSeed)
                    c.Frame.Info.SetExtra("select_seed", seedUsed.ToString(CultureInfo.InvariantCulture));
            }
            ExtXyzWriter.WriteFile(outPath!, picked.Select(c => c.Frame), CommonOptions.XyzWrite(r, stress));
            string reportPath = r.GetValue(report) ?? Path.ChangeExtension(outPath!, ".report.json");
            AtomicFile.WriteAllText(reportPath, json + "\n");
            string plotPath = r.GetValue(plot) ?? Path.ChangeExtension(outPath!, ".pca.svg");
            AtomicFile.WriteAllText(plotPath, Map(plotCand, plotBase, outcome.Picks.Select(p => p.Index).ToArray()));
            string seeded = needsSeed ? $" (first pick random, seed {seedUsed})" : "";
            cli.Note($"select: picked {picked.Count} of {keep.Count} candidate(s){seeded}; stopped by {Stop(outcome.Stop)} → {outPath}, {reportPath}, {plotPath}");
            return CliContext.Success;
        }));
        return command;
    }

    static string Stop(SelectionStop s) => s switch
    {
        SelectionStop.Max => "max",
        SelectionStop.MinDistance => "min-distance",
        _ => "exhausted",
    };

    // Features of frames, from the cache where it has them; the rest computed in parallel (by structure).
    static List<double[]> Features(NepCalculator calc, List<Frame> frames, FeatureReduction red, DescriptorCache? cache, string modelHash)
    {
        var rows = new double[frames.Count][];
        var missing = new List<int>();
        var keys = new string[frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            if (cache is not null)
            {
                keys[i] = DescriptorCache.Key(StructureHash.Of(frames[i]), modelHash, red);
                if (cache.TryGet(keys[i], out var f) && f.Length == StructureFeatures.Dimension(calc.Model, red))
                {
                    rows[i] = f;
                    continue;
                }
            }
            missing.Add(i);
        }
        var d = calc.Descriptors(missing.Select(i => frames[i]).ToList());
        for (int k = 0; k < missing.Count; k++)
        {
            int i = missing[k];
            rows[i] = StructureFeatures.Reduce(d[k], calc.Model.TypesOf(frames[i]), calc.Model.Dimension, calc.Model.TypeCount, red);
            cache?.Put(keys[i], rows[i]);
        }
        return [.. rows];
    }

    static void Normalize(FeatureMatrix cand, FeatureMatrix bas, int[]? cg, int[]? bg)
    {
        if (cg is null)
        {
            var s = FeatureScaling.Spread(bas.Rows > 0 ? bas : cand);
            FeatureScaling.Apply(cand, s);
            FeatureScaling.Apply(bas, s);
            return;
        }
        foreach (int g in cg.Distinct())
        {
            var ci = Enumerable.Range(0, cg.Length).Where(i => cg[i] == g).ToArray();
            var bi = Enumerable.Range(0, bg!.Length).Where(i => bg[i] == g).ToArray();
            var s = FeatureScaling.Spread(bi.Length > 0 ? bas.Subset(bi) : cand.Subset(ci));
            foreach (int i in ci)
                Scale(cand, i, s);
            foreach (int i in bi)
                Scale(bas, i, s);
        }

        static void Scale(FeatureMatrix m, int row, double[] s)
        {
            var r = m.Data.AsSpan(row * m.Dim, m.Dim);
            for (int k = 0; k < r.Length; k++)
                r[k] /= s[k];
        }
    }

    static string Report(SelectionOutcome o, List<Candidate> picked, List<int> keep, List<Candidate> cands, Dictionary<int, ModelDeviation> dev,
        List<double?> sigma, Dictionary<TrustClass, int> counts, TrustLevels? trust, SelectionRules rules, int? seed, int read, int excluded,
        int baseCount, FeatureReduction red, bool normalize, string modelPath, string modelHash, List<string> groups, int? hits, int? misses, string? outPath)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("output", outPath);
            w.WriteString("descriptor_model", modelPath);
            w.WriteString("descriptor_model_sha256", modelHash);
            w.WriteString("reduction", red == FeatureReduction.Mean ? "mean" : "per-element");
            w.WriteBoolean("normalize", normalize);
            w.WriteNumber("candidates_read", read);
            w.WriteNumber("excluded", excluded);
            if (trust is not null)
            {
                w.WriteStartObject("trust_levels");
                Num(w, "f_lo", trust.FLo);
                Num(w, "f_hi", trust.FHi);
                Num(w, "v_lo", trust.VLo);
                Num(w, "v_hi", trust.VHi);
                w.WriteEndObject();
                w.WriteStartObject("classified");
                foreach (var c in Enum.GetValues<TrustClass>())
                    w.WriteNumber(c.ToString().ToLowerInvariant(), counts.GetValueOrDefault(c));
                w.WriteEndObject();
            }
            w.WriteNumber("candidates_for_fps", keep.Count);
            w.WriteNumber("base_structures", baseCount);
            if (hits is not null)
            {
                w.WriteNumber("base_cache_hits", hits.Value);
                w.WriteNumber("base_cache_misses", misses!.Value);
            }
            w.WriteNumber("max", rules.Max);
            Num(w, "min_distance", rules.MinDistance);
            if (rules.PerSourceMax is int cap)
                w.WriteNumber("per_source_max", cap);
            if (seed is int s)
                w.WriteNumber("seed", s);
            w.WriteNumber("selected", picked.Count);
            w.WriteString("stopped_by", Stop(o.Stop));
            Num(w, "remaining_largest_distance", o.RemainingLargest);
            if (groups.Count > 0)
            {
                w.WriteStartArray("groups");
                for (int g = 0; g < groups.Count && g < o.Quotas.Length; g++)
                {
                    w.WriteStartObject();
                    w.WriteString("elements", groups[g]);
                    w.WriteNumber("seats", o.Quotas[g]);
                    w.WriteNumber("picked", o.Picks.Count(p => p.Group == g));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("picks");
            for (int k = 0; k < picked.Count; k++)
            {
                var c = picked[k];
                int ci = keep[o.Picks[k].Index];
                w.WriteStartObject();
                w.WriteString("file", c.File);
                w.WriteNumber("index", c.Index);
                if (c.Frame.Info.SourceFile != c.File || c.Frame.Info.SourceIndex != c.Index)
                {
                    w.WriteString("source_file", c.Frame.Info.SourceFile);
                    if (c.Frame.Info.SourceIndex is long si)
                        w.WriteNumber("source_index", si);
                }
                Num(w, "distance", o.Picks[k].Distance);
                if (dev.TryGetValue(ci, out var d))
                {
                    Num(w, "max_devi_f", d.MaxForce);
                    Num(w, "max_devi_v", d.MaxVirial);
                    Num(w, "devi_e", d.EnergyPerAtom);
                }
                if (sigma[ci] is double sf)
                    Num(w, "active_sigma_f", sf);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    // JSON has no infinity or NaN: those become null.
    static void Num(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v))
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    static string Map(FeatureMatrix cand, FeatureMatrix bas, int[] picks)
    {
        var sets = bas.Rows > 0 ? new[] { bas, cand } : new[] { cand };
        var pca = Pca2.Fit(sets);
        var chart = new Chart { Title = "Selection in descriptor space (PCA)" };
        chart.X.Label = "PC 1";
        chart.Y.Label = "PC 2";
        if (bas.Rows > 0)
        {
            var (bx, by) = pca.Project(bas);
            chart.Series.Add(new Series($"base ({bas.Rows})", SeriesKind.Scatter, Thin(bx), Thin(by)) { Color = "#b0b0b0" });
        }
        var (cx, cy) = pca.Project(cand);
        chart.Series.Add(new Series($"candidates ({cand.Rows})", SeriesKind.Scatter, Thin(cx), Thin(cy)) { Color = "#1f77b4" });
        chart.Series.Add(new Series($"selected ({picks.Length})", SeriesKind.Scatter, picks.Select(i => cx[i]).ToArray(), picks.Select(i => cy[i]).ToArray()) { Color = "#d62728" });
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
