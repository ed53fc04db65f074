namespace NepForge.IO;

/// <summary>
/// Output that never exists half-written: data goes to a temporary file beside the target, which is renamed over
/// the target only on <see cref="Commit"/>. Disposing without committing deletes the temporary file, so a failed
/// run leaves the old file (or nothing) in place. The path "-" writes to stdout directly.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    readonly string? _target;
    readonly string? _temporary;
    readonly FileStream? _file;
    bool _committed;

    AtomicFile(string path)
    {
        if (path == "-")
        {
            Stream = Console.OpenStandardOutput();
            return;
        }
        _target = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(_target)!;
        Directory.CreateDirectory(dir);
        _temporary = Path.Combine(dir, $".{Path.GetFileName(_target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _file = new FileStream(_temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Stream = _file;
    }

    /// <summary>Opens a temporary file for <paramref name="path"/> (or stdout for "-").</summary>
    public static AtomicFile Create(string path) => new(path);

    /// <summary>Writes a whole file atomically through <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        using var f = Create(path);
        write(f.Stream);
        f.Commit();
    }

    /// <summary>Writes text atomically (UTF-8, no BOM).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            w.Write(text);
        });

    /// <summary>The stream to write to.</summary>
    public Stream Stream { get; }

    /// <summary>Flushes and renames the temporary file over the target.</summary>
    public void Commit()
    {
        if (_committed)
            return;
        Stream.Flush();
        if (_file is not null)
        {
            _file.Flush(flushToDisk: false);
            _file.Dispose();
            File.Move(_temporary!, _target!, overwrite: true);
        }
        _committed = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_file is null)
        {
            Stream.Flush();
            return;
        }
        _file.Dispose();
        if (!_committed && File.Exists(_temporary))
            File.Delete(_temporary!);
    }
}
