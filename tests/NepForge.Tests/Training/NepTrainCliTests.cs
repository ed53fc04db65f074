using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;
using NepForge.Training;

namespace NepForge.Tests.Training;

/// <summary>
/// Process handling of nep train with a stand-in shell script in place of GPUMD's nep: it checks its inputs, writes
/// loss.out rows, nep.txt and nep.restart. It stands in for the process only; nothing it writes is a result.
/// </summary>
public sealed class NepTrainCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string StandIn(int exitCode = 0)
    {
        string path = _cli.PathOf("fake-nep.sh");
        File.WriteAllText(path, $$"""
            #!/bin/sh
            [ -f nep.in ] && [ -f train.xyz ] || { echo "nep.in or train.xyz missing" >&2; exit 2; }
            [ -f nep.restart ] && echo "found nep.restart"
            for g in 100 200 300; do echo "$g 0.5 0.01 0.01 0.002 0.1 0 0 0 0" >> loss.out; sleep 0.05; done
            echo "nep4 1 Si" > nep.txt
            echo "0.1" > nep.restart
            echo "stand-in finished"
            echo "a warning on stderr" >&2
            exit {{exitCode}}

            """.Replace("\r", "", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    string TrainingSet()
    {
        var si = Elements.Get("Si");
        var frames = Enumerable.Range(0, 3).Select(i => new Frame([si, si], [0, 0, 0, 1.3 + (0.1 * i), 1.3, 1.3], Lattice.Orthorhombic(5.4, 5.4, 5.4))
        {
            Energy = -10.8 - (0.01 * i),
            Forces = new double[6],
        });
        string path = _cli.PathOf("data.xyz");
        ExtXyzWriter.WriteFile(path, frames);
        return path;
    }

    [UnixFact]
    public void RunsNepInThePreparedFolderAndReportsItsOutputs()
    {
        string dir = _cli.PathOf("train");
        var (code, stdout, err) = _cli.Run("nep", "train", dir, "--train", TrainingSet(), "--nep", StandIn(), "--poll", "0.02");
        Assert.True(code == 0, err);
        Assert.Contains("wrote " + Path.Combine(dir, "nep.in"), err, StringComparison.Ordinal);
        Assert.Contains("generation 300/100000, loss 0.5, e_train 2.00 meV/atom, f_train 100.0 meV/Å", err, StringComparison.Ordinal);
        Assert.Contains("produced nep.txt, nep.restart, loss.out", err, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir, "nep.txt"), stdout, StringComparison.Ordinal);
        string log = File.ReadAllText(Path.Combine(dir, "nep.log"));
        Assert.Contains("stand-in finished", log, StringComparison.Ordinal);
        Assert.Contains("a warning on stderr", log, StringComparison.Ordinal);
        Assert.Equal(3, ExtXyzReader.ReadFrames(Path.Combine(dir, "train.xyz")).Count());
    }

    [UnixFact]
    public void KeepsNepRestartAndSaysItResumes()
    {
        string dir = _cli.PathOf("train");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nep.restart"), "0.2\n");
        var (code, _, err) = _cli.Run("nep", "train", dir, "--train", TrainingSet(), "--nep", StandIn(), "--poll", "0.02");
        Assert.Equal(0, code);
        Assert.Contains("nep.restart found: nep continues that training", err, StringComparison.Ordinal);
        Assert.Contains("(resumed from nep.restart)", err, StringComparison.Ordinal);
        Assert.Contains("found nep.restart", File.ReadAllText(Path.Combine(dir, "nep.log")), StringComparison.Ordinal);
    }

    [UnixFact]
    public void FailingNepIsAFailure()
    {
        var (code, _, err) = _cli.Run("nep", "train", _cli.PathOf("train"), "--train", TrainingSet(), "--nep", StandIn(exitCode: 3), "--poll", "0.02");
        Assert.Equal(1, code);
        Assert.Contains("nep exited with code 3", err, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutNepTheFolderIsPreparedAndTheMessageIsClear()
    {
        string dir = _cli.PathOf("train");
        var (code, _, err) = _cli.Run("nep", "train", dir, "--train", TrainingSet(), "--nep", _cli.PathOf("no-such-nep"));
        Assert.Equal(1, code);
        Assert.Contains("is ready (train.xyz, nep.in)", err, StringComparison.Ordinal);
        Assert.Contains("nep executable '" + _cli.PathOf("no-such-nep") + "' does not exist", err, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "nep.in")));
    }

    [Fact]
    public void ExecutableComesFromOptionThenEnvironmentThenPath()
    {
        string exe = _cli.PathOf("nep");
        File.WriteAllText(exe, "");
        Assert.Equal(exe, NepTrainer.FindExecutable(null, k => k == "PATH" ? _cli.Dir : null));
        Assert.Equal(exe, NepTrainer.FindExecutable(null, k => k == NepTrainer.EnvironmentVariable ? exe : null));
        Assert.Null(NepTrainer.FindExecutable(null, _ => null));
        Assert.Null(NepTrainer.FindExecutable(_cli.PathOf("other"), k => k == "PATH" ? _cli.Dir : null));
        Assert.Contains("NEPFORGE_NEP", NepTrainer.MissingExecutableMessage(null), StringComparison.Ordinal);
    }

    [Fact]
    public void SlurmScriptAsksForOneGpu()
    {
        string dir = _cli.PathOf("train");
        var (code, _, err) = _cli.Run("nep", "train", dir, "--train", TrainingSet(), "--nep", StandIn(), "--slurm", "--script-only", "--time", "12:00:00");
        Assert.True(code == 0, err);
        string script = File.ReadAllText(Path.Combine(dir, "job.sh"));
        Assert.Contains("#SBATCH --gres=gpu:1\n", script, StringComparison.Ordinal);
        Assert.Contains("#SBATCH --time=12:00:00\n", script, StringComparison.Ordinal);
        Assert.Contains("fake-nep.sh'\n", script, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "loss.out")));
    }
}
