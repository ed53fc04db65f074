using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace NepForge.Tests.Cli;

/// <summary>
/// Issue 14's output rules end to end: a full disk gives a one-line error and exit 1 (never a hang) and leaves no
/// temporary file; a <c>kill -9</c> in the middle of a write leaves no partial output where the output goes, and the
/// rerun (which sweeps the dead run's temporary file) gives the same bytes as an uninterrupted run.
/// </summary>
public class OutputFailureProcessTests(ITestOutputHelper output)
{
    /// <summary>An AIMD OUTCAR of about <paramref name="megabytes"/> MB: the fixture's ionic steps repeated (as bench/make_big_outcar.py does).</summary>
    static void MakeBigOutcar(string source, string path, int megabytes)
    {
        var lines = File.ReadAllLines(source, Encoding.Latin1);
        static bool Iteration(string l) => l.TrimStart().StartsWith('-') && l.Contains("Iteration", StringComparison.Ordinal);
        int firstIter = Array.FindIndex(lines, Iteration);
        int firstStep = Array.FindIndex(lines, l => Iteration(l) && l.Contains("(   1)", StringComparison.Ordinal));
        int lastEnergy = Array.FindLastIndex(lines, l => l.Contains("energy  without entropy", StringComparison.Ordinal));
        int endOfSteps = Array.FindIndex(lines, lastEnergy, l => l.Trim().Length == 0) + 1;
        string header = string.Join('\n', lines[..firstIter]) + "\n";
        string steps = string.Join('\n', lines[firstStep..endOfSteps]) + "\n";
        using var w = new StreamWriter(path, false, Encoding.Latin1);
        w.Write(header);
        for (long n = header.Length; n < megabytes * 1_000_000L; n += steps.Length)
            w.Write(steps);
        w.Write(" General timing and accounting informations for this job:\n");
    }

    static string[] Temporaries(string dir, string name) => Directory.GetFiles(dir, "." + name + ".*.tmp");

