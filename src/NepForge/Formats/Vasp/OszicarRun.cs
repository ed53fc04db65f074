using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>What <see cref="OszicarReader"/> read from one OSZICAR: the completed ionic steps and how the file ends.</summary>
public sealed class OszicarRun
{
    internal OszicarRun(string sourceFile, List<OszicarStep> steps, OszicarElectronicLoop? unfinished, List<ParseDiagnostic> diagnostics)
    {
        SourceFile = sourceFile;
        Steps = steps;
        Unfinished = unfinished;
        Diagnostics = diagnostics;
    }

    /// <summary>The file (path as given, or the name given with a stream).</summary>
    public string SourceFile { get; }

    /// <summary>The completed ionic steps (those with an <c>F=</c> line), in file order.</summary>
    public IReadOnlyList<OszicarStep> Steps { get; }

    /// <summary>
    /// The electronic steps after the last <c>F=</c> line when the file ends inside an ionic step (a killed or a
    /// still running job); null when the file ends with a completed step. Never counted in <see cref="Steps"/>.
    /// </summary>
    public OszicarElectronicLoop? Unfinished { get; }

    /// <summary>True when the file ends inside an unfinished ionic step (<see cref="Unfinished"/> is set).</summary>
    public bool EndsInsideStep => Unfinished is not null;

    /// <summary>Warnings (an unfinished last step, lines that were not understood), in file order.</summary>
    public IReadOnlyList<ParseDiagnostic> Diagnostics { get; }

    /// <summary>True when the steps are MD steps (their lines have <c>T=</c>).</summary>
    public bool IsMolecularDynamics => Steps.Count > 0 && Steps[^1].IsMolecularDynamics;

    /// <summary>The last completed step, or null when there is none.</summary>
    public OszicarStep? Final => Steps.Count > 0 ? Steps[^1] : null;

    /// <summary>
    /// Checks every completed step against NELM: a step whose electronic loop ran <paramref name="nelm"/> steps or
    /// more is flagged unconverged.
    /// </summary>
    public OszicarConvergence ConvergenceAgainst(int nelm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nelm, 1);
        var converged = new bool[Steps.Count];
        for (int i = 0; i < converged.Length; i++)
            converged[i] = !Steps[i].Electronic.ReachedNelm(nelm);
        return new OszicarConvergence(nelm, converged, Steps);
    }
}
