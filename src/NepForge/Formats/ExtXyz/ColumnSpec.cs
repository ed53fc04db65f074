using NepForge.Structures;

namespace NepForge.Formats.ExtXyz;

/// <summary>One entry of <c>Properties=name:T:n</c>.</summary>
public readonly record struct ColumnSpec(string Name, ColumnType Type, int Width)
{
    /// <summary>The default when a frame has no Properties key (ASE's rule).</summary>
    public static readonly ColumnSpec[] Default =
    [
        new("species", ColumnType.String, 1),
        new("pos", ColumnType.Real, 3),
    ];

    /// <summary>Parses the value of Properties=; null with <paramref name="error"/> set when malformed.</summary>
    public static ColumnSpec[]? TryParseList(string value, out string? error)
    {
        var parts = value.Split(':');
        if (parts.Length % 3 != 0)
        {
            error = $"Properties='{value}' must be name:type:count triples";
            return null;
        }
        var specs = new ColumnSpec[parts.Length / 3];
        for (int i = 0; i < specs.Length; i++)
        {
            string name = parts[3 * i], t = parts[3 * i + 1], w = parts[3 * i + 2];
            ColumnType? type = t.ToUpperInvariant() switch
            {
                "R" => ColumnType.Real,
                "I" => ColumnType.Integer,
                "S" => ColumnType.String,
                "L" => ColumnType.Logical,
                _ => null,
            };
            if (type is null)
            {
                error = $"Properties column '{name}' has type '{t}'; expected R, I, S or L";
                return null;
            }
            if (!int.TryParse(w, out int width) || width < 1 || width > MaxWidth)
            {
                error = $"Properties column '{name}' has count '{w}'; expected a positive integer up to {MaxWidth}";
                return null;
            }
            specs[i] = new(name, type.Value, width);
        }
        error = null;
        return specs;
    }

    /// <summary>The widest column read (a flipped digit must not make the reader allocate gigabytes per atom).</summary>
    public const int MaxWidth = 1000;

    /// <summary>Type letter R, I, S or L.</summary>
    public char TypeLetter => Type switch
    {
        ColumnType.Real => 'R',
        ColumnType.Integer => 'I',
        ColumnType.String => 'S',
        _ => 'L',
    };

    /// <inheritdoc />
    public override string ToString() => $"{Name}:{TypeLetter}:{Width}";
}
