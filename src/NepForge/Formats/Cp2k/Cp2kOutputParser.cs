using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Cp2k;

/// <summary>How a CP2K run ended.</summary>
public enum Cp2kRunState
{
    /// <summary>The run ended normally and every SCF converged.</summary>
    Converged,

    /// <summary>The run ended normally but an SCF did not converge ("SCF run NOT converged"); its labels are unreliable.</summary>
    Unconverged,

    /// <summary>CP2K stopped with an error ([ABORT] box, nonzero exit, or ended without an energy).</summary>
    Crashed,

    /// <summary>The log stops before "PROGRAM ENDED": killed, timed out, or still running.</summary>
    Incomplete,

    /// <summary>There is no log (the run never started, or the wrong folder).</summary>
    MissingOutput,
}

/// <summary>A run's state and why.</summary>
public sealed record Cp2kRunStatus(Cp2kRunState State, string Reason)
{
    /// <summary>True when the run ended normally (converged or not), so its energy and forces can be read.</summary>
    public bool HasResults => State is Cp2kRunState.Converged or Cp2kRunState.Unconverged;

    /// <inheritdoc />
    public override string ToString() => $"{State}: {Reason}";
}

/// <summary>A classified run and, when it ended normally, the labelled frame.</summary>
/// <param name="Status">How the run ended.</param>
/// <param name="Frame">A copy of the input frame with energy (eV), forces (eV/Å) and virial (eV) set; null unless
/// <see cref="Cp2kRunStatus.HasResults"/>.</param>
public sealed record Cp2kResult(Cp2kRunStatus Status, Frame? Frame);

/// <summary>
/// Reads a finished CP2K single point: the energy from the log's <c>ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:</c>
/// line (Ha), the forces from the <c>ATOMIC FORCES in [a.u.]</c> table (Ha/bohr) of the forces file (or the log),
/// and the stress from the <c>STRESS| … stress tensor [GPa]</c> block of the stress file (or the log). CP2K's stress
/// has the pressure sign (positive = compressed), so the virial is σ·V / 160.2177 with the same sign.
/// With smearing the energy is the Mermin free energy, consistent with the forces: energy kind <see cref="EnergyKind"/>.
/// </summary>
public static class Cp2kOutputParser
{
    /// <summary>The <see cref="FrameInfo.EnergyKind"/> of the labels.</summary>
    public const string EnergyKind = "cp2k_free_energy";

    /// <summary>The log name NepForge's CP2K jobs use (<c>-o out.log</c>).</summary>
    public const string DefaultLogName = "out.log";

    /// <summary>The forces file NepForge's CP2K inputs ask for (FILENAME =forces.out).</summary>
    public const string ForcesFile = "forces.out";

    /// <summary>The stress file NepForge's CP2K inputs ask for (FILENAME =stress.out).</summary>
    public const string StressFile = "stress.out";

    /// <summary>1 Ha/bohr in eV/Å.</summary>
    public const double HartreePerBohrToEvPerAngstrom = Units.HartreeToEv / Units.BohrToAngstrom;

    const string EnergyMarker = "ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:";

    // CP2K before 2022 writes "(a.u.):" instead of "[a.u.]:".
    const string OldEnergyMarker = "ENERGY| Total FORCE_EVAL ( QS ) energy (a.u.):";

    internal static int EnergyEnd(string line)
    {
        int at = line.IndexOf(EnergyMarker, StringComparison.Ordinal);
        if (at >= 0)
            return at + EnergyMarker.Length;
        at = line.IndexOf(OldEnergyMarker, StringComparison.Ordinal);
        return at >= 0 ? at + OldEnergyMarker.Length : -1;
    }
    const string ForcesMarker = "ATOMIC FORCES in [a.u.]";
    const string ForcesEnd = "SUM OF ATOMIC FORCES";
    const string StressMarker = "stress tensor [GPa]";
    const string EndedMarker = "PROGRAM ENDED AT";
    const string NotConvergedMarker = "SCF run NOT converged";

    /// <summary>
    /// Classifies the run in <paramref name="directory"/> from its log (and the exit code, when known), then labels
    /// a copy of <paramref name="input"/> if it ended normally. Throws <see cref="ParseException"/> when the files
    /// of a normally ended run are malformed or do not match the frame.
    /// </summary>
    public static Cp2kResult Parse(Frame input, string directory, string logName = DefaultLogName, int? exitCode = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(directory);
        string log = Path.Combine(directory, logName);
        var status = Classify(log, exitCode);
        if (!status.HasResults)
            return new Cp2kResult(status, null);
        var frame = Label(input, log, Path.Combine(directory, ForcesFile), Path.Combine(directory, StressFile));
        return new Cp2kResult(status, frame);
    }

