using NepForge.Plotting;

namespace NepForge.Tests.Plotting;

public sealed class NiceScaleTests
{
    [Theory]
    [InlineData(0.0, 1.0, 0.0, 1.0, 0.2)]
    [InlineData(-3.832, -3.716, -3.85, -3.70, 0.05)]
    [InlineData(0.0, 9.3, 0.0, 10.0, 2.0)]
    [InlineData(329.0, 412.8, 320.0, 420.0, 20.0)]
    [InlineData(-0.58, 0.2, -0.6, 0.2, 0.2)]
    public void LinearTicksAreNiceAndCoverTheRange(double min, double max, double lo, double hi, double step)
    {
        var s = NiceScale.Linear(min, max);
        Assert.Equal(lo, s.Min, 9);
        Assert.Equal(hi, s.Max, 9);
        Assert.Equal(step, s.Step, 12);
        Assert.Equal(s.Min, s.Ticks[0], 12);
        Assert.Equal(s.Max, s.Ticks[^1], 9);
        Assert.InRange(s.Ticks.Length, 3, 11);
    }

    [Fact]
    public void ZeroWidthRangeIsWidened()
    {
        var s = NiceScale.Linear(5, 5);
        Assert.True(s.Min < 5 && s.Max > 5);
    }

    [Fact]
    public void TickLabelsHaveNoFloatNoise()
    {
        var s = NiceScale.Linear(0, 0.3); // 3 × 0.1 is 0.30000000000000004
        Assert.Equal(["0", "0.1", "0.2", "0.3"], s.Ticks.Select(t => NiceScale.Label(t, s.Step)));
        Assert.Equal("0", NiceScale.Label(0, 0.1));
    }

    [Fact]
    public void LogTicksAreDecades()
    {
        var s = NiceScale.Log(0.00038, 0.15);
        Assert.Equal(1e-4, s.Min, 15);
        Assert.Equal(1, s.Max, 12);
        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1, 1], s.Ticks.Select(t => Math.Round(t, 10)));
        Assert.Equal(["1e-4", "0.001", "0.01", "0.1", "1", "10", "10000", "1e5"],
            new[] { 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 1e4, 1e5 }.Select(NiceScale.LogLabel));
        Assert.Throws<ArgumentException>(() => NiceScale.Log(0, 1));
    }

    [Fact]
    public void ManyDecadesAreThinned()
    {
        var s = NiceScale.Log(1e-10, 1e10, maxTicks: 6);
        Assert.True(s.Ticks.Length <= 6);
        Assert.Equal(-10, Math.Log10(s.Ticks[0]), 9);
    }

    [Theory]
    [InlineData(0.13, true, 0.1)]
    [InlineData(0.13, false, 0.2)]
    [InlineData(4.2, true, 5)]
    [InlineData(7.5, true, 10)]
    [InlineData(3000, false, 5000)]
    public void NiceNumberRounds(double x, bool round, double expected) =>
        Assert.Equal(expected, NiceScale.NiceNumber(x, round), 12);
}
