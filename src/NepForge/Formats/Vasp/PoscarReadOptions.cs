namespace NepForge.Formats.Vasp;

/// <summary>Options for <see cref="PoscarReader"/>.</summary>
public sealed record PoscarReadOptions
{
    /// <summary>The defaults: no species given, POTCAR beside the file consulted.</summary>
    public static readonly PoscarReadOptions Default = new();

    /// <summary>
    /// Species of the count groups, in order, for a VASP 4 file (one with no species line): e.g. ["Fe", "P", "O"]
    /// for counts "4 4 16". POTCAR-style names ("Fe_pv", "Si/4f2e…") are accepted. Must name exactly one species per
    /// count. Ignored when the file has a species line (VASP 5/6).
    /// </summary>
    public IReadOnlyList<string>? Species { get; init; }

    /// <summary>
    /// For a VASP 4 file read by path with no <see cref="Species"/>: take the species from a file named POTCAR in
    /// the same folder (its <c>TITEL</c> lines, else its <c>VRHFIN</c> lines). Default true.
    /// </summary>
    public bool UsePotcar { get; init; } = true;
}
