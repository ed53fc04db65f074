using System.Globalization;
using System.Text;
using NepForge.IO;

namespace NepForge.Tests.IO;

public class FastDoubleTests
{
    static bool Fast(string s, out double value) => FastDouble.TryParse(Encoding.UTF8.GetBytes(s), out value);

    static bool Bcl(string s, out double value) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    static void AssertBitIdentical(double expected, double actual, string input)
    {
        long e = BitConverter.DoubleToInt64Bits(expected), a = BitConverter.DoubleToInt64Bits(actual);
        Assert.True(e == a, $"'{input}': expected {expected:R} (0x{e:X16}), got {actual:R} (0x{a:X16})");
    }

    /// <summary>FastDouble accepts <paramref name="s"/> and gives exactly double.Parse's bits.</summary>
    static void AssertSameAsBcl(string s)
    {
        Assert.True(Fast(s, out double fast), $"FastDouble rejected '{s}'");
        AssertBitIdentical(double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), fast, s);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+0")]
    [InlineData("0.0")]
    [InlineData("-0.0")]
    [InlineData("-0.00000000")]
    [InlineData("-0e10")]
    [InlineData(".428")]
    [InlineData("-.428")]
    [InlineData("1.")]
    [InlineData("-1.")]
    [InlineData("3.391217")]
    [InlineData("-0.1323393")]
    [InlineData("1e-05")]
    [InlineData("1E+22")]
    [InlineData("1e22")]
    [InlineData("1e23")]
    [InlineData("1e-22")]
    [InlineData("1e-23")]
    [InlineData("0.10000000E+01")]
    [InlineData("-0.10583589e-02")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("4.9406564584124654e-324")]
    [InlineData("2.4703282292062328e-324")] // rounds up to the smallest subnormal
    [InlineData("2.4703282292062327e-324")] // rounds down to zero
    [InlineData("2.2250738585072014e-308")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("1.7976931348623158e308")]
    [InlineData("1e309")] // overflows to infinity in .NET Core 3.0+
    [InlineData("-1e309")]
    [InlineData("1e-400")]
    [InlineData("+5")]
    [InlineData("9007199254740992")] // 2^53: the largest significand of the fast path
    [InlineData("9007199254740993")] // 2^53 + 1: not representable, ties to even
    [InlineData("9007199254740995")]
    [InlineData("9007199254740992e-22")]
    [InlineData("9007199254740993e-22")]
    [InlineData("9999999999999999999")] // 19 digits
    [InlineData("99999999999999999999")] // 20 digits
    [InlineData("1234567890123456789.0")]
    [InlineData("0.000000000000000000000000000001")]
    [InlineData("00000000000000000000000000000123.5")]
    [InlineData("1.00000000000000000000000000000")]
    [InlineData("0.1")]
    [InlineData("0.3")]
    [InlineData("1.1")]
    [InlineData("123.456e-7")]
    [InlineData("5e-324")]
    [InlineData("1.7976931348623157E+308")]
    [InlineData("0.30000000000000004")]
    [InlineData("2.2204460492503131e-16")]
    [InlineData("7.2057594037927933e16")]
    [InlineData("1e0")]
    [InlineData("1e+0")]
    [InlineData("1e-0")]
    [InlineData("1e0000000000000000000000000001")]
    [InlineData("1e-99999999999")]
    [InlineData("1e99999999999")]
    [InlineData("0e99999999999")]
    [InlineData("-12.5E3")]
    [InlineData(" 1.5")]
    [InlineData("1.5 ")]
    public void HandPickedCasesMatchDoubleParse(string s) => AssertSameAsBcl(s);

    [Theory]
    [InlineData("1.0D-03", "1.0E-03")]
    [InlineData("1.0d-03", "1.0E-03")]
    [InlineData("-0.10583589D-02", "-0.10583589E-02")]
    [InlineData("0.10000000D+01", "0.10000000E+01")]
    [InlineData("1D22", "1E22")]
    [InlineData("1D23", "1E23")]
    [InlineData("123456789012345678901234567890D-5", "123456789012345678901234567890E-5")]
    [InlineData("4.9406564584124654D-324", "4.9406564584124654E-324")]
    public void FortranDExponent(string fortran, string equivalent)
    {
        Assert.True(Fast(fortran, out double v));
        AssertBitIdentical(double.Parse(equivalent, CultureInfo.InvariantCulture), v, fortran);
    }

