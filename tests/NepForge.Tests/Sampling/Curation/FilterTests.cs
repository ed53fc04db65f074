using NepForge.Formats.ExtXyz;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Tests.Sampling.Curation;

public class FilterTests
{
    static Frame RandomFrame(Random rng, Lattice lattice, int atoms, string[] species)
    {
        var el = Enumerable.Range(0, atoms).Select(_ => Elements.Get(species[rng.Next(species.Length)])).ToArray();
        var pos = new double[3 * atoms];
        for (int i = 0; i < atoms; i++)
        {
            // Fractional in [-0.5, 1.5): unwrapped positions must work too.
            lattice.ToCartesian(new Vec3(rng.NextDouble() * 2 - 0.5, rng.NextDouble() * 2 - 0.5, rng.NextDouble() * 2 - 0.5)).Store(pos, i);
        }
        return new Frame(el, pos, lattice);
    }

    // The worst pair by brute force over every atom pair and every periodic image (the lattice's exact image search).
    static (double Ratio, double Distance)? Brute(Frame f, double? dmin, double? ratio)
    {
        double maxR = f.Elements.Max(e => e.CovalentRadius);
        double cutoff = Math.Max(dmin ?? 0, (ratio ?? 0) * 2 * maxR);
        (double, double)? worst = null;
        for (int i = 0; i < f.AtomCount; i++)
        {
            for (int j = i; j < f.AtomCount; j++)
            {
                double t = Math.Max(dmin ?? 0, (ratio ?? 0) * (f.Elements[i].CovalentRadius + f.Elements[j].CovalentRadius));
                foreach (var (v, a, b, c) in f.Lattice!.ImagesWithin(f.Position(j) - f.Position(i), cutoff))
                {
                    if (i == j && a == 0 && b == 0 && c == 0)
                        continue;
                    double d = v.Length;
                    if (d < t && (worst is null || d / t < worst.Value.Item1))
                        worst = (d / t, d);
                }
            }
        }
        return worst;
    }

    public static TheoryData<string, double, double, double, double, double, double, double, double, double> Cells => new()
    {
        { "cubic 9", 9, 0, 0, 0, 9, 0, 0, 0, 9 },
        { "skewed", 6, 0, 0, 5.5, 3, 0, 4.5, 2.5, 2.2 },
        { "very skewed thin", 3, 0, 0, 2.9, 0.8, 0, 2.7, 0.6, 0.7 },
        { "hexagonal", 3.2, 0, 0, -1.6, 2.771281, 0, 0, 0, 5.2 },
        { "left-handed", 5, 0, 0, 0, 0, 5, 1, 5, 0 },
        { "monoclinic long", 4.1, 0, 0, 0, 3.9, 0, -2.0, 0, 11.5 },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void Close_contacts_equal_brute_force_on_triclinic_cells(string name, double ax, double ay, double az, double bx, double by, double bz, double cx, double cy, double cz)
    {
        var rng = new Random(name.Length * 31 + (int)(ax * 100));
        var lattice = new Lattice(new Mat3(ax, ay, az, bx, by, bz, cx, cy, cz));
        int checkedFrames = 0, violating = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var f = RandomFrame(rng, lattice, 3 + rng.Next(10), ["Si", "O", "H", "Pb"]);
            foreach (var (dmin, ratio) in new (double?, double?)[] { (1.3, null), (null, 0.7), (0.9, 0.55), (2.6, null) })
            {
                var expected = Brute(f, dmin, ratio);
                var actual = FrameFilter.FindCloseContact(f, dmin, ratio);
                Assert.Equal(expected is null, actual is null);
                checkedFrames++;
                if (expected is { } e)
                {
                    violating++;
                    Assert.Equal(e.Ratio, actual!.Value.Ratio, 9);
                    Assert.Equal(e.Distance, actual.Value.Distance, 9);
                    // The filter rejects exactly these frames, naming the criterion.
                    var reason = new FrameFilter(new FilterOptions { MinDistance = dmin, MinRatio = ratio }).Check(f);
                    Assert.NotNull(reason);
                    Assert.Contains(reason.Code, new[] { "min_distance", "min_ratio" });
                }
                else
                {
                    Assert.Null(new FrameFilter(new FilterOptions { MinDistance = dmin, MinRatio = ratio }).Check(f));
                }
            }
        }
        // Both outcomes must occur (in the 1.7 Å³ thin cell every atom is within 1 Å of its own image: all violate).
        Assert.True(violating > 0 && (violating < checkedFrames || lattice.Volume < 10), $"{name}: {violating} of {checkedFrames} cases violate");
    }

