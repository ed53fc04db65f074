using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.ExtXyz;

/// <summary>
/// Streaming extended-XYZ reader: one frame in memory at a time, whatever the file size. Reads what real tools
/// write: GPUMD/NEP train.xyz (lower-case keys, <c>force:R:3</c>, <c>virial=</c>), GPUMD dump.xyz (whose
/// <c>stress=</c> is a pressure tensor with the kinetic part and is kept as <c>gpumd_stress</c>, never as a label),
/// ASE files (<c>Lattice=</c>, <c>forces</c>, <c>stress=</c> with ASE's sign, turned into virial = −stress·V),
/// dpdata files, any <c>Properties=</c> columns, quoted values, keys in any case.
/// Errors name file, line and frame. A file that ends inside a frame yields the complete frames and a warning.
/// </summary>
public sealed partial class ExtXyzReader : IDisposable
{
    readonly Utf8LineReader _lines;
    readonly string _file;
    readonly ExtXyzReadOptions _options;
    readonly List<ParseDiagnostic> _diagnostics = [];
    long _frameNumber;            // 1-based number of the frame being read (bad ones included)
    long? _pendingCount;          // atom count of a header line already consumed (resync, blank-line recovery)
    long _pendingLine;
    bool _warnedExtraColumns;
    byte[] _lastSymbol = new byte[8];
    int _lastSymbolLength = -1;
    Element? _lastElement;

    /// <summary>The most atoms one frame may declare (100 million: 2.4 GB of positions alone).</summary>
    public const long MaxAtoms = 100_000_000;

    /// <summary>Reads frames from a stream; <paramref name="fileName"/> is used in messages and provenance.</summary>
    public ExtXyzReader(Stream stream, string fileName, ExtXyzReadOptions? options = null, bool leaveOpen = false)
    {
        _lines = new Utf8LineReader(stream, leaveOpen) { Name = fileName };
        _file = fileName;
        _options = options ?? ExtXyzReadOptions.Default;
    }

    /// <summary>Opens a file ("-" = stdin, ".gz" decompressed).</summary>
    public static ExtXyzReader Open(string path, ExtXyzReadOptions? options = null) =>
        new(Utf8LineReader.OpenRead(path), path, options);

    /// <summary>Streams every frame of a file.</summary>
    public static IEnumerable<Frame> ReadFrames(string path, ExtXyzReadOptions? options = null)
    {
        using var reader = Open(path, options);
        while (reader.TryRead(out var frame))
            yield return frame;
    }

