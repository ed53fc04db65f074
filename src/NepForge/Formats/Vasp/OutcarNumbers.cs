using System.Runtime.CompilerServices;
using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Number scanning for OUTCAR lines, which Fortran formats sometimes fuse ("-0.011409000-10.000000000") or fill
/// with stars on overflow ("*******").
/// </summary>
static class OutcarNumbers
{
    /// <summary>
    /// Reads up to <c>values.Length</c> numbers from <paramref name="line"/> starting at byte <paramref name="start"/>.
    /// A '-' right after a digit or '.' starts a new number (fused columns). Returns how many were read, or −1 when a
    /// field is made of stars, or −2 when a field is not a number.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Read(ReadOnlySpan<byte> line, int start, Span<double> values)
    {
        int count = 0, i = start, n = line.Length;
        while (count < values.Length)
        {
            while (i < n && (line[i] == ' ' || line[i] == '\t'))
                i++;
            if (i >= n)
                break;
            int tokenStart = i;
            i++;
            while (i < n)
            {
                byte c = line[i];
                if (c == ' ' || c == '\t')
                    break;
                // A minus after a digit or a point (not after an exponent letter) begins the next, fused number.
                if (c == '-' && ((uint)(line[i - 1] - '0') <= 9 || line[i - 1] == '.'))
                    break;
                i++;
            }
            var token = line[tokenStart..i];
            if (token[0] == '*')
                return -1;
            if (!FastDouble.TryParse(token, out values[count]))
                return token.IndexOf((byte)'*') >= 0 ? -1 : -2;
            count++;
        }
        return count;
    }

    /// <summary>The integer right after "<paramref name="key"/> =" in a line like "   NELM   =     60;   NELMIN=  4".</summary>
    public static bool TryInteger(ReadOnlySpan<byte> line, ReadOnlySpan<byte> key, out int value)
    {
        value = 0;
        if (!TryValueSpan(line, key, out var span))
            return false;
        int end = 0;
        if (end < span.Length && (span[end] == '-' || span[end] == '+'))
            end++;
        while (end < span.Length && (uint)(span[end] - '0') <= 9)
            end++;
        return int.TryParse(span[..end], out value);
    }

    /// <summary>The number right after "<paramref name="key"/> =", e.g. "EDIFF  = 0.1E-05".</summary>
    public static bool TryDouble(ReadOnlySpan<byte> line, ReadOnlySpan<byte> key, out double value)
    {
        value = 0;
        if (!TryValueSpan(line, key, out var span))
            return false;
        int end = 0;
        while (end < span.Length && span[end] != ' ' && span[end] != ';' && span[end] != '\t')
            end++;
        return FastDouble.TryParse(span[..end], out value);
    }

    static bool TryValueSpan(ReadOnlySpan<byte> line, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        value = default;
        int k = line.IndexOf(key);
        if (k < 0)
            return false;
        int i = k + key.Length;
        while (i < line.Length && line[i] == ' ')
            i++;
        if (i >= line.Length || line[i] != '=')
            return false;
        i++;
        while (i < line.Length && line[i] == ' ')
            i++;
        value = line[i..];
        return true;
    }
}