    [FixtureFact]
    public void Extract_killed_mid_write_leaves_no_partial_output_and_the_rerun_gives_the_same_bytes()
    {
        using var cli = new CliRunner();
        string big = cli.PathOf("OUTCAR");
        MakeBigOutcar(Fixtures.Path("vasp/custodian/npt_nvt/OUTCAR"), big, 120);
        string reference = cli.PathOf("reference.xyz");
        var (code, _, err) = cli.Run("extract", big, "-o", reference);
        Assert.True(code == 0, err);

        string outDir = Path.Combine(cli.Dir, "out");
        Directory.CreateDirectory(outDir);
        string target = Path.Combine(outDir, "train.xyz");
        string exe = Path.Combine(AppContext.BaseDirectory, "nepforge");
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "extract", big, "-o", target })
            psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        _ = child.StandardError.ReadToEndAsync();
        _ = child.StandardOutput.ReadToEndAsync();
        // Kill it once its temporary file holds a few MB: in the middle of the write.
        var watch = Stopwatch.StartNew();
        long seen = 0;
        while (!child.HasExited && watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            var tmp = Temporaries(outDir, "train.xyz");
            seen = tmp.Length == 1 ? new FileInfo(tmp[0]).Length : 0;
            if (seen > 4_000_000)
                break;
            Thread.Sleep(2);
        }
        Assert.False(child.HasExited, "extract finished before it could be killed: make the input larger");
        Process.Start("kill", ["-KILL", child.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        child.WaitForExit();
        output.WriteLine($"killed with {seen} bytes in the temporary file");
        Assert.False(File.Exists(target), "a partial output took the output's place");
        Assert.Single(Temporaries(outDir, "train.xyz")); // the dead run's; the rerun sweeps it

        (code, _, err) = cli.Run("extract", big, "-o", target);
        Assert.True(code == 0, err);
        Assert.Empty(Temporaries(outDir, "train.xyz"));
        Assert.True(File.ReadAllBytes(reference).AsSpan().SequenceEqual(File.ReadAllBytes(target)), "the rerun's output differs from an uninterrupted run's");
    }

    [TmpfsTheory]
    [InlineData("sample")]
    [InlineData("convert")]
    [InlineData("merge")]
    [InlineData("extract")]
    public void A_full_disk_gives_one_line_and_exit_1_and_leaves_no_temporary_file(string verb)
    {
        using var cli = new CliRunner();
        string input;
        if (verb == "extract")
        {
            input = cli.PathOf("OUTCAR");
            MakeBigOutcar(Fixtures.Path("vasp/custodian/npt_nvt/OUTCAR"), input, 40); // about 5 MB of extxyz
        }
        else
        {
            input = cli.PathOf("big.xyz");
            string frames = File.ReadAllText(Fixtures.Path("gpumd/nep_train/train.xyz"));
            File.WriteAllText(input, string.Concat(Enumerable.Repeat(frames, 12))); // 4.7 MB
        }
        string mount = cli.PathOf("full");
        using var disk = SmallTmpfs.Mount(mount, "1m");
        string target = Path.Combine(mount, "o.xyz");
        string[] args = verb switch
        {
            "sample" => ["sample", input, "-o", target, "--every", "1"],
            "merge" => ["merge", input, input, "-o", target],
            _ => [verb, input, "-o", target],
        };
        var run = Task.Run(() => cli.Run(args));
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromMinutes(2)), $"{verb} hung on a full disk");
        var (code, _, err) = run.Result;
        AssertOneLineFailure(code, err, "No space left on device", mount);
    }

    [TmpfsTheory]
    [InlineData("sample")]
    [InlineData("convert")]
    [InlineData("merge")]
    [InlineData("extract")]
    [InlineData("nep eval")]
    public void A_read_only_output_folder_gives_one_line_and_exit_1_and_leaves_nothing(string verb)
    {
        using var cli = new CliRunner();
        string input = verb == "extract" ? Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10") : Fixtures.Path("gpumd/nep_train/train.xyz");
        string mount = cli.PathOf("ro");
        using var disk = SmallTmpfs.Mount(mount, "1m", readOnly: true);
        string target = Path.Combine(mount, "o.xyz");
        string[] args = verb switch
        {
            "sample" => ["sample", input, "-o", target, "--every", "2"],
            "merge" => ["merge", input, input, "-o", target],
            "nep eval" => ["nep", "eval", input, "-m", Fixtures.Path("nep/potentials/PbTe_NEP4_GPUMD_example.txt"), "-o", target],
            _ => [verb, input, "-o", target],
        };
        var (code, _, err) = cli.Run(args);
        AssertOneLineFailure(code, err, "Read-only file system", mount);
    }

    /// <summary>Exit 1, one error line naming the output (not its temporary file) and the cause, no stack trace, nothing left.</summary>
    void AssertOneLineFailure(int code, string err, string cause, string mount)
    {
        output.WriteLine(err);
        Assert.Equal(1, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Single(lines);
        Assert.Contains(cause, lines[0]);
        Assert.Contains("o.xyz", lines[0]);
        Assert.DoesNotContain(".tmp", lines[0]);
        Assert.DoesNotContain("   at ", err);
        Assert.Empty(Directory.GetFileSystemEntries(mount));
    }
}

/// <summary>A tmpfs of a given size (Linux, root), unmounted on dispose.</summary>
sealed class SmallTmpfs : IDisposable
{
    readonly string _path;

    SmallTmpfs(string path) => _path = path;

    public static SmallTmpfs Mount(string path, string size, bool readOnly = false)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", "size=" + size + (readOnly ? ",ro" : ""), "tmpfs", path);
        return new SmallTmpfs(path);
    }

    static bool Run(params string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args[1..])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && args[0] == "mount")
            throw new InvalidOperationException("mount failed");
        return p.ExitCode == 0;
    }

    /// <summary>Whether this process may mount a tmpfs (root on Linux with mount(8)); checked once.</summary>
    public static readonly Lazy<bool> CanMount = new(() =>
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            return false;
        string probe = Path.Combine(Path.GetTempPath(), "nepforge-tmpfs-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (Mount(probe, "64k"))
                return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return false;
        }
        finally
        {
            if (Directory.Exists(probe))
                Directory.Delete(probe);
        }
    });

    public void Dispose() => Run("umount", _path);
}

/// <summary>A theory that needs the fixtures and a small tmpfs (root on Linux); skipped with a reason otherwise.</summary>
public sealed class TmpfsTheoryAttribute : TheoryAttribute
{
    public TmpfsTheoryAttribute()
    {
        if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
        else if (!SmallTmpfs.CanMount.Value)
            Skip = "cannot mount a tmpfs here (needs root on Linux): full-disk test skipped";
    }
}
