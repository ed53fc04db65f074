namespace NepForge.Progress;

/// <summary>
/// One progress report from a long library step (reading, evaluating, selecting, running jobs): how far it got
/// in the step's own unit. Every long step takes an <see cref="IProgress{T}"/> of this type, so the CLI draws one
/// kind of bar (rate and ETA on a terminal, plain lines otherwise) and the workflow logs one kind of line.
/// </summary>
/// <param name="Step">What is running, e.g. "reading OUTCAR", "evaluating", "selecting".</param>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">Units in all; 0 or less when unknown.</param>
/// <param name="Unit">The unit, e.g. "frames", "bytes", "jobs".</param>
public readonly record struct StepProgress(string Step, long Done, long Total, string Unit)
{
    /// <summary>Done / Total in [0, 1], or null when the total is unknown.</summary>
    public double? Fraction => Total > 0 ? Math.Clamp(Done / (double)Total, 0, 1) : null;
}
