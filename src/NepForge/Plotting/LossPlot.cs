using NepForge.Formats.Gpumd;

namespace NepForge.Plotting;

/// <summary>Training curves from loss.out: the loss terms, and train/test RMSEs against generation, log–log.</summary>
public static class LossPlot
{
    /// <summary>Two panels: total/L1/L2 loss, and the RMSEs (train solid, test dashed in the same colour).</summary>
    /// <param name="loss">loss.out.</param>
    /// <param name="minutes">Wall time of each row in minutes (the CPU trainer's log): the x axis is then time, linear.</param>
    public static Figure Create(LossFile loss, IReadOnlyList<double>? minutes = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (minutes is not null && minutes.Count != loss.Rows)
            throw new ArgumentException($"{minutes.Count} wall times for {loss.Rows} loss.out rows");
        var fig = new Figure(2) { Title = "NEP training (loss.out)" };
        double[] x = minutes is null ? loss.Generations : [.. minutes];
        var terms = Panel("Loss terms", "loss (weighted sum of RMSEs)", minutes is not null);
        foreach (var name in new[] { "total", "l1", "l2" })
        {
            if (loss.Get(name) is { } s)
                terms.Series.Add(new Series(name == "total" ? "total" : name.ToUpperInvariant(), SeriesKind.Line, x, s.Values));
        }
        fig.Charts.Add(terms);

        var rmse = Panel("RMSE", "RMSE (E, V: eV/atom; F: eV/Å)", minutes is not null);
        if (loss.Kind == LossKind.Tensor)
            rmse.Y.Label = "RMSE";
        int colour = 0;
        foreach (var train in loss.Series.Where(s => s.Name.StartsWith("rmse_", StringComparison.Ordinal) && !s.IsTest))
        {
            if (train.Values.All(v => v == 0))
                continue; // nep writes 0 for a quantity without targets (no virials)
            string col = SvgRenderer.Palette[colour++ % SvgRenderer.Palette.Count];
            string what = Describe(train.Name);
            rmse.Series.Add(new Series(what + " train", SeriesKind.Line, x, train.Values) { Color = col });
            if (loss.Get(train.Name.Replace("_train", "_test", StringComparison.Ordinal)) is { } test && test.Values.Any(v => v != 0))
                rmse.Series.Add(new Series(what + " test", SeriesKind.Line, x, test.Values) { Color = col, Dashed = true });
        }
        fig.Charts.Add(rmse);
        return fig;
    }

    static Chart Panel(string title, string yLabel, bool time)
    {
        var c = new Chart { Title = title };
        c.X.Label = time ? "wall time (min)" : "generation";
        c.X.Log = !time;
        c.Y.Label = yLabel;
        c.Y.Log = true;
        return c;
    }

    static string Describe(string name) => name switch
    {
        "rmse_e_train" => "energy",
        "rmse_f_train" => "force",
        "rmse_v_train" => "virial",
        "rmse_q_train" => "charge",
        "rmse_z_train" => "BEC",
        _ => "RMSE",
    };
}