    [Fact]
    public void Own_periodic_image_counts_as_a_contact()
    {
        // One atom in a 1.2 Å-thin cell: its image along a is 1.2 Å away.
        var f = new Frame([Elements.Get("Si")], [0.1, 0.2, 0.3], Lattice.Orthorhombic(1.2, 5, 5));
        var c = FrameFilter.FindCloseContact(f, 1.5, null)!.Value;
        Assert.Equal((0, 0), (c.I, c.J));
        Assert.Equal(1.2, c.Distance, 12);
        var reason = new FrameFilter(new FilterOptions { MinDistance = 1.5 }).Check(f)!;
        Assert.Equal("min_distance", reason.Code);
        Assert.Contains("own image", reason.Detail);
    }

    [Fact]
    public void Ratio_uses_the_covalent_radii_of_the_pair()
    {
        // H–H at 0.5 Å: 0.5 / (0.31 + 0.31) = 0.806 (kept at 0.8); Pb–Pb at 2.3 Å: 2.3 / 2.92 = 0.788 (rejected at 0.8).
        var lattice = Lattice.Orthorhombic(20, 20, 20);
        var h2 = new Frame([Elements.Get("H"), Elements.Get("H")], [1, 1, 1, 1.5, 1, 1], lattice);
        var pb2 = new Frame([Elements.Get("Pb"), Elements.Get("Pb")], [1, 1, 1, 3.3, 1, 1], lattice);
        var filter = new FrameFilter(new FilterOptions { MinRatio = 0.8 });
        Assert.Null(filter.Check(h2));
        var reason = filter.Check(pb2)!;
        Assert.Equal("min_ratio", reason.Code);
        Assert.Contains("0.788", reason.Detail);
        // An absolute limit catches the H–H pair that the ratio lets through.
        Assert.Equal("min_distance", new FrameFilter(new FilterOptions { MinRatio = 0.8, MinDistance = 0.7 }).Check(h2)!.Code);
    }

    [Fact]
    public void Max_force_is_the_norm_not_a_component()
    {
        var lattice = Lattice.Orthorhombic(10, 10, 10);
        var f = new Frame([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 2.5, 2.5, 2.5], lattice)
        {
            Energy = -10,
            Forces = [0.6, 0.6, 0.6, -0.6, -0.6, -0.6],
        };
        // Every component is below 1 eV/Å but |F| = 0.6·√3 = 1.039 eV/Å.
        Assert.Equal(0.6 * Math.Sqrt(3), FrameFilter.MaxForce(f)!.Value.Norm, 12);
        var reason = new FrameFilter(new FilterOptions { MaxForce = 1.0 }).Check(f)!;
        Assert.Equal("max_force", reason.Code);
        Assert.Contains("1.03923", reason.Detail);
        Assert.Null(new FrameFilter(new FilterOptions { MaxForce = 1.05 }).Check(f));
        // A frame without forces passes a force limit (use --require forces to reject it).
        f.Forces = null;
        Assert.Null(new FrameFilter(new FilterOptions { MaxForce = 1.0 }).Check(f));
        Assert.Equal("missing_forces", new FrameFilter(new FilterOptions { MaxForce = 1.0, Require = RequiredLabels.Forces }).Check(f)!.Code);
    }

