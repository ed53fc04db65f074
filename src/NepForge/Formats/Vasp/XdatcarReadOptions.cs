using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Options for <see cref="XdatcarReader"/>, and where its warnings go. A class, not a record: it collects the
/// warnings of the read it is passed to in <see cref="Diagnostics"/>, so use one instance per read.
/// </summary>
public sealed class XdatcarReadOptions
{
    /// <summary>
    /// Species of the count groups, in order, for a file whose header has no species line (VASP 4 style): e.g.
    /// ["Fe", "P", "O"] for counts "4 4 16". POTCAR-style names ("Fe_pv", "Si/4f2e…") are accepted. Must name exactly
    /// one species per count. Ignored when the header has a species line.
    /// </summary>
    public IReadOnlyList<string>? Species { get; init; }

    /// <summary>
    /// For a file read by path whose header has no species line and no <see cref="Species"/>: take the species from a
    /// file named POTCAR in the same folder (its <c>TITEL</c> lines, else its <c>VRHFIN</c> lines). Default true.
    /// </summary>
    public bool UsePotcar { get; init; } = true;

    /// <summary>Called with each warning as it happens (e.g. a truncated last frame that was dropped).</summary>
    public Action<ParseDiagnostic>? OnDiagnostic { get; init; }

    /// <summary>Every warning of the read, in order (filled while the frames are enumerated).</summary>
    public List<ParseDiagnostic> Diagnostics { get; } = [];

    internal void Report(ParseDiagnostic diagnostic)
    {
        Diagnostics.Add(diagnostic);
        OnDiagnostic?.Invoke(diagnostic);
    }
}
