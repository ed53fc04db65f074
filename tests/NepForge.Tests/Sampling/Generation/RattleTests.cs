using NepForge.Sampling.Generation;

namespace NepForge.Tests.Sampling.Generation;

public class RattleTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(4.5, 0.9999999998033839)]
    [InlineData(-1.3, -0.9340079449406524)]
    public void Erf_matches_reference_values(double x, double expected)
    {
        Assert.Equal(expected, Rattler.Erf(x), 1.5e-15);
    }

    [Fact]
    public void Acceptance_is_hiphives_error_function()
    {
        Assert.Equal(0.5, Rattler.AcceptanceProbability(0, 0.1), 15);
        Assert.Equal((1 + 0.8427007929497149) / 2, Rattler.AcceptanceProbability(0.1, 0.1), 14);
        Assert.Equal((1 - 0.8427007929497149) / 2, Rattler.AcceptanceProbability(-0.1, 0.1), 14);
        Assert.Equal(1, Rattler.AcceptanceProbability(0.6, 0.1));
        Assert.True(Rattler.AcceptanceProbability(-0.3, 0.1) < 2e-5);
        Assert.Equal(1, Rattler.AcceptanceProbability(0, 0));
        Assert.Equal(0, Rattler.AcceptanceProbability(-1e-9, 0));
    }

    [Fact]
    public void Far_from_d_min_every_move_is_accepted_and_atoms_random_walk_with_std()
    {
        // d_min 1.0 Å against 2.35 Å bonds: acceptance is 1, so after N sweeps each component is N(0, N·std²).
        const double std = 0.02;
        const int iterations = 9;
        var input = PerturbTestFrames.DiamondSi(2); // 64 atoms
        var rattler = new Rattler(new RattleOptions { Std = std, MinDistance = new DistanceGuard(minDistance: 1.0), Iterations = iterations });
        var comps = new List<double>();
        foreach (var r in rattler.Rattle(input, seed: 31, frameIndex: 0, count: 60))
        {
            Assert.Equal(input.AtomCount * iterations, r.Attempts); // no trial was ever rejected
            Assert.Equal(input.Lattice, r.Frame.Lattice);
            for (int k = 0; k < r.Frame.Positions.Length; k++)
                comps.Add(r.Frame.Positions[k] - input.Positions[k]);
        }
        double expected = std * Math.Sqrt(iterations);
        Assert.True(Math.Abs(comps.Average()) < 4 * expected / Math.Sqrt(comps.Count));
        Assert.InRange(Math.Sqrt(PerturbTestFrames.Variance(comps)) / expected, 0.98, 1.02);
    }

    [Fact]
    public void A_hard_wall_keeps_every_pair_at_least_d_min_apart_in_a_skewed_cell()
    {
        // Width 0: a move below d_min is never accepted. Small skewed cell: several images of each atom are in reach.
        var input = PerturbTestFrames.SkewedSiC();
        double dMin = PerturbTestFrames.MinDistance(input) - 0.05;
        var rattler = new Rattler(new RattleOptions { Std = 0.15, MinDistance = new DistanceGuard(minDistance: dMin), Width = 0, Iterations = 20 });
        var results = rattler.Rattle(input, seed: 3, frameIndex: 0, count: 40);
        foreach (var r in results)
            Assert.True(PerturbTestFrames.MinDistance(r.Frame) >= dMin, $"min {PerturbTestFrames.MinDistance(r.Frame)} < {dMin}");
        Assert.True(results.Sum(r => r.Attempts) > input.AtomCount * 20 * 40); // some moves were rejected
    }

    [Fact]
    public void The_soft_wall_allows_only_small_violations_as_hiphive_does()
    {
        // d_min just below the bond length with large trial moves: many trials land inside d_min and the erf decides.
        const double width = 0.1;
        var input = PerturbTestFrames.DiamondSi(1);
        const double dMin = 2.3;
        var rattler = new Rattler(new RattleOptions { Std = 0.1, MinDistance = new DistanceGuard(minDistance: dMin), Width = width, Iterations = 10 });
        var mins = rattler.Rattle(input, seed: 17, frameIndex: 0, count: 100).Select(r => PerturbTestFrames.MinDistance(r.Frame)).ToList();
        // P(accept) at d_min − 4·width is 8e-9: never seen.
        Assert.All(mins, m => Assert.True(m > dMin - 4 * width, $"min distance {m}"));
        // ... while distances somewhat below d_min do occur (P = 0.08 at d_min − width), unlike a hard wall.
        Assert.Contains(mins, m => m < dMin);
        // The same run with a hard wall has none.
        var hard = new Rattler(rattler.Options with { Width = 0 }).Rattle(input, 17, 0, 30);
        Assert.All(hard, r => Assert.True(PerturbTestFrames.MinDistance(r.Frame) >= dMin));
    }

    [Fact]
    public void Per_pair_minimum_distances_apply_per_element_pair()
    {
        var input = PerturbTestFrames.SkewedSiC();
        var si = NepForge.Structures.Elements.Get("Si");
        double siSi = PerturbTestFrames.MinGap(input, (a, b) => a == si && b == si ? 0 : -100);
        double ratio = 0.6;
        var guard = new DistanceGuard(minRatio: ratio, pairs: [new PairMinimum(si, si, siSi - 0.05)]);
        Assert.True(guard.Threshold(si, si) > ratio * 2 * si.CovalentRadius); // the explicit pair is the stricter rule here
        Assert.True(PerturbTestFrames.MinGap(input, guard.Threshold) >= 0); // the input respects it
        var rattler = new Rattler(new RattleOptions { Std = 0.1, MinDistance = guard, Width = 0, Iterations = 10 });
        foreach (var r in rattler.Rattle(input, 5, 0, 30))
            Assert.True(PerturbTestFrames.MinGap(r.Frame, guard.Threshold) >= 0);
    }

    [Fact]
    public void The_neighbour_list_follows_atoms_that_travel_far()
    {
        // Big moves with a max displacement of 2 Å: atoms move past the skin many times (list rebuilt, long trials
        // scanned in full) and the hard wall must hold throughout.
        var input = PerturbTestFrames.DiamondSi(2);
        var rattler = new Rattler(new RattleOptions { Std = 0.3, MinDistance = new DistanceGuard(minDistance: 1.9), Width = 0, Iterations = 15 });
        foreach (var r in rattler.Rattle(input, 2, 0, 6))
        {
            Assert.True(PerturbTestFrames.MinDistance(r.Frame) >= 1.9);
            Assert.True(r.MaxDisplacement <= 2.0 + 1e-12);
            Assert.True(r.RmsDisplacement > 0.5);
        }
    }

    [Fact]
    public void Max_displacement_bounds_every_atom()
    {
        var input = PerturbTestFrames.DiamondSi(1);
        var rattler = new Rattler(new RattleOptions { Std = 0.2, MinDistance = new DistanceGuard(minDistance: 0.5), Iterations = 30, MaxDisplacement = 0.3 });
        foreach (var r in rattler.Rattle(input, 4, 0, 10))
        {
            for (int i = 0; i < input.AtomCount; i++)
                Assert.True((r.Frame.Position(i) - input.Position(i)).Length <= 0.3);
        }
    }

    [Fact]
    public void An_impossible_d_min_fails_naming_frame_and_atom()
    {
        var input = PerturbTestFrames.DiamondSi(1);
        var rattler = new Rattler(new RattleOptions { Std = 0.05, MinDistance = new DistanceGuard(minDistance: 4.0), MaxAttempts = 50 });
        var e = Assert.Throws<InvalidOperationException>(() => rattler.Rattle(input, 1, frameIndex: 2, count: 2));
        Assert.Contains("frame 3", e.Message);
        Assert.Contains("atom 1 (Si)", e.Message);
        Assert.Contains("50 attempts", e.Message);
    }

    [Fact]
    public void Labels_dropped_seed_and_settings_recorded_and_the_seed_remakes_the_structure()
    {
        var input = PerturbTestFrames.DiamondSi(1);
        var rattler = new Rattler(new RattleOptions { Std = 0.03, MinDistance = new DistanceGuard(minDistance: 2.0) });
        var results = rattler.Rattle(input, seed: 7, frameIndex: 1, count: 3);
        for (int k = 0; k < results.Count; k++)
        {
            var f = results[k].Frame;
            Assert.False(f.HasLabels);
            Assert.Null(f.Velocities);
            Assert.Equal("diamond_rattled", f.Info.ConfigType);
            Assert.Equal(PerturbRandom.DeriveSeed(7, 1, k), f.Info.Seed);
            Assert.Equal("diamond.xyz", f.Info.SourceFile);
            Assert.Equal(3, f.Info.SourceIndex);
            Assert.Equal("0.03", f.Info.GetExtra(Rattler.StdKey));
            Assert.Equal("2", f.Info.GetExtra(Rattler.MinDistanceKey));
            Assert.Equal("0.1", f.Info.GetExtra(Rattler.WidthKey));
            Assert.Equal("10", f.Info.GetExtra(Rattler.IterationsKey));
            Assert.True(rattler.Rattle(input, f.Info.Seed!.Value).Frame.ContentEquals(f));
        }
        Assert.True(input.HasLabels);
        var again = rattler.Rattle(input, 7, 1, 3);
        Assert.All(results.Zip(again), x => Assert.True(x.First.Frame.ContentEquals(x.Second.Frame)));
        var other = rattler.Rattle(input, 8, 1, 3);
        Assert.All(results.Zip(other), x => Assert.False(x.First.Frame.Positions.AsSpan().SequenceEqual(x.Second.Frame.Positions)));
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new Rattler(new RattleOptions { Std = 0.1 })); // no d_min
        Assert.Throws<ArgumentException>(() => new Rattler(new RattleOptions { Std = 0, MinDistance = new DistanceGuard(2) }));
        Assert.Throws<ArgumentException>(() => new Rattler(new RattleOptions { Std = 0.1, MinDistance = new DistanceGuard(2), Width = -1 }));
        Assert.Throws<ArgumentException>(() => new Rattler(new RattleOptions { Std = 0.1, MinDistance = new DistanceGuard(2), Iterations = 0 }));
    }
}
