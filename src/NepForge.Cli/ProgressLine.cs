using System.Globalization;

namespace NepForge.Cli;

/// <summary>
/// Progress on stderr: a redrawn bar when stderr is a terminal, one plain line per file otherwise (CI logs, pipes).
/// </summary>
sealed class ProgressLine(TextWriter error)
{
    readonly bool _interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    long _size;
    bool _drawn;

    public void Start(string file, long size)
    {
        Clear();
        _size = size;
        if (!_interactive)
            error.WriteLine($"reading {file} ({Megabytes(size)})");
        else
            Update(file, 0);
    }

    public void Update(string file, long bytes)
    {
        if (!_interactive || _size <= 0)
            return;
        double fraction = Math.Clamp(bytes / (double)_size, 0, 1);
        int filled = (int)(fraction * 30);
        string name = file.Length > 40 ? "…" + file[^39..] : file;
        error.Write($"\r{name} [{new string('#', filled)}{new string('.', 30 - filled)}] {fraction * 100,5:F1}% of {Megabytes(_size)}");
        _drawn = true;
    }

    public void Clear()
    {
        if (!_drawn)
            return;
        error.Write("\r" + new string(' ', 100) + "\r");
        _drawn = false;
    }

    static string Megabytes(long bytes) => bytes >= 1e9
        ? (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture) + " GB"
        : (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " MB";
}
