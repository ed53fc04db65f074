using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>Which VASP output to read from a folder holding both.</summary>
public enum VaspSourceKind
{
    /// <summary>OUTCAR when present, else vasprun.xml.</summary>
    Auto,

    /// <summary>OUTCAR only.</summary>
    Outcar,

    /// <summary>vasprun.xml only.</summary>
    Vasprun,
}

/// <summary>Options of <see cref="VaspExtractor"/> (and <c>nepforge extract</c>).</summary>
public sealed record VaspExtractOptions
{
    /// <summary>Energy label. Default TOTEN.</summary>
    public VaspEnergyKind Energy { get; init; } = VaspEnergyKind.Free;

    /// <summary>Keep steps whose electronic loop did not converge (dropped by default, and counted).</summary>
    public bool KeepUnconverged { get; init; }

    /// <summary>Also keep machine-learned force-field steps (marked <c>ml_frame=T</c>).</summary>
    public bool IncludeMachineLearned { get; init; }

    /// <summary>Keep every N-th kept step of each file (after <see cref="SkipFirst"/>).</summary>
    public int Every { get; init; } = 1;

    /// <summary>Drop the first N steps of each file (equilibration).</summary>
    public int SkipFirst { get; init; }

    /// <summary>config_type of every frame; null = the name of the folder the file is in.</summary>
    public string? ConfigType { get; init; }

    /// <summary>When <see cref="ConfigType"/> is null, take the folder's name as config_type (else leave it unset).</summary>
    public bool ConfigTypeFromFolder { get; init; } = true;

    /// <summary>
    /// Skip (and report) steps with a non-finite position, cell, energy, force or virial instead of stopping the file
    /// there with an error.
    /// </summary>
    public bool SkipBad { get; init; }

    /// <summary>Force OUTCAR or vasprun.xml.</summary>
    public VaspSourceKind Source { get; init; }

    /// <summary>Called for every warning as it happens.</summary>
    public Action<ParseDiagnostic>? OnDiagnostic { get; init; }

    /// <summary>Called when a file starts (path, size in bytes).</summary>
    public Action<string, long>? OnFileStart { get; init; }

    /// <summary>Called now and then with (path, bytes read so far).</summary>
    public Action<string, long>? OnProgress { get; init; }

    /// <summary>Bytes read of each file ("reading FILE", bytes), at its start, every 16 MB and at its end.</summary>
    public IProgress<NepForge.Progress.StepProgress>? Progress { get; init; }
}

/// <summary>What extraction did with one file.</summary>
public sealed class VaspFileSummary
{
    /// <summary>The file (as found).</summary>
    public required string Path { get; init; }

    /// <summary>outcar or vasprun.</summary>
    public required string Format { get; init; }

    /// <summary>VASP version.</summary>
    public string? Version { get; set; }

    /// <summary>Complete ionic steps read (DFT, plus ML when asked).</summary>
    public long Steps { get; set; }

    /// <summary>Frames written.</summary>
    public long Kept { get; set; }

    /// <summary>Steps dropped because the electronic loop did not converge.</summary>
    public long Unconverged { get; set; }

    /// <summary>Steps dropped by --every / --skip-first.</summary>
    public long Subsampled { get; set; }

    /// <summary>Steps the reader skipped (stars, no force table) or ML steps left out.</summary>
    public long Skipped { get; set; }

    /// <summary>The file stopped inside a run.</summary>
    public bool Truncated { get; set; }

    /// <summary>Warnings.</summary>
    public List<ParseDiagnostic> Warnings { get; } = [];

    /// <summary>Why the file could not be read, when it could not.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// The indented JSON summary of <c>nepforge extract --json</c>: <paramref name="output"/> (the file written, or
    /// "nothing written"), the frames written and one object per file.
    /// </summary>
    public static string ToJson(string output, long frames, IEnumerable<VaspFileSummary> files) => VaspExtractReport.Of(output, frames, files).ToJson();
}
