namespace NepForge.Formats.Vasp;

/// <summary>
/// Which ionic steps of an OSZICAR stopped their electronic loop at NELM (see <see cref="OszicarRun.ConvergenceAgainst"/>).
/// A step that ran NELM electronic steps is counted as unconverged, as dpdata and DP-GEN do: VASP stops there whether
/// or not EDIFF was reached, and OSZICAR does not say which.
/// </summary>
public sealed class OszicarConvergence
{
    internal OszicarConvergence(int nelm, bool[] converged, IReadOnlyList<OszicarStep> steps)
    {
        Nelm = nelm;
        Converged = converged;
        var unconverged = new List<int>();
        for (int i = 0; i < converged.Length; i++)
        {
            if (!converged[i])
                unconverged.Add(i);
        }
        UnconvergedIndices = unconverged;
        UnconvergedSteps = unconverged.ConvertAll(i => steps[i]);
    }

    /// <summary>The NELM the steps were checked against.</summary>
    public int Nelm { get; }

    /// <summary>Per ionic step, aligned with <see cref="OszicarRun.Steps"/>: true when its loop stopped before NELM.</summary>
    public IReadOnlyList<bool> Converged { get; }

    /// <summary>0-based indices (into <see cref="OszicarRun.Steps"/>) of the steps whose loop reached NELM.</summary>
    public IReadOnlyList<int> UnconvergedIndices { get; }

    /// <summary>The steps whose loop reached NELM.</summary>
    public IReadOnlyList<OszicarStep> UnconvergedSteps { get; }

    /// <summary>True when no step reached NELM.</summary>
    public bool AllConverged => UnconvergedIndices.Count == 0;
}
