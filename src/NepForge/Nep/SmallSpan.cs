using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NepForge.Nep;

/// <summary>
/// Dot products and axpy over the short spans of the NEP kernel (9–30 doubles: basis functions, angular
/// components, descriptors). Inlined 4-wide loops: TensorPrimitives' calls cost more than the work at these lengths
/// (a quarter of `nep eval`'s time in a profile; bench/results/nep-cpu.md).
/// </summary>
static class SmallSpan
{
    /// <summary>Σ x[i]·y[i] over x's length (y at least as long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        y = y[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        double sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4)
                acc += Vector256.LoadUnsafe(ref rx, (nuint)i) * Vector256.LoadUnsafe(ref ry, (nuint)i);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
            sum += Unsafe.Add(ref rx, i) * Unsafe.Add(ref ry, i);
        return sum;
    }

    /// <summary>y[i] = x[i]·a + y[i] over x's length (not fused: the same rounding as TensorPrimitives.MultiplyAdd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd(ReadOnlySpan<double> x, double a, Span<double> y)
    {
        int n = x.Length;
        y = y[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * va + Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref ry, i) = Unsafe.Add(ref rx, i) * a + Unsafe.Add(ref ry, i);
    }

    /// <summary>y[i] += x[i] over x's length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length;
        y = y[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref ry, (nuint)i) + Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref ry, i) += Unsafe.Add(ref rx, i);
    }

    /// <summary>z[i] = x[i]·y[i] over x's length (z may be x or y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Multiply(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z)
    {
        int n = x.Length;
        y = y[..n];
        z = z[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rz = ref MemoryMarshal.GetReference(z);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * Vector256.LoadUnsafe(ref ry, (nuint)i)).StoreUnsafe(ref rz, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref rz, i) = Unsafe.Add(ref rx, i) * Unsafe.Add(ref ry, i);
    }

    /// <summary>z[i] = x[i]·a over x's length (z may be x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Multiply(ReadOnlySpan<double> x, double a, Span<double> z)
    {
        int n = x.Length;
        z = z[..n];
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double rz = ref MemoryMarshal.GetReference(z);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref rx, (nuint)i) * va).StoreUnsafe(ref rz, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref rz, i) = Unsafe.Add(ref rx, i) * a;
    }
}
