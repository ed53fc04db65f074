using NepForge.Sampling.Generation;
using NepForge.Structures;

namespace NepForge.Tests.Sampling.Generation;

/// <summary>Structures for the perturb and rattle tests, and a brute-force minimum distance.</summary>
static class PerturbTestFrames
{
    /// <summary>Diamond Si (a = 5.43 Å) repeated n×n×n, labelled with made-up energy, forces and virial.</summary>
    public static Frame DiamondSi(int n = 1, double a = 5.43)
    {
        Vec3[] basis =
        [
            new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0),
            new(0.25, 0.25, 0.25), new(0.25, 0.75, 0.75), new(0.75, 0.25, 0.75), new(0.75, 0.75, 0.25),
        ];
        var lattice = Lattice.Orthorhombic(n * a, n * a, n * a);
        var positions = new List<double>();
        for (int x = 0; x < n; x++)
            for (int y = 0; y < n; y++)
                for (int z = 0; z < n; z++)
                    foreach (var b in basis)
                    {
                        var r = lattice.ToCartesian(new Vec3((b.X + x) / n, (b.Y + y) / n, (b.Z + z) / n));
                        positions.AddRange([r.X, r.Y, r.Z]);
                    }
        int atoms = positions.Count / 3;
        var si = Elements.Get("Si");
        return Labelled(new Frame(Enumerable.Repeat(si, atoms).ToArray(), [.. positions], lattice), "diamond");
    }

    /// <summary>A small, strongly skewed triclinic SiC cell (widths below 2×5 Å) with 6 atoms.</summary>
    public static Frame SkewedSiC()
    {
        var lattice = new Lattice(new Vec3(4.1, 0, 0), new Vec3(2.3, 3.9, 0), new Vec3(1.7, -1.2, 3.6));
        Vec3[] fractional = [new(0, 0, 0), new(0.5, 0.1, 0.3), new(0.2, 0.6, 0.1), new(0.7, 0.5, 0.6), new(0.1, 0.3, 0.7), new(0.6, 0.9, 0.9)];
        string[] symbols = ["Si", "C", "Si", "C", "Si", "C"];
        var pos = new double[18];
        for (int i = 0; i < 6; i++)
            lattice.ToCartesian(fractional[i]).Store(pos, i);
        return Labelled(new Frame(symbols.Select(Elements.Get).ToArray(), pos, lattice), "skewed");
    }

    /// <summary>A slab: 2×2×1 diamond Si with 12 Å of vacuum along z (c ∥ z).</summary>
    public static Frame Slab()
    {
        var bulk = DiamondSi(1);
        var positions = new List<double>();
        var a = 5.43;
        for (int x = 0; x < 2; x++)
            for (int y = 0; y < 2; y++)
                for (int i = 0; i < bulk.AtomCount; i++)
                    positions.AddRange([bulk.Positions[3 * i] + x * a, bulk.Positions[3 * i + 1] + y * a, bulk.Positions[3 * i + 2]]);
        var lattice = new Lattice(new Vec3(2 * a, 0, 0), new Vec3(0.3, 2 * a, 0), new Vec3(0, 0, a + 12));
        var si = Elements.Get("Si");
        return Labelled(new Frame(Enumerable.Repeat(si, positions.Count / 3).ToArray(), [.. positions], lattice), "slab");
    }

    static Frame Labelled(Frame f, string configType)
    {
        f.Energy = -5.4 * f.AtomCount;
        f.Forces = Enumerable.Range(0, 3 * f.AtomCount).Select(i => 0.01 * (i % 7 - 3)).ToArray();
        f.Virial = Mat3.Diagonal(0.1, 0.2, 0.3);
        f.Info.ConfigType = configType;
        f.Info.EnergyKind = "free_energy";
        f.Info.SourceFile = configType + ".xyz";
        f.Info.SourceIndex = 3;
        f.Arrays.Add(PerAtomArray.Real("vel", 3, new double[3 * f.AtomCount]));
        return f;
    }

    /// <summary>
    /// min over pairs (and every periodic image, an atom and its own images included) of distance − threshold, by
    /// brute force over explicit lattice shifts (no neighbour search).
    /// </summary>
    public static double MinGap(Frame f, Func<Element, Element, double> threshold, double reach = 8)
    {
        double best = double.PositiveInfinity;
        var lattice = f.Lattice;
        int na = 0, nb = 0, nc = 0;
        if (lattice is not null)
        {
            var w = lattice.PerpendicularWidths;
            // Positions may sit up to a cell outside [0, 1): two extra shells.
            na = (int)Math.Ceiling(reach / w.X) + 2;
            nb = (int)Math.Ceiling(reach / w.Y) + 2;
            nc = (int)Math.Ceiling(reach / w.Z) + 2;
        }
        for (int i = 0; i < f.AtomCount; i++)
        {
            for (int j = i; j < f.AtomCount; j++)
            {
                double t = threshold(f.Elements[i], f.Elements[j]);
                for (int a = -na; a <= na; a++)
                    for (int b = -nb; b <= nb; b++)
                        for (int c = -nc; c <= nc; c++)
                        {
                            if (i == j && a == 0 && b == 0 && c == 0)
                                continue;
                            var shift = lattice is null ? Vec3.Zero : lattice.ToCartesian(new Vec3(a, b, c));
                            double d = (f.Position(j) + shift - f.Position(i)).Length;
                            best = Math.Min(best, d - t);
                        }
            }
        }
        return best;
    }

    /// <summary>The smallest interatomic distance, brute force.</summary>
    public static double MinDistance(Frame f) => MinGap(f, (_, _) => 0);

    public static double Variance(IReadOnlyList<double> x)
    {
        double mean = x.Average();
        return x.Sum(v => (v - mean) * (v - mean)) / (x.Count - 1);
    }
}

