using NepForge.Structures;

namespace NepForge.Dft.Vasp;

/// <summary>The state of a VASP job folder, as <see cref="VaspJobClassifier"/> judges it.</summary>
public enum VaspJobState
{
    /// <summary>Finished (timing footer / &lt;/modeling&gt;) and the last ionic step's electronic loop converged.</summary>
    Converged,

    /// <summary>Finished, but the last ionic step's electronic loop did not converge (NELM reached, or VASP 6 says EDIFF was not reached).</summary>
    Unconverged,

    /// <summary>
    /// Stopped with an error: no footer and a VASP / MPI / scheduler error text in the folder, or a finished run
    /// with no complete step or non-finite labels.
    /// </summary>
    Crashed,

    /// <summary>No footer and no error text: killed (wall time, node loss) or still running.</summary>
    Incomplete,

    /// <summary>Neither OUTCAR nor vasprun.xml exists.</summary>
    MissingOutput,
}

/// <summary>What <see cref="VaspJobClassifier.Classify"/> found in a job folder.</summary>
public sealed record VaspJobResult
{
    /// <summary>The verdict.</summary>
    public required VaspJobState State { get; init; }

    /// <summary>One sentence saying why, naming the file and line or marker that decided it.</summary>
    public required string Reason { get; init; }

    /// <summary>The output file read (OUTCAR, or vasprun.xml when there is no OUTCAR); null for <see cref="VaspJobState.MissingOutput"/>.</summary>
    public string? OutputFile { get; init; }

    /// <summary>Complete ionic steps read.</summary>
    public int Steps { get; init; }

    /// <summary>Of <see cref="Steps"/>, those whose electronic loop did not converge.</summary>
    public int UnconvergedSteps { get; init; }

    /// <summary>
    /// The labelled frame of the last ionic step, when <see cref="State"/> is <see cref="VaspJobState.Converged"/>
    /// (for a single point, its one frame); null otherwise. For an MD or relaxation run, read every step with the
    /// extractor and its per-step convergence filter.
    /// </summary>
    public Frame? Frame { get; init; }

    /// <summary>VASP version from the output header, when read.</summary>
    public string? Version { get; init; }

    /// <summary>True when the output ends with VASP's footer (OUTCAR timing block, vasprun &lt;/modeling&gt;).</summary>
    public bool Finished { get; init; }

    /// <summary>The first error text found in the folder ("ZBRENT: fatal error in vasp.out"), even when the run finished.</summary>
    public string? ErrorText { get; init; }
}
