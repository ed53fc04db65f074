using System.Buffers;
using System.Text;
using System.Xml;

namespace NepForge.Formats.Vasp;

public sealed partial class VasprunReader
{
    // ---------------------------------------------------------------- XML helpers

    /// <summary>
    /// On a start element: calls <paramref name="child"/> on each child element (which must consume it), then leaves the
    /// reader after the end tag.
    /// </summary>
    void ForEachChild(Action child)
    {
        if (_xml.IsEmptyElement)
        {
            Advance();
            return;
        }
        Advance();
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            if (_xml.NodeType == XmlNodeType.Element)
                child();
            else
                Advance();
        }
        Advance();
    }

    void Advance()
    {
        if (!_xml.Read())
            throw new XmlException("unexpected end of file", null, (int)Line, _lineInfo?.LinePosition ?? 0);
    }

    /// <summary>On a start element: its text into <see cref="_chars"/> (child elements skipped); returns the length.</summary>
    int ReadText()
    {
        if (_xml.IsEmptyElement)
        {
            Advance();
            return 0;
        }
        Advance();
        int length = 0;
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    while (true)
                    {
                        if (length == _chars.Length)
                            Array.Resize(ref _chars, 2 * _chars.Length);
                        int got = _xml.ReadValueChunk(_chars, length, _chars.Length - length);
                        if (got == 0)
                            break;
                        length += got;
                    }
                    Advance();
                    break;
                case XmlNodeType.Element:
                    _xml.Skip();
                    break;
                default:
                    Advance();
                    break;
            }
        }
        Advance();
        return length;
    }

    string ReadString() => new(_chars, 0, ReadText());

    /// <summary>The first <paramref name="length"/> chars of <see cref="_chars"/> as ASCII bytes (others become '?').</summary>
    ReadOnlySpan<byte> AsciiBytes(int length)
    {
        if (_bytes.Length < length)
            _bytes = new byte[Math.Max(length, 2 * _bytes.Length)];
        var chars = _chars.AsSpan(0, length);
        if (Ascii.FromUtf16(chars, _bytes, out _) != OperationStatus.Done)
        {
            for (int i = 0; i < length; i++)
                _bytes[i] = chars[i] < 128 ? (byte)chars[i] : (byte)'?';
        }
        return _bytes.AsSpan(0, length);
    }

    static string Show(ReadOnlySpan<byte> s) => Encoding.ASCII.GetString(s.Length > 100 ? s[..100] : s).Trim();

    /// <summary>Passes reads through, noting the end of the stream and counting its lines (to tell a truncated file from a malformed one).</summary>
    sealed class InputStream(Stream inner, bool leaveOpen) : Stream
    {
        public bool AtEnd { get; private set; }

        public long Newlines { get; private set; }

        public long Bytes { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            if (n == 0 && buffer.Length > 0)
                AtEnd = true;
            Bytes += n;
            Newlines += buffer[..n].Count((byte)'\n');
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
