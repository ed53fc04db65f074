using System.Text;
using NepForge.Formats.Vasp;
using NepForge.IO;

namespace NepForge.Dft.Vasp;

/// <summary>
/// Classifies a VASP job folder after (or while) VASP ran in it. Reads OUTCAR (vasprun.xml when there is no OUTCAR)
/// with the streaming readers, then decides:
/// <list type="bullet">
/// <item>no OUTCAR and no vasprun.xml → <see cref="VaspJobState.MissingOutput"/>;</item>
/// <item>no footer and an error text (<see cref="CrashMarkers"/>) in the OUTCAR or a log file (vasp.out, stdout,
/// stderr, *.out, *.err, slurm-*.out; last <see cref="TailBytes"/> bytes of each) → <see cref="VaspJobState.Crashed"/>;</item>
/// <item>no footer and no error text → <see cref="VaspJobState.Incomplete"/> (killed or still running; a scheduler's
/// "DUE TO TIME LIMIT" is named in the reason);</item>
/// <item>footer but no complete step, or a non-finite energy or force in the last step → <see cref="VaspJobState.Crashed"/>;</item>
/// <item>footer and the last step's electronic loop unconverged (VASP 6's "EDIFF was not reached", else NELM
/// iterations used) → <see cref="VaspJobState.Unconverged"/>;</item>
/// <item>otherwise → <see cref="VaspJobState.Converged"/>.</item>
/// </list>
/// A multi-step run (MD, relaxation) is judged by its last step, like a single point, and reports how many of its
/// steps were unconverged; whether a relaxation reached its force criterion is not checked (for training data
/// every electronically converged step is a usable label).
/// </summary>
public static class VaspJobClassifier
{
    /// <summary>How much of the end of each log file and OUTCAR is searched for error text.</summary>
    public const int TailBytes = 1 << 20;

    /// <summary>Texts that mean VASP (or MPI, or the node) stopped with an error; matched ignoring case.</summary>
    public static readonly IReadOnlyList<string> CrashMarkers =
    [
        "VERY BAD NEWS",
        "ZBRENT: fatal error",
        "Error EDDDAV",
        "Error EDWAV",
        "EDDRMM: call to ZHEGV failed",
        "Sub-Space-Matrix is not hermitian",
        "internal error",
        "I REFUSE TO CONTINUE",
        "segmentation fault",
        "SIGSEGV",
        "forrtl: severe",
        "BAD TERMINATION",
        "oom-kill",
        "Out Of Memory",
    ];

    /// <summary>Texts that mean a scheduler stopped the job (reported for an <see cref="VaspJobState.Incomplete"/> job).</summary>
    public static readonly IReadOnlyList<string> KillMarkers = ["DUE TO TIME LIMIT", "CANCELLED AT"];

