using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Plotting;
using NepForge.Sampling.Analysis;
using NepForge.Sampling.Selection;
using NepForge.Structures;

namespace NepForge.Workflow;

/// <summary>
/// One self-contained report.html for a whole workflow (phase 1 and every active-learning generation): the dataset
/// of each stage, then per generation the loss curve, parity plot, selection map and counts (explored, cleaned,
/// selected, labelled, failed) and the acquisition error; the RDF of chosen pairs with generations overlaid (also
/// written as rdf-generations.csv), each generation's model on the last generation's labels, and why the loop stopped.
/// Everything is read from the stage folders; nothing is recomputed but descriptors, RDFs and model errors.
/// </summary>
public static class WorkflowReport
{
    /// <summary>The report's file name in the work folder.</summary>
    public const string FileName = "report.html";

    /// <summary>The RDF table's file name in the work folder.</summary>
    public const string RdfFileName = "rdf-generations.csv";

    /// <summary>Numbers the report shows per generation (also for tests and the example READMEs).</summary>
    public sealed record GenerationRow(int Generation, long Explored, long Cleaned, long Selected, long Labelled, long Failed,
        double? AcquisitionForceRmse, double? TrainForceRmse, double? LastLabelsForceRmse, double? PeakMean, double? PeakWidth);

    /// <summary>Writes report.html (and rdf-generations.csv) into the work folder; returns the generation rows.</summary>
    public static IReadOnlyList<GenerationRow> Write(WorkflowSpec spec, Action<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        notes ??= _ => { };
        var state = WorkflowState.Load(spec.WorkDir);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p>Workflow file {E(spec.File)}; work folder {E(spec.WorkDir)}.</p>\n");
        Stages(spec, state, body);
        var rows = new List<GenerationRow>();
        if (spec.ActiveLearning is { } al)
            rows = Generations(spec, al, state, body, notes);
        string html = Page("NepForge workflow report: " + Path.GetFileName(spec.File), body.ToString());
        AtomicFile.WriteAllText(Path.Combine(spec.WorkDir, FileName), html);
        notes($"report: → {Path.Combine(spec.WorkDir, FileName)}");
        return rows;
    }

    static string G(int g) => ActiveLearningStages.GenerationFolder(g);

