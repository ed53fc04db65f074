using NepForge.Formats.Gpumd;
using NepForge.IO;
using NepForge.Scheduling;

namespace NepForge.Training;

/// <summary>The state of a training folder after nep ran (or was found there).</summary>
public sealed record NepRunResult(int ExitCode, bool TimedOut, bool Resumed, double? LastGeneration, IReadOnlyList<LossSeries> LastRow, IReadOnlyList<string> Produced);

/// <summary>
/// Runs GPUMD's <c>nep</c> executable in a training folder (train.xyz, optional test.xyz, nep.in) as a local process,
/// following its progress through loss.out. A <c>nep.restart</c> already in the folder is left there: nep reads it
/// and continues that training (it then requires nep.in to match).
/// </summary>
public static class NepTrainer
{
    /// <summary>Environment variable naming the nep executable.</summary>
    public const string EnvironmentVariable = "NEPFORGE_NEP";

    /// <summary>Files nep writes that are worth reporting, in report order.</summary>
    public static IReadOnlyList<string> OutputFiles { get; } =
    [
        "nep.txt", "nep.restart", "loss.out", "energy_train.out", "force_train.out", "virial_train.out", "stress_train.out",
        "energy_test.out", "force_test.out", "virial_test.out", "stress_test.out", "descriptor.out",
    ];

    /// <summary>
    /// The nep executable: <paramref name="option"/> when given, else $NEPFORGE_NEP, else <c>nep</c> on PATH; null
    /// when none exists.
    /// </summary>
    public static string? FindExecutable(string? option, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!string.IsNullOrEmpty(option))
            return File.Exists(option) ? Path.GetFullPath(option) : null;
        if (environment(EnvironmentVariable) is { Length: > 0 } env)
            return File.Exists(env) ? Path.GetFullPath(env) : null;
        foreach (var dir in (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string p = Path.Combine(dir, "nep");
            if (File.Exists(p))
                return p;
        }
        return null;
    }

    /// <summary>What to say when no nep executable is found.</summary>
    public static string MissingExecutableMessage(string? option) =>
        option is { Length: > 0 }
            ? $"nep executable '{option}' does not exist"
            : $"GPUMD's nep executable was not found: pass --nep PATH, set {EnvironmentVariable}, or put nep on PATH (GPUMD is built with make in its src folder; nep needs an NVIDIA GPU)";

    /// <summary>
    /// Runs <paramref name="exe"/> in <paramref name="dir"/> until it exits (or <paramref name="timeout"/>), calling
    /// <paramref name="progress"/> with each new last row of loss.out (polled every <paramref name="poll"/>).
    /// nep's output (stdout and stderr) goes to <c>nep.log</c> in the folder as it is written.
    /// </summary>
    public static NepRunResult Run(string dir, string exe, TimeSpan timeout, TimeSpan poll, Action<LossFile>? progress = null, ICommandRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(exe);
        if (!File.Exists(Path.Combine(dir, "nep.in")) || !File.Exists(Path.Combine(dir, "train.xyz")))
            throw new InvalidOperationException($"'{dir}' needs nep.in and train.xyz before nep can run");
        bool resumed = File.Exists(Path.Combine(dir, "nep.restart"));
        runner ??= new ProcessCommandRunner();
        // Through sh so that nep.log grows while nep runs (a days-long run can be watched); the runner would
        // otherwise hold nep's output until it exits.
        bool viaShell = !OperatingSystem.IsWindows() && File.Exists("/bin/sh");
        var task = viaShell
            ? Task.Run(() => runner.Run("/bin/sh", ["-c", "exec \"$0\" > nep.log 2>&1", exe], dir, timeout))
            : Task.Run(() => runner.Run(exe, [], dir, timeout));
        double? seen = null;
        string loss = Path.Combine(dir, "loss.out");
        while (!task.Wait(poll))
            Report(loss, ref seen, progress);
        var r = task.Result;
        if (!viaShell)
            AtomicFile.WriteAllText(Path.Combine(dir, "nep.log"), r.StdOut + (r.StdErr.Length > 0 ? "\n--- stderr ---\n" + r.StdErr : ""));
        var last = Report(loss, ref seen, progress);
        return new NepRunResult(r.ExitCode, r.TimedOut, resumed, last?.Generations[^1], last is null ? [] : last.Series, Produced(dir));
    }

    /// <summary>The nep outputs present in <paramref name="dir"/>.</summary>
    public static List<string> Produced(string dir) => [.. OutputFiles.Where(f => File.Exists(Path.Combine(dir, f)))];

    /// <summary>The last row of each loss.out series, or null when there is none yet.</summary>
    public static LossFile? ReadLossOrNull(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            var l = LossFile.Read(path);
            return l.Rows > 0 ? l : null;
        }
        catch (ParseException)
        {
            return null; // caught mid-write; the next poll sees it whole
        }
        catch (IOException)
        {
            return null;
        }
    }

    static LossFile? Report(string loss, ref double? seen, Action<LossFile>? progress)
    {
        var l = ReadLossOrNull(loss);
        if (l is not null && l.Generations[^1] != seen)
        {
            seen = l.Generations[^1];
            progress?.Invoke(l);
        }
        return l;
    }
}
