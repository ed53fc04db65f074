using NepForge.Formats.Cp2k;
using NepForge.Formats.Qe;
using NepForge.Structures;

namespace NepForge.Formats;

/// <summary>What was read from one CP2K or QE output.</summary>
/// <param name="Path">The file.</param>
/// <param name="Engine">cp2k or qe.</param>
/// <param name="Steps">Steps with an energy.</param>
/// <param name="Kept">Frames returned.</param>
/// <param name="Unconverged">Steps whose SCF did not converge (dropped unless asked for).</param>
/// <param name="Completed">Whether the run ended normally (CP2K "PROGRAM ENDED", QE "JOB DONE").</param>
/// <param name="Reason">How the run ended, in words.</param>
public sealed record OtherEngineSummary(string Path, string Engine, int Steps, int Kept, int Unconverged, bool Completed, string Reason);

/// <summary>
/// DFT outputs made without NepForge by the other engines: CP2K single-point logs (<see cref="Cp2kLogReader"/>),
/// CP2K MD runs (<see cref="Cp2kMdRunReader"/>) and Quantum ESPRESSO pw.x output (<see cref="QePwReader"/>), recognised by their first lines.
/// </summary>
public static class OtherEngineOutputs
{
    /// <summary>
    /// "qe", "cp2k" (a single-point log), "cp2k-md" (an MD run: its log or its <c>-pos-1.xyz</c>), or null when
    /// <paramref name="path"/> is none of them.
    /// </summary>
    public static string? EngineOf(string path) =>
        !File.Exists(path) ? null
        : QePwReader.IsPwOutput(path) ? "qe"
        : Cp2kLogReader.IsCp2kLog(path) ? (Cp2kMdRunReader.IsMdLog(path) ? "cp2k-md" : "cp2k")
        : Cp2kMdRunReader.IsPosTrajectory(path) ? "cp2k-md" : null;

    /// <summary>The labelled frames of <paramref name="path"/> (steps with a converged SCF, or all with <paramref name="keepUnconverged"/>).</summary>
    /// <exception cref="NepForge.IO.ParseException">The output is malformed.</exception>
    public static (List<Frame> Frames, OtherEngineSummary Summary) Read(string path, bool keepUnconverged = false)
    {
        string engine = EngineOf(path) ?? throw new InvalidDataException($"{path}: neither a pw.x output nor a CP2K log");
        if (engine == "cp2k-md")
            return Cp2kMdRunReader.Read(path, keepUnconverged);
        if (engine == "cp2k")
        {
            var (status, frame) = Cp2kLogReader.Read(path);
            int steps = status.HasResults ? 1 : 0;
            var kept = frame is null ? new List<Frame>() : [frame];
            return (kept, new OtherEngineSummary(path, engine, steps, kept.Count, status.State == Cp2kRunState.Unconverged ? 1 : 0,
                status.State is Cp2kRunState.Converged or Cp2kRunState.Unconverged, status.Reason));
        }
        var run = QePwReader.Read(path);
        var frames = new List<Frame>();
        foreach (var step in run.Steps)
        {
            if (!step.Converged && !keepUnconverged)
                continue;
            if (step.Frame.Forces is null && !run.JobDone)
                continue; // killed before the forces were written: not a usable label
            if (!step.Converged)
                step.Frame.Info.SetExtra("scf_converged", "F");
            frames.Add(step.Frame);
        }
        int unconverged = run.Steps.Count(s => !s.Converged);
        string reason = !run.JobDone ? "pw.x did not reach JOB DONE (killed, timed out or still running)"
            : run.Steps.Count == 0 ? "no total energy printed"
            : unconverged == run.Steps.Count ? "the SCF did not converge"
            : $"JOB DONE; {run.Steps.Count} step(s), {unconverged} unconverged";
        return (frames, new OtherEngineSummary(path, engine, run.Steps.Count, frames.Count, unconverged, run.JobDone, reason));
    }
}