    /// <summary>Classifies the job folder <paramref name="folder"/>.</summary>
    public static VaspJobResult Classify(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string outcar = Path.Combine(folder, "OUTCAR");
        string vasprun = Path.Combine(folder, "vasprun.xml");
        string? errorText = FindText(folder, CrashMarkers);
        if (!File.Exists(outcar) && !File.Exists(vasprun))
        {
            return new VaspJobResult
            {
                State = VaspJobState.MissingOutput,
                Reason = $"no OUTCAR or vasprun.xml in {folder}" + (errorText is null ? "" : $" ({errorText})"),
                ErrorText = errorText,
            };
        }

        string file = File.Exists(outcar) ? outcar : vasprun;
        Scan scan;
        try
        {
            scan = file == outcar ? ScanOutcar(file) : ScanVasprun(file);
        }
        catch (Exception ex) when (ex is ParseException or FormatException or IOException or System.Xml.XmlException)
        {
            return new VaspJobResult
            {
                State = VaspJobState.Crashed,
                Reason = $"{file} cannot be read: {ex.Message}" + (errorText is null ? "" : $" ({errorText})"),
                OutputFile = file,
                ErrorText = errorText,
            };
        }

        var result = new VaspJobResult
        {
            State = VaspJobState.Converged,
            Reason = "",
            OutputFile = file,
            Steps = scan.Steps,
            UnconvergedSteps = scan.Unconverged,
            Version = scan.Run.Version,
            Finished = scan.Run.Finished,
            ErrorText = errorText,
        };
        string stepsText = $"{scan.Steps} complete ionic step(s)";
        if (!scan.Run.Finished)
        {
            if (errorText is not null)
                return result with { State = VaspJobState.Crashed, Reason = $"{Path.GetFileName(file)} has no footer and {errorText}; {stepsText}" };
            string kill = FindText(folder, KillMarkers) is { } k ? $"; stopped by the scheduler ({k})" : "; killed or still running";
            return result with { State = VaspJobState.Incomplete, Reason = $"{Path.GetFileName(file)} has no footer and no error text{kill}; {stepsText}" };
        }
        if (scan.Last is not { } last)
            return result with { State = VaspJobState.Crashed, Reason = $"{Path.GetFileName(file)} finished without a complete ionic step" };
        if (!(last.Frame.Energy is { } e && double.IsFinite(e)) || last.Frame.Forces is not { } f || !f.All(double.IsFinite))
            return result with { State = VaspJobState.Crashed, Reason = $"ionic step {last.IonicStep} has a missing or non-finite energy or force" };
        if (!last.Converged)
        {
            string why = last.EdiffReached == false
                ? "VASP reports EDIFF was not reached"
                : $"the electronic loop used all NELM = {last.Nelm} iterations";
            return result with { State = VaspJobState.Unconverged, Reason = $"ionic step {last.IonicStep} (the last) is unconverged: {why}; {stepsText}" };
        }
        return result with
        {
            State = VaspJobState.Converged,
            Reason = $"finished; the last ionic step ({last.IonicStep}) converged in {last.ElectronicSteps} electronic step(s); {stepsText}" +
                (scan.Unconverged > 0 ? $", {scan.Unconverged} unconverged" : ""),
            Frame = last.Frame,
        };
    }

    sealed record Scan(VaspRunInfo Run, int Steps, int Unconverged, VaspStep? Last);

    static Scan ScanOutcar(string path)
    {
        using var reader = OutcarReader.Open(path);
        int steps = 0, unconverged = 0;
        VaspStep? last = null;
        while (reader.TryRead(out var step))
        {
            steps++;
            if (!step.Converged)
                unconverged++;
            last = step;
        }
        return new Scan(reader.Run, steps, unconverged, last);
    }

    static Scan ScanVasprun(string path)
    {
        using var reader = VasprunReader.Open(path);
        int steps = 0, unconverged = 0;
        VaspStep? last = null;
        while (reader.TryRead(out var step))
        {
            steps++;
            if (!step.Converged)
                unconverged++;
            last = step;
        }
        return new Scan(reader.Run, steps, unconverged, last);
    }

    /// <summary>The first of <paramref name="markers"/> found in the folder's OUTCAR and log files, as "marker in file".</summary>
    static string? FindText(string folder, IReadOnlyList<string> markers)
    {
        if (!Directory.Exists(folder))
            return null;
        foreach (string file in LogFiles(folder))
        {
            string tail;
            try
            {
                tail = ReadTail(file);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            foreach (string marker in markers)
            {
                if (tail.Contains(marker, StringComparison.OrdinalIgnoreCase))
                    return $"\"{marker}\" in {Path.GetFileName(file)}";
            }
        }
        return null;
    }

    /// <summary>Log files first (where VASP prints its errors), then OUTCAR; sorted for a deterministic answer.</summary>
    static List<string> LogFiles(string folder)
    {
        var logs = Directory.EnumerateFiles(folder)
            .Where(p => Path.GetFileName(p) is "stdout" or "stderr" || p.EndsWith(".out", StringComparison.Ordinal) || p.EndsWith(".err", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        string outcar = Path.Combine(folder, "OUTCAR");
        if (File.Exists(outcar))
            logs.Add(outcar);
        return logs;
    }

    static string ReadTail(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (s.Length > TailBytes)
            s.Seek(-TailBytes, SeekOrigin.End);
        var buffer = new byte[Math.Min(s.Length, TailBytes)];
        s.ReadExactly(buffer);
        return Encoding.Latin1.GetString(buffer);
    }
}
