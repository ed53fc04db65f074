using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.ExtXyz;

/// <summary>
/// Writes extended XYZ in the one style that GPUMD's nep, ASE, dpdata and calorine all read correctly:
/// <c>Lattice="…" Properties=species:S:1:pos:R:3:forces:R:3 energy=… virial="9" stress="9" pbc="T T T"</c>,
/// then config_type, weight and provenance keys. Numbers use the shortest text that parses back to the same double,
/// so a round trip is exact. No blank line between frames (nep would stop reading there).
/// </summary>
public sealed class ExtXyzWriter : IDisposable
{
    readonly Stream _stream;
    readonly bool _leaveOpen;
    readonly ExtXyzWriteOptions _options;
    readonly ExtXyzFrameFormatter _formatter;

    /// <summary>Writes to a stream.</summary>
    public ExtXyzWriter(Stream stream, ExtXyzWriteOptions? options = null, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options ?? ExtXyzWriteOptions.Default;
        _formatter = new ExtXyzFrameFormatter(_options);
    }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Writes all frames to a file atomically (temporary name, then rename); "-" is stdout.</summary>
    public static long WriteFile(string path, IEnumerable<Frame> frames, ExtXyzWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var file = AtomicFile.Create(path);
        long count;
        using (var writer = new ExtXyzWriter(file.Stream, options, leaveOpen: true))
        {
            writer.WriteAll(frames, cancellationToken);
            writer.Flush();
            count = writer.FramesWritten;
        }
        file.Commit();
        return count;
    }

    /// <summary>Formats frames into a string (tests, small outputs).</summary>
    public static string WriteString(IEnumerable<Frame> frames, ExtXyzWriteOptions? options = null)
    {
        using var ms = new MemoryStream();
        using (var w = new ExtXyzWriter(ms, options, leaveOpen: true))
        {
            foreach (var f in frames)
                w.Write(f);
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Writes one frame.</summary>
    public void Write(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _formatter.Format(frame);
        _stream.Write(_formatter.Buffer, 0, _formatter.Length);
        FramesWritten++;
    }

    /// <summary>
    /// Writes a stream of frames. On a multi-core machine reading, formatting and writing overlap: the frames are
    /// pulled (and so read, when they come from a reader) on one thread, batches are formatted in parallel, and the
    /// formatted bytes are written by a background thread (<see cref="BackgroundStreamWriter"/>); output order is
    /// kept. Memory is bounded by a few batches, not by the number of frames. A read error, a write error (a full
    /// disk) or <paramref name="cancellationToken"/> stops all three and is thrown here; nothing waits forever.
    /// </summary>
    public void WriteAll(IEnumerable<Frame> frames, CancellationToken cancellationToken = default)
    {
        if (Environment.ProcessorCount < 2)
        {
            foreach (var f in frames)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Write(f);
            }
            return;
        }
        using var batches = new BlockingCollection<List<Frame>>(boundedCapacity: 2);
        // Cancelled when writing fails: the producer may be blocked on the full queue and must give up, or the
        // wait for it below would never return (a full disk hung the command).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        // The producer gets its own thread: on a 2-core machine the thread pool would otherwise be starved by it and
        // the parallel formatting would wait for thread injection.
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                var batch = new List<Frame>();
                long atoms = 0;
                foreach (var f in frames)
                {
                    token.ThrowIfCancellationRequested();
                    batch.Add(f);
                    atoms += f.AtomCount;
                    if (atoms >= BatchAtoms || batch.Count >= 4096)
                    {
                        batches.Add(batch, token);
                        batch = [];
                        atoms = 0;
                    }
                }
                if (batch.Count > 0)
                    batches.Add(batch, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The writer failed (its exception is the one reported) or the caller cancelled (checked below).
            }
            finally
            {
                batches.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var formatters = new ExtXyzFrameFormatter[Environment.ProcessorCount];
        for (int i = 0; i < formatters.Length; i++)
            formatters[i] = new ExtXyzFrameFormatter(_options);
        using var background = new BackgroundStreamWriter(_stream, capacity: 2 * formatters.Length, token);
        try
        {
            foreach (var batch in batches.GetConsumingEnumerable(token))
                WriteBatch(batch, formatters, background);
            background.Complete();
        }
        catch
        {
            // Unblock the producer, let it finish (it stops at its next frame or queue slot), then report the write
            // error rather than anything the reader says afterwards.
            stop.Cancel();
            try
            {
                producer.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // The write error wins.
            }
            throw;
        }
        finally
        {
            foreach (var f in formatters)
                f.Dispose();
        }
        // Surface the reader's exception (bad input) rather than a cancelled enumeration.
        producer.GetAwaiter().GetResult();
        cancellationToken.ThrowIfCancellationRequested();
    }

    const long BatchAtoms = 65536;

    // Each worker formats a contiguous run of the batch (runs of about equal atom counts) into one buffer, and the
    // buffers go to the background writer in order: no per-frame copy, and one queue slot per worker and batch.
    void WriteBatch(List<Frame> batch, ExtXyzFrameFormatter[] formatters, BackgroundStreamWriter background)
    {
        int workers = Math.Min(formatters.Length, batch.Count);
        var starts = new int[workers + 1];
        long total = 0;
        foreach (var f in batch)
            total += f.AtomCount + 1;
        long sum = 0;
        int w = 1;
        for (int i = 0; i < batch.Count && w < workers; i++)
        {
            sum += batch[i].AtomCount + 1;
            if (sum * workers >= total * w)
                starts[w++] = i + 1;
        }
        for (; w <= workers; w++)
            starts[w] = batch.Count;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, k =>
        {
            var formatter = formatters[k];
            formatter.Clear();
            for (int i = starts[k]; i < starts[k + 1]; i++)
                formatter.Append(batch[i]);
        });
        for (int k = 0; k < workers; k++)
        {
            var (data, length) = formatters[k].Detach();
            background.Post(data, length);
        }
        FramesWritten += batch.Count;
    }

    /// <summary>Shortest text that parses back to exactly <paramref name="v"/>.</summary>
    public static string Format(double v) => FastDoubleFormat.Format(v);

    /// <summary>Pushes buffered bytes to the stream.</summary>
    public void Flush() => _stream.Flush();

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen)
            _stream.Dispose();
        else
            _stream.Flush();
        _formatter.Dispose();
    }
}

