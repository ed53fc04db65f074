using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace NepForge.Fuzz;

/// <summary>The mutations of issue 14, each applied to a real input.</summary>
public enum Mutation
{
    /// <summary>Cut the file at a random byte (also inside a number).</summary>
    Truncate,
    /// <summary>Flip one bit of a few random bytes.</summary>
    FlipBytes,
    /// <summary>Delete one line.</summary>
    DeleteLine,
    /// <summary>Duplicate one line.</summary>
    DuplicateLine,
    /// <summary>Replace a number by NaN, Inf, -Infinity, 1e400 or -1e400.</summary>
    NonFinite,
    /// <summary>Replace an integer by another small one (atom and element counts, NIONS).</summary>
    WrongCount,
    /// <summary>Replace an integer by a huge one (2^31, 2^40, 1e8, 2^63 …).</summary>
    HugeCount,
    /// <summary>Insert binary garbage.</summary>
    BinaryGarbage,
    /// <summary>Every line end becomes CRLF.</summary>
    Crlf,
    /// <summary>Insert bytes that are not UTF-8 (and a BOM at the start, sometimes).</summary>
    NonUtf8,
    /// <summary>Insert one very long line (1 MiB without a line end; rarely 65 MiB).</summary>
    LongLine,
    /// <summary>gzip the input, then damage the compressed bytes (a CRC bit, a deflate byte, a cut).</summary>
    CorruptGzip,
}

/// <summary>Deterministic mutations: the same (input, seed) always gives the same bytes.</summary>
public static class Mutator
{
    static readonly string[] NonFiniteWords = ["NaN", "nan", "Inf", "-Infinity", "Infinity", "1e400", "-1e400", "1E+999"];
    static readonly string[] HugeWords = ["2147483648", "2147483647", "1099511627776", "100000000", "9223372036854775807", "9223372036854775808", "4294967296"];

    /// <summary>Mutates <paramref name="input"/>; the mutation kind comes from the seed unless given.</summary>
    public static byte[] Apply(byte[] input, Random rng, Mutation mutation, out bool gzip)
    {
        gzip = false;
        switch (mutation)
        {
            case Mutation.Truncate:
                return input[..rng.Next(0, input.Length)];
            case Mutation.FlipBytes:
                {
                    var b = (byte[])input.Clone();
                    int n = 1 + rng.Next(3);
                    for (int i = 0; i < n && b.Length > 0; i++)
                        b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                    return b;
                }
            case Mutation.DeleteLine:
            case Mutation.DuplicateLine:
                {
                    var lines = SplitLines(input);
                    if (lines.Count == 0)
                        return input;
                    int k = rng.Next(lines.Count);
                    if (mutation == Mutation.DeleteLine)
                        lines.RemoveAt(k);
                    else
                        lines.Insert(k, lines[k]);
                    return Join(lines);
                }
            case Mutation.NonFinite:
                return ReplaceToken(input, rng, IsNumber, _ => NonFiniteWords[rng.Next(NonFiniteWords.Length)]);
            case Mutation.WrongCount:
                return ReplaceToken(input, rng, IsInteger, t => Math.Max(0, long.Parse(t, CultureInfo.InvariantCulture) + rng.Next(-3, 4)).ToString(CultureInfo.InvariantCulture));
            case Mutation.HugeCount:
                return ReplaceToken(input, rng, IsInteger, _ => HugeWords[rng.Next(HugeWords.Length)]);
            case Mutation.BinaryGarbage:
                {
                    var garbage = new byte[1 + rng.Next(256)];
                    rng.NextBytes(garbage);
                    return Insert(input, rng.Next(input.Length + 1), garbage);
                }
            case Mutation.Crlf:
                return Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(input).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
            case Mutation.NonUtf8:
                {
                    byte[][] bad = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x00]];
                    var b = Insert(input, rng.Next(input.Length + 1), bad[rng.Next(bad.Length)]);
                    return rng.Next(4) == 0 ? Insert(b, 0, [0xEF, 0xBB, 0xBF]) : b;
                }
            case Mutation.LongLine:
                {
                    int size = rng.Next(2000) == 0 ? (65 << 20) + 1 : 1 << 20;
                    var line = new byte[size];
                    Array.Fill(line, (byte)(rng.Next(2) == 0 ? '7' : 'x'));
                    int at = rng.Next(2) == 0 ? input.Length : LineStart(input, rng.Next(input.Length + 1));
                    return Insert(input, at, line);
                }
            case Mutation.CorruptGzip:
                {
                    gzip = true;
                    using var ms = new MemoryStream();
                    using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
                        gz.Write(input);
                    var b = ms.ToArray();
                    switch (rng.Next(3))
                    {
                        case 0: b[b.Length - 8 + rng.Next(4)] ^= (byte)(1 << rng.Next(8)); break;           // CRC-32
                        case 1: b[10 + rng.Next(Math.Max(1, b.Length - 18))] ^= (byte)(1 << rng.Next(8)); break; // deflate data
                        default: b = b[..rng.Next(b.Length)]; break;                                // cut
                    }
                    return b;
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation));
        }
    }

    static int LineStart(byte[] b, int at)
    {
        while (at > 0 && b[at - 1] != '\n')
            at--;
        return at;
    }

    static byte[] Insert(byte[] input, int at, byte[] what)
    {
        var r = new byte[input.Length + what.Length];
        input.AsSpan(0, at).CopyTo(r);
        what.CopyTo(r, at);
        input.AsSpan(at).CopyTo(r.AsSpan(at + what.Length));
        return r;
    }

    static List<byte[]> SplitLines(byte[] input)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] == '\n')
            {
                lines.Add(input[start..(i + 1)]);
                start = i + 1;
            }
        }
        if (start < input.Length)
            lines.Add(input[start..]);
        return lines;
    }

    static byte[] Join(List<byte[]> lines)
    {
        var r = new byte[lines.Sum(l => l.Length)];
        int p = 0;
        foreach (var l in lines)
        {
            l.CopyTo(r, p);
            p += l.Length;
        }
        return r;
    }

    static bool IsNumber(string t) => t.Any(char.IsAsciiDigit) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    static bool IsInteger(string t) => t.Length is > 0 and < 10 && t.All(char.IsAsciiDigit);

    // Replaces the k-th token (whitespace, quotes, '=', '<', '>' separate tokens) that matches.
    static byte[] ReplaceToken(byte[] input, Random rng, Func<string, bool> match, Func<string, string> replace)
    {
        string text = Encoding.Latin1.GetString(input);
        var spans = new List<(int Start, int Length)>();
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsSeparator(text[i]))
                i++;
            int s = i;
            while (i < text.Length && !IsSeparator(text[i]))
                i++;
            if (i > s && match(text[s..i]))
                spans.Add((s, i - s));
        }
        if (spans.Count == 0)
            return input;
        var (start, length) = spans[rng.Next(spans.Count)];
        return Encoding.Latin1.GetBytes(text[..start] + replace(text.Substring(start, length)) + text[(start + length)..]);
    }

    static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is '"' or '=' or '<' or '>' or ',' or '[' or ']' or ':' or '\'';
}
