using System.Globalization;
using System.Net;
using System.Text;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.Structures;
using NepForge.Training;

namespace NepForge.Plotting;

/// <summary>
/// One self-contained HTML page (inline SVG, no scripts, no external files) about a training or dataset folder:
/// nep.in, loss curves, parity plots with an RMSE/R² table for the train and test sets, per-structure outliers,
/// thermo.out and the energy/force distributions of the datasets found there.
/// </summary>
public static class HtmlReport
{
    static readonly string[] Quantities = ["energy", "force", "virial", "stress"];
    static readonly string[] DatasetFiles = ["train.xyz", "test.xyz"];

    /// <summary>Builds the page; <paramref name="notes"/> receives one line per section added or skipped.</summary>
    public static string Create(string folder, Action<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new IOException($"'{folder}' is not a folder");
        notes ??= _ => { };
        string P(string name) => Path.Combine(folder, name);
        var body = new StringBuilder();
        int sections = 0;

        if (File.Exists(P("nep.in")))
        {
            body.Append("<h2>nep.in</h2>\n<pre>").Append(E(File.ReadAllText(P("nep.in")))).Append("</pre>\n");
            sections++;
        }
        if (File.Exists(P("loss.out")))
        {
            var loss = LossFile.Read(P("loss.out"));
            body.Append("<h2>Training curves</h2>\n").Append(SvgRenderer.Render(LossPlot.Create(loss)));
            body.Append(CultureInfo.InvariantCulture, $"<p>{loss.Rows} rows of loss.out, last generation {loss.Generations[^1]:0}.</p>\n");
            notes("report: loss curves");
            sections++;
        }
        foreach (var set in new[] { "train", "test" })
        {
            var files = Quantities.Select(q => P($"{q}_{set}.out")).Where(File.Exists).ToList();
            if (files.Count == 0)
                continue;
            body.Append(CultureInfo.InvariantCulture, $"<h2>Parity ({set} set)</h2>\n");
            var fig = ParityPlot.Create(folder, set);
            if (fig.Charts.Count > 0)
                body.Append(SvgRenderer.Render(fig));
            body.Append("<table><tr><th>file</th><th>N</th><th>RMSE</th><th>MAE</th><th>R²</th><th>max |error|</th></tr>\n");
            foreach (var f in files)
            {
                var pf = PredictionFile.Read(f);
                var s = ParityStatistics.Of(pf.Predicted, pf.Target);
                body.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(Path.GetFileName(f))}</td><td>{s.Count}</td>");
                body.Append(s.Count == 0
                    ? "<td colspan=\"4\">no targets (nep wrote its missing-value marker)</td></tr>\n"
                    : $"<td>{E(ParityPlot.FormatRmse(s.Rmse, pf.Unit))}</td><td>{E(ParityPlot.FormatRmse(s.Mae, pf.Unit))}</td><td>{s.R2.ToString("0.00000", CultureInfo.InvariantCulture)}</td><td>{E(ParityPlot.FormatRmse(s.MaxAbs, pf.Unit))}</td></tr>\n");
            }
            body.Append("</table>\n");
            notes($"report: parity ({set})");
            sections++;
        }
        if (File.Exists(P("train.xyz")) && File.Exists(P("energy_train.out")) && File.Exists(P("force_train.out")))
        {
            body.Append("<h2>Per-structure errors (training set)</h2>\n");
            try
            {
                var frames = ExtXyzReader.ReadFrames(P("train.xyz")).ToList();
                var rows = NepErrorTable.Build(frames, PredictionFile.Read(P("energy_train.out")), PredictionFile.Read(P("force_train.out")),
                    File.Exists(P("virial_train.out")) ? PredictionFile.Read(P("virial_train.out")) : null);
                var outliers = NepErrorTable.Outliers(rows);
                body.Append(CultureInfo.InvariantCulture, $"<p>{rows.Count} structures mapped to train.xyz; {outliers.Count} outlier(s) above 3 × RMSE.</p>\n");
                body.Append("<table><tr><th>frame (0-based)</th><th>config_type</th><th>atoms</th><th>ΔE (meV/atom)</th><th>F RMSE (meV/Å)</th><th>why</th></tr>\n");
                foreach (var (r, why) in outliers.Take(30))
                {
                    body.Append(CultureInfo.InvariantCulture,
                        $"<tr><td>{r.Index}</td><td>{E(r.ConfigType ?? "")}</td><td>{r.Atoms}</td><td>{1000 * r.EnergyError:0.00}</td><td>{1000 * r.ForceRmse:0.0}</td><td>{E(why)}</td></tr>\n");
                }
                body.Append("</table>\n");
            }
            catch (NepOrderMismatchException e)
            {
                body.Append("<p class=\"warn\">").Append(E(e.Message)).Append("</p>\n");
            }
            sections++;
        }
        // thermo.out, thermo1.out, … (one per run folder or per run of a study), each timed by the run.in beside it.
        foreach (var thermo in Directory.EnumerateFiles(folder, "thermo*.out").Order(StringComparer.Ordinal))
        {
            var t = ThermoFile.Read(thermo);
            string name = Path.GetFileName(thermo);
            body.Append(CultureInfo.InvariantCulture, $"<h2>MD run ({E(name)})</h2>\n")
                .Append(SvgRenderer.Render(ThermoPlot.Create(t, null, ThermoTimes.FromRunIn(P("run.in"), t.Rows))));
            notes($"report: {name}");
            sections++;
        }
        var datasets = DatasetFiles.Select(P).Where(File.Exists).ToList();
        if (datasets.Count == 0)
            datasets = [.. Directory.GetFiles(folder, "*.xyz").Order(StringComparer.Ordinal).Take(5)];
        foreach (var ds in datasets)
        {
            var frames = ExtXyzReader.ReadFrames(ds).ToList();
            var summary = DatasetSummary(frames);
            body.Append(CultureInfo.InvariantCulture, $"<h2>Dataset {E(Path.GetFileName(ds))}</h2>\n<p>{E(summary)}</p>\n");
            body.Append(SvgRenderer.Render(DatasetHistogramPlot.Create(frames, title: Path.GetFileName(ds))));
            notes($"report: dataset {Path.GetFileName(ds)}");
            sections++;
        }
        if (sections == 0)
            throw new InvalidOperationException($"'{folder}' has nothing to report (no nep.in, loss.out, *_train.out, thermo.out or .xyz file)");

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>NepForge report: ")
            .Append(E(Path.GetFileName(Path.GetFullPath(folder)))).Append("</title>\n<style>")
            .Append("body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1400px;margin:1em auto;padding:0 1em;color:#222}")
            .Append("table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
            .Append("th{background:#f3f3f3}pre{background:#f7f7f7;padding:0.6em}.warn{color:#a33}svg{max-width:100%;height:auto;display:block}")
            .Append("</style></head><body>\n<h1>NepForge report: ").Append(E(Path.GetFullPath(folder))).Append("</h1>\n")
            .Append(body).Append("</body></html>\n");
        return page.ToString();
    }

    static string DatasetSummary(List<Frame> frames)
    {
        long atoms = frames.Sum(f => (long)f.AtomCount);
        var species = frames.SelectMany(f => f.Elements).Select(e => e.Symbol).Distinct().Order(StringComparer.Ordinal);
        int e = frames.Count(f => f.Energy is not null), fo = frames.Count(f => f.Forces is not null), v = frames.Count(f => f.Virial is not null);
        return $"{frames.Count} frames, {atoms} atoms, species {string.Join(' ', species)}; with energy {e}, forces {fo}, virial {v}.";
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
}
