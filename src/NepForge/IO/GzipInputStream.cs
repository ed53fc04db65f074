using System.IO.Compression;

namespace NepForge.IO;

/// <summary>Corrupt compressed input (a flipped gzip CRC bit, a damaged deflate block): one line naming the file.</summary>
public sealed class CorruptInputException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// A gzip decompressor whose errors name the file: .NET's <see cref="GZipStream"/> throws a bare
/// <see cref="InvalidDataException"/> (no file, no position), which ended in a stack trace.
/// </summary>
internal sealed class GzipInputStream : Stream
{
    readonly GZipStream _inner;
    readonly string _path;
    long _position;

    /// <summary>Decompresses <paramref name="compressed"/> (owned), naming <paramref name="path"/> in errors.</summary>
    public GzipInputStream(Stream compressed, string path)
    {
        _inner = new GZipStream(compressed, CompressionMode.Decompress);
        _path = path;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        try
        {
            int n = _inner.Read(buffer);
            _position += n;
            return n;
        }
        catch (InvalidDataException e)
        {
            throw new CorruptInputException($"{_path}: corrupt gzip data after {_position} decompressed bytes ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <inheritdoc />
    public override void Flush() { }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }
}
