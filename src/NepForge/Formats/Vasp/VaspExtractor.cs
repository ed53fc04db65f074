using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Users' aimd2xyz.sh and single_energy2xyz.sh in one: finds OUTCARs and vasprun.xml files (recursively, .gz too),
/// streams their ionic steps, drops electronically unconverged steps (and says how many), subsamples while
/// streaming, and labels every frame with its source (path relative to the argument), ionic step, VASP version and
/// energy kind. A file that cannot be read is reported and skipped; the others go on.
/// </summary>
public sealed class VaspExtractor(VaspExtractOptions options)
{
    /// <summary>One summary per file, filled as frames are streamed.</summary>
    public List<VaspFileSummary> Files { get; } = [];

    /// <summary>The files a path stands for: itself, or the VASP outputs found under a folder.</summary>
    public static List<string> FindInputs(string path, VaspSourceKind source)
    {
        if (File.Exists(path) || path == "-")
            return [path];
        if (!Directory.Exists(path))
            throw new FileNotFoundException($"no such file or folder: {path}");
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).Prepend(path)
                     .Order(NaturalOrderComparer.Instance))
        {
            string? outcar = FirstExisting(dir, "OUTCAR", "OUTCAR.gz");
            string? xml = FirstExisting(dir, "vasprun.xml", "vasprun.xml.gz");
            string? pick = source switch
            {
                VaspSourceKind.Outcar => outcar,
                VaspSourceKind.Vasprun => xml,
                _ => outcar ?? xml,
            };
            if (pick is not null)
                found.Add(pick);
        }
        return found;
    }

    /// <summary>
    /// Files under <paramref name="path"/> (a folder) that look like VASP outputs but a folder search does not read:
    /// OUTCAR.unfinished, OUTCAR_1, vasprun.1.xml, … (only OUTCAR, vasprun.xml and their .gz are searched for).
    /// </summary>
    public static List<string> SkippedLookalikes(string path)
    {
        if (!Directory.Exists(path))
            return [];
        string[] read = ["OUTCAR", "OUTCAR.gz", "vasprun.xml", "vasprun.xml.gz"];
        return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is var n && !read.Contains(n, StringComparer.Ordinal)
                        && (n.StartsWith("OUTCAR", StringComparison.Ordinal) || (n.StartsWith("vasprun", StringComparison.Ordinal) && n.Contains(".xml", StringComparison.Ordinal))))
            .Order(NaturalOrderComparer.Instance)
            .ToList();
    }

    static string? FirstExisting(string dir, params string[] names) =>
        names.Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists);

    /// <summary>Is this file a vasprun.xml (by name), unless the options force a format?</summary>
    public bool IsVasprun(string file) => options.Source switch
    {
        VaspSourceKind.Vasprun => true,
        VaspSourceKind.Outcar => false,
        _ => Path.GetFileName(file).Contains("vasprun", StringComparison.OrdinalIgnoreCase) ||
             file.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".xml.gz", StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>Streams the kept frames of every file under every argument.</summary>
    public IEnumerable<Frame> Extract(IEnumerable<string> arguments)
    {
        foreach (var argument in arguments)
        {
            foreach (var file in FindInputs(argument, options.Source))
            {
                foreach (var frame in ExtractFile(file, argument))
                    yield return frame;
            }
        }
    }

    IEnumerable<Frame> ExtractFile(string file, string argument)
    {
        bool xml = IsVasprun(file);
        var summary = new VaspFileSummary { Path = file, Format = xml ? "vasprun" : "outcar" };
        Files.Add(summary);
        void Warn(ParseDiagnostic d)
        {
            summary.Warnings.Add(d);
            options.OnDiagnostic?.Invoke(d);
        }
        long size = file == "-" ? 0 : new FileInfo(file).Length;
        options.OnFileStart?.Invoke(file, size);
        string progressStep = "reading " + file;
        options.Progress?.Report(new NepForge.Progress.StepProgress(progressStep, 0, size, "bytes"));

        IVaspStepSource source;
        try
        {
            source = xml
                ? VaspStepSources.Vasprun(file, options.Energy, options.IncludeMachineLearned, Warn, options.SkipBad)
                : VaspStepSources.Outcar(file, options.Energy, options.IncludeMachineLearned, Warn, options.SkipBad);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ParseException)
        {
            summary.Error = e.Message;
            yield break;
        }

        string relative = RelativeSource(file, argument);
        string? configType = options.ConfigType ?? (options.ConfigTypeFromFolder ? DefaultConfigType(file) : null);
        using (source)
        {
            long seen = 0, lastProgress = 0;
            while (true)
            {
                VaspStep? step;
                try
                {
                    if (!source.TryRead(out step))
                        break;
                }
                catch (Exception e) when (e is ParseException or IOException or FormatException)
                {
                    summary.Error = e.Message;
                    break;
                }
                summary.Steps++;
                summary.Version ??= source.Run.Version;
                if (!step.Converged && !options.KeepUnconverged)
                {
                    summary.Unconverged++;
                    continue;
                }
                long index = seen++;
                if (index < options.SkipFirst || (index - options.SkipFirst) % Math.Max(1, options.Every) != 0)
                {
                    summary.Subsampled++;
                    continue;
                }
                var frame = step.Frame;
                frame.Info.SourceFile = relative;
                if (configType is not null)
                    frame.Info.ConfigType ??= configType;
                if (!step.Converged)
                    frame.Info.SetExtra("scf_converged", "F");
                summary.Kept++;
                if (source.BytesRead - lastProgress > 16 << 20)
                {
                    lastProgress = source.BytesRead;
                    options.OnProgress?.Invoke(file, lastProgress);
                    options.Progress?.Report(new NepForge.Progress.StepProgress(progressStep, lastProgress, size, "bytes"));
                }
                yield return frame;
            }
            summary.Version ??= source.Run.Version;
            summary.Truncated = source.Truncated;
            summary.Skipped = source.Skipped;
            options.OnProgress?.Invoke(file, source.BytesRead);
            options.Progress?.Report(new NepForge.Progress.StepProgress(progressStep, size > 0 ? size : source.BytesRead, size, "bytes"));
        }
        if (summary.Unconverged > 0 && !options.KeepUnconverged)
        {
            Warn(new ParseDiagnostic(file, 0, null,
                $"dropped {summary.Unconverged} electronically unconverged step(s) (NELM reached or EDIFF not reached); keep them with --keep-unconverged"));
        }
    }

    // "runs/300K/OUTCAR" given as "runs" → "300K/OUTCAR"; a file given directly keeps its name as given.
    static string RelativeSource(string file, string argument)
    {
        if (file == "-" || File.Exists(argument))
            return argument;
        return Path.Combine(Path.GetFileName(Path.GetFullPath(argument).TrimEnd(Path.DirectorySeparatorChar)),
            Path.GetRelativePath(argument, file));
    }

    static string DefaultConfigType(string file)
    {
        if (file == "-")
            return "vasp";
        string? dir = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)));
        return string.IsNullOrEmpty(dir) ? "vasp" : dir;
    }
}
