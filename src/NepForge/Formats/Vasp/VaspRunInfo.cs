namespace NepForge.Formats.Vasp;

/// <summary>What the header of an OUTCAR or vasprun.xml says about the run.</summary>
public sealed class VaspRunInfo
{
    /// <summary>VASP version string, e.g. "5.4.4.18Apr17-6-g9f103f2a35" or "6.3.0".</summary>
    public string? Version { get; set; }

    /// <summary>Species of each POTCAR / type, in order (may repeat, as in B O B O).</summary>
    public List<string> Species { get; } = [];

    /// <summary>Ions per type, aligned with <see cref="Species"/>.</summary>
    public List<int> IonsPerType { get; } = [];

    /// <summary>INCAR/run parameters, when printed.</summary>
    public int? Nelm { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public double? Ediff { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public int? Ibrion { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public int? Isif { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public int? Nsw { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public double? Potim { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public double? Tebeg { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public double? Teend { get; set; }

    /// <inheritdoc cref="Nelm"/>
    public int? Ispin { get; set; }

    /// <summary>True when a machine-learned force field was on (ML_LMLFF / ML_MODE).</summary>
    public bool MachineLearning { get; set; }

    /// <summary>True when the file ends as a finished run does (OUTCAR timing footer, vasprun &lt;/modeling&gt;).</summary>
    public bool Finished { get; set; }
}