    /// <summary>How the run that wrote <paramref name="logPath"/> ended.</summary>
    public static Cp2kRunStatus Classify(string logPath, int? exitCode = null)
    {
        ArgumentNullException.ThrowIfNull(logPath);
        if (!File.Exists(logPath))
            return new(Cp2kRunState.MissingOutput, $"no CP2K log {logPath}");
        var lines = File.ReadAllLines(logPath);
        if (lines.Length == 0)
            return new(Cp2kRunState.Incomplete, $"{logPath} is empty: CP2K did not get far");

        if (AbortMessage(lines) is { } abort)
            return new(Cp2kRunState.Crashed, $"CP2K aborted: {abort}");
        int ended = lines.Count(l => l.Contains(EndedMarker, StringComparison.Ordinal));
        if (ended == 0)
        {
            string why = exitCode is { } c ? $" (exit code {c})" : "";
            return new(Cp2kRunState.Incomplete, $"{logPath} ends before \"{EndedMarker}\"{why}: CP2K was killed, timed out or is still running");
        }
        if (ended > 1)
            return new(Cp2kRunState.Crashed, $"{logPath} holds {ended} runs: CP2K appends to an existing log, run each calculation in a fresh folder");
        if (exitCode is { } code && code != 0)
            return new(Cp2kRunState.Crashed, $"CP2K exited with code {code}");
        if (!lines.Any(l => EnergyEnd(l) >= 0))
            return new(Cp2kRunState.Crashed, $"{logPath} has no \"{EnergyMarker}\" line: not an ENERGY_FORCE run, or it failed");
        int notConverged = lines.Count(l => l.Contains(NotConvergedMarker, StringComparison.Ordinal));
        if (notConverged > 0)
            return new(Cp2kRunState.Unconverged, $"{NotConvergedMarker} ({notConverged}×)");
        return new(Cp2kRunState.Converged, "SCF converged");
    }

