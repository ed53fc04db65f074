using NepForge.Formats.Gpumd;

namespace NepForge.Plotting;

/// <summary>Training curves from loss.out: the loss terms, and train/test RMSEs against generation, log–log.</summary>
public static class LossPlot
{
    /// <summary>Two panels: total/L1/L2 loss, and the RMSEs (train solid, test dashed in the same colour).</summary>
    public static Figure Create(LossFile loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var fig = new Figure(2) { Title = "NEP training (loss.out)" };
        var terms = Panel("Loss terms", "loss");
        foreach (var name in new[] { "total", "l1", "l2" })
        {
            if (loss.Get(name) is { } s)
                terms.Series.Add(new Series(name == "total" ? "total" : name.ToUpperInvariant(), SeriesKind.Line, loss.Generations, s.Values));
        }
        fig.Charts.Add(terms);

        var rmse = Panel("RMSE", "RMSE (E, V: eV/atom; F: eV/Å)");
        if (loss.Kind == LossKind.Tensor)
            rmse.Y.Label = "RMSE";
        int colour = 0;
        foreach (var train in loss.Series.Where(s => s.Name.StartsWith("rmse_", StringComparison.Ordinal) && !s.IsTest))
        {
            if (train.Values.All(v => v == 0))
                continue; // nep writes 0 for a quantity without targets (no virials)
            string col = SvgRenderer.Palette[colour++ % SvgRenderer.Palette.Count];
            string what = Describe(train.Name);
            rmse.Series.Add(new Series(what + " train", SeriesKind.Line, loss.Generations, train.Values) { Color = col });
            if (loss.Get(train.Name.Replace("_train", "_test", StringComparison.Ordinal)) is { } test && test.Values.Any(v => v != 0))
                rmse.Series.Add(new Series(what + " test", SeriesKind.Line, loss.Generations, test.Values) { Color = col, Dashed = true });
        }
        fig.Charts.Add(rmse);
        return fig;
    }

    static Chart Panel(string title, string yLabel)
    {
        var c = new Chart { Title = title };
        c.X.Label = "generation";
        c.X.Log = true;
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
