using System.Numerics.Tensors;
using NepForge.Nep;

namespace NepForge.Tests.Nep;

/// <summary>The NEP kernel's short-span helpers against TensorPrimitives, for every length the kernel meets and more.</summary>
public sealed class SmallSpanTests
{
    [Fact]
    public void Match_TensorPrimitives_for_lengths_0_to_80()
    {
        var random = new Random(11);
        for (int n = 0; n <= 80; n++)
        {
            double[] x = [.. Enumerable.Range(0, n + 3).Select(_ => random.NextDouble() * 4 - 2)];
            double[] y = [.. Enumerable.Range(0, n + 3).Select(_ => random.NextDouble() * 4 - 2)];
            var xs = x.AsSpan(0, n);
            // Dot: the same sum in another order, so equal to rounding.
            double expected = TensorPrimitives.Dot<double>(xs, y.AsSpan(0, n));
            double scale = TensorPrimitives.SumOfMagnitudes<double>(xs) * 4 + 1;
            Assert.Equal(expected, SmallSpan.Dot(xs, y), 1e-15 * scale); // y longer than x: only x's length counts

            // MultiplyAdd and Add: element by element, bit for bit; y's elements past n untouched.
            var a = (double[])y.Clone();
            var b = (double[])y.Clone();
            TensorPrimitives.MultiplyAdd(xs, 0.37, a.AsSpan(0, n), a.AsSpan(0, n));
            SmallSpan.MultiplyAdd(xs, 0.37, b);
            Assert.Equal(a, b);
            TensorPrimitives.Add(xs, a.AsSpan(0, n), a.AsSpan(0, n));
            SmallSpan.Add(xs, b);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void A_shorter_second_span_is_refused()
    {
        double[] x = [1, 2, 3, 4, 5];
        Assert.Throws<ArgumentOutOfRangeException>(() => SmallSpan.Dot(x, new double[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SmallSpan.MultiplyAdd(x, 1, new double[4]));
    }
}
