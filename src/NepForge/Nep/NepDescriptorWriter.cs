using System.Globalization;
using System.Text;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Streams descriptor rows to NumPy .npy (format 1.0, little-endian float64, C order, shape (rows, dim)) or CSV.
/// The .npy header is written with room for any shape and rewritten with the final row count at the end, so rows
/// never have to be held in memory (the stream must be seekable; otherwise rows are buffered).
/// </summary>
public sealed class NepDescriptorWriter : IDisposable
{
    const int NpyHeaderBytes = 128;
    readonly Stream _target;
    readonly Stream _stream;
    readonly bool _npy;
    readonly int _dimension;
    readonly bool _perAtom;
    readonly StreamWriter? _csv;
    readonly byte[] _row;
    long _rows;
    bool _csvClosed;

    /// <summary>Starts writing rows of <paramref name="dimension"/> values; CSV rows are labelled per atom or per structure.</summary>
    public NepDescriptorWriter(Stream stream, bool npy, int dimension, bool perAtom)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _target = stream;
        _npy = npy;
        _dimension = dimension;
        _perAtom = perAtom;
        _row = new byte[8 * dimension];
        if (npy)
        {
            _stream = stream.CanSeek ? stream : new MemoryStream();
            _stream.Write(NpyHeader(0, dimension));
        }
        else
        {
            _stream = stream;
            _csv = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            _csv.Write(perAtom ? "frame,atom,species" : "frame,atoms");
            for (int d = 0; d < dimension; d++)
                _csv.Write(string.Create(CultureInfo.InvariantCulture, $",q{d}"));
            _csv.Write('\n');
        }
    }

    /// <summary>Rows written so far.</summary>
    public long Rows => _rows;

    /// <summary>The .npy header of a (rows, dimension) float64 array, padded to 128 bytes.</summary>
    public static byte[] NpyHeader(long rows, int dimension)
    {
        string dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {dimension}), }}";
        var header = new byte[NpyHeaderBytes];
        // The magic is the single byte 0x93 then "NUMPY". A u8 literal "\x93NUMPY" would encode U+0093 as UTF-8
        // (C2 93), which numpy.load rejects.
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        int length = NpyHeaderBytes - 10;
        header[8] = (byte)(length & 0xFF);
        header[9] = (byte)(length >> 8);
        var text = Encoding.ASCII.GetBytes(dict.PadRight(length - 1) + "\n");
        text.CopyTo(header, 10);
        return header;
    }

    /// <summary>Writes the per-atom rows of one frame (flat [atoms × dim]).</summary>
    public void WriteAtoms(long frameIndex, Frame frame, ReadOnlySpan<double> descriptors)
    {
        ArgumentNullException.ThrowIfNull(frame);
        for (int i = 0; i < frame.AtomCount; i++)
            WriteRow(descriptors.Slice(i * _dimension, _dimension), frameIndex, i, frame.Elements[i].Symbol, frame.AtomCount);
    }

    /// <summary>Writes one per-structure row: the mean over the frame's atoms.</summary>
    public void WriteMean(long frameIndex, Frame frame, ReadOnlySpan<double> descriptors)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Span<double> mean = stackalloc double[_dimension];
        int n = frame.AtomCount;
        for (int i = 0; i < n; i++)
        {
            for (int d = 0; d < _dimension; d++)
                mean[d] += descriptors[i * _dimension + d];
        }
        for (int d = 0; d < _dimension; d++)
            mean[d] = n == 0 ? double.NaN : mean[d] / n;
        WriteRow(mean, frameIndex, -1, null, n);
    }

    void WriteRow(ReadOnlySpan<double> values, long frameIndex, int atom, string? species, int atoms)
    {
        if (_npy)
        {
            for (int d = 0; d < _dimension; d++)
                BitConverter.TryWriteBytes(_row.AsSpan(8 * d), values[d]);
            _stream.Write(_row);
        }
        else
        {
            var csv = _csv!;
            if (_perAtom)
                csv.Write(string.Create(CultureInfo.InvariantCulture, $"{frameIndex},{atom},{species}"));
            else
                csv.Write(string.Create(CultureInfo.InvariantCulture, $"{frameIndex},{atoms}"));
            foreach (double v in values)
            {
                csv.Write(',');
                csv.Write(v.ToString("R", CultureInfo.InvariantCulture));
            }
            csv.Write('\n');
        }
        _rows++;
    }

    /// <summary>Finishes the file: writes the final .npy shape (or flushes the CSV).</summary>
    public void Complete()
    {
        if (_npy)
        {
            long end = _stream.Position;
            _stream.Position = 0;
            _stream.Write(NpyHeader(_rows, _dimension));
            _stream.Position = end;
            if (!ReferenceEquals(_stream, _target))
            {
                _stream.Position = 0;
                _stream.CopyTo(_target);
            }
        }
        else
        {
            // Disposed here, not later: the caller commits (closes) the file right after.
            _csv!.Dispose();
            _csvClosed = true;
        }
        _target.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_csvClosed)
            _csv?.Dispose();
        if (!ReferenceEquals(_stream, _target))
            _stream.Dispose();
    }
}
