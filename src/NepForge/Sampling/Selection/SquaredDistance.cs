using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NepForge.Sampling.Selection;

/// <summary>
/// Squared Euclidean distance in float64 with SIMD. Every distance in selection goes through <see cref="Of"/>, so the
/// same pair always gives the same bits whichever pass computes it (the lazy sampler and the parallel passes agree).
/// </summary>
internal static class SquaredDistance
{
    /// <summary>Σ (a_k − b_k)², summed in <see cref="Vector{T}"/> lanes with two accumulators, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Of(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length;
        if (b.Length != n)
            throw new ArgumentException("vectors differ in length", nameof(b));
        ref double pa = ref MemoryMarshal.GetReference(a);
        ref double pb = ref MemoryMarshal.GetReference(b);
        int w = Vector<double>.Count, i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= w)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            for (; i <= n - 2 * w; i += 2 * w)
            {
                var d0 = Vector.LoadUnsafe(ref pa, (nuint)i) - Vector.LoadUnsafe(ref pb, (nuint)i);
                var d1 = Vector.LoadUnsafe(ref pa, (nuint)(i + w)) - Vector.LoadUnsafe(ref pb, (nuint)(i + w));
                acc0 += d0 * d0;
                acc1 += d1 * d1;
            }
            for (; i <= n - w; i += w)
            {
                var d0 = Vector.LoadUnsafe(ref pa, (nuint)i) - Vector.LoadUnsafe(ref pb, (nuint)i);
                acc0 += d0 * d0;
            }
            sum = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++)
        {
            double d = Unsafe.Add(ref pa, i) - Unsafe.Add(ref pb, i);
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Smallest squared distance from <paramref name="x"/> to rows [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="m"/>, starting from <paramref name="best"/>.</summary>
    public static double MinTo(ReadOnlySpan<double> x, FeatureMatrix m, int from, int to, double best)
    {
        ArgumentNullException.ThrowIfNull(m);
        int dim = m.Dim;
        var data = m.Data.AsSpan();
        for (int j = from; j < to; j++)
        {
            double d = Of(x, data.Slice(j * dim, dim));
            if (d < best)
                best = d;
        }
        return best;
    }
}
