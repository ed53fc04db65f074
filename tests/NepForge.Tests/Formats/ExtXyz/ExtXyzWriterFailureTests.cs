using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Formats.ExtXyz;

/// <summary>Issue 14 (1): a write error while a reader still feeds frames must end the write, not hang.</summary>
public class ExtXyzWriterFailureTests
{
    /// <summary>A stream that accepts <c>limit</c> bytes and then fails like a full disk.</summary>
    sealed class FailingStream(long limit) : Stream
    {
        long _bytes;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => 0;
        public override long Position { get => 0; set { } }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            if ((_bytes += count) > limit)
                throw new IOException("No space left on device");
        }
    }

    static IEnumerable<Frame> ManyFrames(int count, Action? onEach = null)
    {
        var lattice = Lattice.Orthorhombic(5, 5, 5);
        for (int i = 0; i < count; i++)
        {
            onEach?.Invoke();
            yield return new Frame([Elements.Get("Si")], [0.1 * (i % 7), 0, 0], lattice) { Energy = -1.0 - i };
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    [InlineData(1_000_000)] // in the second batch (4096 frames of ~150 bytes each), while the reader fills the queue
    [InlineData(3_000_000)]
    public void Write_error_with_a_busy_reader_throws_instead_of_hanging(long bytesBeforeFailure)
    {
        long pulled = 0;
        var run = Task.Run(() =>
        {
            using var writer = new ExtXyzWriter(new FailingStream(bytesBeforeFailure));
            writer.WriteAll(ManyFrames(200_000, () => Interlocked.Increment(ref pulled)));
        });
        bool finished = ((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60));
        Assert.True(finished, "WriteAll hung after the stream failed");
        var e = Assert.IsType<IOException>(run.Exception!.GetBaseException());
        Assert.Contains("No space left", e.Message);
        // The reader stopped soon after the failure: it did not read the whole input.
        Assert.True(Interlocked.Read(ref pulled) < 200_000, $"the reader went on to the end ({pulled} frames)");
    }

    [Fact]
    public void Reader_error_is_still_reported()
    {
        static IEnumerable<Frame> Bad()
        {
            foreach (var f in ManyFrames(10_000))
                yield return f;
            throw new InvalidDataException("bad frame 10001");
        }
        using var writer = new ExtXyzWriter(Stream.Null);
        var e = Assert.Throws<InvalidDataException>(() => writer.WriteAll(Bad()));
        Assert.Equal("bad frame 10001", e.Message);
    }
}
