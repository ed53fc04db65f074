using System.Security.Cryptography;
using System.Text;
using NepForge.IO;

namespace NepForge.Sampling.Selection;

/// <summary>
/// Structure features kept beside a dataset (<c>train.xyz.nfdesc</c>) so the base set is not recomputed every
/// generation, keyed by (structure content hash, model file hash, reduction). The file is written whole to a temporary
/// file and renamed (<see cref="AtomicFile"/>), so readers see the old or the new file, never half of one; it ends with
/// a SHA-256 of its contents, and a file that fails any check is ignored (and rebuilt on the next save).
/// Format: "NFDESC01", int32 count, per record [utf8 key length int32, key, int32 dim, dim × float64], then 32 bytes of SHA-256.
/// </summary>
public sealed class DescriptorCache
{
    static readonly byte[] Magic = "NFDESC01"u8.ToArray();
    readonly Dictionary<string, double[]> _entries = new(StringComparer.Ordinal);

    /// <summary>The cache file used for a dataset file.</summary>
    public static string PathFor(string dataset) => dataset + ".nfdesc";

    /// <summary>Entries in memory.</summary>
    public int Count => _entries.Count;

    /// <summary>Lookups that found an entry.</summary>
    public int Hits { get; private set; }

    /// <summary>Lookups that did not.</summary>
    public int Misses { get; private set; }

    /// <summary>True when entries were added since loading.</summary>
    public bool Dirty { get; private set; }

    /// <summary>Why the file on disk was ignored (null when it was read or absent).</summary>
    public string? Rejected { get; private set; }

    /// <summary>Reads a cache file; an absent file gives an empty cache, a corrupt one an empty cache with <see cref="Rejected"/> set.</summary>
    public static DescriptorCache Load(string path)
    {
        var cache = new DescriptorCache();
        if (!File.Exists(path))
            return cache;
        try
        {
            cache.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or IOException)
        {
            cache._entries.Clear();
            cache.Rejected = e.Message;
            cache.Dirty = true;
        }
        return cache;
    }

    /// <summary>The key of a structure's features under a model and a reduction.</summary>
    public static string Key(string structureHash, string modelHash, FeatureReduction reduction) =>
        $"{structureHash}:{modelHash}:{reduction}";

    /// <summary>Looks up features (counts a hit or a miss).</summary>
    public bool TryGet(string key, out double[] features)
    {
        if (_entries.TryGetValue(key, out var f))
        {
            Hits++;
            features = f;
            return true;
        }
        Misses++;
        features = [];
        return false;
    }

    /// <summary>Adds or replaces features.</summary>
    public void Put(string key, double[] features)
    {
        _entries[key] = features;
        Dirty = true;
    }

    /// <summary>Writes the cache atomically (temporary file + rename). <paramref name="beforeCommit"/> is a test hook.</summary>
    public void Save(string path, Action<Stream>? beforeCommit = null)
    {
        using var file = AtomicFile.Create(path);
        using (var hashing = new HashingStream(file.Stream))
        {
            using (var w = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(Magic);
                w.Write(_entries.Count);
                foreach (var (key, f) in _entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    var k = Encoding.UTF8.GetBytes(key);
                    w.Write(k.Length);
                    w.Write(k);
                    w.Write(f.Length);
                    foreach (double v in f)
                        w.Write(v);
                }
            }
            beforeCommit?.Invoke(file.Stream);
            file.Stream.Write(hashing.Finish());
        }
        file.Commit();
        Dirty = false;
    }

    void Parse(byte[] bytes)
    {
        if (bytes.Length < Magic.Length + 4 + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException("not a NepForge descriptor cache (bad header)");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new InvalidDataException("checksum mismatch (truncated or corrupt)");
        using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 32), Encoding.UTF8);
        r.ReadBytes(Magic.Length);
        int count = r.ReadInt32();
        if (count < 0)
            throw new InvalidDataException("negative record count");
        for (int i = 0; i < count; i++)
        {
            int kl = r.ReadInt32();
            if (kl is < 0 or > 4096)
                throw new InvalidDataException("bad key length");
            string key = Encoding.UTF8.GetString(r.ReadBytes(kl));
            int dim = r.ReadInt32();
            if (dim < 0 || (long)dim * 8 > r.BaseStream.Length - r.BaseStream.Position)
                throw new InvalidDataException("bad record length");
            var f = new double[dim];
            for (int k = 0; k < dim; k++)
                f[k] = r.ReadDouble();
            _entries[key] = f;
        }
        if (r.BaseStream.Position != r.BaseStream.Length)
            throw new InvalidDataException("trailing bytes");
    }

    // Passes writes through while hashing them.
    sealed class HashingStream(Stream inner) : Stream
    {
        readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Finish() => _hash.GetHashAndReset();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
