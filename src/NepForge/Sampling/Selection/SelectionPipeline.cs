using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Progress;
using NepForge.Structures;

namespace NepForge.Sampling.Selection;

/// <summary>
/// Active-learning selection, the one pipeline behind <c>nepforge select</c> and the workflow's select stage:
/// candidates (files, GPUMD active runs) → exclusion lists → committee / active.out trust filter → NEP structure
/// features (the base set's from its descriptor cache) → optional normalisation and composition groups →
/// farthest-point sampling against the base set → picked frames and one report.
/// </summary>
public static class SelectionPipeline
{
    /// <summary>Runs the selection; writes nothing but the base set's descriptor cache (when asked to).</summary>
    public static SelectionResult Run(SelectionOptions o, IProgress<StepProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.Validate();
        var all = SelectionCandidates.Read(o, progress, cancellationToken);
        var unexcluded = SelectionCandidates.WithoutExcluded(all, o.ExcludeLists);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var keep = SelectionCandidates.Classify(unexcluded, o, counts, progress, cancellationToken);

        // Features: the base set's from the cache where it has them.
        cancellationToken.ThrowIfCancellationRequested();
        var calc = new NepCalculator(NepModelReader.Read(o.Model), o.Threads);
        string modelHash = StructureHash.OfFile(o.Model);
        int dim = StructureFeatures.Dimension(calc.Model, o.Reduction);
        var baseFrames = o.Base is string bp && File.Exists(bp)
            ? StructureReader.Read(bp, null, new StructureReadOptions { OnDiagnostic = o.OnDiagnostic }).ToList()
            : [];
        var cache = o.CachePath is string cp ? DescriptorCache.Load(cp) : null;
        var baseRows = Features(calc, baseFrames, o.Reduction, cache, modelHash);
        progress?.Report(new StepProgress("descriptors", baseFrames.Count, baseFrames.Count + keep.Count, "frames"));
        cancellationToken.ThrowIfCancellationRequested();
        var candRows = Features(calc, keep.ConvertAll(c => c.Frame), o.Reduction, null, modelHash);
        progress?.Report(new StepProgress("descriptors", baseFrames.Count + keep.Count, baseFrames.Count + keep.Count, "frames"));
        if (cache is { Dirty: true } && o.SaveCache)
            cache.Save(o.CachePath!);
        var candM = FeatureMatrix.FromRows(candRows, dim);
        var baseM = FeatureMatrix.FromRows(baseRows, dim);
        var map = new SelectionMapData(FeatureMatrix.FromRows(candRows, dim), FeatureMatrix.FromRows(baseRows, dim), []);

        int[]? candGroup = null, baseGroup = null;
        var groupNames = new List<string>();
        if (o.GroupByComposition)
        {
            groupNames = keep.Select(c => CompositionKey(c.Frame)).Concat(baseFrames.Select(CompositionKey)).Distinct().Order(StringComparer.Ordinal).ToList();
            candGroup = keep.Select(c => groupNames.IndexOf(CompositionKey(c.Frame))).ToArray();
            baseGroup = baseFrames.Select(f => groupNames.IndexOf(CompositionKey(f))).ToArray();
        }
        if (o.Normalize)
            SelectionNormalization.Apply(candM, baseM, candGroup, baseGroup);

        // The first pick is random only where a group (or the whole set) has no base structure.
        bool needsSeed = candGroup is null ? baseM.Rows == 0 : candGroup.Distinct().Any(g => !baseGroup!.Contains(g));
        int seedUsed = o.Seed ?? Random.Shared.Next();
        var rules = new SelectionRules
        {
            Max = o.Max,
            MinDistance = o.MinDistance,
            Seed = seedUsed,
            CandidateSource = keep.Select(c => c.Source).ToArray(),
            PerSourceMax = o.PerSourceMax,
            CandidateGroup = candGroup,
            BaseGroup = baseGroup,
            Threads = o.Threads,
        };
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = keep.Count == 0
            ? new SelectionOutcome { Picks = [], RemainingLargest = double.NaN, Stop = SelectionStop.Exhausted, Quotas = [], SeededGroups = [], BaseSearches = 0 }
            : FpsSelection.Select(candM, baseM, rules);
        progress?.Report(new StepProgress("selecting", outcome.Picks.Count, outcome.Picks.Count, "picks"));

        var picked = outcome.Picks.Select(p => keep[p.Index]).ToList();
        foreach (var (c, p) in picked.Zip(outcome.Picks))
        {
            c.Frame.Info.SetExtra("select_distance", p.Distance.ToString("R", CultureInfo.InvariantCulture));
            if (needsSeed)
                c.Frame.Info.SetExtra("select_seed", seedUsed.ToString(CultureInfo.InvariantCulture));
            // Why the committee let the frame through travels with it into train.xyz, not only in the report.
            if (c.Deviation is { } d)
            {
                if (double.IsFinite(d.MaxForce))
                    c.Frame.Info.SetExtra("committee_max_force_dev", d.MaxForce.ToString("R", CultureInfo.InvariantCulture));
                if (double.IsFinite(d.MaxVirial))
                    c.Frame.Info.SetExtra("committee_max_virial_dev", d.MaxVirial.ToString("R", CultureInfo.InvariantCulture));
            }
        }
        var report = new SelectionReport
        {
            Output = o.Output,
            DescriptorModel = o.Model,
            DescriptorModelSha256 = modelHash,
            Reduction = ReductionName(o.Reduction),
            Normalize = o.Normalize,
            CandidatesRead = all.Count,
            Excluded = all.Count - unexcluded.Count,
            TrustLevels = o.Trust is { } t ? new SelectionTrustReport(JsonReport.Finite(t.FLo), JsonReport.Finite(t.FHi), JsonReport.Finite(t.VLo), JsonReport.Finite(t.VHi)) : null,
            Classified = o.Trust is null ? null : counts,
            CandidatesForFps = keep.Count,
            BaseStructures = baseM.Rows,
            BaseCacheHits = cache?.Hits,
            BaseCacheMisses = cache?.Misses,
            Max = o.Max,
            MinDistance = JsonReport.Finite(o.MinDistance),
            PerSourceMax = o.PerSourceMax,
            Seed = needsSeed ? seedUsed : null,
            Selected = picked.Count,
            StoppedBy = StopName(outcome.Stop),
            RemainingLargestDistance = JsonReport.Finite(outcome.RemainingLargest),
            Groups = groupNames.Count == 0 ? null
                : groupNames.Take(outcome.Quotas.Length).Select((name, g) => new SelectionGroupReport(name, outcome.Quotas[g], outcome.Picks.Count(p => p.Group == g))).ToList(),
            Picks = picked.Zip(outcome.Picks, PickReport).ToList(),
        };
        return new SelectionResult
        {
            Selected = picked.ConvertAll(c => c.Frame),
            Report = report,
            Seed = needsSeed ? seedUsed : null,
            CacheRejected = cache?.Rejected,
            Map = map with { Picked = outcome.Picks.Select(p => p.Index).ToArray() },
        };
    }

