using System.Globalization;
using NepForge.Formats.Cp2k;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Dft.Cp2k;

/// <summary>The labelled frames of a CP2K AIMD run, and what was left out.</summary>
/// <param name="Frames">One frame per MD step whose SCF converged, in step order.</param>
/// <param name="Steps">Steps found in the trajectory files (complete ones).</param>
/// <param name="Unconverged">Steps dropped because their SCF did not converge.</param>
/// <param name="Warnings">Truncation and mismatches, in words.</param>
public sealed record Cp2kTrajectory(IReadOnlyList<Frame> Frames, int Steps, int Unconverged, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads a CP2K MD run written by <see cref="Cp2kMd"/>: positions (Å) and the energy (Ha) from
/// <c>PROJECT-pos-1.xyz</c>, forces (Ha/bohr) from <c>PROJECT-frc-1.xyz</c>, the electronic stress (GPa) per step
/// from <c>stress.out</c>, and each step's SCF outcome from the log (in step order). Files cut short give their
/// complete steps and a warning.
/// </summary>
public static class Cp2kTrajectoryReader
{
    /// <summary>Reads the run in <paramref name="folder"/>; <paramref name="input"/> gives the cell and provenance.</summary>
    public static Cp2kTrajectory Read(string folder, Frame input, string logName = Cp2kRunner.DefaultLogName)
    {
        ArgumentNullException.ThrowIfNull(input);
        string project = ProjectOf(Path.Combine(folder, Cp2kRunner.DefaultInputName));
        return ReadRun(folder, input, $"{project}-pos-1.xyz", $"{project}-frc-1.xyz", Cp2kInputWriter.StressFile, logName, restarted: false);
    }

    /// <summary>
    /// Reads one run from its files in <paramref name="folder"/>. A <paramref name="restarted"/> run (a segment of a
    /// <see cref="Cp2kMdChain"/>) first recomputes the restart point: that SCF and stress belong to the previous
    /// segment's last frame and are skipped, while its trajectory files start at the next step.
    /// </summary>
    internal static Cp2kTrajectory ReadRun(string folder, Frame input, string posName, string frcName, string stressName, string logName, bool restarted)
    {
        string posPath = Path.Combine(folder, posName);
        string frcPath = Path.Combine(folder, frcName);
        var warnings = new List<string>();
        var pos = ReadXyz(posPath, input, warnings);
        var frc = File.Exists(frcPath) ? ReadXyz(frcPath, input, warnings) : throw new ParseException(frcPath, 0, null, "no forces trajectory: print MOTION/PRINT/FORCES each MD step");
        var stress = ReadStresses(Path.Combine(folder, stressName), warnings);
        var scf = ScfOutcomes(Path.Combine(folder, logName));
        if (restarted)
        {
            if (scf.Count > 0)
                scf.RemoveAt(0);
            if (stress is { Count: > 0 })
                stress.RemoveAt(0);
        }

        int n = Math.Min(pos.Count, frc.Count);
        if (stress is not null)
            n = Math.Min(n, stress.Count);
        n = Math.Min(n, scf.Count);
        if (n < Math.Max(pos.Count, frc.Count))
            warnings.Add($"{folder}: the trajectory files disagree on the step count (pos {pos.Count}, forces {frc.Count}, stress {stress?.Count.ToString(CultureInfo.InvariantCulture) ?? "-"}, SCF {scf.Count}); {n} complete step(s) kept");

        var lattice = input.Lattice ?? throw new ArgumentException("an AIMD frame needs its cell", nameof(input));
        var frames = new List<Frame>(n);
        int unconverged = 0;
        for (int k = 0; k < n; k++)
        {
            var (step, energy, positions) = (pos.Steps[k], pos.Energies[k], pos.Values[k]);
            if (frc.Steps[k] != step)
                throw new ParseException(frcPath, 0, null, $"step {frc.Steps[k]} of the forces file does not match step {step} of the positions");
            if (!scf[k])
            {
                unconverged++;
                continue;
            }
            var frame = new Frame(input.Elements.ToArray(), positions, lattice)
            {
                Energy = energy * Units.HartreeToEv,
                Forces = frc.Values[k].Select(v => v * Cp2kOutputParser.HartreePerBohrToEvPerAngstrom).ToArray(),
            };
            if (stress is not null)
                frame.Virial = (lattice.Volume / Units.EvPerA3ToGpa) * stress[k];
            frame.Info = input.Info.Clone();
            frame.Info.EnergyKind = Cp2kOutputParser.EnergyKind;
            frame.Info.SourceFile = posPath;
            frame.Info.SourceIndex = k;
            frame.Info.SourceStep = step;
            frames.Add(frame);
        }
        return new Cp2kTrajectory(frames, n, unconverged, warnings);
    }

    static string ProjectOf(string inputPath)
    {
        foreach (string line in File.ReadLines(inputPath))
        {
            string[] t = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length >= 2 && (t[0].Equals("PROJECT", StringComparison.OrdinalIgnoreCase) || t[0].Equals("PROJECT_NAME", StringComparison.OrdinalIgnoreCase)))
                return t[1];
        }
        throw new ParseException(inputPath, 0, null, "no GLOBAL/PROJECT line: the trajectory file names are unknown");
    }

    // The shared reader of CP2K's xyz trajectories, checked against the job's species.
    static Cp2kXyzTrajectory ReadXyz(string path, Frame input, List<string> warnings) =>
        File.Exists(path) ? Cp2kXyzTrajectory.Read(path, input.Elements, warnings)
        : throw new ParseException(path, 0, null, "no trajectory file: CP2K did not write MOTION/PRINT/TRAJECTORY");

    // One stress tensor per step; null when the run printed none.
    static List<Mat3>? ReadStresses(string path, List<string> warnings)
    {
        if (!File.Exists(path))
            return null;
        var lines = File.ReadAllLines(path);
        var starts = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            if (t.StartsWith("STRESS|", StringComparison.Ordinal) && t.EndsWith("stress tensor [GPa]", StringComparison.OrdinalIgnoreCase) && !t.Contains("eigen", StringComparison.OrdinalIgnoreCase))
                starts.Add(i);
        }
        var result = new List<Mat3>(starts.Count);
        for (int b = 0; b < starts.Count; b++)
        {
            int end = b + 1 < starts.Count ? starts[b + 1] : lines.Length;
            try
            {
                if (Cp2kOutputParser.ReadStressGpa(lines[starts[b]..end], path) is { } m)
                    result.Add(m);
            }
            catch (ParseException) when (b == starts.Count - 1)
            {
                warnings.Add($"{path}: the last stress tensor is cut short (truncated file)");
            }
        }
        return result;
    }

    // True/false per SCF in the log, in order: step k's SCF is the k-th outcome line.
    static List<bool> ScfOutcomes(string logPath) =>
        File.Exists(logPath) ? Cp2kLogSteps.ScfOutcomes(File.ReadAllLines(logPath)) : [];
}
