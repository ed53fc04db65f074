namespace NepForge.IO;

/// <summary>Keeps an output from replacing its own input (<c>extract X -o X</c> overwrote X and exited 0).</summary>
public static class OutputPaths
{
    /// <summary>The input that <paramref name="output"/> would replace (the same file or folder, symlinks followed), or null.</summary>
    public static string? InputReplacedBy(string output, IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (output == "-")
            return null;
        string o = Resolve(output);
        return inputs.FirstOrDefault(i => i != "-" && string.Equals(Resolve(i), o, StringComparison.Ordinal));
    }

    static string Resolve(string path)
    {
        string full = Path.GetFullPath(path.TrimEnd('/', Path.DirectorySeparatorChar).Length == 0 ? path : path.TrimEnd('/', Path.DirectorySeparatorChar));
        try
        {
            // The folder part may be a link too: resolve it, then the entry itself.
            string? dir = Path.GetDirectoryName(full);
            if (dir is not null && Directory.Exists(dir))
                full = Path.Combine(new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir, Path.GetFileName(full));
            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            if (info.Exists && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                full = target.FullName;
        }
        catch (IOException)
        {
            // A link loop or an unreadable link: compare the names as given.
        }
        return full;
    }
}