    // The text in CP2K's [ABORT] box, or null. The box is a frame of '*' with ASCII art in the first 12 columns.
    static string? AbortMessage(string[] lines)
    {
        int start = Array.FindIndex(lines, l => l.Contains("[ABORT]", StringComparison.Ordinal));
        if (start < 0)
        {
            int plain = Array.FindIndex(lines, l => l.TrimStart(' ', '*').StartsWith("ABORT", StringComparison.Ordinal));
            return plain < 0 ? null : lines[plain].Trim(' ', '*');
        }
        var words = new List<string>();
        for (int i = start + 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Trim().StartsWith("*****", StringComparison.Ordinal))
                break;
            if (line.Length > 12)
            {
                string text = line[12..].TrimEnd().TrimEnd('*').Trim();
                if (text.Length > 0)
                    words.Add(text);
            }
        }
        return words.Count > 0 ? string.Join(" ", string.Join(" ", words).Split(' ', StringSplitOptions.RemoveEmptyEntries)) : "(no message)";
    }

    /// <summary>
    /// A copy of <paramref name="input"/> labelled from the log, the forces file and the stress file (each file may be
    /// null or missing: forces and stress are then looked for in the log; no stress anywhere leaves the virial null,
    /// no forces anywhere is an error).
    /// </summary>
    public static Frame Label(Frame input, string logPath, string? forcesPath, string? stressPath)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(logPath);
        var log = File.ReadAllLines(logPath);
        var frame = input.Clone();
        frame.Energy = ReadEnergy(log, logPath) * Units.HartreeToEv;

        var forcesSource = forcesPath is not null && File.Exists(forcesPath) ? (Lines: File.ReadAllLines(forcesPath), Path: forcesPath) : (Lines: log, Path: logPath);
        frame.Forces = ReadForces(forcesSource.Lines, forcesSource.Path, input)
            ?? throw new ParseException(forcesSource.Path, forcesSource.Lines.Length, null,
                $"no \"{ForcesMarker}\" table: print FORCE_EVAL/PRINT/FORCES");

        var stressSource = stressPath is not null && File.Exists(stressPath) ? (Lines: File.ReadAllLines(stressPath), Path: stressPath) : (Lines: log, Path: logPath);
        if (ReadStressGpa(stressSource.Lines, stressSource.Path) is { } sigma)
        {
            var lattice = input.Lattice ?? throw new ArgumentException("a stress needs the frame's cell", nameof(input));
            frame.Virial = (lattice.Volume / Units.EvPerA3ToGpa) * sigma;
        }
        else
        {
            frame.Virial = null;
        }
        frame.Info.EnergyKind = EnergyKind;
        frame.Info.SourceFile = logPath;
        return frame;
    }

    /// <summary>The total energy (Ha) from the single <c>ENERGY| Total FORCE_EVAL</c> line.</summary>
    public static double ReadEnergy(string[] lines, string file)
    {
        ArgumentNullException.ThrowIfNull(lines);
        double? energy = null;
        for (int i = 0; i < lines.Length; i++)
        {
            int end = EnergyEnd(lines[i]);
            if (end < 0)
                continue;
            if (energy is not null)
                throw new ParseException(file, i + 1, null, "a second energy line: CP2K appends to an existing log, run each calculation in a fresh folder (or this is not a single point)");
            energy = Number(lines[i].AsSpan(end).Trim().ToString(), file, i + 1, "energy");
        }
        return energy ?? throw new ParseException(file, lines.Length, null, $"no \"{EnergyMarker}\" line");
    }

    /// <summary>Forces in eV/Å from the single <c>ATOMIC FORCES in [a.u.]</c> table, checked against the frame's atoms; null when there is no table.</summary>
    public static double[]? ReadForces(string[] lines, string file, Frame frame)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(frame);
        int start = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].Contains(ForcesMarker, StringComparison.Ordinal))
                continue;
            if (start >= 0)
                throw new ParseException(file, i + 1, null, "a second forces table: CP2K appends to existing files, run each calculation in a fresh folder");
            start = i;
        }
        if (start < 0)
            return null;

        int n = frame.AtomCount;
        var forces = new double[3 * n];
        int atom = 0;
        for (int i = start + 1; i < lines.Length; i++)
        {
            string line = lines[i];
            string t = line.Trim();
            if (t.Length == 0 || t.StartsWith('#'))
                continue;
            if (t.StartsWith(ForcesEnd, StringComparison.Ordinal))
            {
                if (atom != n)
                    throw new ParseException(file, i + 1, null, $"the forces table has {atom} atoms, the frame {n}");
                return forces;
            }
            var cols = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length != 6)
                throw new ParseException(file, i + 1, null, $"expected 6 columns (atom kind element fx fy fz), found {cols.Length}");
            if (atom >= n)
                throw new ParseException(file, i + 1, null, $"more than {n} atoms in the forces table");
            if (!string.Equals(cols[2], frame.Elements[atom].Symbol, StringComparison.OrdinalIgnoreCase))
                throw new ParseException(file, i + 1, null, $"atom {atom + 1} is {cols[2]} here but {frame.Elements[atom].Symbol} in the frame");
            for (int k = 0; k < 3; k++)
                forces[3 * atom + k] = Number(cols[3 + k], file, i + 1, "force") * HartreePerBohrToEvPerAngstrom;
            atom++;
        }
        throw new ParseException(file, lines.Length, null, $"the forces table ends without \"{ForcesEnd}\" (truncated file)");
    }

    /// <summary>The 3×3 stress (GPa, pressure sign) from the single <c>STRESS| … stress tensor [GPa]</c> block; null when there is none.</summary>
    public static Mat3? ReadStressGpa(string[] lines, string file)
    {
        ArgumentNullException.ThrowIfNull(lines);
        int start = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            // "STRESS| Analytical stress tensor [GPa]", not "STRESS| Eigenvectors and eigenvalues of the … [GPa]".
            if (!t.StartsWith("STRESS|", StringComparison.Ordinal) || !t.EndsWith(StressMarker, StringComparison.OrdinalIgnoreCase)
                || t.Contains("eigen", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (start >= 0)
                throw new ParseException(file, i + 1, null, "a second stress tensor: CP2K appends to existing files, run each calculation in a fresh folder");
            start = i;
        }
        if (start < 0)
            return null;

        Span<double> m = stackalloc double[9];
        string[] rows = ["x", "y", "z"];
        int row = 0;
        for (int i = start + 1; i < lines.Length && row < 3; i++)
        {
            var cols = lines[i].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length == 4 && cols[0] == "STRESS|" && cols[1] == "x" && cols[2] == "y" && cols[3] == "z")
                continue;
            if (cols.Length == 0)
                break;
            if (cols.Length != 5 || cols[0] != "STRESS|" || cols[1] != rows[row])
                throw new ParseException(file, i + 1, null, $"expected the stress row \"STRESS| {rows[row]} σ{rows[row]}x σ{rows[row]}y σ{rows[row]}z\", found \"{lines[i].Trim()}\"");
            for (int k = 0; k < 3; k++)
                m[3 * row + k] = Number(cols[2 + k], file, i + 1, "stress");
            row++;
        }
        if (row < 3)
            throw new ParseException(file, lines.Length, null, $"the stress tensor has {row} of 3 rows (truncated file)");
        return Mat3.FromRowMajor(m);
    }

    internal static double Number(string text, string file, long line, string what)
    {
        // Fortran may write a D exponent.
        string s = text.Replace('D', 'E').Replace('d', 'e');
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            return v;
        throw new ParseException(file, line, null, $"expected a number ({what}), found \"{text}\"");
    }
}