public class PerturbTests
{
    static readonly (int I, int J)[] Components = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];

    [Fact]
    public void Uniform_strain_components_follow_the_uniform_distribution_and_are_symmetric()
    {
        const double f = 0.06;
        const int n = 40000;
        var rng = new PerturbRandom(12345);
        var strains = Enumerable.Range(0, n).Select(_ => Perturber.DrawStrain(rng, f, StrainDistribution.Uniform)).ToList();
        foreach (var e in strains)
        {
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    Assert.Equal(e[i, j], e[j, i]);
        }
        double sigma = f / Math.Sqrt(3);
        foreach (var (i, j) in Components)
        {
            var x = strains.Select(e => e[i, j]).ToList();
            Assert.All(x, v => Assert.InRange(v, -f, f));
            Assert.True(Math.Abs(x.Average()) < 3 * sigma / Math.Sqrt(n), $"ε{i}{j} mean {x.Average()}");
            // Var = f²/3; the sample variance of a uniform has relative standard error √(4/5)/√n ≈ 0.45 %.
            Assert.InRange(PerturbTestFrames.Variance(x) / (f * f / 3), 0.97, 1.03);
            // The whole range is used: both ends are approached.
            Assert.True(x.Max() > 0.99 * f && x.Min() < -0.99 * f);
        }
        // Components are independent: the correlation of εxx and εxy is ~0.
        var xx = strains.Select(e => e.M00).ToArray();
        var xy = strains.Select(e => e.M01).ToArray();
        double corr = xx.Zip(xy, (a, b) => a * b).Average() / (f * f / 3);
        Assert.True(Math.Abs(corr) < 4 / Math.Sqrt(n), $"corr {corr}");
    }

    [Fact]
    public void Normal_strain_components_have_the_requested_standard_deviation()
    {
        const double f = 0.02;
        const int n = 40000;
        var rng = new PerturbRandom(777);
        var strains = Enumerable.Range(0, n).Select(_ => Perturber.DrawStrain(rng, f, StrainDistribution.Normal)).ToList();
        foreach (var (i, j) in Components)
        {
            var x = strains.Select(e => e[i, j]).ToList();
            Assert.True(Math.Abs(x.Average()) < 3 * f / Math.Sqrt(n));
            Assert.InRange(Math.Sqrt(PerturbTestFrames.Variance(x)) / f, 0.98, 1.02);
            // Gaussian tails: about 4.6 % beyond 2σ (a uniform would have none).
            double tail = x.Count(v => Math.Abs(v) > 2 * f) / (double)n;
            Assert.InRange(tail, 0.040, 0.051);
        }
    }

    [Fact]
    public void Cell_only_keeps_fractional_coordinates_and_applies_lattice_times_I_plus_eps()
    {
        var input = PerturbTestFrames.SkewedSiC();
        var p = new Perturber(new PerturbOptions { Cell = 0.06, DisplacementDistribution = DisplacementDistribution.None });
        foreach (var r in p.Perturb(input, seed: 5, frameIndex: 0, count: 50))
        {
            var l0 = input.Lattice!;
            var l1 = r.Frame.Lattice!;
            var expected = l0.Matrix * (Mat3.Identity + r.Strain);
            Assert.True(Mat3.MaxAbsDifference(expected, l1.Matrix) < 1e-13);
            Assert.Equal(l0.Pbc, l1.Pbc);
            for (int i = 0; i < input.AtomCount; i++)
            {
                var f0 = l0.ToFractional(input.Position(i));
                var f1 = l1.ToFractional(r.Frame.Position(i));
                Assert.True((f1 - f0).Length < 1e-12, $"atom {i}: {f0} → {f1}");
            }
            Assert.Equal(0, r.MaxDisplacement);
            // The strain recorded in the frame is the one applied.
            var recorded = r.Frame.Info.GetExtra(Perturber.CellKey)!.Split(' ').Select(double.Parse).ToArray();
            Assert.Equal(r.Strain.ToArray(), recorded);
            Assert.Equal("0", r.Frame.Info.GetExtra(Perturber.DisplacementKey));
            Assert.Equal("none", r.Frame.Info.GetExtra(Perturber.DisplacementDistributionKey));
        }
    }

    [Fact]
    public void Axes_xy_strains_only_in_plane_and_leaves_c_and_every_z_unchanged()
    {
        var slab = PerturbTestFrames.Slab();
        var p = new Perturber(new PerturbOptions { Cell = 0.06, Axes = StrainAxes.XY, DisplacementDistribution = DisplacementDistribution.None });
        var results = p.Perturb(slab, seed: 9, frameIndex: 0, count: 200);
        foreach (var r in results)
        {
            var e = r.Strain;
            Assert.Equal(0, e.M22);
            Assert.Equal(0, e.M02);
            Assert.Equal(0, e.M12);
            Assert.Equal(0, e.M20);
            Assert.Equal(0, e.M21);
            Assert.Equal(slab.Lattice![2], r.Frame.Lattice![2]); // c ∥ z: unchanged bit for bit
            Assert.Equal(slab.Lattice[0].Z, r.Frame.Lattice[0].Z);
            for (int i = 0; i < slab.AtomCount; i++)
                Assert.Equal(slab.Positions[3 * i + 2], r.Frame.Positions[3 * i + 2]);
        }
        // The in-plane components are really drawn, over the whole range.
        Assert.True(results.Max(r => Math.Abs(r.Strain.M00)) > 0.05);
        Assert.True(results.Max(r => Math.Abs(r.Strain.M11)) > 0.05);
        Assert.True(results.Max(r => Math.Abs(r.Strain.M01)) > 0.03);
        Assert.All(results, r => Assert.Equal(r.Strain.M01, r.Strain.M10));
    }

    // Issue 13, point 5: "--cell 0.06" drew all six components in ±6 %, so principal strains reached ±12 % and lattice
    // lengths 8.8 %. The default now bounds what the user means; dpdata's and the old draw have their own names.
    static double[] Eigenvalues(Mat3 m)
    {
        // Symmetric 3×3: the trigonometric solution of the characteristic cubic.
        double p1 = m.M01 * m.M01 + m.M02 * m.M02 + m.M12 * m.M12;
        double q = (m.M00 + m.M11 + m.M22) / 3;
        double p2 = Math.Pow(m.M00 - q, 2) + Math.Pow(m.M11 - q, 2) + Math.Pow(m.M22 - q, 2) + 2 * p1;
        double p = Math.Sqrt(p2 / 6);
        if (p < 1e-300)
            return [m.M00, m.M11, m.M22];
        var b = (1 / p) * (m + (-q) * Mat3.Identity);
        double r = Math.Clamp(b.Determinant / 2, -1, 1);
        double phi = Math.Acos(r) / 3;
        double e1 = q + 2 * p * Math.Cos(phi), e3 = q + 2 * p * Math.Cos(phi + 2 * Math.PI / 3);
        return [e1, 3 * q - e1 - e3, e3];
    }

    static double MaxLengthChange(Frame before, Frame after) =>
        Enumerable.Range(0, 3).Max(k => Math.Abs(after.Lattice![k].Length / before.Lattice![k].Length - 1));

    [Theory]
    [InlineData(CellMode.Principal)]
    [InlineData(CellMode.Dpdata)]
    [InlineData(CellMode.FullTensor)]
    public void Cell_modes_bound_what_they_say_over_a_thousand_draws(CellMode mode)
    {
        const double F = 0.06;
        var input = new Frame([Elements.Get("Si"), Elements.Get("O")], [0, 0, 0, 1, 1.2, 1.3],
            new Lattice(new Vec3(5, 0, 0), new Vec3(1.2, 4.6, 0), new Vec3(-0.8, 0.9, 6.1)));
        var p = new Perturber(new PerturbOptions { Cell = F, CellMode = mode, DisplacementDistribution = DisplacementDistribution.None });
        var results = p.Perturb(input, seed: 13, frameIndex: 0, count: 1000);
        double maxPrincipal = results.Max(r => Eigenvalues(r.Strain).Max(Math.Abs));
        double maxLength = results.Max(r => MaxLengthChange(input, r.Frame));
        double maxDiagonal = results.Max(r => new[] { r.Strain.M00, r.Strain.M11, r.Strain.M22 }.Max(Math.Abs));
        double maxOff = results.Max(r => new[] { r.Strain.M01, r.Strain.M02, r.Strain.M12 }.Max(Math.Abs));
        Assert.All(results, r => Assert.Equal(PerturbOptions.Name(mode), r.Frame.Info.GetExtra(Perturber.CellModeKey)));
        Assert.All(results, r => Assert.Equal("0.06", r.Frame.Info.GetExtra(Perturber.CellAmplitudeKey)));
        switch (mode)
        {
            case CellMode.Principal:
                Assert.InRange(maxPrincipal, 0.058, F + 1e-12);
                Assert.InRange(maxLength, 0.05, F + 1e-12);
                break;
            case CellMode.Dpdata:
                Assert.InRange(maxDiagonal, 0.059, F);
                Assert.InRange(maxOff, 0.029, F / 2);
                break;
            default:
                Assert.InRange(maxDiagonal, 0.059, F);
                Assert.InRange(maxOff, 0.059, F);
                Assert.True(maxPrincipal > 0.09, $"the full tensor's principal strains reach {maxPrincipal}");
                Assert.True(maxLength > F, $"the full tensor changes lattice lengths by up to {maxLength}");
                break;
        }
    }

    [Fact]
    public void Principal_mode_is_the_default_and_parses_by_name()
    {
        Assert.Equal(CellMode.Principal, new PerturbOptions().CellMode);
        Assert.Equal(CellMode.Dpdata, PerturbOptions.ParseCellMode("dpdata"));
        Assert.Equal(CellMode.FullTensor, PerturbOptions.ParseCellMode("full-tensor"));
        Assert.Throws<FormatException>(() => PerturbOptions.ParseCellMode("diagonal"));
    }

    [Fact]
    public void Axes_parse_and_reject_nonsense()
    {
        Assert.Equal(StrainAxes.XY, PerturbOptions.ParseAxes("xy"));
        Assert.Equal(StrainAxes.XY, PerturbOptions.ParseAxes("YX"));
        Assert.Equal(StrainAxes.XYZ, PerturbOptions.ParseAxes("xyz"));
        Assert.Equal(StrainAxes.Z, PerturbOptions.ParseAxes("z"));
        Assert.Throws<FormatException>(() => PerturbOptions.ParseAxes("xw"));
        Assert.Throws<FormatException>(() => PerturbOptions.ParseAxes(""));
    }

    [Fact]
    public void Ball_displacements_are_uniform_in_the_ball_volume()
    {
        const double d = 0.1;
        var input = PerturbTestFrames.DiamondSi(3); // 216 atoms
        var p = new Perturber(new PerturbOptions { Cell = 0, Displacement = d, DisplacementDistribution = DisplacementDistribution.Ball });
        var radii = new List<double>();
        var sum = Vec3.Zero;
        double sumZ2 = 0;
        foreach (var r in p.Perturb(input, seed: 3, frameIndex: 0, count: 100))
        {
            Assert.Equal(input.Lattice, r.Frame.Lattice);
            for (int i = 0; i < input.AtomCount; i++)
            {
                var delta = r.Frame.Position(i) - input.Position(i);
                radii.Add(delta.Length);
                sum += delta;
                sumZ2 += delta.Z * delta.Z;
            }
        }
        int n = radii.Count; // 21600
        Assert.All(radii, x => Assert.True(x <= d * (1 + 1e-12), $"|δ| = {x} > {d}"));
        // P(r ≤ d/2) = (1/2)³ = 1/8 for a uniform ball (a sphere shell would give 0, a uniform radius 1/2).
        double inner = radii.Count(x => x <= d / 2) / (double)n;
        Assert.True(Math.Abs(inner - 0.125) < 4 * Math.Sqrt(0.125 * 0.875 / n), $"fraction within d/2: {inner}");
        // r³/d³ is uniform in [0, 1): mean 1/2, variance 1/12.
        var u = radii.Select(x => Math.Pow(x / d, 3)).ToList();
        Assert.True(Math.Abs(u.Average() - 0.5) < 4 * Math.Sqrt(1.0 / 12 / n));
        Assert.InRange(PerturbTestFrames.Variance(u) * 12, 0.96, 1.04);
        // Isotropic: no mean drift; ⟨δz²⟩ = d²/5 for a uniform ball.
        Assert.True((sum * (1.0 / n)).Length < 4 * d / Math.Sqrt(5 * n));
        Assert.InRange(sumZ2 / n / (d * d / 5), 0.96, 1.04);
    }

    [Fact]
    public void Normal_displacements_have_sigma_per_component()
    {
        const double d = 0.05;
        var input = PerturbTestFrames.DiamondSi(3);
        var p = new Perturber(new PerturbOptions { Cell = 0, Displacement = d, DisplacementDistribution = DisplacementDistribution.Normal });
        var comps = new List<double>();
        foreach (var r in p.Perturb(input, seed: 4, frameIndex: 0, count: 50))
        {
            for (int k = 0; k < r.Frame.Positions.Length; k++)
                comps.Add(r.Frame.Positions[k] - input.Positions[k]);
        }
        Assert.True(Math.Abs(comps.Average()) < 4 * d / Math.Sqrt(comps.Count));
        Assert.InRange(Math.Sqrt(PerturbTestFrames.Variance(comps)) / d, 0.985, 1.015);
        Assert.Contains(comps, c => Math.Abs(c) > 3 * d); // unbounded, unlike the ball
    }

    [Fact]
    public void Strain_then_displacement_equals_fractional_map_plus_delta()
    {
        // Atoms follow the cell, then move: r' = r·(I+ε) + δ with |δ| ≤ d.
        var input = PerturbTestFrames.SkewedSiC();
        var p = new Perturber(new PerturbOptions { Cell = 0.05, Displacement = 0.08 });
        foreach (var r in p.Perturb(input, seed: 11, frameIndex: 2, count: 30))
        {
            var f = Mat3.Identity + r.Strain;
            for (int i = 0; i < input.AtomCount; i++)
            {
                var delta = r.Frame.Position(i) - input.Position(i) * f;
                Assert.True(delta.Length <= 0.08 + 1e-12);
            }
            Assert.True(r.MaxDisplacement <= 0.08 + 1e-12);
        }
    }

    [Fact]
    public void The_guard_rejects_close_pairs_and_counts_draws()
    {
        // Large moves in diamond Si (nearest neighbours 2.35 Å): about half the raw draws put a pair below 2.0 Å.
        var input = PerturbTestFrames.DiamondSi(1);
        var guard = new DistanceGuard(minDistance: 2.0);
        var p = new Perturber(new PerturbOptions { Cell = 0.04, Displacement = 0.35, Guard = guard });
        var results = p.Perturb(input, seed: 21, frameIndex: 0, count: 100);
        foreach (var r in results)
        {
            Assert.True(PerturbTestFrames.MinDistance(r.Frame) >= 2.0, $"min distance {PerturbTestFrames.MinDistance(r.Frame)}");
            Assert.Equal(r.Draws.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Frame.Info.GetExtra(Perturber.DrawsKey));
        }
        Assert.Contains(results, r => r.Draws > 1);
        // Without the guard the same settings do make close pairs: the guard did the work.
        var free = new Perturber(new PerturbOptions { Cell = 0.04, Displacement = 0.35 }).Perturb(input, 21, 0, 100);
        Assert.Contains(free, r => PerturbTestFrames.MinDistance(r.Frame) < 2.0);
        Assert.All(free, r => Assert.Equal(1, r.Draws));
    }

    [Fact]
    public void The_covalent_ratio_guard_is_per_element_pair_in_a_skewed_cell()
    {
        var input = PerturbTestFrames.SkewedSiC();
        var guard = new DistanceGuard(minRatio: 0.75);
        double rSi = Elements.Get("Si").CovalentRadius, rC = Elements.Get("C").CovalentRadius;
        Assert.Equal(0.75 * (rSi + rC), guard.Threshold(Elements.Get("Si"), Elements.Get("C")), 12);
        Assert.Equal(0.75 * 2 * rC, guard.Threshold(Elements.Get("C"), Elements.Get("C")), 12);
        var p = new Perturber(new PerturbOptions { Cell = 0.06, Displacement = 0.4, Guard = guard });
        foreach (var r in p.Perturb(input, seed: 8, frameIndex: 0, count: 60))
            Assert.True(PerturbTestFrames.MinGap(r.Frame, guard.Threshold) >= 0);
    }

    [Fact]
    public void Explicit_pair_thresholds_override_the_others_and_parse()
    {
        var pair = PairMinimum.Parse("si-c=1.7");
        Assert.Equal(Elements.Get("Si"), pair.A);
        Assert.Equal(1.7, pair.Distance);
        var guard = new DistanceGuard(1.0, 0, [pair]);
        Assert.Equal(1.7, guard.Threshold(Elements.Get("C"), Elements.Get("Si")));
        Assert.Equal(1.0, guard.Threshold(Elements.Get("Si"), Elements.Get("Si")));
        Assert.Throws<FormatException>(() => PairMinimum.Parse("SiC=1.7"));
        Assert.Throws<FormatException>(() => PairMinimum.Parse("Si-Xx=1.7"));
        Assert.Throws<FormatException>(() => PairMinimum.Parse("Si-C=-1"));
    }

    [Fact]
    public void The_guard_finds_the_worst_pair_like_brute_force()
    {
        var input = PerturbTestFrames.SkewedSiC();
        double min = PerturbTestFrames.MinDistance(input);
        var guard = new DistanceGuard(minDistance: min + 0.3);
        var (count, worst) = guard.FindViolations(input);
        Assert.True(count >= 1);
        Assert.NotNull(worst);
        Assert.Equal(min, worst.Value.Distance, 10);
        Assert.Null(new DistanceGuard(minDistance: min - 1e-9).FindWorstViolation(input));
    }

    [Fact]
    public void An_impossible_guard_fails_naming_the_frame_and_the_draws()
    {
        var input = PerturbTestFrames.DiamondSi(1);
        var p = new Perturber(new PerturbOptions { Cell = 0.01, Displacement = 0.05, Guard = new DistanceGuard(minDistance: 3.0), MaxTries = 20 });
        var e = Assert.Throws<InvalidOperationException>(() => p.Perturb(input, 1, frameIndex: 4, count: 3));
        Assert.Contains("frame 5", e.Message);
        Assert.Contains("20 draw(s)", e.Message);
        Assert.Contains("the input itself", e.Message); // 2.35 Å bonds already break a 3 Å guard
    }

    [Fact]
    public void Labels_are_dropped_and_provenance_seed_and_config_type_recorded()
    {
        var input = PerturbTestFrames.DiamondSi(1);
        input.Info.SetExtra("free_energy", "-43.2");
        var p = new Perturber(new PerturbOptions { Cell = 0.03, Displacement = 0.1 });
        var results = p.Perturb(input, seed: 42, frameIndex: 7, count: 4);
        for (int k = 0; k < results.Count; k++)
        {
            var f = results[k].Frame;
            Assert.False(f.HasLabels);
            Assert.Null(f.Info.EnergyKind);
            Assert.Null(f.Info.GetExtra("free_energy"));
            Assert.Null(f.Velocities);
            Assert.Equal("diamond_perturbed", f.Info.ConfigType);
            Assert.Equal("diamond.xyz", f.Info.SourceFile);
            Assert.Equal(3, f.Info.SourceIndex);
            long seed = PerturbRandom.DeriveSeed(42, 7, k);
            Assert.Equal(seed, f.Info.Seed);
            Assert.Equal(seed, results[k].Seed);
            Assert.True(seed >= 0);
            Assert.Equal("0.1", f.Info.GetExtra(Perturber.DisplacementKey));
            Assert.Equal("ball", f.Info.GetExtra(Perturber.DisplacementDistributionKey));
            // The recorded seed alone remakes the structure.
            Assert.True(p.Perturb(input, seed).Frame.ContentEquals(f));
        }
        Assert.True(input.HasLabels); // the input is not touched
        Assert.Equal(4, results.Select(r => r.Seed).Distinct().Count());
        var named = new Perturber(new PerturbOptions { ConfigType = "strained" }).Perturb(input, 1, 0, 1)[0];
        Assert.Equal("strained", named.Frame.Info.ConfigType);
    }

    [Fact]
    public void Same_seed_same_structures_other_seed_other_structures()
    {
        var input = PerturbTestFrames.SkewedSiC();
        var p = new Perturber(new PerturbOptions { Cell = 0.06, Displacement = 0.1, Guard = new DistanceGuard(minRatio: 0.6) });
        var a = p.Perturb(input, 99, 0, 20);
        var b = p.Perturb(input, 99, 0, 20);
        var c = p.Perturb(input, 100, 0, 20);
        var d = p.Perturb(input, 99, 1, 20);
        Assert.All(a.Zip(b), x => Assert.True(x.First.Frame.ContentEquals(x.Second.Frame)));
        Assert.All(a.Zip(c), x => Assert.False(x.First.Frame.Positions.AsSpan().SequenceEqual(x.Second.Frame.Positions)));
        Assert.All(a.Zip(d), x => Assert.NotEqual(x.First.Seed, x.Second.Seed));
    }

    [Fact]
    public void A_frame_without_a_cell_can_only_be_displaced()
    {
        var molecule = new Frame([Elements.Get("O"), Elements.Get("H"), Elements.Get("H")], [0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0], null);
        var e = Assert.Throws<InvalidOperationException>(() => new Perturber(new PerturbOptions { Cell = 0.03 }).Perturb(molecule, 1, 0, 1));
        Assert.Contains("--cell 0", e.Message);
        var r = new Perturber(new PerturbOptions { Cell = 0, Displacement = 0.05 }).Perturb(molecule, 1, 0, 1)[0];
        Assert.Null(r.Frame.Lattice);
        Assert.True(r.MaxDisplacement is > 0 and <= 0.05);
    }

    [Fact]
    public void Random_stream_is_fixed_by_its_seed()
    {
        // The generator is this library's own: these values must never change, or old seeds stop reproducing.
        // Expected values from an independent (Python) transcription of SplitMix64 seeding and xoshiro256**.
        var a = new PerturbRandom(1);
        Assert.Equal(12966619160104079557UL, a.NextUInt64());
        Assert.Equal(9600361134598540522UL, a.NextUInt64());
        Assert.Equal(10590380919521690900UL, a.NextUInt64());
        Assert.Equal(2421278672300475520L, PerturbRandom.DeriveSeed(42, 0, 0));
        Assert.Equal(104253901887381905L, PerturbRandom.DeriveSeed(1, 2, 3));
        var u = new PerturbRandom(2024);
        var xs = Enumerable.Range(0, 100000).Select(_ => u.NextDouble()).ToList();
        Assert.All(xs, x => Assert.InRange(x, 0, 1 - 1e-17));
        Assert.InRange(xs.Average(), 0.5 - 0.004, 0.5 + 0.004);
        var g = new PerturbRandom(5);
        var gs = Enumerable.Range(0, 100000).Select(_ => g.NextGaussian()).ToList();
        Assert.InRange(gs.Average(), -0.015, 0.015);
        Assert.InRange(PerturbTestFrames.Variance(gs), 0.985, 1.015);
        Assert.NotEqual(PerturbRandom.DeriveSeed(1, 0, 1), PerturbRandom.DeriveSeed(1, 1, 0));
        Assert.Equal(PerturbRandom.DeriveSeed(1, 2, 3), PerturbRandom.DeriveSeed(1, 2, 3));
    }
}