    /// <summary>Writes the picked frames (extxyz, atomically) and the report beside them.</summary>
    public static void Write(SelectionResult result, string output, string reportPath, ExtXyzWriteOptions? writeOptions = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ExtXyzWriter.WriteFile(output, result.Selected, writeOptions);
        JsonReport.Write(reportPath, result.Report, SelectionReportJson.Default.SelectionReport);
    }

    /// <summary>The report as JSON text (what a dry run prints).</summary>
    public static string ReportJson(SelectionReport report) => JsonReport.ToJson(report, SelectionReportJson.Default.SelectionReport);

    /// <summary>"max", "min-distance" or "exhausted": the report's stopped_by.</summary>
    public static string StopName(SelectionStop s) => s switch
    {
        SelectionStop.Max => "max",
        SelectionStop.MinDistance => "min-distance",
        _ => "exhausted",
    };

    static string ReductionName(FeatureReduction r) => r == FeatureReduction.Mean ? "mean" : "per-element";

    static string CompositionKey(Frame f) => string.Join('-', f.Elements.Select(e => e.Symbol).Distinct().Order(StringComparer.Ordinal));

    static SelectionPickReport PickReport(SelectionCandidate c, SelectionPick p)
    {
        bool moved = c.Frame.Info.SourceFile != c.File || c.Frame.Info.SourceIndex != c.Index;
        return new SelectionPickReport
        {
            File = c.File,
            Index = c.Index,
            SourceFile = moved ? c.Frame.Info.SourceFile : null,
            SourceIndex = moved ? c.Frame.Info.SourceIndex : null,
            Distance = JsonReport.Finite(p.Distance),
            MaxDeviF = c.Deviation is { } d ? JsonReport.Finite(d.MaxForce) : null,
            MaxDeviV = c.Deviation is { } dv ? JsonReport.Finite(dv.MaxVirial) : null,
            DeviE = c.Deviation is { } de ? JsonReport.Finite(de.EnergyPerAtom) : null,
            ActiveSigmaF = c.ActiveSigma is double s ? JsonReport.Finite(s) : null,
        };
    }

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
}
