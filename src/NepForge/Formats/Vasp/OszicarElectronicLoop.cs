namespace NepForge.Formats.Vasp;

/// <summary>
/// The electronic (SCF) lines of one ionic step of an OSZICAR: <c>DAV:   5    -0.548E+03   -0.83E+00 …</c>, i.e.
/// algorithm, iteration N, E, dE, d eps, ncg, rms, rms(c).
/// </summary>
public sealed class OszicarElectronicLoop
{
    /// <summary>
    /// Number of electronic steps: the N of the last electronic line (VASP's own counter, what it compares with
    /// NELM), or the number of lines when N could not be read.
    /// </summary>
    public int Count { get; init; }

    /// <summary>Number of electronic lines seen (equals <see cref="Count"/> in any file VASP wrote).</summary>
    public int Lines { get; init; }

    /// <summary>The algorithms used, in order of first use, as printed before the ':' ("DAV", "RMM", "CG", "DMP"…).</summary>
    public IReadOnlyList<string> Algorithms { get; init; } = [];

    /// <summary>E of the last electronic line, eV (NaN when VASP printed asterisks).</summary>
    public double? LastEnergy { get; init; }

    /// <summary>dE of the last electronic line, eV: the change the EDIFF test looks at.</summary>
    public double? LastEnergyChange { get; init; }

    /// <summary>1-based line numbers of the first and the last electronic line.</summary>
    public long FirstLine { get; init; }

    /// <inheritdoc cref="FirstLine"/>
    public long LastLine { get; init; }

    /// <summary>True when the loop ran NELM steps or more, i.e. stopped at the limit (the EDIFF criterion was likely not met).</summary>
    public bool ReachedNelm(int nelm) => Count >= nelm;

    /// <summary>An empty loop (an ionic line with no electronic lines before it).</summary>
    public static readonly OszicarElectronicLoop Empty = new();
}
