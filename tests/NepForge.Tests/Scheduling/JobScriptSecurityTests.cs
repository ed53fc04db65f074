using System.Diagnostics;
using NepForge.Dft.Cp2k;
using NepForge.Scheduling;

namespace NepForge.Tests.Scheduling;

/// <summary>
/// Issue 14 (7): job scripts never run what a path or a planted file smuggles in, and paths with spaces work.
/// </summary>
public sealed class JobScriptSecurityTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-sec").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    static int Bash(string command, string workDir)
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = workDir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    [Fact]
    public void The_cp2k_path_is_quoted_in_the_job_command()
    {
        // An install folder whose name holds a space and a command substitution.
        string bin = Path.Combine(_dir, "my bin $(touch PWNED)");
        Directory.CreateDirectory(bin);
        string exe = Path.Combine(bin, "cp2k.psmp");
        File.WriteAllText(exe, "#!/bin/sh\necho ran \"$@\" > ran.txt\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string? path = Environment.GetEnvironmentVariable("PATH");
        string command;
        try
        {
            Environment.SetEnvironmentVariable("PATH", bin + ":" + path);
            command = Cp2kRunner.JobCommand(local: true);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
        string job = Path.Combine(_dir, "job");
        Directory.CreateDirectory(job);
        Assert.Equal(0, Bash(command, job));
        Assert.False(File.Exists(Path.Combine(job, "PWNED")), "the path's $(…) ran");
        Assert.Equal("ran -i in.inp -o out.log\n", File.ReadAllText(Path.Combine(job, "ran.txt")));
    }

    [Fact]
    public void A_planted_job_script_symlink_is_replaced_not_followed()
    {
        string victim = Path.Combine(_dir, "victim.sh");
        File.WriteAllText(victim, "echo precious\n");
        string job = Path.Combine(_dir, "job");
        Directory.CreateDirectory(job);
        File.CreateSymbolicLink(Path.Combine(job, LocalExecutor.ScriptName), victim);
        File.CreateSymbolicLink(Path.Combine(job, "stdout.log"), Path.Combine(_dir, "victim.log"));
        File.WriteAllText(Path.Combine(_dir, "victim.log"), "keep");

        var exec = new LocalExecutor(new LocalExecutorOptions { Command = "echo job" });
        string id = exec.Submit([job], "t")[0];
        var ref_ = new ExecutorJob(job, id);
        var end = DateTime.UtcNow.AddSeconds(20);
        while (exec.Poll([ref_])[id].State == JobState.Running && DateTime.UtcNow < end)
            Thread.Sleep(50);

        Assert.Equal("echo precious\n", File.ReadAllText(victim));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(_dir, "victim.log")));
        var script = new FileInfo(Path.Combine(job, LocalExecutor.ScriptName));
        Assert.Null(script.LinkTarget);
        Assert.Contains("echo job", File.ReadAllText(script.FullName));
        Assert.Equal("job\n", File.ReadAllText(Path.Combine(job, "stdout.log")));
    }

    [Fact]
    public void Slurm_array_scripts_take_folders_with_spaces()
    {
        string root = Path.Combine(_dir, "my jobs");
        string script = SlurmScript.RenderArray([Path.Combine(root, "000001"), Path.Combine(root, "000002")], new SlurmScriptOptions { Command = "true" });
        Assert.Contains($"#SBATCH --output=\"{root}/slurm-%A_%a.out\"\n", script);
        Assert.Contains($"#SBATCH --error=\"{root}/slurm-%A_%a.err\"\n", script);
        Assert.Contains($"  '{root}/000001'\n", script);
        Assert.Throws<ArgumentException>(() => SlurmScript.RenderArray([Path.Combine(_dir, "a\"b", "1")], new SlurmScriptOptions { Command = "true" }));
    }

    [Theory]
    [InlineData(BatchSystem.Pbs, "#PBS -o ", "pbs.out")]
    [InlineData(BatchSystem.Lsf, "#BSUB -o ", "lsf.out")]
    public void Pbs_and_lsf_output_paths_are_quoted(BatchSystem system, string directive, string name)
    {
        string folder = Path.Combine(_dir, "a b;touch x");
        string script = BatchScripts.Render(system, folder, new SlurmScriptOptions { Command = "true" });
        Assert.Contains($"{directive}\"{folder}/{name}\"\n", script);
    }
}
