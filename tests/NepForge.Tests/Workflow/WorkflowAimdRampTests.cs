using NepForge.Formats.ExtXyz;
using NepForge.Tests.Cli;
using NepForge.Workflow;
using Xunit.Abstractions;

namespace NepForge.Tests.Workflow;

/// <summary>
/// stages.aimd takes what `dft prepare --aimd` takes: a temperature or a ramp ("10:300") per run, and hold_steps at
/// the end temperature (CP2K).
/// </summary>
public sealed class WorkflowAimdRampTests(ITestOutputHelper output) : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Write(string name, string engine, string aimd)
    {
        string dir = _cli.PathOf(name);
        Directory.CreateDirectory(dir);
        string start = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/quickstart/start.xyz"));
        File.Copy(start, Path.Combine(dir, "start.xyz"));
        File.WriteAllText(Path.Combine(dir, "INCAR"), "ENCUT = 400\n");
        string path = Path.Combine(dir, "wf.yaml");
        File.WriteAllText(path, $"""
            engine:
            {engine}
            stages:
              aimd:
                structures: start.xyz
            {aimd}
            """);
        return path;
    }

    const string Cp2k = "  kind: cp2k\n  cp2k_cutoff: 150";

    [Fact]
    public void Ramps_and_a_hold_parse_and_constant_temperatures_stay_as_they_were()
    {
        var spec = WorkflowParser.Load(Write("p1", Cp2k, "    temperatures: [\"10:300\", 600]\n    steps: 4\n    hold_steps: 2"));
        Assert.Equal([300.0, 600.0], spec.Aimd!.Temperatures);
        Assert.Equal([10.0, 600.0], spec.Aimd.StartTemperatures!);
        Assert.Equal(2, spec.Aimd.HoldSteps);
        spec = WorkflowParser.Load(Write("p2", Cp2k, "    temperatures: [300, 900]\n    steps: 4"));
        Assert.Null(spec.Aimd!.StartTemperatures);
        Assert.Equal(0, spec.Aimd.HoldSteps);
    }

    [Theory]
    [InlineData("    temperatures: [\"0:300\"]\n    steps: 4", "temperatures must be > 0 K")]
    [InlineData("    temperatures: [\"10:x\"]\n    steps: 4", "stages.aimd.temperatures")]
    [InlineData("    temperatures: [300]\n    steps: 4\n    hold_steps: -1", "stages.aimd.hold_steps: must be ≥ 0")]
    public void Bad_ramps_and_holds_are_named_with_their_line(string aimd, string expected)
    {
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(Write("bad", Cp2k, aimd)));
        Assert.Contains("wf.yaml:", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hold_on_VASP_is_refused_as_dft_prepare_refuses_it()
    {
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(Write("vasp", "  kind: vasp\n  aimd_incar: INCAR\n  command: vasp_std",
            "    temperatures: [\"10:300\"]\n    steps: 4\n    hold_steps: 5")));
        Assert.Contains("stages.aimd.hold_steps: VASP ramps TEBEG → TEEND", e.Message, StringComparison.Ordinal);
    }

    [Cp2kFact]
    public void A_ramped_CP2K_AIMD_with_a_hold_runs_in_its_own_folder_and_tags_its_frames()
    {
        string wf = Write("run", Cp2k, "    temperatures: [\"10:300\"]\n    steps: 3\n    hold_steps: 2\n    seed: 5");
        var (code, _, err) = _cli.Run("run", wf);
        output.WriteLine(err);
        Assert.True(code == 0, err);
        string dir = Path.GetDirectoryName(wf)!;
        Assert.True(Directory.Exists(Path.Combine(dir, "00.aimd", "10-300K")), "no 00.aimd/10-300K folder");
        var frames = ExtXyzReader.ReadFrames(Path.Combine(dir, "00.aimd", WorkflowStages.AimdFrames)).ToList();
        Assert.NotEmpty(frames);
        Assert.All(frames, f => Assert.EndsWith("_aimd_10-300K", f.Info.ConfigType, StringComparison.Ordinal));
        // The hold's frames are marked and target the end temperature.
        var hold = frames.Where(f => f.Info.GetExtra("md_hold") is "T" or "true" or "True").ToList();
        Assert.NotEmpty(hold);
        Assert.All(hold, f => Assert.Equal("300", f.Info.GetExtra("md_target_temperature")));
    }
}
