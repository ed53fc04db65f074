using System.Globalization;
using System.Runtime.CompilerServices;

namespace NepForge.IO;

/// <summary>
/// Parses ASCII decimal numbers from UTF-8 bytes, correctly rounded. The fast path (Clinger 1990): when the
/// decimal significand fits in 2^53 and the power of ten is at most 10^22, both are exact doubles and one
/// multiplication or division rounds correctly. Everything else (long significands, large exponents, inf, nan)
/// goes to <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/>, so the result
/// always equals the BCL's. Fortran 'D' exponents (1.0D-03) are accepted.
/// </summary>
internal static class FastDouble
{
    static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses the whole span as a number; false if it is not one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> s, out double value)
    {
        int i = 0, n = s.Length;
        bool negative = false;
        if (n == 0)
        {
            value = 0;
            return false;
        }
        if (s[0] == '-')
        {
            negative = true;
            i = 1;
        }
        else if (s[0] == '+')
        {
            i = 1;
        }

        ulong mantissa = 0;
        int digits = 0, scale = 0, start = i;
        while (i < n && (uint)(s[i] - '0') <= 9)
        {
            if (digits < 19)
                mantissa = mantissa * 10 + (uint)(s[i] - '0');
            else
                scale++; // too many digits for the fast path; fixed by the fallback below
            if (mantissa != 0)
                digits++;
            i++;
        }
        if (i < n && s[i] == '.')
        {
            i++;
            while (i < n && (uint)(s[i] - '0') <= 9)
            {
                if (digits < 19)
                {
                    mantissa = mantissa * 10 + (uint)(s[i] - '0');
                    scale--;
                }
                if (mantissa != 0)
                    digits++;
                i++;
            }
        }
        if (i == start || (i == start + 1 && s[start] == '.'))
            return Slow(s, out value);
        if (i < n && (s[i] | 0x20) is (byte)'e' or (byte)'d')
        {
            i++;
            bool expNegative = false;
            if (i < n && (s[i] == '-' || s[i] == '+'))
            {
                expNegative = s[i] == '-';
                i++;
            }
            int expStart = i, exp = 0;
            while (i < n && (uint)(s[i] - '0') <= 9)
            {
                if (exp < 100000)
                    exp = exp * 10 + (s[i] - '0');
                i++;
            }
            if (i == expStart)
                return Slow(s, out value);
            scale += expNegative ? -exp : exp;
        }
        if (i != n)
            return Slow(s, out value);
        if (digits > 19 || mantissa > (1UL << 53) || scale < -22 || scale > 22)
            return Slow(s, out value);
        double m = mantissa;
        value = scale < 0 ? m / Powers[-scale] : m * Powers[scale];
        if (negative)
            value = -value;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static bool Slow(ReadOnlySpan<byte> s, out double value)
    {
        // The BCL does not know Fortran's D exponent.
        int d = s.IndexOfAny((byte)'d', (byte)'D');
        if (d >= 0 && s.Length <= 64)
        {
            Span<byte> copy = stackalloc byte[s.Length];
            s.CopyTo(copy);
            copy[d] = (byte)'e';
            return double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
