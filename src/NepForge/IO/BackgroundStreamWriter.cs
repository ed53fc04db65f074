using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace NepForge.IO;

/// <summary>
/// Writes byte chunks to a stream on a thread of its own, so that formatting (and reading) go on while the previous
/// chunk is written: parse, format and write run on separate cores. At most <c>capacity</c> chunks wait, so memory
/// stays bounded. A write error stops the thread and is thrown by the next <see cref="Post"/> or by
/// <see cref="Complete"/>; neither ever waits on a thread that has stopped (a full disk once hung the writer).
/// </summary>
internal sealed class BackgroundStreamWriter : IDisposable
{
    readonly Stream _stream;
    readonly BlockingCollection<(byte[] Data, int Length)> _queue;
    readonly CancellationTokenSource _stop;
    readonly Thread _thread;
    ExceptionDispatchInfo? _error;
    bool _completed;

    /// <summary>Starts the writing thread. Chunks posted are rented from <see cref="ArrayPool{T}.Shared"/> and returned after writing.</summary>
    public BackgroundStreamWriter(Stream stream, int capacity = 4, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _queue = new BlockingCollection<(byte[], int)>(Math.Max(1, capacity));
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _thread = new Thread(Run) { IsBackground = true, Name = "nepforge-writer" };
        _thread.Start();
    }

    /// <summary>Bytes written to the stream so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytes);

    long _bytes;

    /// <summary>
    /// Queues <paramref name="length"/> bytes of <paramref name="data"/>, an array rented from the shared pool whose
    /// ownership passes to the writer. Blocks while the queue is full; throws the write error, or
    /// <see cref="OperationCanceledException"/>, instead of blocking forever.
    /// </summary>
    public void Post(byte[] data, int length)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_completed, this);
        try
        {
            _queue.Add((data, length), _stop.Token);
        }
        catch (OperationCanceledException)
        {
            ArrayPool<byte>.Shared.Return(data);
            _error?.Throw();
            throw;
        }
    }

    /// <summary>Waits until every queued chunk is written; throws the write error if there was one.</summary>
    public void Complete()
    {
        if (!_completed)
        {
            _completed = true;
            _queue.CompleteAdding();
        }
        _thread.Join();
        _error?.Throw();
        _stop.Token.ThrowIfCancellationRequested();
    }

    void Run()
    {
        try
        {
            foreach (var (data, length) in _queue.GetConsumingEnumerable(_stop.Token))
            {
                try
                {
                    _stream.Write(data, 0, length);
                    Interlocked.Add(ref _bytes, length);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(data);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Cancelled by the caller (or by Dispose after a failure elsewhere): nothing more to write.
        }
#pragma warning disable CA1031 // Any write error is handed to the producer, which rethrows it on its own thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _error = ExceptionDispatchInfo.Capture(e);
            _stop.Cancel();
        }
    }

    /// <summary>Stops the thread (dropping chunks not yet written) unless <see cref="Complete"/> already ran.</summary>
    public void Dispose()
    {
        if (!_completed)
        {
            _completed = true;
            _stop.Cancel();
            _queue.CompleteAdding();
        }
        _thread.Join();
        while (_queue.TryTake(out var left))
            ArrayPool<byte>.Shared.Return(left.Data);
        _queue.Dispose();
        _stop.Dispose();
    }
}
