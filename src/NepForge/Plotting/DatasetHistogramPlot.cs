using NepForge.Structures;

namespace NepForge.Plotting;

/// <summary>Distributions over a dataset: energy per atom and force magnitude |F|.</summary>
public static class DatasetHistogramPlot
{
    /// <summary>Two panels (energy/atom, |F| with a log count axis); frames without labels add nothing.</summary>
    public static Figure Create(IEnumerable<Frame> frames, int bins = 50, string title = "Dataset")
    {
        ArgumentNullException.ThrowIfNull(frames);
        var energies = new List<double>();
        var forces = new List<double>();
        foreach (var f in frames)
        {
            if (f.EnergyPerAtom is { } e && double.IsFinite(e))
                energies.Add(e);
            if (f.Forces is { } fr)
            {
                for (int i = 0; i + 2 < fr.Length; i += 3)
                    forces.Add(Math.Sqrt((fr[i] * fr[i]) + (fr[i + 1] * fr[i + 1]) + (fr[i + 2] * fr[i + 2])));
            }
        }
        var fig = new Figure(2) { Title = title, PanelWidth = 500, PanelHeight = 380 };
        var ce = new Chart { Title = $"Energy per atom ({energies.Count} frames)", Legend = false };
        ce.X.Label = "E (eV/atom)";
        ce.Y.Label = "frames";
        if (energies.Count > 0)
            ce.Series.Add(Histogram("energy", energies, bins));
        fig.Charts.Add(ce);
        var cf = new Chart { Title = $"Force magnitude ({forces.Count} atoms)", Legend = false };
        cf.X.Label = "|F| (eV/Å)";
        cf.Y.Label = "atoms";
        cf.Y.Log = true;
        if (forces.Count > 0)
            cf.Series.Add(Histogram("|F|", forces, bins));
        fig.Charts.Add(cf);
        return fig;
    }

    /// <summary>Equal-width bins over the data range.</summary>
    public static Series Histogram(string label, IReadOnlyList<double> values, int bins)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double lo = values.Min(), hi = values.Max();
        if (hi - lo < 1e-12)
        {
            lo -= 0.5;
            hi += 0.5;
        }
        double w = (hi - lo) / bins;
        var edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++)
            edges[i] = lo + (i * w);
        var counts = new double[bins];
        foreach (double v in values)
            counts[Math.Min(bins - 1, (int)((v - lo) / w))]++;
        return new Series(label, SeriesKind.Histogram, edges, counts);
    }
}
