namespace NepForge.Structures;

/// <summary>Column type letter of an extended-XYZ <c>Properties=</c> entry: R real, I integer, S string, L logical.</summary>
public enum ColumnType
{
    /// <summary>Double (R).</summary>
    Real,

    /// <summary>Integer (I).</summary>
    Integer,

    /// <summary>String (S).</summary>
    String,

    /// <summary>Logical T/F (L).</summary>
    Logical,
}

/// <summary>
/// A per-atom array other than species, positions and forces (velocities, masses, charges, selective-dynamics
/// flags, anything a file carried). Stored flat, row-major: value (atom i, component k) is at i·Width + k.
/// Exactly one of the typed arrays is set, matching <see cref="Type"/>.
/// </summary>
public sealed class PerAtomArray
{
    PerAtomArray(string name, ColumnType type, int width)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Name = name;
        Type = type;
        Width = width;
    }

    /// <summary>A real-valued array of [n × width].</summary>
    public static PerAtomArray Real(string name, int width, double[] values) =>
        new(name, ColumnType.Real, width) { Reals = values };

    /// <summary>An integer array of [n × width].</summary>
    public static PerAtomArray Integer(string name, int width, long[] values) =>
        new(name, ColumnType.Integer, width) { Integers = values };

    /// <summary>A string array of [n × width].</summary>
    public static PerAtomArray String(string name, int width, string[] values) =>
        new(name, ColumnType.String, width) { Strings = values };

    /// <summary>A logical array of [n × width].</summary>
    public static PerAtomArray Logical(string name, int width, bool[] values) =>
        new(name, ColumnType.Logical, width) { Logicals = values };

    /// <summary>Name as written in the file (case kept; lookups ignore case).</summary>
    public string Name { get; }

    /// <summary>Column type.</summary>
    public ColumnType Type { get; }

    /// <summary>Components per atom.</summary>
    public int Width { get; }

    /// <summary>Real values, when <see cref="Type"/> is Real.</summary>
    public double[]? Reals { get; private init; }

    /// <summary>Integer values, when <see cref="Type"/> is Integer.</summary>
    public long[]? Integers { get; private init; }

    /// <summary>String values, when <see cref="Type"/> is String.</summary>
    public string[]? Strings { get; private init; }

    /// <summary>Logical values, when <see cref="Type"/> is Logical.</summary>
    public bool[]? Logicals { get; private init; }

    /// <summary>Number of values (atoms × width).</summary>
    public int Length => Type switch
    {
        ColumnType.Real => Reals!.Length,
        ColumnType.Integer => Integers!.Length,
        ColumnType.String => Strings!.Length,
        _ => Logicals!.Length,
    };

    /// <summary>A deep copy keeping only the atoms in <paramref name="atoms"/>, in that order.</summary>
    public PerAtomArray Select(ReadOnlySpan<int> atoms)
    {
        int w = Width;
        return Type switch
        {
            ColumnType.Real => Real(Name, w, Gather(Reals!, atoms, w)),
            ColumnType.Integer => Integer(Name, w, Gather(Integers!, atoms, w)),
            ColumnType.String => String(Name, w, Gather(Strings!, atoms, w)),
            _ => Logical(Name, w, Gather(Logicals!, atoms, w)),
        };
    }

    /// <summary>A deep copy.</summary>
    public PerAtomArray Clone() => Type switch
    {
        ColumnType.Real => Real(Name, Width, (double[])Reals!.Clone()),
        ColumnType.Integer => Integer(Name, Width, (long[])Integers!.Clone()),
        ColumnType.String => String(Name, Width, (string[])Strings!.Clone()),
        _ => Logical(Name, Width, (bool[])Logicals!.Clone()),
    };

    /// <summary>True when name, type, width and every value are equal (reals compared bit for bit).</summary>
    public bool ContentEquals(PerAtomArray other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal) && Type == other.Type && Width == other.Width && Type switch
        {
            ColumnType.Real => Reals!.AsSpan().SequenceEqual(other.Reals),
            ColumnType.Integer => Integers!.AsSpan().SequenceEqual(other.Integers),
            ColumnType.String => Strings!.AsSpan().SequenceEqual(other.Strings),
            _ => Logicals!.AsSpan().SequenceEqual(other.Logicals),
        };

    static T[] Gather<T>(T[] source, ReadOnlySpan<int> atoms, int width)
    {
        var result = new T[atoms.Length * width];
        for (int i = 0; i < atoms.Length; i++)
            Array.Copy(source, atoms[i] * width, result, i * width, width);
        return result;
    }
}