    [Fact]
    public void Non_finite_values_are_always_rejected()
    {
        var lattice = Lattice.Orthorhombic(10, 10, 10);
        Frame Make() => new([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 2.5, 2.5, 2.5], lattice)
        {
            Energy = -10,
            Forces = [0.1, 0, 0, -0.1, 0, 0],
            Virial = Mat3.Diagonal(1, 1, 1),
        };
        var filter = new FrameFilter(new FilterOptions());
        Assert.Null(filter.Check(Make()));
        var f = Make();
        f.Positions[4] = double.NaN;
        Assert.Equal("non_finite", filter.Check(f)!.Code);
        Assert.Contains("atom 1", filter.Check(f)!.Detail);
        f = Make();
        f.Forces![0] = double.PositiveInfinity;
        Assert.Equal("non_finite", filter.Check(f)!.Code);
        f = Make();
        f.Energy = double.NaN;
        Assert.Equal("non_finite", filter.Check(f)!.Code);
        f = Make();
        f.Virial = new Mat3(1, double.NaN, 0, 0, 1, 0, 0, 0, 1);
        Assert.Equal("non_finite", filter.Check(f)!.Code);

        // NaN written by the extxyz writer reads back as NaN and is caught.
        var text = ExtXyzWriter.WriteString([f]);
        Assert.Equal("non_finite", filter.Check(ExtXyzReader.ReadString(text, "nan.xyz", new ExtXyzReadOptions { AllowNonFinite = true })[0])!.Code);
        Assert.Throws<NepForge.IO.ParseException>(() => ExtXyzReader.ReadString(text));
    }

    [Fact]
    public void Required_labels()
    {
        var f = new Frame([Elements.Get("Si")], [0, 0, 0], Lattice.Orthorhombic(5, 5, 5)) { Energy = -5, Forces = [0, 0, 0] };
        Assert.Null(new FrameFilter(new FilterOptions { Require = RequiredLabels.Energy | RequiredLabels.Forces }).Check(f));
        Assert.Equal("missing_virial", new FrameFilter(new FilterOptions { Require = RequiredLabels.Virial }).Check(f)!.Code);
        f.Energy = null;
        Assert.Equal("missing_energy", new FrameFilter(new FilterOptions { Require = RequiredLabels.Energy | RequiredLabels.Virial }).Check(f)!.Code);
    }

    static Frame WithEnergy(string formula, int copies, double perAtom)
    {
        // formula like "PbTe": one atom of each, repeated.
        var el = new List<Element>();
        for (int c = 0; c < copies; c++)
        {
            foreach (var s in formula == "PbTe" ? new[] { "Pb", "Te" } : [formula])
                el.Add(Elements.Get(s));
        }
        var pos = new double[3 * el.Count];
        for (int i = 0; i < el.Count; i++)
            new Vec3(3.2 * (i % 4), 3.2 * (i / 4 % 4), 3.2 * (i / 16)).Store(pos, i);
        return new Frame(el.ToArray(), pos, Lattice.Orthorhombic(12.8, 12.8, 12.8 * Math.Max(1, el.Count / 16))) { Energy = perAtom * el.Count };
    }

    [Fact]
    public void Robust_zscore_flags_an_injected_outlier_per_composition()
    {
        var rng = new Random(9);
        var frames = new List<Frame>();
        // PbTe near −3.75 eV/atom (two cell sizes: same reduced composition), Si near −5.42 eV/atom.
        for (int k = 0; k < 30; k++)
            frames.Add(WithEnergy("PbTe", k % 2 == 0 ? 16 : 32, -3.75 + 0.01 * (rng.NextDouble() - 0.5)));
        for (int k = 0; k < 30; k++)
            frames.Add(WithEnergy("Si", 16, -5.42 + 0.01 * (rng.NextDouble() - 0.5)));
        // The outlier: a PbTe frame 0.2 eV/atom too high. A Si frame at the PbTe energy would be an outlier among Si;
        // a PbTe frame at −3.75 is not, whatever the Si frames say.
        frames.Insert(17, WithEnergy("PbTe", 16, -3.55));
        frames.Insert(40, WithEnergy("Si", 16, -3.75));

        var stats = new CompositionEnergyStatistics();
        foreach (var f in frames)
            stats.Add(f);
        Assert.Equal(2, stats.Groups.Count);
        Assert.Equal(31, stats.Group("Te1Pb1")!.Count);
        Assert.Equal(31, stats.Group("Si1")!.Count);
        Assert.InRange(stats.Group("Te1Pb1")!.Median, -3.755, -3.745);
        Assert.InRange(stats.Group("Si1")!.Sigma, 0.001, 0.005); // the outliers do not inflate the robust σ

        var filter = new FrameFilter(new FilterOptions { EnergyZScore = 5 }, stats);
        var rejected = frames.Select((f, i) => (i, r: filter.Check(f))).Where(x => x.r is not null).ToList();
        Assert.Equal([17, 40], rejected.Select(x => x.i));
        Assert.All(rejected, x => Assert.Equal("energy_zscore", x.r!.Code));
        Assert.Contains("Te1Pb1", rejected[0].r!.Detail);
    }

