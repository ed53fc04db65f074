using System.Buffers;
using System.Runtime.CompilerServices;

namespace NepForge.IO;

/// <summary>
/// Streams a file line by line as UTF-8 byte spans from one pooled buffer (grown only for a line longer than it),
/// counting lines for error messages. Lines end at '\n'; a trailing '\r' is dropped. Memory stays O(longest line)
/// whatever the file size. A span is valid until the next call.
/// </summary>
internal sealed class Utf8LineReader : IDisposable
{
    const int DefaultBufferSize = 1 << 20;

    /// <summary>
    /// The longest line read (64 MiB): a longer one is an error, not a reason to hold the whole file in memory (a
    /// 512 MB file without a newline took 1.6 GB). No text format NepForge reads comes near it.
    /// </summary>
    public const int MaxLineLength = 64 << 20;

    readonly Stream _stream;
    readonly bool _leaveOpen;
    byte[] _buffer;
    int _start, _end;
    bool _eof;

    /// <summary>Reads from <paramref name="stream"/>.</summary>
    public Utf8LineReader(Stream stream, bool leaveOpen = false, int bufferSize = DefaultBufferSize)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, 256));
    }

    /// <summary>
    /// Opens a file for streaming: "-" is stdin, a ".gz" name is decompressed on the fly.
    /// </summary>
    public static Stream OpenRead(string path)
    {
        if (path == "-")
            return Console.OpenStandardInput();
        Stream s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(s, path) : s;
    }

    // Its own method so that opening a plain file does not load System.IO.Compression (start-up).
    [MethodImpl(MethodImplOptions.NoInlining)]
    static GzipInputStream Gunzip(Stream s, string path) => new GzipInputStream(s, path);

    /// <summary>The file's name for error messages (a line too long, corrupt compressed data).</summary>
    public string Name { get; init; } = "input";

    // A UTF-8 byte order mark before the first line is dropped, as the StreamReader-based readers (POSCAR, nep.txt)
    // always did: every reader now accepts it the same way.
    static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Whether the last line of the stream had no line end (a file cut while written ends that way).</summary>
    public bool LastLineUnterminated { get; private set; }

    /// <summary>Number of the line last returned (1-based); 0 before the first.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Bytes consumed so far (including line ends).</summary>
    public long BytesConsumed { get; private set; }

    /// <summary>True once the stream is exhausted and every line has been returned.</summary>
    public bool AtEnd => _eof && _start >= _end;

    /// <summary>Reads the next line; false at the end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            int nl = window.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = window[..nl];
                _start += nl + 1;
                BytesConsumed += nl + 1;
                LineNumber++;
                if (!line.IsEmpty && line[^1] == '\r')
                    line = line[..^1];
                if (LineNumber == 1 && line.StartsWith(Bom))
                    line = line[Bom.Length..];
                return true;
            }
            if (_eof)
            {
                if (window.IsEmpty)
                {
                    line = default;
                    return false;
                }
                // Last line without a newline.
                LastLineUnterminated = true;
                line = window;
                _start = _end;
                BytesConsumed += window.Length;
                LineNumber++;
                if (line[^1] == '\r')
                    line = line[..^1];
                if (LineNumber == 1 && line.StartsWith(Bom))
                    line = line[Bom.Length..];
                return true;
            }
            Fill();
        }
    }

    void Fill()
    {
        int remaining = _end - _start;
        if (remaining == _buffer.Length)
        {
            if (remaining >= MaxLineLength)
            {
                throw new ParseException(Name, LineNumber + 1, null,
                    $"line {LineNumber + 1} is longer than {MaxLineLength >> 20} MiB without a line end: not a text file of this kind?");
            }
            // One line longer than the buffer: grow.
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, _start, bigger, 0, remaining);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
        }
        _start = 0;
        _end = remaining;
        int n;
        try
        {
            n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (CorruptInputException e)
        {
            throw new ParseException(Name, LineNumber + 1, null, e.Message.StartsWith(Name + ": ", StringComparison.Ordinal) ? e.Message[(Name.Length + 2)..] : e.Message, e);
        }
        if (n == 0)
            _eof = true;
        _end += n;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
            _stream.Dispose();
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