    /// <summary>Streams every frame of a text already in memory (tests, small inputs).</summary>
    public static List<Frame> ReadString(string text, string fileName = "<string>", ExtXyzReadOptions? options = null)
    {
        using var reader = new ExtXyzReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), fileName, options);
        var frames = new List<Frame>();
        while (reader.TryRead(out var f))
            frames.Add(f);
        return frames;
    }

    /// <summary>Warnings and skipped frames so far.</summary>
    public IReadOnlyList<ParseDiagnostic> Diagnostics => _diagnostics;

    /// <summary>Frames returned so far.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Frames skipped because they were bad (only with <see cref="ExtXyzReadOptions.SkipBad"/>).</summary>
    public long FramesSkipped { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long BytesRead => _lines.BytesConsumed;

    /// <summary>Reads the next frame; false at the end of the file.</summary>
    public bool TryRead([NotNullWhen(true)] out Frame? frame)
    {
        while (true)
        {
            try
            {
                frame = ReadOne();
                if (frame is not null)
                    FramesRead++;
                return frame is not null;
            }
            catch (ParseException e) when (_options.SkipBad)
            {
                FramesSkipped++;
                Report(e.Line, e.Frame, "skipped: " + e.Problem);
                Resync();
            }
        }
    }

    /// <summary>Reads all remaining frames into a list.</summary>
    public List<Frame> ReadAll()
    {
        var list = new List<Frame>();
        while (TryRead(out var f))
            list.Add(f);
        return list;
    }

    Frame? ReadOne()
    {
        long count, headerLine;
        if (_pendingCount is { } pending)
        {
            count = pending;
            headerLine = _pendingLine;
            _pendingCount = null;
        }
        else
        {
            if (!_lines.TryReadLine(out var line))
            {
                WarnIfCut();
                return null;
            }
            if (IsBlank(line) && !SkipBlankLines())
            {
                WarnIfCut();
                return null;
            }
            if (_pendingCount is { } afterBlank)
            {
                count = afterBlank;
                headerLine = _pendingLine;
                _pendingCount = null;
            }
            else
            {
                headerLine = _lines.LineNumber;
                count = ParseCount(headerLine, line);
            }
        }
        _frameNumber++;
        long frameNo = _frameNumber;
        if (count > MaxAtoms)
        {
            throw new ParseException(_file, headerLine, frameNo,
                $"the atom count {count} is more than one frame can hold ({MaxAtoms:N0} atoms): not an atom count?");
        }

        if (!_lines.TryReadLine(out var commentBytes))
        {
            Truncated(frameNo, $"file ends after the atom-count line of frame {frameNo} (line {headerLine}): no comment line");
            return null;
        }
        var header = ParseComment(commentBytes, frameNo);
        int n = (int)count;
        // Arrays grow with the atom lines actually read: a header of 1e8 in a 100 KB file allocates nothing big.
        int capacity = Math.Min(n, 4096);
        var elements = new Element[capacity];
        var positions = new double[3 * capacity];
        double[]? forces = header.ForceColumn >= 0 ? new double[3 * capacity] : null;
        var extra = header.AllocateArrays(capacity);
        for (int i = 0; i < n; i++)
        {
            if (i == capacity)
            {
                capacity = (int)Math.Min(2L * capacity, n);
                Array.Resize(ref elements, capacity);
                Array.Resize(ref positions, 3 * capacity);
                if (forces is not null)
                    Array.Resize(ref forces, 3 * capacity);
                header.ResizeArrays(extra, capacity);
            }
            if (!_lines.TryReadLine(out var atom))
            {
                Truncated(frameNo, $"file ends inside frame {frameNo}: {n} atoms declared at line {headerLine}, {i} atom lines found");
                return null;
            }
            try
            {
                ParseAtomLine(atom, i, n, header, elements, positions, forces, extra, frameNo);
            }
            catch (ParseException) when (LooksLikeFrameStart(atom))
            {
                throw Error(frameNo,
                    $"frame declares {n} atoms but this line looks like the next frame's atom count after {i} atom lines (wrong atom count?)");
            }
        }
        return header.Build(this, elements, positions, forces, extra, frameNo, headerLine);
    }

    // A blank line where a frame should start: fine at the end of the file; mid-file it is an error, because GPUMD's
    // nep stops reading there and silently drops every later frame.
    bool SkipBlankLines()
    {
        long blankLine = _lines.LineNumber;
        while (_lines.TryReadLine(out var line))
        {
            if (IsBlank(line))
                continue;
            var problem = $"blank line {blankLine} between frames (GPUMD's nep would silently stop reading there)";
            if (!_options.SkipBad)
                throw new ParseException(_file, blankLine, _frameNumber + 1, problem);
            Report(blankLine, null, problem + "; ignored");
            _pendingLine = _lines.LineNumber;
            _pendingCount = ParseCount(_lines.LineNumber, line);
            return true;
        }
        return false;
    }

    long ParseCount(long lineNumber, ReadOnlySpan<byte> line)
    {
        var t = Trim(line);
        if (t.IsEmpty || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count < 1)
        {
            throw new ParseException(_file, lineNumber, _frameNumber + 1,
                $"expected the number of atoms (one positive integer) at the start of a frame, found '{Show(line)}'");
        }
        return count;
    }

    // After a bad frame: look for the next line that holds one integer alone, the start of a frame.
    void Resync()
    {
        while (_lines.TryReadLine(out var line))
        {
            var t = Trim(line);
            if (!t.IsEmpty && t.IndexOfAny((byte)' ', (byte)'\t') < 0 &&
                long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count > 0)
            {
                _pendingCount = count;
                _pendingLine = _lines.LineNumber;
                return;
            }
        }
    }

    // A file cut while written can end inside a number (…-0.4283 of -0.42831313E-02), which still parses: a last
    // line without a line end is reported, once.
    void WarnIfCut()
    {
        if (!_lines.LastLineUnterminated || _warnedCut || FramesRead == 0)
            return;
        _warnedCut = true;
        Report(_lines.LineNumber, _frameNumber, "the file ends without a line end: its last line may be cut (truncated file?)");
    }

    bool _warnedCut;

    void Truncated(long frameNo, string message)
    {
        Report(_lines.LineNumber, frameNo, message + " (truncated file?); the incomplete frame is dropped");
    }

    internal void Report(long line, long? frame, string message)
    {
        var d = new ParseDiagnostic(_file, line, frame, message);
        _diagnostics.Add(d);
        _options.OnDiagnostic?.Invoke(d);
    }

    ParseException Error(long frameNo, string problem) => new(_file, _lines.LineNumber, frameNo, problem);

    // No AggressiveOptimization here: it would keep this method out of the ReadyToRun image and cost a full JIT at
    // every start (most runs read small files); called once per atom line, it is recompiled hot by tiering anyway.
    void ParseAtomLine(ReadOnlySpan<byte> line, int atom, int n, FrameHeader header, Element[] elements,
        double[] positions, double[]? forces, object[] extra, long frameNo)
    {
        int p = 0;
        var columns = header.Columns;
        for (int c = 0; c < columns.Length; c++)
        {
            var col = columns[c];
            for (int k = 0; k < col.Width; k++)
            {
                var token = NextToken(line, ref p);
                if (token.IsEmpty)
                    throw MissingColumns(line, atom, n, header, frameNo);
                switch (col.Role)
                {
                    case ColumnRole.Species:
                        elements[atom] = Species(token, frameNo);
                        break;
                    case ColumnRole.AtomicNumber:
                        elements[atom] = ElementFromZ(token, frameNo);
                        break;
                    case ColumnRole.Position:
                        positions[3 * atom + k] = Number(token, col.Name, frameNo);
                        break;
                    case ColumnRole.Force:
                        forces![3 * atom + k] = Number(token, col.Name, frameNo);
                        break;
                    default:
                        StoreExtra(extra[c], col, atom * col.Width + k, token, frameNo);
                        break;
                }
            }
        }
        if (!_warnedExtraColumns && !NextToken(line, ref p).IsEmpty)
        {
            _warnedExtraColumns = true;
            Report(_lines.LineNumber, frameNo,
                $"atom line has more columns than Properties declares ({header.Describe()}); the extra columns are ignored");
        }
    }

    ParseException MissingColumns(ReadOnlySpan<byte> line, int atom, int n, FrameHeader header, long frameNo)
    {
        int found = 0, p = 0;
        while (!NextToken(line, ref p).IsEmpty)
            found++;
        var t = Trim(line);
        if (found == 1 && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return Error(frameNo,
                $"frame declares {n} atoms but this line looks like the next frame's atom count after {atom} atom lines (wrong atom count?)");
        }
        if (found == 0)
            return Error(frameNo, $"blank line inside frame: expected atom {atom + 1} of {n} ({header.Describe()})");
        return Error(frameNo, $"expected {header.TokenCount} columns ({header.Describe()}), found {found}: '{Show(line)}'");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ReadOnlySpan<byte> NextToken(ReadOnlySpan<byte> line, ref int p)
    {
        int i = p, n = line.Length;
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        int start = i;
        while (i < n && line[i] != ' ' && line[i] != '\t')
            i++;
        p = i;
        return line[start..i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    double Number(ReadOnlySpan<byte> token, string column, long frameNo)
    {
        if (FastDouble.TryParse(token, out double v))
            return v;
        throw Error(frameNo, $"non-numeric value '{Show(token)}' in column '{column}'");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Element Species(ReadOnlySpan<byte> token, long frameNo)
    {
        // Consecutive atoms are usually the same species: compare with the last symbol before any lookup.
        if (token.Length == _lastSymbolLength && token.SequenceEqual(_lastSymbol.AsSpan(0, _lastSymbolLength)))
            return _lastElement!;
        if (!Elements.TryGet(token, out var e))
            throw Error(frameNo, $"unknown element '{Show(token)}'");
        if (token.Length <= _lastSymbol.Length)
        {
            token.CopyTo(_lastSymbol);
            _lastSymbolLength = token.Length;
            _lastElement = e;
        }
        return e;
    }

    Element ElementFromZ(ReadOnlySpan<byte> token, long frameNo)
    {
        if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int z) && z >= 1 && z <= Elements.Count)
            return Elements.FromZ(z);
        throw Error(frameNo, $"expected an atomic number 1…{Elements.Count} in column 'Z', found '{Show(token)}'");
    }

    void StoreExtra(object storage, in Column col, int index, ReadOnlySpan<byte> token, long frameNo)
    {
        switch (col.Type)
        {
            case ColumnType.Real:
                ((double[])storage)[index] = Number(token, col.Name, frameNo);
                break;
            case ColumnType.Integer:
                if (!long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l))
                    throw Error(frameNo, $"expected an integer in column '{col.Name}', found '{Show(token)}'");
                ((long[])storage)[index] = l;
                break;
            case ColumnType.Logical:
                ((bool[])storage)[index] = ParseLogical(Encoding.UTF8.GetString(token)) ??
                    throw Error(frameNo, $"expected T or F in column '{col.Name}', found '{Show(token)}'");
                break;
            default:
                ((string[])storage)[index] = Encoding.UTF8.GetString(token);
                break;
        }
    }

    internal static bool? ParseLogical(string s) => s.ToUpperInvariant() switch
    {
        "T" or "TRUE" or "1" => true,
        "F" or "FALSE" or "0" => false,
        _ => null,
    };

    static bool LooksLikeFrameStart(ReadOnlySpan<byte> line)
    {
        var t = Trim(line);
        return !t.IsEmpty && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    static bool IsBlank(ReadOnlySpan<byte> line) => Trim(line).IsEmpty;

    // A loop, not MemoryExtensions.Trim: that generic is JIT-compiled at every start (bench/results/startup.md).
    static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int start = 0, end = s.Length;
        while (start < end && s[start] is (byte)' ' or (byte)'\t' or (byte)'\r')
            start++;
        while (end > start && s[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
            end--;
        return s[start..end];
    }

    internal static string Show(ReadOnlySpan<byte> s)
    {
        var text = Encoding.UTF8.GetString(s.Length > 120 ? s[..120] : s);
        return s.Length > 120 ? text + "…" : text;
    }

    /// <inheritdoc />
    public void Dispose() => _lines.Dispose();
}
