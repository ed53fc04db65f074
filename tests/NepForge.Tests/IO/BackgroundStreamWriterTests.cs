using System.Buffers;
using NepForge.IO;

namespace NepForge.Tests.IO;

public class BackgroundStreamWriterTests
{
    static byte[] Chunk(byte value, int length)
    {
        var a = ArrayPool<byte>.Shared.Rent(length);
        a.AsSpan(0, length).Fill(value);
        return a;
    }

    [Fact]
    public void Chunks_arrive_in_order_and_complete()
    {
        using var ms = new MemoryStream();
        using (var w = new BackgroundStreamWriter(ms, capacity: 2))
        {
            for (int i = 0; i < 200; i++)
                w.Post(Chunk((byte)i, 1 + i), 1 + i);
            w.Complete();
            Assert.Equal(200 * 201 / 2, w.BytesWritten);
        }
        var bytes = ms.ToArray();
        int at = 0;
        for (int i = 0; i < 200; i++)
            for (int k = 0; k < 1 + i; k++)
                Assert.Equal((byte)i, bytes[at++]);
        Assert.Equal(at, bytes.Length);
    }

    /// <summary>Fails like a full disk after <c>limit</c> bytes.</summary>
    sealed class FullDisk(long limit) : Stream
    {
        long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_written + count > limit)
                throw new IOException("No space left on device");
            _written += count;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void A_write_error_is_thrown_to_the_producer_and_nothing_blocks(long limit)
    {
        var run = Task.Run(() =>
        {
            using var w = new BackgroundStreamWriter(new FullDisk(limit), capacity: 2);
            // Far more than the queue holds: once the thread has failed, Post must throw instead of waiting.
            for (int i = 0; i < 10_000; i++)
                w.Post(Chunk(1, 4096), 4096);
            w.Complete();
        });
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the writer hung after the stream failed");
        var e = Assert.IsType<IOException>(run.Exception!.GetBaseException());
        Assert.Equal("No space left on device", e.Message);
    }

    [Fact]
    public void Cancellation_stops_a_producer_waiting_on_a_full_queue()
    {
        using var cts = new CancellationTokenSource();
        using var gate = new ManualResetEventSlim();
        using var blocked = new BlockingStream(gate);
        var run = Task.Run(() =>
        {
            using var w = new BackgroundStreamWriter(blocked, capacity: 1, cts.Token);
            for (int i = 0; i < 100; i++)
                w.Post(Chunk(1, 16), 16);
            w.Complete();
        });
        Thread.Sleep(200);
        Assert.False(run.IsCompleted);
        cts.Cancel();
        gate.Set();
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "cancellation did not end the write");
        Assert.IsAssignableFrom<OperationCanceledException>(run.Exception!.GetBaseException());
    }

    /// <summary>Each write waits for the gate: a disk that stalls.</summary>
    sealed class BlockingStream(ManualResetEventSlim gate) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => gate.Wait();
    }
}
