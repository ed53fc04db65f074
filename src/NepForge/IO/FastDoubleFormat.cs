using System.Globalization;
using System.Runtime.CompilerServices;

namespace NepForge.IO;

/// <summary>
/// Writes a double as the shortest fixed-point decimal that parses back to exactly the same double, much faster
/// than the BCL's "R" for the numbers structure files hold (a few to 17 significant digits, magnitudes 1e-5…1e15).
/// For d = 0, 1, 2… it takes m = round(v·10^d) and accepts the first d for which m / 10^d == v; since m ≤ 2^53 and
/// 10^d ≤ 10^22 are exact doubles, that division is correctly rounded in every IEEE parser (Clinger), so the text
/// round-trips. Anything else (huge, tiny, NaN, ∞) falls back to "R".
/// </summary>
internal static class FastDoubleFormat
{
    static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    const double TwoTo53 = 9007199254740992.0;

    /// <summary>Formats <paramref name="v"/> into <paramref name="destination"/> (needs up to 32 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryFormat(double v, Span<byte> destination, out int written)
    {
        double a = Math.Abs(v);
        if (a < 1e15 && a >= 1e-5)
        {
            // Largest usable d keeps a·10^d ≤ 2^53. P(d) = "round(a·10^d)/10^d == a" is monotonic in d (once m
            // works, 10m works too). Most numbers in structure files have ≤ 8 decimals, so try d = 8 first and strip
            // trailing zeros (one division instead of a search); otherwise binary-search the smallest d above 8.
            int hi = 17;
            while (hi > 0 && a * Powers[hi] > TwoTo53)
                hi--;
            if (hi >= 8 && Exact(a, 8, out ulong m8))
            {
                int d = 8;
                while (d > 0 && m8 % 10 == 0)
                {
                    m8 /= 10;
                    d--;
                }
                return WriteFixed(v < 0, m8, d, destination, out written);
            }
            if (Exact(a, hi, out _))
            {
                int lo = hi >= 8 ? 9 : 0;
                while (lo < hi)
                {
                    int mid = (lo + hi) >> 1;
                    if (Exact(a, mid, out _))
                        hi = mid;
                    else
                        lo = mid + 1;
                }
                Exact(a, hi, out ulong m);
                return WriteFixed(v < 0, m, hi, destination, out written);
            }
        }
        else if (v == 0)
        {
            // Keep the sign of negative zero: the round trip is bit-exact.
            if (double.IsNegative(v))
            {
                if (destination.Length < 2)
                {
                    written = 0;
                    return false;
                }
                destination[0] = (byte)'-';
                destination[1] = (byte)'0';
                written = 2;
                return true;
            }
            if (destination.IsEmpty)
            {
                written = 0;
                return false;
            }
            destination[0] = (byte)'0';
            written = 1;
            return true;
        }
        return v.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
    }

    /// <summary>Formats to a string (comment-line values).</summary>
    public static string Format(double v)
    {
        Span<byte> buffer = stackalloc byte[40];
        TryFormat(v, buffer, out int n);
        return System.Text.Encoding.ASCII.GetString(buffer[..n]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static bool Exact(double a, int d, out ulong m)
    {
        double r = Math.Round(a * Powers[d]);
        m = (ulong)r;
        return r / Powers[d] == a;
    }

    static ReadOnlySpan<byte> DigitPairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int DigitCount(ulong m)
    {
        int n = 1;
        while (m >= 10000)
        {
            m /= 10000;
            n += 4;
        }
        return m >= 1000 ? n + 3 : m >= 100 ? n + 2 : m >= 10 ? n + 1 : n;
    }

    static bool WriteFixed(bool negative, ulong m, int decimals, Span<byte> destination, out int written)
    {
        // Digits of m right to left, two at a time; a '.' goes before the last `decimals` digits, and zeros are
        // padded in front when m has no more digits than decimals (0.00123).
        int nd = Math.Max(DigitCount(m), decimals + 1);
        int length = (negative ? 1 : 0) + nd + (decimals > 0 ? 1 : 0);
        if (destination.Length < length)
        {
            written = 0;
            return false;
        }
        int p = length;
        int digitIndex = 0; // digits written so far, counted from the right
        var pairs = DigitPairs;
        while (digitIndex < nd)
        {
            if (m >= 10 && digitIndex + 1 < nd && digitIndex + 1 != decimals && digitIndex != decimals)
            {
                int two = (int)(m % 100);
                m /= 100;
                destination[--p] = pairs[2 * two + 1];
                destination[--p] = pairs[2 * two];
                digitIndex += 2;
            }
            else
            {
                destination[--p] = (byte)('0' + (int)(m % 10));
                m /= 10;
                digitIndex++;
            }
            if (digitIndex == decimals && decimals > 0)
                destination[--p] = (byte)'.';
        }
        if (negative)
            destination[--p] = (byte)'-';
        written = length;
        return true;
    }
}
