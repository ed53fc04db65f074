namespace NepForge.Dft;

/// <summary>
/// Moves a finished attempt's outputs out of the way before a rerun: CP2K appends to existing outputs and VASP
/// overwrites them, and either way the failed run's files are evidence worth keeping. Inputs, the record and the
/// scripts stay; everything else goes to <c>attempt-N/</c>.
/// </summary>
public static class DftJobArchive
{
    /// <summary>Prefix of archive folders (never job folders themselves).</summary>
    public const string Prefix = "attempt-";

    static readonly HashSet<string> Keep = new(StringComparer.Ordinal)
    {
        DftJobRecord.FileName, "escalation.log", "job.sh", Scheduling.LocalExecutor.ScriptName,
    };

    /// <summary>Moves the outputs of attempt <paramref name="attempt"/> to <c>attempt-N/</c>; returns that folder.</summary>
    public static string Archive(string folder, int attempt)
    {
        string target = Path.Combine(folder, Prefix + Math.Max(1, attempt).ToString(System.Globalization.CultureInfo.InvariantCulture));
        int n = 1;
        while (Directory.Exists(target))
            target = Path.Combine(folder, $"{Prefix}{Math.Max(1, attempt)}.{n++}");
        Directory.CreateDirectory(target);
        foreach (string path in Directory.EnumerateFileSystemEntries(folder).ToList())
        {
            string name = Path.GetFileName(path);
            if (Keep.Contains(name) || DftJobRecord.InputFiles.Contains(name) || Cp2k.Cp2kMdChain.IsSegmentInput(name) || name.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            if (Directory.Exists(path))
                Directory.Move(path, Path.Combine(target, name));
            else
                File.Move(path, Path.Combine(target, name));
        }
        return target;
    }

    /// <summary>Whether <paramref name="folder"/> is an archive of an attempt (not a job folder).</summary>
    public static bool IsArchive(string folder) => Path.GetFileName(folder).StartsWith(Prefix, StringComparison.Ordinal);
}
