using System.Diagnostics;

namespace NepForge.Scheduling;

/// <summary>What a finished (or timed-out) command gave back.</summary>
public sealed record CommandResult(int ExitCode, string StdOut, string StdErr, bool TimedOut = false)
{
    /// <summary>Standard output and error together, for messages and error matching.</summary>
    public string AllText => StdErr.Length == 0 ? StdOut : StdOut.Length == 0 ? StdErr : StdOut + "\n" + StdErr;
}

/// <summary>Runs one external command; injectable so that scheduler logic can be tested without a scheduler.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/> (no shell), waiting at most <paramref name="timeout"/>.</summary>
    CommandResult Run(string file, IReadOnlyList<string> args, string? workDir, TimeSpan timeout);
}

/// <summary>Runs commands as child processes. A command that is not found gives exit code 127.</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    readonly IReadOnlyDictionary<string, string>? _environment;

    /// <param name="environment">Variables to set for every command (for example SLURM_CONF).</param>
    public ProcessCommandRunner(IReadOnlyDictionary<string, string>? environment = null) => _environment = environment;

    /// <inheritdoc/>
    public CommandResult Run(string file, IReadOnlyList<string> args, string? workDir, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        if (workDir != null)
            psi.WorkingDirectory = workDir;
        if (_environment != null)
        {
            foreach (var (k, v) in _environment)
                psi.Environment[k] = v;
        }
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandResult(127, "", $"{file}: {e.Message}");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // it ended just now
                }
                process.WaitForExit();
                return new CommandResult(124, stdout.Result, stderr.Result + $"\n{file}: timed out after {timeout.TotalSeconds:0.#} s", TimedOut: true);
            }
            process.WaitForExit();
            return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