/// <summary>Formats one frame into a reusable byte buffer (one per thread when batches are formatted in parallel).</summary>
sealed class ExtXyzFrameFormatter : IDisposable
{
    readonly ExtXyzWriteOptions _options;
    readonly StringBuilder _comment = new(512);
    byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    int _length;

    public ExtXyzFrameFormatter(ExtXyzWriteOptions options) => _options = options;

    public byte[] Buffer => _buffer;

    public int Length => _length;

    public void Format(Frame frame)
    {
        _length = 0;
        Append(frame);
    }

    public void Clear() => _length = 0;

    /// <summary>Hands over the buffer with what was formatted so far (a pooled array) and starts a new one.</summary>
    public (byte[] Data, int Length) Detach()
    {
        var done = (_buffer, _length);
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1 << 16, _length));
        _length = 0;
        return done;
    }

    /// <summary>Formats one frame after what the buffer already holds.</summary>
    public void Append(Frame frame)
    {
        int n = frame.AtomCount;
        bool labels = !_options.StripLabels;
        double[]? forces = labels ? frame.Forces : null;

        AppendInt(n);
        AppendByte((byte)'\n');
        AppendAscii(BuildComment(frame, labels));
        AppendByte((byte)'\n');

        var positions = frame.Positions;
        var elements = frame.Elements;
        var arrays = frame.Arrays;
        if (arrays.Count == 0)
        {
            WriteCoreLines(elements, positions, forces);
            return;
        }
        for (int i = 0; i < n; i++)
        {
            Ensure(512);
            AppendSymbol(elements[i]);
            AppendSpaceDouble(positions[3 * i]);
            AppendSpaceDouble(positions[3 * i + 1]);
            AppendSpaceDouble(positions[3 * i + 2]);
            if (forces is not null)
            {
                AppendSpaceDouble(forces[3 * i]);
                AppendSpaceDouble(forces[3 * i + 1]);
                AppendSpaceDouble(forces[3 * i + 2]);
            }
            for (int a = 0; a < arrays.Count; a++)
                AppendArrayValues(arrays[a], i);
            AppendByte((byte)'\n');
        }
    }

    // The common case (species, positions, forces only) without per-number capacity checks: one check per line for
    // the longest possible line (a symbol, 6 × (space + 32 bytes), newline).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void WriteCoreLines(Element[] elements, double[] positions, double[]? forces)
    {
        int values = forces is null ? 3 : 6;
        for (int i = 0; i < elements.Length; i++)
        {
            Ensure(8 + values * 33 + 1);
            var span = _buffer.AsSpan(_length);
            var e = elements[i];
            if (!ReferenceEquals(e, _lastElement))
            {
                _lastElement = e;
                _lastSymbol = Encoding.ASCII.GetBytes(e.Symbol);
            }
            _lastSymbol.CopyTo(span);
            int p = _lastSymbol.Length;
            for (int k = 0; k < 3; k++)
            {
                span[p++] = (byte)' ';
                FastDoubleFormat.TryFormat(positions[3 * i + k], span[p..], out int w);
                p += w;
            }
            if (forces is not null)
            {
                for (int k = 0; k < 3; k++)
                {
                    span[p++] = (byte)' ';
                    FastDoubleFormat.TryFormat(forces[3 * i + k], span[p..], out int w);
                    p += w;
                }
            }
            span[p++] = (byte)'\n';
            _length += p;
        }
    }

    static string Format(double v) => FastDoubleFormat.Format(v);

    string BuildComment(Frame frame, bool labels)
    {
        var sb = _comment.Clear();
        var lattice = frame.Lattice;
        if (lattice is not null)
        {
            sb.Append("Lattice=\"");
            AppendNumbers(sb, lattice.Matrix.ToArray());
            sb.Append('"');
        }
        sb.Append(sb.Length > 0 ? " " : "").Append("Properties=species:S:1:pos:R:3");
        if (labels && frame.Forces is not null)
            sb.Append(":forces:R:3");
        foreach (var a in frame.Arrays)
            sb.Append(':').Append(a.Name).Append(':').Append(new ColumnSpec(a.Name, a.Type, a.Width).TypeLetter).Append(':').Append(a.Width);

        if (labels && frame.Energy is { } e)
            sb.Append(" energy=").Append(Format(e));
        if (labels && frame.Virial is { } w)
        {
            sb.Append(" virial=\"");
            AppendNumbers(sb, w.ToArray());
            sb.Append('"');
            if (_options.WriteStress && frame.AseStress is { } s)
            {
                sb.Append(" stress=\"");
                AppendNumbers(sb, s.ToArray());
                sb.Append('"');
            }
        }
        sb.Append(" pbc=\"").Append((lattice?.Pbc ?? Pbc.None).ToString()).Append('"');

        var info = frame.Info;
        if (info.ConfigType is { } ct)
            CommentLine.AppendPair(sb, "config_type", ct);
        if (info.Weight is { } weight)
            sb.Append(" weight=").Append(Format(weight));
        if (_options.WriteInfo)
        {
            if (labels && info.EnergyKind is { } kind && frame.Energy is not null)
                CommentLine.AppendPair(sb, "energy_kind", kind);
            if (info.Seed is { } seed)
                sb.Append(" seed=").Append(seed.ToString(CultureInfo.InvariantCulture));
            if (info.SourceFile is { } file)
                CommentLine.AppendPair(sb, "source_file", file);
            if (info.SourceIndex is { } index)
                sb.Append(" source_index=").Append(index.ToString(CultureInfo.InvariantCulture));
            if (info.SourceStep is { } step)
                sb.Append(" source_step=").Append(step.ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in info.Extra)
            {
                if (IsReserved(key) || (!labels && IsLabelLike(key)))
                    continue;
                CommentLine.AppendPair(sb, key, value);
            }
        }
        return sb.ToString();
    }

    // Keys the writer emits itself; an Extra entry with such a name would be a second, conflicting copy.
    static bool IsReserved(string key) => key.ToLowerInvariant() is "lattice" or "properties" or "energy" or "virial" or
        "stress" or "pbc" or "config_type" or "weight" or "energy_kind" or "seed" or "source_file" or "source_index" or "source_step";

    static bool IsLabelLike(string key) => key.ToLowerInvariant() is "free_energy" or "gpumd_stress";

    static void AppendNumbers(StringBuilder sb, double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
                sb.Append(' ');
            sb.Append(Format(values[i]));
        }
    }

    void AppendArrayValues(PerAtomArray a, int atom)
    {
        int w = a.Width;
        for (int k = 0; k < w; k++)
        {
            int idx = atom * w + k;
            switch (a.Type)
            {
                case ColumnType.Real:
                    AppendSpaceDouble(a.Reals![idx]);
                    break;
                case ColumnType.Integer:
                    AppendByte((byte)' ');
                    AppendLong(a.Integers![idx]);
                    break;
                case ColumnType.Logical:
                    AppendByte((byte)' ');
                    AppendByte(a.Logicals![idx] ? (byte)'T' : (byte)'F');
                    break;
                default:
                    var s = a.Strings![idx];
                    if (s.Length == 0 || s.AsSpan().IndexOfAny(" \t\n") >= 0)
                        throw new InvalidOperationException($"per-atom string '{s}' in column '{a.Name}' is empty or holds whitespace; extxyz cannot store it");
                    AppendByte((byte)' ');
                    AppendAscii(s);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void AppendSpaceDouble(double v)
    {
        Ensure(40);
        _buffer[_length++] = (byte)' ';
        if (!FastDoubleFormat.TryFormat(v, _buffer.AsSpan(_length), out int written))
            throw new InvalidOperationException("number formatting failed");
        _length += written;
    }

    Element? _lastElement;
    byte[] _lastSymbol = [];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void AppendSymbol(Element e)
    {
        if (!ReferenceEquals(e, _lastElement))
        {
            _lastElement = e;
            _lastSymbol = Encoding.ASCII.GetBytes(e.Symbol);
        }
        _lastSymbol.CopyTo(_buffer.AsSpan(_length));
        _length += _lastSymbol.Length;
    }

    void AppendInt(int v)
    {
        Ensure(16);
        v.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    void AppendLong(long v)
    {
        Ensure(24);
        v.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void AppendByte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    void AppendAscii(string s)
    {
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        Ensure(max);
        _length += Encoding.UTF8.GetBytes(s, _buffer.AsSpan(_length));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Ensure(int bytes)
    {
        if (_length + bytes > _buffer.Length)
            Grow(bytes);
    }

    void Grow(int bytes)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
        System.Buffer.BlockCopy(_buffer, 0, bigger, 0, _length);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
