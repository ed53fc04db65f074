using NepForge.Formats;
using NepForge.Nep;
using NepForge.Progress;
using NepForge.Structures;

namespace NepForge.Sampling.Selection;

/// <summary>A candidate frame with the file it was read from, its 0-based index there and which source it belongs to.</summary>
public sealed record SelectionCandidate(Frame Frame, string File, long Index, int Source)
{
    /// <summary>GPUMD active.out's σ_f for frames read from an active run.</summary>
    public double? ActiveSigma { get; init; }

    /// <summary>The committee's deviation, when a committee classified the frame.</summary>
    public ModelDeviation? Deviation { get; set; }
}

/// <summary>
/// The first steps of a selection: read the candidates (files and GPUMD active runs), leave out the excluded
/// frames, and keep only the committee's (or active.out's) "candidate" class.
/// </summary>
static class SelectionCandidates
{
    public static List<SelectionCandidate> Read(SelectionOptions o, IProgress<StepProgress>? progress, CancellationToken ct)
    {
        var read = new StructureReadOptions { OnDiagnostic = o.OnDiagnostic };
        var all = new List<SelectionCandidate>();
        int source = 0;
        foreach (var f in o.Candidates)
        {
            long i = 0;
            foreach (var frame in StructureReader.Read(f, null, read))
            {
                ct.ThrowIfCancellationRequested();
                frame.Info.SourceFile ??= f;
                frame.Info.SourceIndex ??= i;
                all.Add(new SelectionCandidate(frame, f, i++, source));
                progress?.Report(new StepProgress("reading candidates", all.Count, 0, "frames"));
            }
            source++;
        }
        foreach (var dir in o.ActiveRuns)
        {
            string xyz = Path.Combine(dir, "active.xyz");
            foreach (var a in ActiveFrames.Read(dir, o.ActiveThreshold, read))
                all.Add(new SelectionCandidate(a.Frame, xyz, a.Frame.Info.SourceIndex ?? 0, source) { ActiveSigma = a.Uncertainty });
            source++;
        }
        return all;
    }

    public static List<SelectionCandidate> WithoutExcluded(List<SelectionCandidate> all, IReadOnlyList<string> lists)
    {
        var excluded = new ExcludeList();
        foreach (var e in lists)
            ExcludeList.Read(e, excluded);
        return all.Where(c => !excluded.Contains(c.File, c.Index) && !excluded.Contains(c.Frame.Info.SourceFile, c.Frame.Info.SourceIndex)).ToList();
    }

    // The committee's deviations, then DP-GEN's classes: only "candidate" goes on. Frames of plain files without a
    // committee are kept; active-run frames are classified by their σ_f.
    public static List<SelectionCandidate> Classify(List<SelectionCandidate> kept, SelectionOptions o, Dictionary<string, int> counts,
        IProgress<StepProgress>? progress, CancellationToken ct)
    {
        if (o.Committee.Count > 0)
        {
            var frames = kept.Select(c => c.Frame).ToList();
            var results = new List<NepResult[]>();
            foreach (var model in o.Committee)
            {
                ct.ThrowIfCancellationRequested();
                results.Add(new NepCalculator(NepModelReader.Read(model), o.Threads).Compute(frames));
                progress?.Report(new StepProgress("committee", results.Count, o.Committee.Count, "models"));
            }
            for (int k = 0; k < kept.Count; k++)
                kept[k].Deviation = ModelDeviation.Of(results.Select(rs => rs[k]).ToArray(), frames[k].AtomCount);
        }
        if (o.Trust is not { } trust)
            return kept;
        foreach (var c in Enum.GetValues<TrustClass>())
            counts[c.ToString().ToLowerInvariant()] = 0;
        var next = new List<SelectionCandidate>();
        foreach (var c in kept)
        {
            var cls = c.Deviation is { } dev ? trust.Classify(dev.MaxForce, dev.MaxVirial)
                : c.ActiveSigma is double sf ? trust.Classify(sf, 0)
                : TrustClass.Candidate;
            counts[cls.ToString().ToLowerInvariant()]++;
            if (cls == TrustClass.Candidate)
                next.Add(c);
        }
        return next;
    }
}
