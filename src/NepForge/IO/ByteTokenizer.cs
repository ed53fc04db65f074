namespace NepForge.IO;

/// <summary>Splits an ASCII line on blanks (space, tab, CR, FF, VT) into ranges, reusing the caller's array.</summary>
internal static class ByteTokenizer
{
    /// <summary>Fills <paramref name="tokens"/> (grown when needed) with the tokens of <paramref name="line"/>; returns how many.</summary>
    public static int Split(ReadOnlySpan<byte> line, ref Range[] tokens)
    {
        int count = 0, i = 0;
        while (true)
        {
            while (i < line.Length && IsBlank(line[i]))
                i++;
            if (i >= line.Length)
                return count;
            int start = i;
            while (i < line.Length && !IsBlank(line[i]))
                i++;
            if (count == tokens.Length)
                Array.Resize(ref tokens, Math.Max(4, 2 * count));
            tokens[count++] = new Range(start, i);
        }
    }

    /// <summary>True for the blank bytes the tokenizer splits on.</summary>
    public static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\f' or (byte)'\v';
}
