using NepForge.IO;

namespace NepForge.Formats.Gpumd;

/// <summary>
/// GPUMD's <c>active.out</c> from the <c>active</c> keyword (<c>doc/gpumd/input_parameters/active.rst</c>): one row
/// <c>time σ_f</c> per checked step, where σ_f is the largest force uncertainty over atoms in a committee of NEP
/// models. <c>active.xyz</c> only receives the frames whose σ_f exceeds the threshold δ, so frame <c>i</c> of
/// active.xyz is the <c>i</c>-th row <em>above δ</em>, not row <c>i</c> (the mistake GPUMDkit's top-N script makes).
/// </summary>
public sealed class ActiveFile
{
    ActiveFile(double[] time, double[] sigma, IReadOnlyList<ParseDiagnostic> warnings)
    {
        Time = time;
        Uncertainty = sigma;
        Warnings = warnings;
    }

    /// <summary>Column 0: the time of each check (as GPUMD writes it).</summary>
    public double[] Time { get; }

    /// <summary>Column 1: σ_f, eV/Å.</summary>
    public double[] Uncertainty { get; }

    /// <summary>Rows read.</summary>
    public int Rows => Time.Length;

    /// <summary>Reader warnings.</summary>
    public IReadOnlyList<ParseDiagnostic> Warnings { get; }

    /// <summary>Rows (0-based) whose σ_f is above <paramref name="threshold"/>: row <c>k</c> of the result is frame <c>k</c> of active.xyz.</summary>
    public int[] RowsAbove(double threshold)
    {
        var rows = new List<int>();
        for (int i = 0; i < Rows; i++)
        {
            if (Uncertainty[i] > threshold)
                rows.Add(i);
        }
        return [.. rows];
    }

    /// <summary>Reads an active.out.</summary>
    public static ActiveFile Read(string path) => From(NumericTable.Read(path));

    /// <summary>Interprets a table already read.</summary>
    public static ActiveFile From(NumericTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.Rows > 0 && t.Columns != 2)
            throw new ParseException(t.File, 1, null, $"active.out has {t.Columns} columns; expected 2 (time, σ_f)");
        return t.Rows == 0 ? new ActiveFile([], [], t.Warnings) : new ActiveFile(t.Column(0), t.Column(1), t.Warnings);
    }
}
