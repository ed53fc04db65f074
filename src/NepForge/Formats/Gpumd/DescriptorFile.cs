using NepForge.IO;

namespace NepForge.Formats.Gpumd;

/// <summary>
/// nep's <c>descriptor.out</c> (prediction mode with <c>output_descriptor 1</c> or <c>2</c>): one row per structure
/// (the mean over its atoms) or per atom, in train.xyz order; columns are the radial, then the angular descriptor
/// components, already scaled by q_scaler.
/// </summary>
public sealed class DescriptorFile
{
    readonly NumericTable _table;

    DescriptorFile(NumericTable table) => _table = table;

    /// <summary>Rows (structures or atoms).</summary>
    public int Rows => _table.Rows;

    /// <summary>Descriptor length.</summary>
    public int Dimension => _table.Columns;

    /// <summary>Reader warnings.</summary>
    public IReadOnlyList<ParseDiagnostic> Warnings => _table.Warnings;

    /// <summary>The descriptor of one row.</summary>
    public ReadOnlySpan<double> Row(int row) => _table.Row(row);

    /// <summary>
    /// Whether rows are per structure or per atom, given the training set's structure count and atom count; null
    /// when the row count matches neither (the file belongs to another train.xyz).
    /// </summary>
    public bool? IsPerAtom(int structures, long atoms) =>
        Rows == structures ? false : Rows == atoms ? true : null;

    /// <summary>Reads a descriptor.out.</summary>
    public static DescriptorFile Read(string path) => new(NumericTable.Read(path));

    /// <summary>Interprets a table already read.</summary>
    public static DescriptorFile From(NumericTable t) => new(t ?? throw new ArgumentNullException(nameof(t)));
}
