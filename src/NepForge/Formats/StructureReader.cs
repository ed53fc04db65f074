using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats;

/// <summary>Options shared by every structure reader.</summary>
public sealed record StructureReadOptions
{
    /// <summary>Skip bad frames (reporting them) instead of stopping.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Called for every warning and skipped frame.</summary>
    public Action<ParseDiagnostic>? OnDiagnostic { get; init; }

    /// <summary>
    /// Let extxyz frames with NaN or infinite values through (filter and validate, whose job is to report them);
    /// every other reader refuses them.
    /// </summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>Species for VASP 4 POSCARs without a species line.</summary>
    public IReadOnlyList<string>? PoscarSpecies { get; init; }
}

/// <summary>Reads frames from any supported structure file, streaming where the format allows.</summary>
public static class StructureReader
{
    /// <summary>Streams the frames of <paramref name="path"/> in the given (or detected) format.</summary>
    public static IEnumerable<Frame> Read(string path, StructureFormat? format = null, StructureReadOptions? options = null)
    {
        options ??= new StructureReadOptions();
        var f = format ?? StructureFormats.DetectInput(path);
        return f switch
        {
            StructureFormat.ExtXyz => ExtXyzReader.ReadFrames(path, new ExtXyzReadOptions { SkipBad = options.SkipBad, OnDiagnostic = options.OnDiagnostic, AllowNonFinite = options.AllowNonFinite }),
            StructureFormat.Poscar => [PoscarReader.Read(path, new PoscarReadOptions { Species = options.PoscarSpecies })],
            StructureFormat.Outcar or StructureFormat.Vasprun => ReadVasp(path, f, options),
            StructureFormat.Xdatcar => XdatcarReader.ReadFrames(path, new XdatcarReadOptions { Species = options.PoscarSpecies, OnDiagnostic = options.OnDiagnostic }),
            _ => ReadFolder(path, options),
        };
    }

    // Same defaults as `nepforge extract`: TOTEN, converged DFT steps only (dropped steps are reported).
    static IEnumerable<Frame> ReadVasp(string path, StructureFormat format, StructureReadOptions options)
    {
        var extractor = new VaspExtractor(new VaspExtractOptions
        {
            Source = format == StructureFormat.Outcar ? VaspSourceKind.Outcar : VaspSourceKind.Vasprun,
            OnDiagnostic = options.OnDiagnostic,
            ConfigTypeFromFolder = false,
            SkipBad = options.SkipBad,
        });
        foreach (var frame in extractor.Extract([path]))
            yield return frame;
        if (!options.SkipBad && extractor.Files.FirstOrDefault(f => f.Error is not null) is { } failed)
            throw new InvalidOperationException(failed.Error);
    }

    static IEnumerable<Frame> ReadFolder(string path, StructureReadOptions options)
    {
        var poscarOptions = new PoscarReadOptions { Species = options.PoscarSpecies };
        if (!options.SkipBad)
            return PoscarReader.ReadFolder(path, poscarOptions);
        return SkipBadPoscars(path, poscarOptions, options);
    }

    static IEnumerable<Frame> SkipBadPoscars(string folder, PoscarReadOptions poscarOptions, StructureReadOptions options)
    {
        var files = Directory.EnumerateFiles(folder).Where(f => PoscarReader.IsPoscarName(Path.GetFileName(f)))
            .Order(NaturalOrderComparer.Instance).ToList();
        foreach (var file in files)
        {
            Frame? frame = null;
            try
            {
                frame = PoscarReader.Read(file, poscarOptions);
            }
            catch (ParseException e)
            {
                options.OnDiagnostic?.Invoke(new ParseDiagnostic(e.File, e.Line, null, "skipped: " + e.Problem));
            }
            if (frame is not null)
                yield return frame;
        }
    }
}
