using System.Globalization;
using NepForge.Nep;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Tests.Nep;

/// <summary>Temperature ramps of the CPU MD (md -T 10:300 --hold-steps M) and an 89-species NEP4+ZBL model running MD.</summary>
public sealed class NepMdRampTests
{
    static double Extra(Frame f, string key) => double.Parse(f.Info.GetExtra(key)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Ramp_targets_are_linear_then_held()
    {
        var ramp = new MdTemperatureRamp(10, 300, 100, 50);
        Assert.Equal(10, ramp.TargetAt(0));
        Assert.Equal(155, ramp.TargetAt(50), 12);
        Assert.Equal(300, ramp.TargetAt(100));
        Assert.Equal(300, ramp.TargetAt(149));
        Assert.False(ramp.InHold(99));
        Assert.True(ramp.InHold(100));
        Assert.Equal(150, ramp.TotalSteps);
        Assert.Equal("10:300", ramp.RangeText());
        Assert.Equal((10.0, 300.0), MdTemperatureRamp.ParseRange("10:300", out _));
        Assert.Equal((300.0, 300.0), MdTemperatureRamp.ParseRange("300", out _));
        Assert.Null(MdTemperatureRamp.ParseRange("10:x", out string? error));
        Assert.Contains("10:x", error, StringComparison.Ordinal);
        Assert.Null(MdTemperatureRamp.ParseRange("-5:300", out _));
        Assert.Null(MdTemperatureRamp.ParseRange("1:2:3", out _));
    }

    // A ramp 50 → 1500 K then a hold: the instantaneous temperature follows the target (Bussi with a short
    // time constant), frames record the target, and only the hold frames say md_hold=T.
    [Fact]
    public void Md_follows_a_ramp_and_records_target_and_hold()
    {
        var kind = NepTestModels.Get("nep4");
        var calc = new NepCalculator(NepTestModels.Model(kind), 1);
        var frame = NepTestModels.RandomFrame([Elements.Get("Si"), Elements.Get("O")], 24, seed: 3, edge: 7.0, minDistance: 1.6);
        var options = new MdOptions { Temperature = 50, EndTemperature = 1500, Steps = 400, HoldSteps = 200, DumpEvery = 20, ThermostatFs = 10, TimeStepFs = 0.5, Seed = 2 };
        var frames = new NepMolecularDynamics(calc, options).Run(frame).ToList();
        Assert.Equal(31, frames.Count); // steps 0, 20, …, 600
        Assert.Equal(50, Extra(frames[0].Frame, NepMolecularDynamics.TargetTemperatureKey));
        Assert.Equal(50 + 1450 * 200 / 400.0, Extra(frames[10].Frame, NepMolecularDynamics.TargetTemperatureKey), 9);
        Assert.Equal(1500, Extra(frames[^1].Frame, NepMolecularDynamics.TargetTemperatureKey));
        // The hold: steps 400…600, 11 frames.
        var hold = HoldFilter.Keep(frames.Select(f => f.Frame), "md").ToList();
        Assert.Equal(11, hold.Count);
        Assert.Equal(400, hold[0].Info.SourceStep);
        // The instantaneous temperature tracks the target: low early, near 1500 K in the hold.
        double early = frames.Take(4).Average(f => f.TemperatureK);
        double held = frames.Skip(21).Average(f => f.TemperatureK);
        Assert.True(early < 400, $"early mean {early} K");
        Assert.InRange(held, 1000, 2000);
    }

    [Fact]
    public void Hold_filter_refuses_frames_without_the_key()
    {
        var frame = new Frame([Elements.Get("H")], [0.0, 0, 0], null);
        Assert.Throws<InvalidDataException>(() => HoldFilter.Keep([frame], "x.xyz").ToList());
    }

    // A general-purpose model's shape (NEP89: 89 species, NEP4 with typewise ZBL) loads and runs MD on H₂
    // molecules: energies finite, the run repeats for a seed.
    [Fact]
    public void Nep4_zbl_89_species_model_runs_md()
    {
        var kind = NepTestModels.Get("nep4_zbl 89 species");
        var model = NepTestModels.Model(kind);
        Assert.Equal(89, model.Species.Count);
        var calc = new NepCalculator(model, 1);
        var h = Elements.Get("H");
        var positions = new List<double>();
        for (int m = 0; m < 4; m++)
        {
            double x = 1 + 2.5 * m;
            positions.AddRange([x, 2, 2, x + 0.74, 2, 2]);
        }
        var box = new Frame(Enumerable.Repeat(h, 8).ToArray(), [.. positions], new Lattice(new Vec3(10, 0, 0), new Vec3(0, 6, 0), new Vec3(0, 0, 6)));
        var options = new MdOptions { Temperature = 10, EndTemperature = 300, Steps = 40, HoldSteps = 20, TimeStepFs = 0.25, DumpEvery = 10, Seed = 4 };
        var frames = new NepMolecularDynamics(calc, options).Run(box).ToList();
        Assert.Equal(7, frames.Count);
        Assert.All(frames, f => Assert.True(double.IsFinite(f.PotentialEnergy) && double.IsFinite(f.TemperatureK)));
        var again = new NepMolecularDynamics(calc, options).Run(box).ToList();
        Assert.Equal(frames[^1].Frame.Positions, again[^1].Frame.Positions);
    }
}
