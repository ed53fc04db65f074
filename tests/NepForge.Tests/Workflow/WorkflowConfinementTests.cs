using NepForge.Tests.Cli;
using NepForge.Workflow;

namespace NepForge.Tests.Workflow;

/// <summary>
/// Issue 14 (7): a workflow writes only inside its folder unless the file says allow_outside: true, and two drivers
/// that find the same stale lock cannot both take it.
/// </summary>
public sealed class WorkflowConfinementTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Write(string extra, string collect = "", string top = "")
    {
        string dir = _cli.PathOf("wf");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "start.xyz"), "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n");
        string path = Path.Combine(dir, "wf.yaml");
        File.WriteAllText(path, $"{top}{extra}engine:\n  kind: cp2k\nstages:\n  extract:\n    from: [start.xyz]\n{collect}");
        return path;
    }

    [Theory]
    [InlineData("", "  collect:\n    output: ../../x.xyz\n", "'../../x.xyz' is outside the work folder", 7)]
    [InlineData("", "  collect:\n    output: /tmp/x.xyz\n", "'/tmp/x.xyz' is outside the work folder", 7)]
    [InlineData("workdir: ../elsewhere\n", "", "'../elsewhere' is outside the workflow file's folder", 1)]
    [InlineData("workdir: /tmp\n", "", "'/tmp' is outside the workflow file's folder", 1)]
    public void Paths_outside_the_workflow_folder_are_refused_unless_allowed(string extra, string collect, string message, int line)
    {
        string wf = Write(extra, collect);
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(wf));
        Assert.Contains(message, e.Message);
        Assert.Contains($"wf.yaml:{line}", e.Message);
        var (code, _, err) = _cli.Run("run", wf, "--check");
        Assert.NotEqual(0, code);
        Assert.Contains("allow_outside: true", err);

        // Said explicitly: accepted.
        var spec = WorkflowParser.Load(Write(extra, collect, top: "allow_outside: true\n"));
        Assert.NotNull(spec);
    }

    [Fact]
    public void Paths_inside_are_fine_and_bad_paths_are_one_line()
    {
        var spec = WorkflowParser.Load(Write("workdir: run1\n", "  collect:\n    output: data/train.xyz\n"));
        Assert.EndsWith("/wf/run1", spec.WorkDir);
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(Write("workdir: \"a\\0b\"\n")));
        Assert.Contains("is not a usable path", e.Message);
    }

    [Fact]
    public void Two_drivers_breaking_the_same_stale_lock_do_not_both_get_it()
    {
        string dir = _cli.PathOf("locked");
        Directory.CreateDirectory(dir);
        string lockFile = Path.Combine(dir, WorkflowLock.FileName);
        for (int round = 0; round < 30; round++)
        {
            // A lock left by a driver that died on this host (a pid that no longer runs).
            File.WriteAllText(lockFile, $"host={Environment.MachineName} pid=2147483000 start=1 since=2020-01-01T00:00:00Z");
            int taken = 0;
            const int Drivers = 6;
            using var barrier = new Barrier(Drivers);
            var locks = new WorkflowLock?[Drivers];
            var threads = Enumerable.Range(0, Drivers).Select(i => new Thread(() =>
            {
                barrier.SignalAndWait();
                try
                {
                    locks[i] = WorkflowLock.Acquire(dir);
                    Interlocked.Increment(ref taken);
                }
                catch (InvalidOperationException)
                {
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Equal(1, taken);
            Assert.False(File.Exists(lockFile + ".break"));
            foreach (var l in locks)
                l?.Dispose();
            Assert.False(File.Exists(lockFile));
        }
    }
}
