using NepForge.Workflow;

namespace NepForge.Tests.Workflow;

/// <summary>Exploration with GPUMD takes temperature ramps and a hold as the CPU explorer does (it refused them before).</summary>
public sealed class GpumdExploreRampParseTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-wf").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Gpumd_exploration_accepts_ramps_and_hold_steps()
    {
        File.WriteAllText(Path.Combine(_dir, "start.xyz"), "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n");
        string gpumd = Path.Combine(_dir, "gpumd");
        File.WriteAllText(gpumd, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(gpumd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string path = Path.Combine(_dir, "wf.yaml");
        File.WriteAllText(path, $$"""
            engine:
              kind: cp2k
            stages:
              aimd:
                structures: start.xyz
                temperatures: [300]
                steps: 10
              label:
                max_attempts: 1
            active_learning:
              model: start.xyz
              explore:
                engine: gpumd
                gpumd: '{{gpumd}}'
                temperatures: ["10:300", 600]
                steps: 100
                hold_steps: 50
            """);
        var al = WorkflowParser.Load(path).ActiveLearning!;
        Assert.Equal([300.0, 600.0], al.Temperatures);
        Assert.Equal([10.0, 600.0], al.StartTemperatures!);
        Assert.Equal(50, al.HoldSteps);
    }
}
