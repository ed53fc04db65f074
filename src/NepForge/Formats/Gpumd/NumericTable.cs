using System.Text;
using NepForge.IO;

namespace NepForge.Formats.Gpumd;

/// <summary>
/// A whitespace-separated numeric table as GPUMD and nep write them (loss.out, *_train.out, thermo.out,
/// descriptor.out, active.out): one row per line, <c>#</c> lines are header comments, every row has the same column
/// count. Values are kept row-major in one array so that a 367 k-value force file costs one allocation.
/// </summary>
public sealed class NumericTable
{
    NumericTable(string file, int columns, double[] values, int rows, IReadOnlyList<string> comments, IReadOnlyList<ParseDiagnostic> warnings)
    {
        File = file;
        Columns = columns;
        _values = values;
        Rows = rows;
        Comments = comments;
        Warnings = warnings;
    }

    readonly double[] _values;

    /// <summary>The file it came from.</summary>
    public string File { get; }

    /// <summary>Columns per row (0 for an empty file).</summary>
    public int Columns { get; }

    /// <summary>Complete rows read.</summary>
    public int Rows { get; }

    /// <summary>Header comment lines, without the leading <c>#</c> and blanks.</summary>
    public IReadOnlyList<string> Comments { get; }

    /// <summary>Problems that did not stop reading (a truncated last row).</summary>
    public IReadOnlyList<ParseDiagnostic> Warnings { get; }

    /// <summary>The value at <paramref name="row"/>, <paramref name="column"/> (both 0-based).</summary>
    public double this[int row, int column] => _values[(row * Columns) + column];

    /// <summary>One row as a span.</summary>
    public ReadOnlySpan<double> Row(int row) => _values.AsSpan(row * Columns, Columns);

    /// <summary>One column copied out.</summary>
    public double[] Column(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
        var c = new double[Rows];
        for (int i = 0; i < Rows; i++)
            c[i] = _values[(i * Columns) + column];
        return c;
    }

    /// <summary>Reads <paramref name="path"/> ("-" = stdin, ".gz" decompressed).</summary>
    public static NumericTable Read(string path)
    {
        using var stream = Utf8LineReader.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads text already in memory (tests).</summary>
    public static NumericTable Parse(string text, string fileName = "<string>") =>
        Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), fileName);

    /// <summary>
    /// Reads a table from a stream. A row with a different column count is an error (file:line), except the last
    /// line of the file when it is shorter: that is a run cut off while writing, so the complete rows are kept and
    /// a warning is recorded.
    /// </summary>
    public static NumericTable Read(Stream stream, string fileName)
    {
        using var lines = new Utf8LineReader(stream, leaveOpen: true) { Name = fileName };
        var comments = new List<string>();
        var warnings = new List<ParseDiagnostic>();
        var values = new double[1024];
        int count = 0, columns = 0, rows = 0;
        var tokens = new Range[32];
        (long Line, int Found)? shortRow = null;
        while (lines.TryReadLine(out var line))
        {
            int n = ByteTokenizer.Split(line, ref tokens);
            if (n == 0)
                continue;
            if (line[tokens[0]][0] == (byte)'#')
            {
                comments.Add(Encoding.UTF8.GetString(line[tokens[0].Start.Value..]).TrimStart('#').Trim());
                continue;
            }
            if (shortRow is { } s)
                throw new ParseException(fileName, s.Line, null, $"expected {columns} columns, found {s.Found}");
            if (columns == 0)
                columns = n;
            if (n != columns)
            {
                if (n < columns)
                {
                    shortRow = (lines.LineNumber, n); // an error unless it turns out to be the last line
                    continue;
                }
                throw new ParseException(fileName, lines.LineNumber, null, $"expected {columns} columns, found {n}");
            }
            if (count + n > values.Length)
                Array.Resize(ref values, Math.Max(values.Length * 2, count + n));
            for (int k = 0; k < n; k++)
            {
                var tok = line[tokens[k]];
                if (!FastDouble.TryParse(tok, out values[count + k]))
                {
                    throw new ParseException(fileName, lines.LineNumber, null,
                        $"column {k + 1}: '{Encoding.UTF8.GetString(tok)}' is not a number");
                }
            }
            count += n;
            rows++;
        }
        if (shortRow is { } last)
            warnings.Add(new ParseDiagnostic(fileName, last.Line, null, $"last row has {last.Found} of {columns} columns (file cut off while written?); {rows} complete rows kept"));
        return new NumericTable(fileName, columns, values, rows, comments, warnings);
    }
}
