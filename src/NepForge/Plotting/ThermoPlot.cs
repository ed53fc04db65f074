using NepForge.Formats.Gpumd;

namespace NepForge.Plotting;

/// <summary>An MD run at a glance from thermo.out: temperature, potential energy, pressure components and volume.</summary>
public static class ThermoPlot
{
    /// <summary>Four panels against row time (fs when the file says its interval, else row index).</summary>
    public static Figure Create(ThermoFile thermo, double? intervalFs = null) => Create(thermo, intervalFs, null);

    /// <summary>
    /// Four panels against time in ps: <paramref name="timesPs"/> (from run.in, <see cref="ThermoTimes"/>) when given,
    /// else rows <paramref name="intervalFs"/> or the file's own interval apart, else the row index.
    /// </summary>
    public static Figure Create(ThermoFile thermo, double? intervalFs, double[]? timesPs)
    {
        ArgumentNullException.ThrowIfNull(thermo);
        double dt = intervalFs ?? thermo.OutputIntervalFs ?? 0;
        var x = new double[thermo.Rows];
        bool fromRunIn = intervalFs is null && timesPs is not null && timesPs.Length == x.Length;
        for (int i = 0; i < x.Length; i++)
            x[i] = fromRunIn ? timesPs![i] : dt > 0 ? (i + 1) * dt / 1000 : i + 1;
        string xLabel = fromRunIn || dt > 0 ? "time (ps)" : "thermo.out row";
        var fig = new Figure(2) { Title = "GPUMD run (thermo.out)", PanelWidth = 500, PanelHeight = 340 };

        fig.Charts.Add(Panel("Temperature", xLabel, "T (K)", new Series("T", SeriesKind.Line, x, thermo.Column(0))));
        fig.Charts.Add(Panel("Potential energy", xLabel, "U (eV)", new Series("U", SeriesKind.Line, x, thermo.Column(2))));
        var p = Panel("Pressure", xLabel, "P (GPa)");
        string[] names = ["Pxx", "Pyy", "Pzz", "Pyz", "Pxz", "Pxy"];
        for (int k = 0; k < thermo.PressureComponents; k++)
            p.Series.Add(new Series(names[k], SeriesKind.Line, x, thermo.Column(3 + k)) { Dashed = k >= 3 });
        fig.Charts.Add(p);
        var v = new double[thermo.Rows];
        for (int i = 0; i < v.Length; i++)
            v[i] = thermo.Volume(i);
        fig.Charts.Add(Panel("Volume", xLabel, "V (Å³)", new Series("V", SeriesKind.Line, x, v)));
        return fig;
    }

    static Chart Panel(string title, string xLabel, string yLabel, params Series[] series)
    {
        var c = new Chart { Title = title };
        c.X.Label = xLabel;
        c.Y.Label = yLabel;
        c.Series.AddRange(series);
        return c;
    }
}