    [Fact]
    public void KnownValues()
    {
        Assert.True(Fast("1.0D-03", out double v));
        Assert.Equal(0.001, v);
        Assert.True(Fast("-0.10583589e-02", out v));
        Assert.Equal(-0.0010583589, v);
        Assert.True(Fast("-0", out v));
        Assert.True(double.IsNegative(v));
        Assert.Equal(0.0, v);
        Assert.True(Fast("0", out v));
        Assert.False(double.IsNegative(v));
        Assert.True(Fast("4.9406564584124654e-324", out v));
        Assert.Equal(double.Epsilon, v);
        Assert.True(Fast("1.7976931348623157e308", out v));
        Assert.Equal(double.MaxValue, v);
        Assert.True(Fast("+5", out v));
        Assert.Equal(5.0, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1e-")]
    [InlineData("1D")]
    [InlineData("e5")]
    [InlineData(".e5")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    [InlineData("1_000")]
    [InlineData("--1")]
    [InlineData("+-1")]
    [InlineData("1e5.5")]
    [InlineData("1ee5")]
    [InlineData("1 2")]
    [InlineData("abc")]
    [InlineData("1x")]
    [InlineData("D5")]
    [InlineData("1.0DD3")]
    public void MalformedInputIsRejected(string s)
    {
        Assert.False(Fast(s, out _), $"'{s}' accepted");
        Assert.False(Bcl(s.Replace('D', 'E'), out _), $"BCL accepts '{s}': the test case is wrong");
    }

    [Theory]
    [InlineData("inf")]
    [InlineData("-inf")]
    [InlineData("Inf")]
    [InlineData("INF")]
    [InlineData("infinity")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("+Infinity")]
    [InlineData("∞")]
    [InlineData("-∞")]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("-nan")]
    [InlineData("NAN")]
    [InlineData("nan(ind)")]
    [InlineData("1.#INF")]
    public void SpecialValuesBehaveLikeDoubleTryParse(string s)
    {
        bool expectedOk = Bcl(s, out double expected);
        bool ok = Fast(s, out double actual);
        Assert.Equal(expectedOk, ok);
        if (ok)
        {
            if (double.IsNaN(expected))
                Assert.True(double.IsNaN(actual));
            else
                AssertBitIdentical(expected, actual, s);
        }
    }

    [Fact]
    public void InfinityAndNaNAreAccepted()
    {
        Assert.True(Fast("Infinity", out double v));
        Assert.Equal(double.PositiveInfinity, v);
        Assert.True(Fast("-Infinity", out v));
        Assert.Equal(double.NegativeInfinity, v);
        Assert.True(Fast("NaN", out v));
        Assert.True(double.IsNaN(v));
    }

    static double RandomDouble(Random rng)
    {
        while (true)
        {
            // Random bits: every exponent from subnormal to 1.8e308, both signs.
            double d = BitConverter.Int64BitsToDouble(rng.NextInt64(long.MinValue, long.MaxValue));
            if (double.IsFinite(d))
                return d;
        }
    }

    [Theory]
    [InlineData("R")]
    [InlineData("E16")]
    [InlineData("F8")]
    [InlineData("G17")]
    public void RandomDoublesRoundTripBitIdentical(string format)
    {
        var rng = new Random(20240601 + format.GetHashCode(StringComparison.Ordinal) % 1000);
        var bytes = new byte[1024];
        for (int n = 0; n < 200000; n++)
        {
            // Half from random bits (full exponent range), half "physical" magnitudes 1e-12 … 1e6 where the fast path applies.
            double d = n % 2 == 0
                ? RandomDouble(rng)
                : (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-12, 7));
            string s = d.ToString(format, CultureInfo.InvariantCulture);
            int len = Encoding.ASCII.GetBytes(s, bytes);
            Assert.True(FastDouble.TryParse(bytes.AsSpan(0, len), out double v), $"rejected '{s}'");
            double expected = double.Parse(s, CultureInfo.InvariantCulture);
            if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(v))
                AssertBitIdentical(expected, v, s);
            if (format is "R" or "E16" or "G17")
                Assert.Equal(d, v); // these formats round-trip
        }
    }

    [Fact]
    public void RandomDecimalStringsMatchDoubleParse()
    {
        // Random digit strings: 1…25 digits, optional point anywhere, optional exponent e/E/d/D in [-40, 40] —
        // exercises both sides of the fast path's limits (19 digits, 2^53, 10^±22).
        var rng = new Random(777);
        var sb = new StringBuilder();
        for (int n = 0; n < 200000; n++)
        {
            sb.Clear();
            int r = rng.Next(4);
            if (r == 0)
                sb.Append('-');
            else if (r == 1)
                sb.Append('+');
            int digits = rng.Next(1, 26);
            int point = rng.Next(-1, digits + 1);
            for (int i = 0; i < digits; i++)
            {
                if (i == point)
                    sb.Append('.');
                sb.Append((char)('0' + (rng.Next(3) == 0 ? 0 : rng.Next(10))));
            }
            if (point == digits)
                sb.Append('.');
            char? expChar = null;
            if (rng.Next(2) == 0)
            {
                expChar = "eEdD"[rng.Next(4)];
                sb.Append(expChar.Value);
                int exp = rng.Next(-40, 41);
                sb.Append(exp < 0 ? "-" : rng.Next(2) == 0 ? "+" : "").Append(Math.Abs(exp));
            }
            string s = sb.ToString();
            string bcl = expChar is 'd' or 'D' ? s.Replace(expChar.Value, 'e') : s;
            Assert.True(FastDouble.TryParse(Encoding.ASCII.GetBytes(s), out double v), $"rejected '{s}'");
            double expected = double.Parse(bcl, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(v))
                AssertBitIdentical(expected, v, s);
        }
    }

    [Fact]
    public void ExactFastPathBoundaries()
    {
        // Every integer significand up to 2^53 times every power of ten 10^-22 … 10^22 that the fast path handles.
        var rng = new Random(9);
        for (int n = 0; n < 50000; n++)
        {
            long m = rng.NextInt64(0, (1L << 53) + 1);
            int e = rng.Next(-22, 23);
            AssertSameAsBcl(FormattableString.Invariant($"{m}e{e}"));
            AssertSameAsBcl(FormattableString.Invariant($"-{m}E{e}"));
        }
        AssertSameAsBcl("9007199254740992e22");
        AssertSameAsBcl("9007199254740992e-22");
        AssertSameAsBcl("9007199254740993e22");
        AssertSameAsBcl("9007199254740991e-23");
    }
}
