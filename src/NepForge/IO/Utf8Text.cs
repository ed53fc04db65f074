using System.Text;

namespace NepForge.IO;

/// <summary>Decodes short UTF-8 texts (comment lines, keys) into strings.</summary>
internal static class Utf8Text
{
    /// <summary>
    /// The string of <paramref name="bytes"/>. ASCII (almost every line a structure file holds) is widened by a plain
    /// loop: the runtime's vectorised ASCII and UTF-8 decoders cost about 2 ms the first time a process uses them
    /// (measured in bench/results/startup.md), a fiftieth of a whole `nepforge info` on a small file.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (!Ascii.IsValid(bytes))
            return Encoding.UTF8.GetString(bytes);
        Span<char> chars = bytes.Length <= 512 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
            chars[i] = (char)bytes[i];
        return new string(chars);
    }
}
