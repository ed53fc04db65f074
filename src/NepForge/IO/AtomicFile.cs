using System.Globalization;
using System.Runtime.InteropServices;

namespace NepForge.IO;

/// <summary>
/// Output that never exists half-written: data goes to a temporary file beside the target, which is renamed over
/// the target only on <see cref="Commit"/>, after the data (fsync) and then the rename (fsync of the folder) are on
/// disk, so a power loss leaves the old file or the new one, never a truncated one. Disposing without committing
/// deletes the temporary file (also when the disk is full), and temporary files left by killed runs
/// (<c>.NAME.PID.*.tmp</c> of a process that no longer exists) are swept when the same output is written again.
/// Write errors name the output, not the hidden temporary file. The path "-" writes to stdout directly.
/// </summary>
public sealed partial class AtomicFile : IDisposable
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
        SweepStale(dir, Path.GetFileName(_target));
        _temporary = Path.Combine(dir, TemporaryName(Path.GetFileName(_target)));
        try
        {
            _file = new FileStream(_temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only file system or folder: say which output could not be written, not the hidden name.
            throw new IOException($"cannot write {_target}: {e.Message.Replace($" : '{_temporary}'", "", StringComparison.Ordinal).Replace(_temporary, _target, StringComparison.Ordinal)}", e);
        }
        Stream = new NamedStream(_file, _temporary, _target);
    }

    /// <summary>Opens a temporary file for <paramref name="path"/> (or stdout for "-").</summary>
    public static AtomicFile Create(string path) => new(path);

    /// <summary>Writes a whole file atomically through <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
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

    /// <summary>The name of a temporary file or staging folder for <paramref name="name"/> (hidden, with this process id).</summary>
    public static string TemporaryName(string name) =>
        string.Create(CultureInfo.InvariantCulture, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes temporary files and staging folders of <paramref name="name"/> in <paramref name="dir"/> that were left by
    /// processes that no longer run (a kill -9, a power loss). Those of running processes, this one included, stay.
    /// </summary>
    public static void SweepStale(string dir, string name)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(dir, $".{name}.*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string entry in entries)
        {
            string rest = Path.GetFileName(entry)[(name.Length + 2)..];
            var parts = rest.Split('.');
            if (parts.Length != 3 || parts[1].Length != 32 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            if (pid == Environment.ProcessId || IsRunning(pid))
                continue;
            try
            {
                if (Directory.Exists(entry))
                    Directory.Delete(entry, recursive: true);
                else
                    File.Delete(entry);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or already gone: not ours to fight over.
            }
        }
    }

    static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
            return Scheduling.ProcessInfo.State(pid) is not (null or 'Z' or 'X');
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Flushes the data to disk, renames the temporary file over the target and flushes the folder.</summary>
    public void Commit()
    {
        if (_committed)
            return;
        Stream.Flush();
        if (_file is not null)
        {
            try
            {
                _file.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                throw new IOException($"cannot write {_target}: {e.Message.Replace(_temporary!, _target, StringComparison.Ordinal)}", e);
            }
            _file.Dispose();
            File.Move(_temporary!, _target!, overwrite: true);
            FlushFolder(Path.GetDirectoryName(_target)!);
        }
        _committed = true;
    }

    /// <summary>fsync of a folder, so that a rename in it survives a power loss (Linux and macOS; a no-op elsewhere).</summary>
    public static void FlushFolder(string dir)
    {
        if (OperatingSystem.IsWindows())
            return;
        int fd = Native.Open(dir, 0);
        if (fd < 0)
            return;
        // Best effort: a file system that cannot fsync a folder (some network mounts) has nothing better to offer.
        _ = Native.Fsync(fd);
        _ = Native.Close(fd);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_file is null)
        {
            Stream.Flush();
            return;
        }
        try
        {
            // On a full disk, closing the file fails to flush its buffer: the temporary file must still go.
            _file.Dispose();
        }
        catch (IOException) when (!_committed)
        {
        }
        finally
        {
            if (!_committed && File.Exists(_temporary))
                File.Delete(_temporary!);
        }
    }

    /// <summary>Passes writes through; an error names the output instead of the hidden temporary file.</summary>
    sealed class NamedStream(FileStream inner, string temporary, string target) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);

        public override void Flush()
        {
            try
            {
                inner.Flush();
            }
            catch (IOException e)
            {
                throw Named(e);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch (IOException e)
            {
                throw Named(e);
            }
        }

        public override void WriteByte(byte value) => Write([value]);

        IOException Named(IOException e) =>
            new($"cannot write {target}: {e.Message.Replace(temporary, target, StringComparison.Ordinal).Replace(" : '" + target + "'", "", StringComparison.Ordinal)}", e);
    }

    static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int Close(int fd);
    }
}
