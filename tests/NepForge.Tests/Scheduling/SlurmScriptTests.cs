using NepForge.Scheduling;

namespace NepForge.Tests.Scheduling;

public sealed class SlurmScriptTests
{
    [Fact]
    public void RendersCp2kScript()
    {
        string folder = Path.Combine(Path.GetTempPath(), "jobs", "000001");
        string s = SlurmScript.Render(folder, new SlurmScriptOptions
        {
            JobName = "dft1",
            Partition = "cpu",
            Ntasks = 4,
            CpusPerTask = 2,
            Time = TimeSpan.FromHours(26.5),
            Template = "#SBATCH --account=proj\nmodule load cp2k/2024.1\n",
        });
        string[] lines = s.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        Assert.Contains("#SBATCH --job-name=dft1", lines);
        Assert.Contains("#SBATCH --partition=cpu", lines);
        Assert.Contains("#SBATCH --ntasks=4", lines);
        Assert.Contains("#SBATCH --cpus-per-task=2", lines);
        Assert.Contains("#SBATCH --time=1-02:30:00", lines);
        Assert.Contains($"#SBATCH --output={folder}/slurm-%j.out", lines);
        Assert.Contains($"#SBATCH --error={folder}/slurm-%j.err", lines);
        Assert.Contains($"cd '{folder}' || exit 1", lines);
        Assert.Contains("export OMP_NUM_THREADS=2", lines);
        Assert.Equal("cp2k.psmp -i in.inp -o out.log", lines[^2]);
        // user lines after the generated #SBATCH lines, before the first command
        Assert.True(Array.IndexOf(lines, "#SBATCH --account=proj") > Array.IndexOf(lines, $"#SBATCH --error={folder}/slurm-%j.err"));
        Assert.True(Array.IndexOf(lines, "module load cp2k/2024.1") < Array.IndexOf(lines, $"cd '{folder}' || exit 1"));
    }

    [Fact]
    public void OmpThreadsDefaultsToOneAndCanBeSet()
    {
        Assert.Contains("export OMP_NUM_THREADS=1\n", SlurmScript.Render("/tmp/x", new SlurmScriptOptions()), StringComparison.Ordinal);
        Assert.Contains("export OMP_NUM_THREADS=3\n", SlurmScript.Render("/tmp/x", new SlurmScriptOptions { CpusPerTask = 4, OmpThreads = 3 }), StringComparison.Ordinal);
    }

    [Fact]
    public void ArrayScriptPicksFolderByTaskId()
    {
        string s = SlurmScript.RenderArray(["/w/jobs/000001", "/w/jobs/000002"], new SlurmScriptOptions());
        Assert.Contains("#SBATCH --output=/w/jobs/slurm-%A_%a.out\n", s, StringComparison.Ordinal);
        Assert.Contains("  '/w/jobs/000002'\n", s, StringComparison.Ordinal);
        Assert.Contains("cd \"${folders[$SLURM_ARRAY_TASK_ID]}\" || exit 1\n", s, StringComparison.Ordinal);
    }

    [Fact]
    public void QuotesAndRejectsBadOptions()
    {
        Assert.Equal("'a'\\''b'", SlurmScript.ShellQuote("a'b"));
        Assert.Throws<ArgumentException>(() => SlurmScript.Render("/tmp/x", new SlurmScriptOptions { JobName = "a b" }));
        Assert.Equal("00:01:00", SlurmScript.FormatTime(TimeSpan.FromMinutes(1)));
    }
}