    // Phase 1: each stage's status, time, summary and output frame count.
    static void Stages(WorkflowSpec spec, WorkflowState state, StringBuilder body)
    {
        body.Append("<h2>Stages and datasets</h2>\n<table><tr><th>stage</th><th>status</th><th>wall time</th><th>output</th><th>frames</th><th>summary</th></tr>\n");
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["build"] = "00.build/structures.xyz",
            ["md"] = "00.md/frames.xyz",
            ["aimd"] = "00.aimd/frames.xyz",
            ["extract"] = "01.extract/frames.xyz",
            ["sample"] = "02.sample/sampled.xyz",
            ["perturb"] = "03.perturb/to-label.xyz",
            ["label"] = "04.label/labelled.xyz",
            ["collect"] = "05.collect/" + spec.Collect.Output,
        };
        foreach (var (key, record) in state.Stages.OrderBy(s => s.Value.Started))
        {
            string output = outputs.GetValueOrDefault(key) ?? "";
            string frames = output.Length > 0 && File.Exists(Path.Combine(spec.WorkDir, output)) ? WorkflowRunner.CountFrames(Path.Combine(spec.WorkDir, output)).ToString(CultureInfo.InvariantCulture) : "";
            string wall = record.Finished is { } f ? Duration(f - record.Started) : "";
            body.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"l\">{E(key)}</td><td>{E(record.Status)}</td><td>{wall}</td><td class=\"l\">{E(output)}</td><td>{frames}</td><td class=\"l\">{E(record.Summary ?? record.Error ?? "")}</td></tr>\n");
        }
        body.Append("</table>\n");
        var times = state.Stages.Values.Where(r => r.Finished is not null).ToList();
        if (times.Count > 0)
            body.Append(CultureInfo.InvariantCulture, $"<p>Stages ran from {times.Min(r => r.Started):u} to {times.Max(r => r.Finished!.Value):u} (sum of stage times {Duration(TimeSpan.FromTicks(times.Sum(r => (r.Finished!.Value - r.Started).Ticks)))}).</p>\n");
    }

    static List<GenerationRow> Generations(WorkflowSpec spec, ActiveLearningSpec al, WorkflowState state, StringBuilder body, Action<string> notes)
    {
        string Dir(int g, string stage) => Path.Combine(spec.WorkDir, G(g), stage);
        var done = Enumerable.Range(1, al.Generations).Where(g => Directory.Exists(Path.Combine(spec.WorkDir, G(g)))).ToList();
        int last = done.Count > 0 ? done[^1] : 0;
        string lastLabels = Path.Combine(Dir(last, "04.label"), "labelled.xyz");
        var lastFrames = last > 0 && File.Exists(lastLabels) ? ExtXyzReader.ReadFrames(lastLabels).ToList() : [];
        var rows = new List<GenerationRow>();

        // RDF sets: the phase-1 training set, then each generation's cleaned exploration frames.
        var pairs = al.RdfPairs.Select(ElementPair.Parse).ToList();
        var rdfSets = new List<(string Name, PairDistribution Rdf)>();
        if (pairs.Count > 0)
        {
            string phase1 = Path.Combine(spec.WorkDir, "05.collect", spec.Collect.Output);
            if (File.Exists(phase1))
                rdfSets.Add(("initial set", Rdf(phase1, pairs)));
        }

        foreach (int g in done)
        {
            body.Append(CultureInfo.InvariantCulture, $"<h2>Generation {g} ({G(g)})</h2>\n");
            string train = Dir(g, "00.train");
            double? trainForce = null;
            if (File.Exists(Path.Combine(train, "loss.out")))
            {
                var loss = LossFile.Read(Path.Combine(train, "loss.out"));
                body.Append(SvgRenderer.Render(LossPlot.Create(loss)));
                trainForce = loss.Get("rmse_f_train") is { } f ? f.Values[^1] : null;
            }
            var parity = File.Exists(Path.Combine(train, "force_train.out")) ? ParityPlot.Create(train, "train") : null;
            if (parity is { Charts.Count: > 0 })
                body.Append(SvgRenderer.Render(parity));
            long explored = Directory.Exists(Dir(g, "01.explore")) ? Directory.GetFiles(Dir(g, "01.explore"), "traj-*.xyz").Sum(p => ExtXyzReader.ReadFrames(p, new ExtXyzReadOptions { AllowNonFinite = true }).LongCount()) : 0;
            long cleaned = WorkflowRunner.CountFrames(Path.Combine(Dir(g, "02.clean"), "candidates.xyz"));
            long selected = WorkflowRunner.CountFrames(Path.Combine(Dir(g, "03.select"), "selected.xyz"));
            long labelled = WorkflowRunner.CountFrames(Path.Combine(Dir(g, "04.label"), "labelled.xyz"));
            long failed = WorkflowRunner.JobCounts(Dir(g, "04.label")).GetValueOrDefault(Dft.DftJobState.Quarantined);
            double? acquisition = Acquisition(Path.Combine(Dir(g, "04.label"), "acquisition.json"));
            string model = Path.Combine(train, "nep.txt");
            if (!File.Exists(model) && al.Model is { } given)
                model = given;
            double? onLast = File.Exists(model) && lastFrames.Count > 0 ? ForceRmse(model, lastFrames) : null;
            SelectionMap(spec, g, model, Dir(g, "02.clean"), Dir(g, "03.select"), ActiveLearningStagesBase(spec, g), body);

            (double Mean, double Width)? peak = null;
            if (pairs.Count > 0 && cleaned > 0)
            {
                var rdf = Rdf(Path.Combine(Dir(g, "02.clean"), "candidates.xyz"), pairs);
                rdfSets.Add(($"{G(g)} explored", rdf));
                peak = FirstPeak(rdf, pairs[0]);
            }
            body.Append("<table><tr><th>explored</th><th>cleaned</th><th>selected</th><th>labelled</th><th>failed</th><th>acquisition force RMSE</th><th>train force RMSE</th></tr>\n");
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{explored}</td><td>{cleaned}</td><td>{selected}</td><td>{labelled}</td><td>{failed}</td><td>{MeV(acquisition)}</td><td>{MeV(trainForce)}</td></tr></table>\n");
            body.Append("<p>Acquisition error: the force RMSE of the model that explored on the frames it picked, once DFT labelled them (frames it never saw).</p>\n");
            rows.Add(new GenerationRow(g, explored, cleaned, selected, labelled, failed, acquisition, trainForce, onLast, peak?.Mean, peak?.Width));
            notes($"report: {G(g)}");
        }

        body.Append("<h2>Summary per generation</h2>\n<table><tr><th>generation</th><th>selected</th><th>labelled</th><th>failed</th><th>acquisition force RMSE</th>")
            .Append(CultureInfo.InvariantCulture, $"<th>force RMSE on {G(last)}'s labels</th>")
            .Append(pairs.Count > 0 ? $"<th>{E(pairs[0].Label)} first peak: mean r, σ (Å)</th>" : "").Append("</tr>\n");
        foreach (var r in rows)
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.Generation}</td><td>{r.Selected}</td><td>{r.Labelled}</td><td>{r.Failed}</td><td>{MeV(r.AcquisitionForceRmse)}</td><td>{MeV(r.LastLabelsForceRmse)}</td>");
            if (pairs.Count > 0)
                body.Append(CultureInfo.InvariantCulture, $"<td>{(r.PeakMean is double m ? $"{m:F3}, {r.PeakWidth:F3}" : "")}</td>");
            body.Append("</tr>\n");
        }
        body.Append("</table>\n");
        if (rows.Count > 1)
            body.Append(SvgRenderer.Render(ErrorChart(rows, G(last)), 640, 420));
        if (rdfSets.Count > 0)
        {
            body.Append("<h2>Radial distribution functions, generations overlaid</h2>\n");
            foreach (var pair in pairs)
                body.Append(SvgRenderer.Render(RdfOverlay(rdfSets, pair), 760, 440));
            WriteRdfCsv(Path.Combine(spec.WorkDir, RdfFileName), rdfSets, pairs);
            body.Append(CultureInfo.InvariantCulture, $"<p>Also in {RdfFileName} (r in Å, one g(r) column per set and pair).</p>\n");
        }
        string why = state.Stopped ?? (done.Count == al.Generations && state.Stages.TryGetValue($"{G(al.Generations)}.merge", out var merged) && merged.Status == "done"
            ? $"the generation budget ({al.Generations}) was used up"
            : "the loop has not finished (run the workflow again to resume)");
        body.Append("<h2>Why the loop stopped</h2>\n<p>").Append(E(why)).Append("</p>\n");
        return rows;
    }

    static string ActiveLearningStagesBase(WorkflowSpec spec, int g) => g == 1
        ? Path.Combine(spec.WorkDir, "05.collect", spec.Collect.Output)
        : Path.Combine(spec.WorkDir, G(g - 1), "05.merge", spec.Collect.Output);

    static PairDistribution Rdf(string path, List<ElementPair> pairs)
    {
        var rdf = new PairDistribution(4.0, 160, pairs);
        rdf.AddRange(ExtXyzReader.ReadFrames(path));
        return rdf;
    }

    /// <summary>The first peak of g(r): mean r and standard deviation of the pair distances under it, Å.</summary>
    public static (double Mean, double Width)? FirstPeak(PairDistribution rdf, ElementPair pair)
    {
        ArgumentNullException.ThrowIfNull(rdf);
        var g = rdf.G(pair);
        int top = -1;
        for (int k = 0; k < g.Length; k++)
        {
            if (double.IsFinite(g[k]) && g[k] > 0)
            {
                // Climb to the first maximum, then walk down to the minimum on its far side.
                top = k;
                while (top + 1 < g.Length && g[top + 1] >= g[top])
                    top++;
                break;
            }
        }
        if (top < 0)
            return null;
        // The peak's tallest bin within 0.5 Å of its start (a noisy histogram has several local maxima), then out to
        // where g falls below 2 % of it: molecules' bond peaks are separated from the rest by such a gap.
        int start = top;
        for (int k = start; k < g.Length && rdf.BinCentre(k) - rdf.BinCentre(start) <= 0.5; k++)
        {
            if (g[k] > g[top])
                top = k;
        }
        double floor = 0.02 * g[top];
        int lo = top, hi = top;
        while (lo > 0 && g[lo - 1] > floor)
            lo--;
        while (hi + 1 < g.Length && g[hi + 1] > floor)
            hi++;
        double w = 0, s1 = 0, s2 = 0;
        for (int k = lo; k <= hi; k++)
        {
            double r = rdf.BinCentre(k), weight = g[k] * r * r; // ∝ pair counts in the bin
            w += weight;
            s1 += weight * r;
            s2 += weight * r * r;
        }
        double mean = s1 / w;
        return (mean, Math.Sqrt(Math.Max(0, s2 / w - mean * mean)));
    }

    static Chart RdfOverlay(List<(string Name, PairDistribution Rdf)> sets, ElementPair pair)
    {
        var c = new Chart { Title = $"{pair.Label} radial distribution function per generation" };
        c.X.Label = "r (Å)";
        c.Y.Label = "g(r) (dimensionless)";
        c.X.Min = 0;
        c.X.Max = sets[0].Rdf.RMax;
        foreach (var (name, rdf) in sets)
        {
            var r = Enumerable.Range(0, rdf.Bins).Select(rdf.BinCentre).ToArray();
            c.Series.Add(new Series(name, SeriesKind.Line, r, rdf.G(pair)));
        }
        return c;
    }

    static void WriteRdfCsv(string path, List<(string Name, PairDistribution Rdf)> sets, List<ElementPair> pairs)
    {
        var sb = new StringBuilder("r_A");
        foreach (var (name, _) in sets)
        {
            foreach (var p in pairs)
                sb.Append(',').Append(name.Replace(' ', '_')).Append('_').Append(p.Label);
        }
        sb.Append('\n');
        var rdf0 = sets[0].Rdf;
        var columns = sets.SelectMany(s => pairs.Select(p => s.Rdf.G(p))).ToList();
        for (int k = 0; k < rdf0.Bins; k++)
        {
            sb.Append(rdf0.BinCentre(k).ToString("0.####", CultureInfo.InvariantCulture));
            foreach (var col in columns)
                sb.Append(',').Append(double.IsFinite(col[k]) ? col[k].ToString("0.######", CultureInfo.InvariantCulture) : "");
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    static Chart ErrorChart(List<GenerationRow> rows, string lastName)
    {
        var c = new Chart { Title = "Force errors per generation" };
        c.X.Label = "generation";
        c.Y.Label = "force RMSE (meV/Å)";
        c.Y.Log = true; // the first generation's error is often orders of magnitude above the last's
        double[] x = [.. rows.Select(r => (double)r.Generation)];
        c.Series.Add(new Series("acquisition (new labels, unseen)", SeriesKind.Line, x, [.. rows.Select(r => 1000 * (r.AcquisitionForceRmse ?? double.NaN))]));
        c.Series.Add(new Series($"on {lastName}'s labels", SeriesKind.Line, x, [.. rows.Select(r => 1000 * (r.LastLabelsForceRmse ?? double.NaN))]));
        c.Series.Add(new Series("training set", SeriesKind.Line, x, [.. rows.Select(r => 1000 * (r.TrainForceRmse ?? double.NaN))]) { Dashed = true });
        return c;
    }

    // PCA of the mean scaled descriptor: the generation's training set, its cleaned candidates and its picks.
    static void SelectionMap(WorkflowSpec spec, int g, string model, string cleanDir, string selectDir, string basePath, StringBuilder body)
    {
        string candidates = Path.Combine(cleanDir, "candidates.xyz"), selected = Path.Combine(selectDir, "selected.xyz");
        if (!File.Exists(model) || !File.Exists(candidates) || !File.Exists(basePath))
            return;
        var calc = new NepCalculator(NepModelReader.Read(model), Environment.ProcessorCount);
        int dim = StructureFeatures.Dimension(calc.Model, FeatureReduction.Mean);
        FeatureMatrix Features(string path) => FeatureMatrix.FromRows(
            ExtXyzReader.ReadFrames(path).Select(f => StructureFeatures.Of(calc, f, FeatureReduction.Mean)).ToList(), dim);
        var bas = Features(basePath);
        var cand = Features(candidates);
        if (cand.Rows == 0)
            return;
        var picks = File.Exists(selected) ? Features(selected) : FeatureMatrix.Empty(dim);
        var pca = Pca2.Fit(bas.Rows > 0 ? [bas, cand] : [cand]);
        var chart = new Chart { Title = $"{G(g)}: selection map (descriptor PCA)" };
        chart.X.Label = "PC 1 (scaled descriptor units)";
        chart.Y.Label = "PC 2 (scaled descriptor units)";
        foreach (var (name, m, colour) in new[] { ("training set", bas, "#b0b0b0"), ("candidates", cand, "#1f77b4"), ("selected", picks, "#d62728") })
        {
            if (m.Rows == 0)
                continue;
            var (x, y) = pca.Project(m);
            chart.Series.Add(new Series($"{name} ({m.Rows})", SeriesKind.Scatter, x, y) { Color = colour });
        }
        body.Append(SvgRenderer.Render(chart, 640, 460));
    }

    static double? Acquisition(string path)
    {
        if (!File.Exists(path))
            return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("force_rmse_ev_per_a", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    }

    /// <summary>Force RMSE (eV/Å) of a model on labelled frames.</summary>
    public static double? ForceRmse(string model, IReadOnlyList<Frame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var calc = new NepCalculator(NepModelReader.Read(model), Environment.ProcessorCount);
        double sum = 0;
        long n = 0;
        foreach (var f in frames.Where(f => f.Forces is not null))
        {
            var p = calc.Compute(f).Forces;
            for (int i = 0; i < p.Length; i++)
            {
                double d = p[i] - f.Forces![i];
                sum += d * d;
                n++;
            }
        }
        return n == 0 ? null : Math.Sqrt(sum / n);
    }

    static string MeV(double? evPerA) => evPerA is double v ? (1000 * v).ToString("F1", CultureInfo.InvariantCulture) + " meV/Å" : "";

    static string Duration(TimeSpan t) => t.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds:00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s");

    static string Page(string title, string body) =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + E(title) + "</title>\n<style>"
        + "body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1400px;margin:1em auto;padding:0 1em;color:#222}"
        + "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td.l{text-align:left}"
        + "th{background:#f3f3f3}.warn{color:#a33}svg{max-width:100%;height:auto;display:block}"
        + "</style></head><body>\n<h1>" + E(title) + "</h1>\n" + body + "</body></html>\n";

    static string E(string s) => WebUtility.HtmlEncode(s);
}
