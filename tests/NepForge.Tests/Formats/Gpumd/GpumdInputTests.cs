using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Formats.Gpumd;

public sealed class GpumdInputTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static Frame Water()
    {
        var f = new Frame([Elements.Get("O"), Elements.Get("H"), Elements.Get("H")], [0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0], Lattice.Orthorhombic(10, 11, 12));
        f.SetArray(PerAtomArray.Real("vel", 3, [0.001, 0, 0, 0, -0.002, 0, 0, 0, 0.003]));
        return f;
    }

    [Fact]
    public void ModelXyzHasMassesVelocitiesAndGroups()
    {
        string text = ModelXyzWriter.Format(Water(), new ModelXyzOptions { Groups = [[0, 1, 1]] });
        var lines = text.Split('\n');
        Assert.Equal("3", lines[0]);
        Assert.Equal("pbc=\"T T T\" Lattice=\"10 0 0 0 11 0 0 0 12\" Properties=species:S:1:pos:R:3:mass:R:1:vel:R:3:group:I:1", lines[1]);
        Assert.Equal("H 0.96 0 0 1.008 0 -0.002 0 1", lines[2 + 1]);
        // Any extxyz reader sees the same structure.
        var back = Assert.Single(ExtXyzReader.ReadString(text));
        Assert.Equal(Water().Positions, back.Positions);
        Assert.Equal(Water().Velocities, back.Velocities);
        Assert.Null(back.Energy);
    }

    [Fact]
    public void ModelXyzNeedsACellAndMatchingGroups()
    {
        var noCell = new Frame([Elements.Get("H")], [0, 0, 0], null);
        Assert.Contains("needs a cell", Assert.Throws<ArgumentException>(() => ModelXyzWriter.Format(noCell)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelXyzWriter.Format(Water(), new ModelXyzOptions { Groups = [[0, 1]] }));
    }

    [FixtureFact]
    public void GpumdModelXyzFixtureRoundTrips()
    {
        var f = Assert.Single(ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/gpumd_static/model.xyz")));
        var back = Assert.Single(ExtXyzReader.ReadString(ModelXyzWriter.Format(f)));
        Assert.Equal(250, back.AtomCount);
        Assert.Equal(f.Positions, back.Positions);
        Assert.Equal(f.Lattice!.Matrix, back.Lattice!.Matrix);
        Assert.Equal(f.Elements, back.Elements);
    }

    [Fact]
    public void RunInTemplatesFillEveryPlaceholder()
    {
        var c = new MdCondition { Temperature = 600, Pressure = 1.5, Potential = "/m/nep.txt", Steps = 5000, TimeStep = 0.5, DumpThermo = 10, DumpXyz = 50 };
        string npt = new RunInTemplate(RunInTemplate.Npt).Render(c);
        Assert.Contains("potential   /m/nep.txt\n", npt, StringComparison.Ordinal);
        Assert.Contains("velocity    600\n", npt, StringComparison.Ordinal);
        Assert.Contains("ensemble    npt_scr 600 600 100 1.5 100 1000\n", npt, StringComparison.Ordinal);
        Assert.Contains("time_step   0.5\n", npt, StringComparison.Ordinal);
        Assert.Contains("dump_thermo 10\n", npt, StringComparison.Ordinal);
        Assert.Contains("dump_xyz    50 dump.xyz force\n", npt, StringComparison.Ordinal);
        Assert.Contains("run         5000\n", npt, StringComparison.Ordinal);
        Assert.DoesNotContain("{", npt, StringComparison.Ordinal);
        Assert.Contains("ensemble    nvt_bdp 600 600 100\n", new RunInTemplate(RunInTemplate.Nvt).Render(c with { Pressure = null }), StringComparison.Ordinal);
        Assert.Equal("T600_P1.5", c.FolderName);
    }

    [Fact]
    public void TemplateWithUnknownPlaceholderIsRejected()
    {
        var e = Assert.Throws<FormatException>(() => new RunInTemplate("run {stpes}\n"));
        Assert.Contains("unknown placeholder {stpes}", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RunInTemplate(RunInTemplate.Npt).Render(new MdCondition()));
    }

    [Fact]
    public void PrepareWritesOneFolderPerCondition()
    {
        string inPath = _cli.PathOf("start.xyz"), root = _cli.PathOf("md");
        ExtXyzWriter.WriteFile(inPath, [Water()]);
        var (code, stdout, err) = _cli.Run("gpumd", "prepare", inPath, "-o", root, "-T", "300", "900", "-P", "0", "2", "--steps", "2000", "--potential", _cli.PathOf("nep.txt"));
        Assert.Equal(0, code);
        Assert.Contains("4 run folder(s) for 1 structure(s) × 2 temperature(s) × 2 pressure(s)", err, StringComparison.Ordinal);
        Assert.Equal(["T300_P0", "T300_P2", "T900_P0", "T900_P2"], Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(4, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        string runIn = File.ReadAllText(Path.Combine(root, "T900_P2", "run.in"));
        Assert.Contains("ensemble    npt_scr 900 900 100 2 100 1000", runIn, StringComparison.Ordinal);
        Assert.Contains("run         2000", runIn, StringComparison.Ordinal);
        Assert.Contains($"potential   {_cli.PathOf("nep.txt")}", runIn, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(ExtXyzReader.ReadFrames(Path.Combine(root, "T300_P0", "model.xyz"))).AtomCount);
    }

    [Fact]
    public void PrepareWithoutPressuresRunsNvt()
    {
        string inPath = _cli.PathOf("start.xyz"), root = _cli.PathOf("md");
        ExtXyzWriter.WriteFile(inPath, [Water(), Water()]);
        var (code, _, _) = _cli.Run("gpumd", "prepare", inPath, "-o", root, "-T", "500");
        Assert.Equal(0, code);
        Assert.Equal(["s0_T500", "s1_T500"], Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("nvt_bdp 500 500 100", File.ReadAllText(Path.Combine(root, "s1_T500", "run.in")), StringComparison.Ordinal);
    }
}