    [Fact]
    public void Zscore_with_zero_mad_falls_back_to_mean_deviation_and_small_groups_are_not_judged()
    {
        var stats = new CompositionEnergyStatistics();
        // 6 identical energies and one different: MAD = 0, mean absolute deviation = 0.1/7.
        for (int k = 0; k < 6; k++)
            stats.Add(WithEnergy("Si", 16, -5.0));
        var odd = WithEnergy("Si", 16, -4.9);
        stats.Add(odd);
        // Two Cu frames far apart: too few to say which is wrong.
        var cu1 = WithEnergy("Cu", 16, -3.7);
        var cu2 = WithEnergy("Cu", 16, -1.0);
        stats.Add(cu1);
        stats.Add(cu2);
        var g = stats.Group("Si1")!;
        Assert.Equal(0, g.Mad);
        Assert.Equal(1.2533 * 0.1 / 7, g.Sigma, 9);
        Assert.Equal(0.1 / (1.2533 * 0.1 / 7), stats.ZScore(odd)!.Value, 6);
        Assert.Equal(0, stats.ZScore(WithEnergy("Si", 16, -5.0)));
        Assert.Null(stats.ZScore(cu2));
        Assert.Null(stats.ZScore(new Frame([Elements.Get("Si")], [0, 0, 0], null)));
        Assert.Throws<ArgumentException>(() => new FrameFilter(new FilterOptions { EnergyZScore = 3 }));
    }

    [Fact]
    public void Reduced_composition()
    {
        Assert.Equal("Te1Pb1", CompositionEnergyStatistics.ReducedComposition(WithEnergy("PbTe", 125, -1)));
        Assert.Equal("Si1", CompositionEnergyStatistics.ReducedComposition(WithEnergy("Si", 64, -1)));
        var water = new Frame([Elements.Get("O"), Elements.Get("H"), Elements.Get("H"), Elements.Get("O"), Elements.Get("H"), Elements.Get("H")], new double[18], null);
        Assert.Equal("H2O1", CompositionEnergyStatistics.ReducedComposition(water));
    }

    [Fact]
    public void Options_are_checked_and_tally_counts_per_reason()
    {
        Assert.Throws<ArgumentException>(() => new FrameFilter(new FilterOptions { MinDistance = -1 }));
        Assert.Throws<ArgumentException>(() => new FrameFilter(new FilterOptions { MaxForce = double.NaN }));
        var tally = new FilterTally();
        tally.Add(null);
        tally.Add(new RejectReason("max_force", "x"));
        tally.Add(new RejectReason("min_distance", "y"));
        tally.Add(new RejectReason("max_force", "z"));
        Assert.Equal(1, tally.Kept);
        Assert.Equal(3, tally.Rejected);
        Assert.Equal(["max_force", "min_distance"], tally.ByReason.Select(kv => kv.Key));
        Assert.Equal(2, tally["max_force"]);
        Assert.Equal("max_force: x", new RejectReason("max_force", "x").ToString());
    }

    [FixtureFact]
    public void Max_force_on_the_gpumd_training_set()
    {
        // train.xyz (25 PbTe frames): the largest |F| is 2.65 eV/Å, in frame 21; frames 13, 14, 18, 19 are nearly relaxed.
        var frames = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/nep_train/train.xyz")).ToList();
        var filter = new FrameFilter(new FilterOptions { MaxForce = 2.5, MinRatio = 0.9 });
        var rejected = frames.Select((f, i) => (i, r: filter.Check(f))).Where(x => x.r is not null).ToList();
        var single = Assert.Single(rejected);
        Assert.Equal(21, single.i);
        Assert.Equal("max_force", single.r!.Code);
        Assert.Equal(4, frames.Count(f => FrameFilter.MaxForce(f)!.Value.Norm < 0.15));
        // Closest Pb–Te contact over the set: 2.718 Å (0.957 × the sum of covalent radii 1.46 + 1.38), frame 21.
        var closest = frames.Select(f => FrameFilter.FindCloseContact(f, null, 1.2)!.Value).MinBy(c => c.Ratio);
        Assert.Equal(2.718, closest.Distance, 3);
        Assert.Equal(0.957, closest.Distance / (1.46 + 1.38), 3);
    }
}
