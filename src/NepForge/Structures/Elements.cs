using System.Diagnostics.CodeAnalysis;

namespace NepForge.Structures;

/// <summary>The periodic table (Z = 1…118) with lookups by symbol (exact or case-insensitive) and by Z.</summary>
public static partial class Elements
{
    // Built lazily: static field initialisers in partial-class files run in no defined order.
    static Dictionary<string, Element> BySymbol => Lookups.Exact;
    static Dictionary<string, Element> BySymbolIgnoreCase => Lookups.IgnoreCase;

    static class Lookups
    {
        internal static readonly Dictionary<string, Element> Exact = Table.ToDictionary(e => e.Symbol, StringComparer.Ordinal);
        internal static readonly Dictionary<string, Element> IgnoreCase =
            Table.ToDictionary(e => e.Symbol, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Number of elements in the table.</summary>
    public static int Count => Table.Length;

    /// <summary>All elements in order of Z.</summary>
    public static IReadOnlyList<Element> All => Table;

    /// <summary>The element with atomic number <paramref name="z"/> (1…118).</summary>
    public static Element FromZ(int z) =>
        z >= 1 && z <= Table.Length ? Table[z - 1] : throw new ArgumentOutOfRangeException(nameof(z), z, "Z must be 1…118");

    /// <summary>
    /// Looks up a symbol. Exact spelling first ("Si"); then case-insensitive ("SI", "si"), which VASP 4 titles and
    /// some scripts produce. VASP 6.4's POTCAR hash suffix ("Si/4f2e…") and POTCAR variants ("Si_GW", "Fe_pv") are cut.
    /// </summary>
    public static bool TryGet(ReadOnlySpan<char> symbol, [NotNullWhen(true)] out Element? element)
    {
        symbol = Normalise(symbol);
        var lookup = BySymbol.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(symbol, out element))
            return true;
        return BySymbolIgnoreCase.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(symbol, out element);
    }

    /// <summary>UTF-8 overload of <see cref="TryGet(ReadOnlySpan{char}, out Element?)"/> for the parsers.</summary>
    public static bool TryGet(ReadOnlySpan<byte> utf8Symbol, [NotNullWhen(true)] out Element? element)
    {
        // Cut the POTCAR suffix before decoding, as Normalise does: "Li_sv_GW/f474ac0d" is longer than the buffer.
        // Plain loops: the span helpers and UTF-8 decoder they replace cost ~3 ms of JIT and first use at every start,
        // and a symbol is ASCII (anything else is no element).
        int start = 0, end = utf8Symbol.Length;
        while (start < end && IsSpace(utf8Symbol[start]))
            start++;
        while (end > start && IsSpace(utf8Symbol[end - 1]))
            end--;
        Span<char> chars = stackalloc char[16];
        int n = 0;
        for (int i = start; i < end; i++)
        {
            byte b = utf8Symbol[i];
            if (b is (byte)'/' or (byte)'_' or (byte)'.' && n > 0)
                break;
            if (b >= 0x80 || n == chars.Length)
            {
                element = null;
                return false;
            }
            chars[n++] = (char)b;
        }
        return TryGet(chars[..n], out element);
    }

    static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f' or (byte)'\v';

    /// <summary>Looks up a symbol or throws <see cref="KeyNotFoundException"/> naming it.</summary>
    public static Element Get(string symbol) =>
        TryGet(symbol, out var e) ? e : throw new KeyNotFoundException($"unknown element symbol '{symbol}'");

    static ReadOnlySpan<char> Normalise(ReadOnlySpan<char> symbol)
    {
        symbol = symbol.Trim();
        int cut = symbol.IndexOfAny('/', '_', '.');
        return cut > 0 ? symbol[..cut] : symbol;
    }
}
