using NepForge.Formats.Gpumd;

namespace NepForge.Tests.Formats.Gpumd;

/// <summary>Every GPUMD/nep output fixture reads with the values fixtures/gpumd/PROVENANCE.md quotes.</summary>
public sealed class GpumdOutputFixtureTests
{
    static string P(string relative) => Fixtures.Path("gpumd/" + relative);

    [FixtureFact]
    public void LossOut10ColumnsWithoutTestSet()
    {
        var loss = LossFile.Read(P("nep_train/loss.out"));
        Assert.Equal(LossKind.Potential, loss.Kind);
        Assert.Equal(200, loss.Rows);
        Assert.Equal(100, loss.Generations[0]);
        Assert.Equal(20000, loss.Generations[^1]);
        Assert.Equal(0.15328, loss.Get("total")!.Values[0]);
        Assert.Equal(0.02081, loss.Get("l1")!.Values[0]);
        Assert.Equal(0.00189, loss.Get("rmse_e_train")!.Values[0]);
        Assert.Equal(0.10600, loss.Get("rmse_f_train")!.Values[0]);
        Assert.False(loss.HasTest);
        Assert.Empty(loss.Warnings);
    }

    [FixtureFact]
    public void LossOut10ColumnsWithTestSet()
    {
        var loss = LossFile.Read(P("old_11_NEP_potential_PbTe/loss.out"));
        Assert.Equal(100, loss.Rows);
        Assert.True(loss.HasTest);
        Assert.Equal(0.12912, loss.Get("total")!.Values[0]);
        Assert.Equal(0.00357, loss.Get("rmse_e_test")!.Values[0]);
        Assert.Equal(0.09544, loss.Get("rmse_f_test")!.Values[0]);
    }

    [FixtureFact]
    public void LossOut6ColumnsDipole()
    {
        var loss = LossFile.Read(P("old_12_NEP_dipole_QM7B/loss.out"));
        Assert.Equal(LossKind.Tensor, loss.Kind);
        Assert.Equal(2000, loss.Rows);
        Assert.Equal(100, loss.Generations[0]);
        Assert.Equal(0.01403, loss.Get("rmse_train")!.Values[0]);
        Assert.Equal(0.01383, loss.Get("rmse_test")!.Values[0]);
    }

    [FixtureFact]
    public void EnergyAndForceTrainOut()
    {
        var e = PredictionFile.Read(P("nep_train/energy_train.out"));
        Assert.Equal(25, e.Rows);
        Assert.Equal(-3.74744, e.Predicted[0]);
        Assert.Equal(-3.74876, e.Target[0]);
        Assert.Equal(-937.191 / 250, e.Target[0], 5);

        var f = PredictionFile.Read(P("nep_train/force_train.out"));
        Assert.Equal(6250, f.Rows);
        Assert.Equal(3, f.Components);
        Assert.Equal([0.0783459, 0.336893, -0.132339], f.Target[..3]);
    }

    [FixtureFact]
    public void VirialAndStressNewLayoutWithMissingTargets()
    {
        var v = PredictionFile.Read(P("nep_train/virial_train.out"));
        Assert.False(v.OldVirialLayout);
        Assert.Equal(25, v.Rows);
        Assert.Equal(1.04335, v.Predicted[0]);
        Assert.Equal(-0.00336721, v.Predicted[5]);
        Assert.All(v.Target, t => Assert.True(double.IsNaN(t)));
        Assert.Equal(0, v.RowsWithTarget);

        var s = PredictionFile.Read(P("nep_train/stress_train.out"));
        Assert.Equal(PredictionQuantity.Stress, s.Quantity);
        Assert.Equal(4.71474, s.Predicted[0]);
        Assert.Equal(0, s.RowsWithTarget);
        // The 2024 stress file printed the missing marker in GPa.
        var old = PredictionFile.Read(P("old_11_NEP_potential_PbTe/stress_train.out"));
        Assert.Equal(25, old.Rows);
        Assert.Equal(0, old.RowsWithTarget);
    }

    [FixtureFact]
    public void VirialOldTwoColumnLayoutIsBlockedByComponent()
    {
        var v = PredictionFile.Read(P("old_11_NEP_potential_PbTe/virial_train.out"));
        Assert.True(v.OldVirialLayout);
        Assert.Equal(25, v.Rows);
        Assert.Equal(0.526215, v.Predicted[0]);   // line 1: xx of structure 1
        Assert.Equal(0.466405, v.Predicted[1]);   // line 26: yy of structure 1
        Assert.Equal(0.421539, v.Predicted[6]);   // line 2: xx of structure 2
        Assert.Equal(0.00650697, v.Predicted[3]); // line 76: xy of structure 1
        Assert.Equal(300, PredictionFile.Read(P("old_11_NEP_potential_PbTe/virial_test.out")).Rows);
        Assert.Equal(300, PredictionFile.Read(P("old_11_NEP_potential_PbTe/energy_test.out")).Rows);
        Assert.Equal(-3.74876, PredictionFile.Read(P("old_11_NEP_potential_PbTe/energy_train.out")).Target[0]);
    }

    [FixtureFact]
    public void Thermo18ColumnsNoHeader()
    {
        var t = ThermoFile.Read(P("gpumd_dynamic/thermo.out"));
        Assert.Equal(1000, t.Rows);
        Assert.Equal(18, t.Columns);
        Assert.True(t.Triclinic);
        Assert.Equal(329.01675025, t.Temperature(0));
        Assert.Equal(10.632188211, t.Kinetic(0));
        Assert.Equal(-932.33109522, t.Potential(0));
        Assert.Equal(2.5264497095, t.Pressure(0, 0));
        Assert.Equal(2.4265131671e-02, t.Pressure(0, 5));
        double a = 16.42598265;
        Assert.Equal(2 * a * a * a, t.Volume(0), 6); // fcc cell rows (0 a a) (a 0 a) (a a 0)
        Assert.Null(t.FormatVersion);
    }

    [FixtureFact]
    public void ThermoNewHeader()
    {
        var t = ThermoFile.Read(P("tests_carbon/thermo1.out"));
        Assert.Equal(10, t.Rows);
        Assert.Equal(18, t.Columns);
        Assert.Equal(1, t.FormatVersion);
        Assert.Equal(64000, t.AtomCount);
        Assert.Equal(10, t.DumpInterval);
        Assert.Equal(10.0, t.OutputIntervalFs);
        Assert.Equal(18, t.ColumnNames!.Count);
        Assert.Equal("sxx", t.ColumnNames[3]);
        Assert.Equal(300.70240360, t.Temperature(0));
        Assert.Equal(75.2 * 75.2 * 75.2, t.Volume(0), 6);
    }

    [FixtureFact]
    public void Thermo12And9Columns()
    {
        var t12 = ThermoFile.Read(P("old_08_Silicon_melt/thermo.out"));
        Assert.Equal((1000, 12, 6, false), (t12.Rows, t12.Columns, t12.PressureComponents, t12.Triclinic));
        Assert.Equal(54.709644727 * 54.758351764 * 54.749657967, t12.Volume(0), 6);
        Assert.Equal(1591.3813014, t12.Temperature(0));

        var t9 = ThermoFile.Read(P("old_04_ballistic/thermo.out"));
        Assert.Equal((100, 9, 3), (t9.Rows, t9.Columns, t9.PressureComponents));
        Assert.Equal(-3.1752416642e+05, t9.Potential(0));
        Assert.Equal(245.951 * 430.26 * 3.35, t9.Volume(0), 6);
        Assert.True(double.IsNaN(t9.Pressure(0, 3)));
    }
}
