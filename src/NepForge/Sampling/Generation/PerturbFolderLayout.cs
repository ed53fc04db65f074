using NepForge.Formats.Vasp;
using NepForge.Structures;

namespace NepForge.Sampling.Generation;

/// <summary>One input frame and the structures made from it, for <see cref="PerturbFolderLayout"/>.</summary>
/// <param name="Original">The input frame (written as frame-k/POSCAR).</param>
/// <param name="Made">Its perturbed or rattled copies (frame-k/POSCAR-1 … POSCAR-n, and into all/).</param>
/// <param name="OriginalToDft">Also put the original into all/ (a frame kept as it is that still needs DFT).</param>
public sealed record PerturbFolderGroup(Frame Original, IReadOnlyList<Frame> Made, bool OriginalToDft = false);

/// <summary>What <see cref="PerturbFolderLayout.Write"/> produced.</summary>
/// <param name="Groups">Input frames (frame-1 … frame-n folders).</param>
/// <param name="Made">Structures made (POSCAR-k files over all frame folders).</param>
/// <param name="ForDft">POSCARs in all/.</param>
/// <param name="ReorderedPoscars">POSCARs whose atoms had to be grouped by species for VASP.</param>
public sealed record PerturbFolderSummary(int Groups, int Made, int ForDft, int ReorderedPoscars);

/// <summary>
/// The folder layout users' perturbation scripts made, ready for DFT: under one folder, <c>frame-1/</c>,
/// <c>frame-2/</c>, … each holding <c>POSCAR</c> (the input frame) and its copies <c>POSCAR-1</c> … <c>POSCAR-n</c>;
/// and <c>all/</c> with every copy once more, numbered <c>POSCAR-1</c> … in order. Everything is written into a
/// hidden sibling folder that is renamed into place at the end, so a failed run leaves nothing behind; the target
/// must not exist or be empty (stale frame folders of an earlier run would otherwise mix with the new ones).
/// </summary>
public static class PerturbFolderLayout
{
    /// <summary>Name of the flat folder of every structure for DFT.</summary>
    public const string AllFolder = "all";

    /// <summary>Name of the folder of input frame <paramref name="k"/> (1-based).</summary>
    public static string GroupFolder(int k) => $"frame-{k}";

    /// <summary>Throws <see cref="IOException"/> when <paramref name="folder"/> is a file or a non-empty folder.</summary>
    public static void CheckTarget(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (File.Exists(folder))
            throw new IOException($"'{folder}' is a file; --layout folders writes a folder");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new IOException($"'{folder}' exists and is not empty: remove it or choose another output folder");
    }

    /// <summary>Writes <paramref name="groups"/> under <paramref name="folder"/> (see the type's summary).</summary>
    public static PerturbFolderSummary Write(string folder, IEnumerable<PerturbFolderGroup> groups, PoscarWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        CheckTarget(folder);
        string target = Path.GetFullPath(folder.TrimEnd('/', Path.DirectorySeparatorChar));
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string all = Path.Combine(staging, AllFolder);
        Directory.CreateDirectory(all);
        try
        {
            int k = 0, made = 0, forDft = 0, reordered = 0;
            foreach (var group in groups)
            {
                k++;
                string dir = Path.Combine(staging, GroupFolder(k));
                Directory.CreateDirectory(dir);
                string original = Path.Combine(dir, "POSCAR");
                if (PoscarWriter.Write(original, group.Original, options).Reordered)
                    reordered++;
                if (group.OriginalToDft)
                    File.Copy(original, Path.Combine(all, $"POSCAR-{++forDft}"));
                for (int c = 0; c < group.Made.Count; c++)
                {
                    string file = Path.Combine(dir, $"POSCAR-{c + 1}");
                    if (PoscarWriter.Write(file, group.Made[c], options).Reordered)
                        reordered++;
                    File.Copy(file, Path.Combine(all, $"POSCAR-{++forDft}"));
                    made++;
                }
            }
            CheckTarget(folder);
            if (Directory.Exists(target))
                Directory.Delete(target); // empty, checked just above
            Directory.Move(staging, target);
            return new PerturbFolderSummary(k, made, forDft, reordered);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }
}
