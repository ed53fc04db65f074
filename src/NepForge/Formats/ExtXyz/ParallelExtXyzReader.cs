using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.ExtXyz;

/// <summary>
/// Parses an extxyz file on every core, with exactly the sequential reader's results, warnings and errors. One thread
/// cuts the file into batches of whole frames (about 1 MB: atom-count line plus that many lines); each batch is
/// parsed by an <see cref="ExtXyzReader"/> whose line and frame numbers continue from the batch's start, so
/// messages and provenance match. Frames come out in file order; memory is bounded by the batches in flight.
/// </summary>
static class ParallelExtXyzReader
{
    const int BatchBytes = 1 << 20;

    sealed record Batch(List<Frame> Frames, List<ParseDiagnostic> Diagnostics, Exception? Error);

    public static IEnumerable<Frame> ReadFrames(string path, ExtXyzReadOptions options)
    {
        using var cancel = new CancellationTokenSource();
        using var queue = new BlockingCollection<Task<Batch>>(boundedCapacity: 2 * Environment.ProcessorCount + 2);
        var producer = Task.Factory.StartNew(() => Produce(path, options, queue, cancel.Token), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool warnedExtraColumns = false;
        try
        {
            foreach (var task in queue.GetConsumingEnumerable())
            {
                var batch = task.GetAwaiter().GetResult();
                foreach (var d in batch.Diagnostics)
                {
                    // Each batch reader warns once about extra columns; the file should warn once.
                    if (d.Message.StartsWith("atom line has more columns", StringComparison.Ordinal))
                    {
                        if (warnedExtraColumns)
                            continue;
                        warnedExtraColumns = true;
                    }
                    options.OnDiagnostic?.Invoke(d);
                }
                foreach (var f in batch.Frames)
                    yield return f;
                if (batch.Error is not null)
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(batch.Error);
            }
        }
        finally
        {
            cancel.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
            }
        }
    }

    static void Produce(string path, ExtXyzReadOptions options, BlockingCollection<Task<Batch>> queue, CancellationToken cancel)
    {
        try
        {
            using var lines = new Utf8LineReader(Utf8LineReader.OpenRead(path));
            var buffer = ArrayPool<byte>.Shared.Rent(BatchBytes + (64 << 10));
            int length = 0, framesInBatch = 0;
            long linesBefore = 0, framesBefore = 0;

            void Append(ReadOnlySpan<byte> line)
            {
                if (length + line.Length + 1 > buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + line.Length + 1));
                    Buffer.BlockCopy(buffer, 0, bigger, 0, length);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                line.CopyTo(buffer.AsSpan(length));
                length += line.Length;
                buffer[length++] = (byte)'\n';
            }

            void Flush()
            {
                if (length == 0)
                    return;
                byte[] data = buffer;
                int len = length;
                long lb = linesBefore, fb = framesBefore;
                queue.Add(Task.Run(() => Parse(data, len, path, lb, fb)), cancel);
                buffer = ArrayPool<byte>.Shared.Rent(BatchBytes + (64 << 10));
                length = 0;
                linesBefore = lines.LineNumber;
                framesBefore += framesInBatch;
                framesInBatch = 0;
            }

            void Fail(long line, string problem)
            {
                Flush();
                var e = new ParseException(path, line, framesBefore + 1, problem);
                queue.Add(Task.FromResult(new Batch([], [], e)), cancel);
            }

            while (lines.TryReadLine(out var line))
            {
                var t = line.Trim(" \t\r"u8);
                if (t.IsEmpty)
                {
                    // Trailing blank lines end the file; a blank line with frames after it is the sequential error.
                    long blank = lines.LineNumber;
                    bool more = false;
                    while (lines.TryReadLine(out var next))
                    {
                        if (!next.Trim(" \t\r"u8).IsEmpty)
                        {
                            more = true;
                            break;
                        }
                    }
                    if (more)
                        Fail(blank, ExtXyzReader.BlankLineProblem(blank));
                    break;
                }
                if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long atoms) || atoms < 1)
                {
                    Fail(lines.LineNumber, ExtXyzReader.CountLineProblem(line));
                    break;
                }
                Append(line);
                for (long k = 0; k <= atoms && lines.TryReadLine(out var body); k++)
                    Append(body);
                framesInBatch++;
                if (length >= BatchBytes)
                    Flush();
            }
            Flush();
            ArrayPool<byte>.Shared.Return(buffer);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            try
            {
                queue.Add(Task.FromResult(new Batch([], [], e)), cancel);
            }
            catch (OperationCanceledException)
            {
            }
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    static Batch Parse(byte[] data, int length, string path, long linesBefore, long framesBefore)
    {
        var diagnostics = new List<ParseDiagnostic>();
        var frames = new List<Frame>();
        var options = new ExtXyzReadOptions { OnDiagnostic = diagnostics.Add };
        try
        {
            using var reader = new ExtXyzReader(new MemoryStream(data, 0, length, writable: false), path, options, false,
                linesBefore, framesBefore, length + 16);
            while (reader.TryRead(out var f))
                frames.Add(f);
            return new Batch(frames, diagnostics, null);
        }
        catch (ParseException e)
        {
            return new Batch(frames, diagnostics, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }
}
