using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Cp2k;

/// <summary>
/// Reads a CP2K MD run made without NepForge (<c>RUN_TYPE MD</c>, any ensemble, REFTRAJ too), given its log or its
/// <c>PROJECT-pos-1.xyz</c>: positions (Å) and energies (Ha) from the pos file; forces from <c>PROJECT-frc-1.xyz</c>
/// (Ha/bohr) or, without one, the log's <c>ATOMIC FORCES</c> tables; the cell from <c>PROJECT-1.cell</c> (NpT), the
/// input's <c>&amp;CELL</c> or the log's <c>CELL|</c> lines; the stress from <c>PROJECT-1.stress</c> (bar) or the
/// log's stress tables (GPa); each step's SCF outcome from the log. Log tables are matched to pos frames by step
/// (the first pos frame is the log's first step), as dpdata does.
/// </summary>
public static class Cp2kMdRunReader
{
    /// <summary>True for a CP2K pos trajectory: a name like <c>PROJECT-pos-1.xyz</c> whose step lines carry <c>i =</c> and <c>E =</c>.</summary>
    public static bool IsPosTrajectory(string path)
    {
        string name = Path.GetFileName(path);
        if (!name.Contains("-pos-", StringComparison.Ordinal) || !name.EndsWith(".xyz", StringComparison.OrdinalIgnoreCase) || !File.Exists(path))
            return false;
        try
        {
            using var reader = new StreamReader(path);
            string? count = reader.ReadLine();
            string? comment = reader.ReadLine();
            return count is not null && int.TryParse(count.Trim(), out _) && comment is not null
                && comment.Contains("i =", StringComparison.Ordinal) && comment.Contains("E =", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when a CP2K log says <c>GLOBAL| Run type  MD</c>.</summary>
    public static bool IsMdLog(string path)
    {
        foreach (string line in File.ReadLines(path).Take(400))
        {
            string t = line.Trim();
            if (t.StartsWith("GLOBAL| Run type", StringComparison.Ordinal))
                return t.EndsWith(" MD", StringComparison.Ordinal);
        }
        return false;
    }

    /// <summary>The frames of the run that <paramref name="path"/> (its log or its pos file) belongs to.</summary>
    /// <exception cref="ParseException">A file is malformed or the run's forces or cell cannot be found.</exception>
    public static (List<Frame> Frames, OtherEngineSummary Summary) Read(string path, bool keepUnconverged = false)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        bool givenPos = IsPosTrajectory(path);
        string? log = givenPos ? FindLog(folder, ProjectFromPos(path)) : path;
        string project = givenPos ? ProjectFromPos(path) : ProjectFromLog(path);
        string posPath = givenPos ? path : Path.Combine(folder, $"{project}-pos-1.xyz");
        if (!File.Exists(posPath))
            throw new ParseException(path, 0, null, $"an MD log, but no {Path.GetFileName(posPath)} beside it: print MOTION/PRINT/TRAJECTORY");

        var warnings = new List<string>();
        var pos = Cp2kXyzTrajectory.Read(posPath, null, warnings);
        if (pos.Count == 0)
            throw new ParseException(posPath, 1, null, "no complete step in the trajectory");
        var elements = pos.Elements;
        string frcPath = Path.Combine(folder, $"{project}-frc-1.xyz");
        var frc = File.Exists(frcPath) ? Cp2kXyzTrajectory.Read(frcPath, elements, warnings) : null;
        string[] logLines = log is null ? [] : File.ReadAllLines(log);
        var steps = log is null ? [] : Cp2kLogSteps.Split(logLines, log, elements);
        var scf = Cp2kLogSteps.ScfOutcomes(logLines);
        var cells = Cp2kCellSources.PerStep(Path.Combine(folder, $"{project}-1.cell"));
        var fixedCell = cells is null ? Cp2kCellSources.FromInput(folder, project) ?? Cp2kCellSources.FromLog(logLines) : null;
        if (cells is null && fixedCell is null)
            throw new ParseException(posPath, 0, null, $"the cell is unknown: no {project}-1.cell, no &CELL in an input file of project {project}, no CELL| lines in a log");
        var stresses = Cp2kCellSources.StressFile(Path.Combine(folder, $"{project}-1.stress"));

        int first = pos.Steps[0];
        var frames = new List<Frame>(pos.Count);
        int unconverged = 0;
        for (int k = 0; k < pos.Count; k++)
        {
            int step = pos.Steps[k];
            int logIndex = step - first;
            bool? converged = logIndex >= 0 && logIndex < scf.Count ? scf[logIndex] : null;
            double[]? forces = null;
            if (frc is not null)
            {
                int at = frc.Steps.IndexOf(step);
                forces = at >= 0 ? frc.Values[at].Select(v => v * Cp2kOutputParser.HartreePerBohrToEvPerAngstrom).ToArray() : null;
            }
            else if (logIndex >= 0 && logIndex < steps.Count)
            {
                forces = steps[logIndex].Forces;
            }
            if (forces is null)
            {
                if (frc is null && steps.Count == 0)
                    throw new ParseException(posPath, 0, null, $"no forces: neither {project}-frc-1.xyz (MOTION/PRINT/FORCES) nor ATOMIC FORCES tables in a log");
                warnings.Add($"{posPath}: step {step} has no forces; left out");
                continue;
            }
            if (converged == false)
            {
                unconverged++;
                if (!keepUnconverged)
                    continue;
            }
            Lattice lattice;
            if (cells is not null)
            {
                if (!cells.TryGetValue(step, out var c))
                {
                    warnings.Add($"{posPath}: step {step} is not in {project}-1.cell; left out");
                    continue;
                }
                lattice = c;
            }
            else
            {
                lattice = fixedCell!;
            }
            var frame = new Frame(elements.ToArray(), pos.Values[k], lattice)
            {
                Energy = pos.Energies[k] * Units.HartreeToEv,
                Forces = forces,
            };
            Mat3? sigma = stresses is not null && stresses.TryGetValue(step, out var s) ? s
                : logIndex >= 0 && logIndex < steps.Count ? steps[logIndex].StressGpa : null;
            if (sigma is { } g)
                frame.Virial = (lattice.Volume / Units.EvPerA3ToGpa) * g;
            frame.Info.EnergyKind = Cp2kOutputParser.EnergyKind;
            frame.Info.SourceFile = posPath;
            frame.Info.SourceIndex = k;
            frame.Info.SourceStep = step;
            if (converged == false)
                frame.Info.SetExtra("scf_converged", "F");
            frames.Add(frame);
        }
        bool ended = logLines.Any(l => l.Contains("PROGRAM ENDED", StringComparison.Ordinal));
        string reason = log is null ? $"no log of project {project} beside the trajectory: SCF outcomes unknown, every step taken as converged"
            : ended ? $"PROGRAM ENDED; {pos.Count} step(s), {unconverged} unconverged"
            : $"the log does not reach PROGRAM ENDED (killed, timed out or still running); {pos.Count} complete step(s)";
        if (warnings.Count > 0)
            reason += "; " + string.Join("; ", warnings);
        return (frames, new OtherEngineSummary(path, "cp2k-md", pos.Count, frames.Count, unconverged, ended, reason));
    }

    static string ProjectFromPos(string path)
    {
        string name = Path.GetFileName(path);
        return name[..name.LastIndexOf("-pos-", StringComparison.Ordinal)];
    }

    static string ProjectFromLog(string path)
    {
        foreach (string line in File.ReadLines(path).Take(400))
        {
            string t = line.Trim();
            if (t.StartsWith("GLOBAL| Project name", StringComparison.Ordinal))
                return t["GLOBAL| Project name".Length..].Trim();
        }
        throw new ParseException(path, 0, null, "no \"GLOBAL| Project name\" line: the trajectory file names are unknown");
    }

    // A CP2K log of the same project in the folder (*.log, *.out, *output*), or null.
    static string? FindLog(string folder, string project)
    {
        foreach (string f in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            string n = Path.GetFileName(f);
            if (!(n.EndsWith(".log", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".out", StringComparison.OrdinalIgnoreCase) || n.Contains("output", StringComparison.OrdinalIgnoreCase)))
                continue;
            if (Cp2kLogReader.IsCp2kLog(f) && IsMdLog(f))
            {
                try
                {
                    if (ProjectFromLog(f) == project)
                        return f;
                }
                catch (ParseException)
                {
                }
            }
        }
        return null;
    }
}
