using NepForge.Formats.Gpumd;
using NepForge.Plotting;
using NepForge.Training;
using static NepForge.Tests.Plotting.SvgRendererTests;

namespace NepForge.Tests.Plotting;

public sealed class PlotFixtureTests
{
    static string P(string relative) => Fixtures.Path("gpumd/" + relative);

    [FixtureFact]
    public void LossPlotIsLogLogWithTrainAndTestCurves()
    {
        var doc = Parse(SvgRenderer.Render(LossPlot.Create(LossFile.Read(P("old_11_NEP_potential_PbTe/loss.out")))));
        var panels = ByClass(doc, "panel").ToList();
        Assert.Equal(2, panels.Count);
        Assert.All(ByClass(doc, "axis"), a => Assert.Equal("log", (string)a.Attribute("data-scale")!));
        Assert.Equal(["total", "L1", "L2"], ByClass(panels[0], "series").Select(s => (string)s.Attribute("data-label")!));
        // No virials in this training set: its RMSE columns are zero and are left out.
        Assert.Equal(["energy train", "energy test", "force train", "force test"], ByClass(panels[1], "series").Select(s => (string)s.Attribute("data-label")!));
        Assert.Equal(["100", "1000", "10000"], TickLabels(panels[1], "x"));
    }

    [FixtureFact]
    public void LossPlotWithoutTestSetHasOnlyTrainCurves()
    {
        var fig = LossPlot.Create(LossFile.Read(P("nep_train/loss.out")));
        Assert.Equal(["energy train", "force train"], fig.Charts[1].Series.Select(s => s.Label));
    }

    [FixtureFact]
    public void ParityPlotHasEnergyAndForcePanelsWithStatistics()
    {
        var fig = ParityPlot.Create(P("nep_train"));
        // virial_train.out and stress_train.out hold only the missing marker: no panel.
        Assert.Equal(["Energy (train)", "Force (train)"], fig.Charts.Select(c => c.Title));
        Assert.Equal("N = 25", fig.Charts[0].Notes[2]);
        Assert.Equal("N = 18750", fig.Charts[1].Notes[2]);
        Assert.StartsWith("RMSE = ", fig.Charts[0].Notes[0], StringComparison.Ordinal);
        var e = PredictionFile.Read(P("nep_train/energy_train.out"));
        var st = ParityStatistics.Of(e.Predicted, e.Target);
        Assert.Equal(ParityPlot.FormatRmse(st.Rmse, "eV/atom"), fig.Charts[0].Notes[0]["RMSE = ".Length..]);
        Assert.InRange(st.R2, 0.99, 1);
        var doc = Parse(SvgRenderer.Render(fig));
        Assert.Equal(2, ByClass(doc, "diagonal").Count());
        Assert.Equal("25", (string)ByClass(doc, "scatter").First().Attribute("data-points")!);
    }

    [FixtureFact]
    public void ThermoPlotHasFourPanelsAndSixPressureComponents()
    {
        var fig = ThermoPlot.Create(ThermoFile.Read(P("tests_carbon/thermo1.out")));
        Assert.Equal(4, fig.Charts.Count);
        Assert.Equal(6, fig.Charts[2].Series.Count);
        Assert.Equal("time (ps)", fig.Charts[0].X.Label);
        Assert.Equal(0.1, fig.Charts[0].Series[0].X[^1], 12); // 10 rows, 10 fs apart
        var doc = Parse(SvgRenderer.Render(fig));
        Assert.Equal(9, ByClass(doc, "series").Count());
    }
}
