using System.Text;
using NepForge.IO;

namespace NepForge.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "nepforge-atomic-" + Guid.NewGuid().ToString("N"));

    public AtomicFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    string[] Entries() => [.. Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public void CommitCreatesTheFileWithTheContent()
    {
        string path = Path.Combine(_dir, "train.xyz");
        using (var f = AtomicFile.Create(path))
        {
            f.Stream.Write("hello\nworld\n"u8);
            Assert.False(File.Exists(path)); // nothing at the target before Commit
            f.Commit();
            Assert.True(File.Exists(path));
        }
        Assert.Equal("hello\nworld\n"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["train.xyz"], Entries()); // no temporary file left
    }

    [Fact]
    public void DisposeWithoutCommitLeavesNothing()
    {
        string path = Path.Combine(_dir, "out.xyz");
        using (var f = AtomicFile.Create(path))
        {
            f.Stream.Write(new byte[100000]);
            Assert.Single(Entries()); // the temporary file
        }
        Assert.False(File.Exists(path));
        Assert.Empty(Entries());
    }

    [Fact]
    public void ExistingTargetIsUntouchedWhenTheWriteFails()
    {
        string path = Path.Combine(_dir, "nep.txt");
        File.WriteAllText(path, "old content");
        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(Encoding.UTF8.GetBytes("new content, half written"));
            s.Flush();
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("disk full", ex.Message);
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal(["nep.txt"], Entries());
    }

    [Fact]
    public void CommitReplacesAnExistingTarget()
    {
        string path = Path.Combine(_dir, "nep.txt");
        File.WriteAllText(path, "a much longer old content that must not survive");
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(path)); // UTF-8 without BOM
        Assert.Equal(["nep.txt"], Entries());
    }

    [Fact]
    public void CreatesMissingDirectoriesAndCommitIsIdempotent()
    {
        string path = Path.Combine(_dir, "a", "b", "c.txt");
        using (var f = AtomicFile.Create(path))
        {
            f.Stream.Write("x"u8);
            f.Commit();
            f.Commit();
        }
        Assert.Equal("x", File.ReadAllText(path));
        Assert.Equal(["c.txt"], Directory.GetFileSystemEntries(Path.Combine(_dir, "a", "b")).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteThroughCallbackCommits()
    {
        string path = Path.Combine(_dir, "w.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(["w.bin"], Entries());
    }
}
