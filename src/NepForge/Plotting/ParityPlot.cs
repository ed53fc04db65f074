using System.Globalization;
using NepForge.Formats.Gpumd;
using NepForge.Training;

namespace NepForge.Plotting;

/// <summary>
/// Parity plots of NEP against target values from <c>*_train.out</c>/<c>*_test.out</c>, one panel per quantity, with
/// RMSE, R² and the point count. Up to <see cref="MaxScatterPoints"/> points are drawn as markers; more become a
/// log-shaded 2-D histogram, so the file stays small while every point counts.
/// </summary>
public static class ParityPlot
{
    /// <summary>Above this many points a panel is drawn as a density grid.</summary>
    public const int MaxScatterPoints = 20000;

    /// <summary>One panel for one file (null when it holds no point with a target).</summary>
    public static Chart? Panel(PredictionFile file, string setName = "train")
    {
        ArgumentNullException.ThrowIfNull(file);
        var stats = ParityStatistics.Of(file.Predicted, file.Target);
        if (stats.Count == 0)
            return null;
        var x = new List<double>(stats.Count);
        var y = new List<double>(stats.Count);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < file.Target.Length; i++)
        {
            double t = file.Target[i], p = file.Predicted[i];
            if (!double.IsFinite(t) || !double.IsFinite(p))
                continue;
            x.Add(t);
            y.Add(p);
            lo = Math.Min(lo, Math.Min(t, p));
            hi = Math.Max(hi, Math.Max(t, p));
        }
        double pad = Math.Max((hi - lo) * 0.05, 1e-6);
        lo -= pad;
        hi += pad;
        string q = file.Quantity.ToString().ToLowerInvariant();
        var c = new Chart { Title = $"{char.ToUpperInvariant(q[0])}{q[1..]} ({setName})", Diagonal = true, Legend = false };
        c.X.Label = $"target {q} ({file.Unit})";
        c.Y.Label = $"NEP {q} ({file.Unit})";
        c.X.Min = c.Y.Min = lo;
        c.X.Max = c.Y.Max = hi;
        if (x.Count > MaxScatterPoints)
            c.Density = DensityGrid.From(x.ToArray(), y.ToArray(), lo, hi, 120);
        else
            c.Series.Add(new Series(setName, SeriesKind.Scatter, [.. x], [.. y]));
        c.Notes.Add($"RMSE = {FormatRmse(stats.Rmse, file.Unit)}");
        c.Notes.Add($"R² = {stats.R2.ToString("0.00000", CultureInfo.InvariantCulture)}");
        c.Notes.Add($"N = {stats.Count}");
        return c;
    }

    /// <summary>
    /// Panels for the files of a nep folder: energy, force, then virial (or stress when the virial file has no
    /// targets), for <paramref name="setName"/> "train" or "test". Files that are absent or hold no targets are left out.
    /// </summary>
    public static Figure Create(string folder, string setName = "train")
    {
        var fig = new Figure(3) { Title = $"NEP parity ({setName} set)", PanelWidth = 440, PanelHeight = 420 };
        foreach (var name in new[] { "energy", "force", "virial", "stress" })
        {
            string path = Path.Combine(folder, $"{name}_{setName}.out");
            if (!File.Exists(path))
                continue;
            if (name == "stress" && fig.Charts.Any(c => c.Title.StartsWith("Virial", StringComparison.Ordinal)))
                continue;
            if (Panel(PredictionFile.Read(path), setName) is { } chart)
                fig.Charts.Add(chart);
        }
        return fig;
    }

    /// <summary>RMSE in meV (eV units) or MPa (GPa), as NEP users quote it.</summary>
    public static string FormatRmse(double rmse, string unit) => unit switch
    {
        "eV/atom" => $"{(rmse * 1000).ToString("0.00", CultureInfo.InvariantCulture)} meV/atom",
        "eV/Å" => $"{(rmse * 1000).ToString("0.0", CultureInfo.InvariantCulture)} meV/Å",
        "GPa" => $"{(rmse * 1000).ToString("0.0", CultureInfo.InvariantCulture)} MPa",
        _ => rmse.ToString("G4", CultureInfo.InvariantCulture) + " " + unit,
    };
}
