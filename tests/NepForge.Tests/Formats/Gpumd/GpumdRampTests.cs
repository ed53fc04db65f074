using System.Globalization;
using System.Text;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.Nep;
using NepForge.Sampling.Curation;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Formats.Gpumd;

/// <summary>Temperature ramps and holds in GPUMD run.in files, and frames of their dump.xyz tagged for sample --hold-only.</summary>
public sealed class GpumdRampTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static readonly MdCondition Ramp = new()
    {
        StartTemperature = 10,
        Temperature = 300,
        Steps = 1000,
        HoldSteps = 500,
        Potential = "/m/nep.txt",
        TimeStep = 0.5,
        DumpThermo = 10,
        DumpXyz = 100,
    };

    [Fact]
    public void NvtRampWithHoldIsGpumdsLinearRampThenASecondRunBlock()
    {
        string runIn = new RunInTemplate(RunInTemplate.Nvt).Render(Ramp);
        Assert.Equal(
            """
            potential   /m/nep.txt
            velocity    10

            ensemble    nvt_bdp 10 300 100
            time_step   0.5
            dump_thermo 10
            dump_xyz    100 dump.xyz force
            run         1000

            ensemble    nvt_bdp 300 300 100
            time_step   0.5
            dump_thermo 10
            dump_xyz    100 dump.xyz force
            run         500

            """, runIn);
        Assert.Equal("T10-300", Ramp.FolderName);
    }

    [Fact]
    public void NptRampWithHoldKeepsThePressureInBothBlocks()
    {
        var lines = new RunInTemplate(RunInTemplate.Npt).Render(Ramp with { Pressure = 1.5 }).Split('\n');
        Assert.Equal(
            ["velocity    10", "ensemble    npt_scr 10 300 100 1.5 100 1000", "run         1000", "ensemble    npt_scr 300 300 100 1.5 100 1000", "run         500"],
            lines.Where(l => l.StartsWith("velocity", StringComparison.Ordinal) || l.StartsWith("ensemble", StringComparison.Ordinal) || l.StartsWith("run", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l == "dump_xyz    100 dump.xyz force"));
        Assert.Equal("T10-300_P1.5", (Ramp with { Pressure = 1.5 }).FolderName);
    }

    [Fact]
    public void ConstantTemperatureWithoutHoldRendersExactlyAsBefore()
    {
        var c = new MdCondition { Temperature = 600, Potential = "/m/nep.txt", Steps = 5000, TimeStep = 0.5, DumpThermo = 10, DumpXyz = 50 };
        Assert.Equal(
            """
            potential   /m/nep.txt
            velocity    600

            ensemble    nvt_bdp 600 600 100
            time_step   0.5
            dump_thermo 10
            dump_xyz    50 dump.xyz force
            run         5000

            """, new RunInTemplate(RunInTemplate.Nvt).Render(c));
        // A constant temperature with a hold: the same first block, then the hold at the same temperature.
        string held = new RunInTemplate(RunInTemplate.Nvt).Render(c with { HoldSteps = 200 });
        Assert.EndsWith("run         5000\n\nensemble    nvt_bdp 600 600 100\ntime_step   0.5\ndump_thermo 10\ndump_xyz    50 dump.xyz force\nrun         200\n", held, StringComparison.Ordinal);
        Assert.Equal("T600", (c with { HoldSteps = 200 }).FolderName);
    }

    [Fact]
    public void UserTemplatesMustSayWhatTheOptionsNeed()
    {
        var old = new RunInTemplate("potential {potential}\nvelocity {temperature}\nensemble nvt_lan {temperature} {temperature} 100\nrun {steps}\n");
        var ramp = Assert.Throws<ArgumentException>(() => old.Render(Ramp with { HoldSteps = 0 }));
        Assert.Contains("no {start_temperature}", ramp.Message, StringComparison.Ordinal);
        var hold = Assert.Throws<ArgumentException>(() => old.Render(Ramp with { StartTemperature = null }));
        Assert.Contains("no {hold_steps}", hold.Message, StringComparison.Ordinal);
        // A template with a hold block: dropped without hold steps, filled in with them.
        var own = new RunInTemplate("velocity {start_temperature}\nensemble nvt_lan {start_temperature} {temperature} 50\nrun {steps}\n# hold\nensemble nvt_lan {temperature} {temperature} 50\nrun {hold_steps}\n");
        Assert.Equal("velocity 10\nensemble nvt_lan 10 300 50\nrun 1000\n", own.Render(Ramp with { HoldSteps = 0 }));
        Assert.Equal("velocity 10\nensemble nvt_lan 10 300 50\nrun 1000\n# hold\nensemble nvt_lan 300 300 50\nrun 500\n", own.Render(Ramp));
    }

    [FixtureFact]
    public void PrepareRampsAndHoldsOnAFixtureStructure()
    {
        string model = Fixtures.Path("gpumd/gpumd_static/model.xyz"), root = _cli.PathOf("md");
        var (code, stdout, err) = _cli.Run("gpumd", "prepare", model, "-o", root, "-T", "300", "10:600", "--steps", "2000", "--hold-steps", "400", "--dump-xyz", "100");
        Assert.Equal(0, code);
        Assert.Contains("2 run folder(s) for 1 structure(s) × 2 temperature(s)", err, StringComparison.Ordinal);
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(["T10-600", "T300"], Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var ramp = File.ReadAllLines(Path.Combine(root, "T10-600", "run.in"));
        Assert.Equal(["velocity    10", "ensemble    nvt_bdp 10 600 100", "run         2000", "ensemble    nvt_bdp 600 600 100", "run         400"],
            ramp.Where(l => l.StartsWith("velocity", StringComparison.Ordinal) || l.StartsWith("ensemble", StringComparison.Ordinal) || l.StartsWith("run", StringComparison.Ordinal)));
        Assert.Equal(2, ramp.Count(l => l == "dump_xyz    100 dump.xyz force"));
        Assert.Contains("ensemble    nvt_bdp 300 300 100", File.ReadAllLines(Path.Combine(root, "T300", "run.in")));
        Assert.Equal(250, Assert.Single(ExtXyzReader.ReadFrames(Path.Combine(root, "T10-600", "model.xyz"))).AtomCount);
    }

    [FixtureFact]
    public void PrepareRefusesATemplateThatCannotRamp()
    {
        string model = Fixtures.Path("gpumd/gpumd_static/model.xyz"), tmpl = _cli.PathOf("run.in.tmpl");
        File.WriteAllText(tmpl, "potential {potential}\nvelocity {temperature}\nensemble nvt_bdp {temperature} {temperature} 100\nrun {steps}\n");
        var (code, _, err) = _cli.Run("gpumd", "prepare", model, "-o", _cli.PathOf("md"), "-T", "10:300", "--template", tmpl);
        Assert.Equal(2, code);
        Assert.Contains("has no {start_temperature}", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_cli.PathOf("md")));
        (code, _, err) = _cli.Run("gpumd", "prepare", model, "-o", _cli.PathOf("md"), "-T", "300", "--hold-steps", "10", "--template", tmpl);
        Assert.Equal(2, code);
        Assert.Contains("has no {hold_steps}", err, StringComparison.Ordinal);
        (code, _, err) = _cli.Run("gpumd", "prepare", model, "-o", _cli.PathOf("md"), "-T", "10:x");
        Assert.Equal(2, code);
        Assert.Contains("'10:x'", err, StringComparison.Ordinal);
    }

    // A dump.xyz as GPUMD writes it for the ramp of Ramp: frames every 100 steps of 0.5 fs, Time= in fs, across both runs.
    static string Dump(int frames)
    {
        var sb = new StringBuilder();
        for (int k = 1; k <= frames; k++)
        {
            double time = k * 100 * 0.5;
            sb.Append("1\n").Append(string.Create(CultureInfo.InvariantCulture,
                $"Time={time:F8} pbc=\"T T T\" Lattice=\"5 0 0 0 5 0 0 0 5\" energy=-1.0 virial=\"0 0 0 0 0 0 0 0 0\" stress=\"0 0 0 0 0 0 0 0 0\" Properties=species:S:1:pos:R:3:forces:R:3\n"));
            sb.Append("H 0 0 0 0 0 0\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void DumpFramesAreTaggedFromTheirTimeSoHoldOnlyKeepsTheHold()
    {
        string path = _cli.PathOf("dump.xyz");
        File.WriteAllText(path, Dump(15)); // steps 100 … 1500: ten in the ramp (the last at its end), five in the hold
        var frames = GpumdDump.Read(path, Ramp).ToList();
        Assert.Equal(15, frames.Count);
        Assert.Equal("100", frames[0].Info.GetExtra("md_step"));
        Assert.Equal(10 + 290 * 0.1, double.Parse(frames[0].Info.GetExtra(NepMolecularDynamics.TargetTemperatureKey)!, CultureInfo.InvariantCulture), 9);
        Assert.Equal(300, double.Parse(frames[9].Info.GetExtra(NepMolecularDynamics.TargetTemperatureKey)!, CultureInfo.InvariantCulture));
        Assert.Equal("F", frames[8].Info.GetExtra(NepMolecularDynamics.HoldKey));
        // Step 1000 ends the ramp and starts the hold, as nepforge md counts it.
        Assert.Equal("T", frames[9].Info.GetExtra(NepMolecularDynamics.HoldKey));
        var held = HoldFilter.Keep(frames, path).ToList();
        Assert.Equal(["1000", "1100", "1200", "1300", "1400", "1500"], held.Select(f => f.Info.GetExtra("md_step")));
        // Without hold steps there is no md_hold (as nepforge md).
        Assert.Null(GpumdDump.Read(path, Ramp with { HoldSteps = 0 }).First().Info.GetExtra(NepMolecularDynamics.HoldKey));
        // Frames without Time= follow GPUMD's dump schedule, which starts again in the hold's run: with 1000 ramp steps
        // dumped every 300, the ramp dumps steps 300, 600, 900 and the hold 1300, 1600.
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nH 0 0 0\n", 5)));
        var scheduled = GpumdDump.Read(path, Ramp with { DumpXyz = 300 }).ToList();
        Assert.Equal(["300", "600", "900", "1300", "1600"], scheduled.Select(f => f.Info.GetExtra("md_step")));
        Assert.Equal(["F", "F", "F", "T", "T"], scheduled.Select(f => f.Info.GetExtra(NepMolecularDynamics.HoldKey)));
    }
}
