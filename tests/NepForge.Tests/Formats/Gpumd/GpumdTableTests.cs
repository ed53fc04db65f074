using NepForge.Formats.Gpumd;
using NepForge.IO;

namespace NepForge.Tests.Formats.Gpumd;

public sealed class GpumdTableTests
{
    [Fact]
    public void TruncatedLastRowKeepsCompleteRowsAndWarns()
    {
        var t = NumericTable.Parse("1 2 3\n4 5 6\n7 8", "x.out");
        Assert.Equal(2, t.Rows);
        var w = Assert.Single(t.Warnings);
        Assert.Equal(3, w.Line);
        Assert.Contains("2 of 3 columns", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortRowInTheMiddleIsAnErrorWithItsLine()
    {
        var e = Assert.Throws<ParseException>(() => NumericTable.Parse("1 2 3\n4 5\n7 8 9\n", "x.out"));
        Assert.Equal(2, e.Line);
        Assert.Contains("expected 3 columns, found 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonNumberIsAnErrorWithItsLine()
    {
        var e = Assert.Throws<ParseException>(() => NumericTable.Parse("# c\n1 2\n1 x\n", "x.out"));
        Assert.Equal("x.out:3: column 2: 'x' is not a number", e.Message);
    }

    [Fact]
    public void LossGenerationComesFromColumnZero()
    {
        // A resumed run with output_interval 50: generations are not 100, 200, …
        var loss = LossFile.From(NumericTable.Parse("50 1 0 0 0.1 0.2 0 0 0 0\n100 0.9 0 0 0.09 0.19 0 0 0 0\n"));
        Assert.Equal([50.0, 100.0], loss.Generations);
    }

    [Fact]
    public void Loss14ColumnsIsChargeModel()
    {
        var row = string.Join(' ', Enumerable.Range(0, 14).Select(i => (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var loss = LossFile.From(NumericTable.Parse(row));
        Assert.Equal(LossKind.Charge, loss.Kind);
        Assert.Equal(8.0, loss.Get("rmse_q_train")!.Values[0]);
        Assert.Equal(14.0, loss.Get("rmse_z_test")!.Values[0]);
    }

    [Fact]
    public void LossWithUnknownColumnCountIsRejected()
    {
        var e = Assert.Throws<ParseException>(() => LossFile.From(NumericTable.Parse("1 2 3 4 5 6 7\n", "loss.out")));
        Assert.Contains("7 columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Thermo15ColumnsIsOldTriclinic()
    {
        var t = ThermoFile.From(NumericTable.Parse("300 1 -5 0.1 0.2 0.3 2 0 0 0 3 0 0 0 4\n"));
        Assert.Equal((3, true), (t.PressureComponents, t.Triclinic));
        Assert.Equal(24, t.Volume(0), 12);
        Assert.Equal(0.2, t.HydrostaticPressure(0), 12);
    }

    [Fact]
    public void ActiveRowsAboveThresholdMapToActiveXyzFrames()
    {
        var a = ActiveFile.From(NumericTable.Parse("0 0.01\n10 0.3\n20 0.05\n30 0.5\n"));
        Assert.Equal([1, 3], a.RowsAbove(0.1));
    }

    [Fact]
    public void DescriptorRowsTellPerAtomOrPerStructure()
    {
        var d = DescriptorFile.From(NumericTable.Parse("1 2 3\n4 5 6\n"));
        Assert.Equal(3, d.Dimension);
        Assert.False(d.IsPerAtom(2, 10));
        Assert.True(d.IsPerAtom(1, 2));
        Assert.Null(d.IsPerAtom(5, 50));
    }
}
