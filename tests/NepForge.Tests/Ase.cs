using System.Diagnostics;

namespace NepForge.Tests;

/// <summary>Runs Debian's ASE (python3-ase for /usr/bin/python3) for cross-checks.</summary>
public static class Ase
{
    /// <summary>The interpreter (not the first python3 on PATH, which may be a pyenv one without ASE).</summary>
    public const string Python = "/usr/bin/python3";

    static readonly Lazy<bool> AvailableLazy = new(() =>
    {
        try
        {
            return File.Exists(Python) && Run("import ase, ase.io", [], TimeSpan.FromSeconds(60)).Code == 0;
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    });

    /// <summary>True when /usr/bin/python3 can import ase.</summary>
    public static bool Available => AvailableLazy.Value;

    /// <summary>Runs a script and returns its stdout; fails the test when it exits non-zero.</summary>
    public static string RunChecked(string script, params IEnumerable<string> args)
    {
        var (code, stdout, stderr) = Run(script, args);
        Assert.True(code == 0, $"python3 exited with {code}:\n{stderr}");
        return stdout;
    }

    /// <summary>Runs a script with arguments; returns exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(string script, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("python3 did not finish");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>Debian's NumPy (python3-numpy for /usr/bin/python3), for checks that files load in NumPy.</summary>
public static class NumPy
{
    /// <summary>The message a skipped test shows.</summary>
    public const string SkipReason = "python3-numpy is not installed for /usr/bin/python3 (scripts/ensure-prerequisites.sh installs it): NumPy check skipped";

    static readonly Lazy<bool> AvailableLazy = new(() =>
    {
        try
        {
            return File.Exists(Ase.Python) && Ase.Run("import numpy", [], TimeSpan.FromSeconds(60)).Code == 0;
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    });

    /// <summary>True when /usr/bin/python3 can import numpy.</summary>
    public static bool Available => AvailableLazy.Value;
}

