using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.Structures;

namespace NepForge.Formats;

/// <summary>Options shared by every structure writer.</summary>
public sealed record StructureWriteOptions
{
    /// <summary>POSCAR: write Direct (fractional) coordinates instead of Cartesian.</summary>
    public bool Direct { get; init; }

    /// <summary>Leave out energy, forces and virial.</summary>
    public bool StripLabels { get; init; }

    /// <summary>extxyz: also write ASE's <c>stress=</c> next to <c>virial=</c> (see <see cref="ExtXyzWriteOptions.WriteStress"/>).</summary>
    public bool WriteStress { get; init; }
}

/// <summary>What a write produced.</summary>
/// <param name="Frames">Frames written.</param>
/// <param name="ReorderedPoscars">POSCARs whose atoms had to be grouped by species (a different atom order).</param>
/// <param name="Paths">Files written (the one file, or every POSCAR of a folder).</param>
public sealed record WriteSummary(long Frames, int ReorderedPoscars, IReadOnlyList<string> Paths);

/// <summary>Writes frames in any supported format; every output appears whole or not at all.</summary>
public static class StructureWriter
{
    /// <summary>Writes <paramref name="frames"/> to <paramref name="path"/> in <paramref name="format"/>.</summary>
    public static WriteSummary Write(string path, StructureFormat format, IEnumerable<Frame> frames, StructureWriteOptions? options = null)
    {
        options ??= new StructureWriteOptions();
        switch (format)
        {
            case StructureFormat.ExtXyz:
                long n = ExtXyzWriter.WriteFile(path, frames, new ExtXyzWriteOptions { StripLabels = options.StripLabels, WriteStress = options.WriteStress });
                return new(n, 0, [path]);
            case StructureFormat.Poscar:
                return WriteSinglePoscar(path, frames, options);
            case StructureFormat.PoscarFolder:
                return WritePoscarFolder(path, frames, options);
            default:
                // Never a folder of POSCARs under an OUTCAR's name: the input-only formats are refused by name.
                throw new ArgumentException($"NepForge reads {format} files but does not write them: write extxyz, poscar or poscar-folder", nameof(format));
        }
    }

    static WriteSummary WriteSinglePoscar(string path, IEnumerable<Frame> frames, StructureWriteOptions options)
    {
        using var e = frames.GetEnumerator();
        if (!e.MoveNext())
            throw new InvalidOperationException("the input holds no frames; nothing to write");
        var frame = e.Current;
        if (e.MoveNext())
        {
            throw new InvalidOperationException(
                $"the input holds more than one frame but '{path}' is a single POSCAR; write to a folder instead (-o DIR/ or --to poscar-folder)");
        }
        var result = PoscarWriter.Write(path, Prepare(frame, options), new PoscarWriteOptions { Direct = options.Direct });
        return new(1, result.Reordered ? 1 : 0, [path]);
    }

    // POSCAR-1 … POSCAR-n go to a hidden sibling folder first, then move into place, so a failed run leaves no
    // half-made set behind.
    static WriteSummary WritePoscarFolder(string folder, IEnumerable<Frame> frames, StructureWriteOptions options)
    {
        string target = Path.GetFullPath(folder.TrimEnd('/', Path.DirectorySeparatorChar));
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        // Staging folders of killed runs (their process is gone) are removed first.
        IO.AtomicFile.SweepStale(parent, Path.GetFileName(target));
        string staging = Path.Combine(parent, IO.AtomicFile.TemporaryName(Path.GetFileName(target)));
        Directory.CreateDirectory(staging);
        try
        {
            int index = 0, reordered = 0;
            var names = new List<string>();
            foreach (var frame in frames)
            {
                index++;
                string name = $"POSCAR-{index}";
                var result = PoscarWriter.Write(Path.Combine(staging, name), Prepare(frame, options), new PoscarWriteOptions { Direct = options.Direct });
                if (result.Reordered)
                    reordered++;
                names.Add(name);
            }
            Directory.CreateDirectory(target);
            foreach (var name in names)
                File.Move(Path.Combine(staging, name), Path.Combine(target, name), overwrite: true);
            // POSCAR-k beyond this run's n are left from an earlier, longer run: the next read of the folder would take
            // them as part of this set.
            foreach (string stale in Directory.EnumerateFiles(target, "POSCAR-*"))
            {
                string suffix = Path.GetFileName(stale)["POSCAR-".Length..];
                if (suffix.Length > 0 && suffix.All(char.IsAsciiDigit) && (suffix.Length > 9 || int.Parse(suffix, CultureInfo.InvariantCulture) > index))
                    File.Delete(stale);
            }
            return new(index, reordered, names.ConvertAll(n => Path.Combine(folder, n)));
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    static Frame Prepare(Frame frame, StructureWriteOptions options)
    {
        if (!options.StripLabels || !frame.HasLabels)
            return frame;
        var copy = frame.Clone();
        copy.ClearLabels();
        return copy;
    }
}
