using System.Diagnostics;
using System.Globalization;
using NepForge.Formats.Cp2k;
using NepForge.Structures;

namespace NepForge.Dft.Cp2k;

/// <summary>How to run CP2K.</summary>
public sealed record Cp2kRunOptions
{
    /// <summary>The executable (name on PATH or a path); null = the first of <see cref="Cp2kRunner.ExecutableNames"/> on PATH.</summary>
    public string? Executable { get; init; }

    /// <summary>OMP_NUM_THREADS for the run. Always set: cp2k.psmp otherwise starts one thread per core.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Kill CP2K (and its children) after this long; null = no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Input file name inside the run folder.</summary>
    public string InputName { get; init; } = Cp2kRunner.DefaultInputName;

    /// <summary>Log file name inside the run folder (<c>-o</c>).</summary>
    public string LogName { get; init; } = Cp2kRunner.DefaultLogName;
}

/// <summary>What a CP2K process did.</summary>
/// <param name="ExitCode">The process's exit code (after a kill: whatever the OS reports).</param>
/// <param name="TimedOut">True when it ran past <see cref="Cp2kRunOptions.Timeout"/> and was killed.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Output">stdout and stderr (MPI and start-up errors land here; the log is in the folder).</param>
public sealed record Cp2kProcessResult(int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output);

/// <summary>
/// Runs <c>cp2k.psmp -i in.inp -o out.log</c> in a run folder. CP2K appends to existing outputs, so every
/// calculation needs a fresh folder: running where the log already exists is refused.
/// </summary>
public static class Cp2kRunner
{
    /// <summary>Default input file name.</summary>
    public const string DefaultInputName = "in.inp";

    /// <summary>Default log file name.</summary>
    public const string DefaultLogName = Cp2kOutputParser.DefaultLogName;

    /// <summary>How to install CP2K, for error messages.</summary>
    public const string InstallHint = "install it with `sudo apt-get install cp2k` (Debian/Ubuntu) or `conda install -c conda-forge cp2k`";

    /// <summary>Executable names tried on PATH, in order.</summary>
    public static IReadOnlyList<string> ExecutableNames { get; } = ["cp2k.psmp", "cp2k", "cp2k.popt", "cp2k.ssmp", "cp2k.sopt"];

    /// <summary>The full path of the first CP2K executable on PATH, or null.</summary>
    public static string? Find()
    {
        foreach (string name in ExecutableNames)
        {
            if (Packmol.Find(name) is { } path)
                return path;
        }
        return null;
    }

    /// <summary>The executable to run: <paramref name="executable"/> resolved, else <see cref="Find"/>; throws a clear error when there is none.</summary>
    public static string Resolve(string? executable = null)
    {
        if (executable is not null)
        {
            return Packmol.Find(executable)
                ?? throw new FileNotFoundException($"the CP2K executable '{executable}' was not found; {InstallHint}");
        }
        return Find()
            ?? throw new FileNotFoundException($"CP2K is not on PATH (looked for {string.Join(", ", ExecutableNames)}): {InstallHint}");
    }

    /// <summary>
    /// The command a job folder runs: <c>cp2k.psmp -i in.inp -o out.log</c>. Locally the executable must exist now (a
    /// clear error otherwise); on a cluster the compute nodes have their own PATH (modules), so it stays a name.
    /// </summary>
    public static string JobCommand(bool local) =>
        $"{(local ? Scheduling.SlurmScript.ShellQuote(Resolve()) : "cp2k.psmp")} -i {DefaultInputName} -o {DefaultLogName}";

    /// <summary>
    /// Runs CP2K on <c>directory/InputName</c>, writing <c>directory/LogName</c>. A timeout kills the process tree and
    /// returns with <see cref="Cp2kProcessResult.TimedOut"/> set; cancelling kills it and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<Cp2kProcessResult> RunAsync(string directory, Cp2kRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new Cp2kRunOptions();
        if (options.Threads < 1)
            throw new ArgumentException($"threads {options.Threads} must be ≥ 1", nameof(options));
        string exe = Resolve(options.Executable);
        string dir = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(dir, options.InputName)))
            throw new FileNotFoundException($"no CP2K input {Path.Combine(dir, options.InputName)}");
        if (File.Exists(Path.Combine(dir, options.LogName)))
        {
            throw new InvalidOperationException(
                $"{Path.Combine(dir, options.LogName)} exists: CP2K appends to existing outputs, run each calculation in a fresh folder");
        }

        var psi = new ProcessStartInfo(exe)
        {
            WorkingDirectory = dir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        psi.ArgumentList.Add("-i");
        psi.ArgumentList.Add(options.InputName);
        psi.ArgumentList.Add("-o");
        psi.ArgumentList.Add(options.LogName);
        psi.Environment["OMP_NUM_THREADS"] = options.Threads.ToString(CultureInfo.InvariantCulture);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start CP2K ({exe})");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = options.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        bool timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }
        string output = await stdout + await stderr;
        return new Cp2kProcessResult(process.ExitCode, timedOut, clock.Elapsed, output);
    }

    /// <summary>Synchronous <see cref="RunAsync"/>.</summary>
    public static Cp2kProcessResult Run(string directory, Cp2kRunOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(directory, options, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Writes the input for <paramref name="frame"/> into <paramref name="directory"/> (created; must not hold a log
    /// yet), runs CP2K and parses the result.
    /// </summary>
    public static async Task<Cp2kResult> SinglePointAsync(Frame frame, string directory, Cp2kSettings? settings = null,
        Cp2kRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new Cp2kRunOptions();
        Directory.CreateDirectory(directory);
        Cp2kInputWriter.Write(Path.Combine(directory, options.InputName), frame, settings);
        var run = await RunAsync(directory, options, cancellationToken);
        var result = Cp2kOutputParser.Parse(frame, directory, options.LogName, run.TimedOut ? null : run.ExitCode);
        if (run.TimedOut && result.Status.State == Cp2kRunState.Incomplete)
            result = result with { Status = result.Status with { Reason = $"timed out after {options.Timeout?.TotalSeconds:0.#} s; {result.Status.Reason}" } };
        return result;
    }

    /// <summary>Synchronous <see cref="SinglePointAsync"/>.</summary>
    public static Cp2kResult SinglePoint(Frame frame, string directory, Cp2kSettings? settings = null, Cp2kRunOptions? options = null,
        CancellationToken cancellationToken = default) =>
        SinglePointAsync(frame, directory, settings, options, cancellationToken).GetAwaiter().GetResult();

    static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended just now.
        }
    }
}
