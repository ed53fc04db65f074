using System.Globalization;
using System.Text;
using NepForge.IO;

namespace NepForge.Tests.IO;

public class FastDoubleFormatTests
{
    static string Format(double v)
    {
        var buffer = new byte[64];
        Assert.True(FastDoubleFormat.TryFormat(v, buffer, out int n));
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(1.0, "1")]
    [InlineData(-937.191, "-937.191")]
    [InlineData(3.391217, "3.391217")]
    [InlineData(0.07834588, "0.07834588")]
    [InlineData(-0.1323393, "-0.1323393")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "0.00001")]
    [InlineData(16.425979999999999, "16.42598")]
    [InlineData(123456789012345.0, "123456789012345")]
    [InlineData(1e300, "1E+300")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(double.NaN, "NaN")]
    public void Writes_shortest_fixed_point(double value, string expected) => Assert.Equal(expected, Format(value));

    [Fact]
    public void Every_double_round_trips_bit_for_bit_and_is_never_longer_than_R_plus_padding()
    {
        var rng = new Random(20261122);
        for (int i = 0; i < 300_000; i++)
        {
            double v = (i % 4) switch
            {
                0 => Math.Round(rng.NextDouble() * 2e4 - 1e4, rng.Next(0, 12)),
                1 => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 17)),
                2 => BitConverter.Int64BitsToDouble(rng.NextInt64()),
                _ => rng.NextDouble(),
            };
            if (double.IsNaN(v))
                continue;
            string s = Format(v);
            double back = double.Parse(s, CultureInfo.InvariantCulture);
            Assert.True(BitConverter.DoubleToInt64Bits(back) == BitConverter.DoubleToInt64Bits(v), $"{v:R} written as {s} reads back as {back:R}");
            Assert.True(FastDouble.TryParse(Encoding.ASCII.GetBytes(s), out double ours) && BitConverter.DoubleToInt64Bits(ours) == BitConverter.DoubleToInt64Bits(v));
            // Same digits as "R"; only a small fixed-point magnitude (0.0000x) may be written longer than "x E-05".
            Assert.True(s.Length <= v.ToString("R", CultureInfo.InvariantCulture).Length + 4, $"{v:R} written as {s}");
        }
    }
}
