using NepForge.Structures;

namespace NepForge.Dft;

/// <summary>Where a DFT job folder stands.</summary>
public enum DftJobState
{
    /// <summary>Inputs written, not run yet.</summary>
    Prepared,

    /// <summary>Finished and the electronic loop converged: its labels can be trusted.</summary>
    Converged,

    /// <summary>Finished, but the electronic loop did not converge.</summary>
    Unconverged,

    /// <summary>The program stopped with an error.</summary>
    Crashed,

    /// <summary>Stopped without an error message (killed, timed out) or still running.</summary>
    Incomplete,

    /// <summary>No output, and no inputs to run either.</summary>
    MissingOutput,

    /// <summary>
    /// The run converged, but its output is not this job's: its first step has other atoms, another species order, other positions or
    /// another cell than <c>structure.xyz</c> (an output copied into the wrong folder). Failed; never collected.
    /// </summary>
    Mismatched,

    /// <summary>Waiting in a scheduler's queue (from the job's record).</summary>
    Queued,

    /// <summary>Running (from the job's record).</summary>
    Running,

    /// <summary>Given up after the retry budget; the reason says why.</summary>
    Quarantined,
}

/// <summary>One job folder's state, the reason, and (when converged) the labelled frame.</summary>
/// <param name="Folder">The folder.</param>
/// <param name="Engine">vasp or cp2k.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Reason">Why, in words a user can act on.</param>
/// <param name="Result">The labelled frame of a converged job, with the provenance of the structure that went in.</param>
/// <param name="Frames">For AIMD: every step whose SCF converged (<paramref name="Result"/> is the last); null for a single point.</param>
public sealed record DftJobStatus(string Folder, string Engine, DftJobState State, string Reason, Frame? Result, IReadOnlyList<Frame>? Frames = null)
{
    /// <summary>The labelled frames to collect: the AIMD steps, or the single point's one frame.</summary>
    public IReadOnlyList<Frame> Labelled => Frames ?? (Result is null ? [] : [Result]);
}
