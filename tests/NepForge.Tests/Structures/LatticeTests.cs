using NepForge.Structures;

namespace NepForge.Tests.Structures;

public class LatticeTests
{
    // A strongly skewed triclinic cell (angles far from 90°, widths much smaller than the vector lengths).
    static readonly Vec3 SkewA = new(1, 0, 0);
    static readonly Vec3 SkewB = new(0.9, 0.5, 0);
    static readonly Vec3 SkewC = new(0.7, 0.3, 0.4);

    static Lattice Skewed(double scale, Pbc? pbc = null) => new(scale * SkewA, scale * SkewB, scale * SkewC, pbc);

    static Vec3 RandomVector(Random rng, double range) =>
        new((2 * rng.NextDouble() - 1) * range, (2 * rng.NextDouble() - 1) * range, (2 * rng.NextDouble() - 1) * range);

    /// <summary>A random triclinic cell with volume well away from zero.</summary>
    static Lattice RandomCell(Random rng)
    {
        while (true)
        {
            var a = RandomVector(rng, 6);
            var b = RandomVector(rng, 6);
            var c = RandomVector(rng, 6);
            double v = Math.Abs(Vec3.Dot(a, Vec3.Cross(b, c)));
            if (v > 0.1 * a.Length * b.Length * c.Length)
                return new Lattice(a, b, c);
        }
    }

    static void AssertClose(Vec3 expected, Vec3 actual, double tol)
    {
        Assert.True((expected - actual).Length <= tol, $"expected {expected}, got {actual} (tolerance {tol})");
    }

    static bool IsNearInteger(double x, double tol) => Math.Abs(x - Math.Round(x)) <= tol;

    [Fact]
    public void VolumeOfKnownCells()
    {
        Assert.Equal(60.0, Lattice.Orthorhombic(3, 4, 5).Volume, 12);
        // Skewed cell: det [[1,0,0],[0.9,0.5,0],[0.7,0.3,0.4]] = 1·0.5·0.4 = 0.2.
        Assert.Equal(0.2, Skewed(1).Volume, 14);
        Assert.Equal(0.2 * 27, Skewed(3).Volume, 12);
        // Left-handed: volume positive, signed volume negative.
        var left = new Lattice(new Vec3(0, 1, 0), new Vec3(1, 0, 0), new Vec3(0, 0, 2));
        Assert.Equal(2.0, left.Volume, 14);
        Assert.Equal(-2.0, left.SignedVolume, 14);
        // Hexagonal a = 3, c = 5: V = a²·√3/2·c.
        double a = 3, c = 5;
        var hex = new Lattice(new Vec3(a, 0, 0), new Vec3(-a / 2, a * Math.Sqrt(3) / 2, 0), new Vec3(0, 0, c));
        Assert.Equal(a * a * Math.Sqrt(3) / 2 * c, hex.Volume, 12);
    }

    [Fact]
    public void DegenerateCellIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new Lattice(new Vec3(1, 0, 0), new Vec3(2, 0, 0), new Vec3(0, 0, 1)));
    }

    [Fact]
    public void InverseTimesMatrixIsIdentityForRandomCells()
    {
        var rng = new Random(12345);
        for (int n = 0; n < 200; n++)
        {
            var cell = RandomCell(rng);
            Assert.True(Mat3.MaxAbsDifference(Mat3.Identity, cell.Matrix * cell.Inverse) < 1e-12);
            Assert.True(Mat3.MaxAbsDifference(Mat3.Identity, cell.Inverse * cell.Matrix) < 1e-12);
            // Volume = |a·(b×c)|.
            double v = Math.Abs(Vec3.Dot(cell[0], Vec3.Cross(cell[1], cell[2])));
            Assert.Equal(v, cell.Volume, 1e-10 * v);
        }
    }

    [Fact]
    public void FractionalCartesianRoundTripOnRandomCells()
    {
        var rng = new Random(2024);
        for (int n = 0; n < 200; n++)
        {
            var cell = RandomCell(rng);
            for (int k = 0; k < 20; k++)
            {
                var f = RandomVector(rng, 3);
                var r = cell.ToCartesian(f);
                // r = f0·a + f1·b + f2·c, computed independently.
                AssertClose(f.X * cell[0] + f.Y * cell[1] + f.Z * cell[2], r, 1e-12);
                AssertClose(f, cell.ToFractional(r), 1e-11);
                var x = RandomVector(rng, 20);
                AssertClose(x, cell.ToCartesian(cell.ToFractional(x)), 1e-11);
            }
        }
    }

    [Fact]
    public void FlatConversionsMatchPerVector()
    {
        var rng = new Random(7);
        var cell = RandomCell(rng);
        var frac = new double[3 * 10];
        for (int i = 0; i < frac.Length; i++)
            frac[i] = rng.NextDouble() * 2 - 0.5;
        var cart = new double[frac.Length];
        cell.ToCartesian(frac, cart);
        for (int i = 0; i < 10; i++)
            Assert.Equal(cell.ToCartesian(Vec3.At(frac, i)), Vec3.At(cart, i));
        // In place back to fractional.
        var back = (double[])cart.Clone();
        cell.ToFractional(back, back);
        for (int i = 0; i < frac.Length; i++)
            Assert.Equal(frac[i], back[i], 1e-12);
    }

    [Fact]
    public void KnownFractionalToCartesian()
    {
        var cell = Lattice.Orthorhombic(3, 4, 5);
        Assert.Equal(new Vec3(1.5, 1, 4), cell.ToCartesian(new Vec3(0.5, 0.25, 0.8)));
        var skew = Skewed(1);
        // 1·a + 1·b + 1·c = (2.6, 0.8, 0.4).
        AssertClose(new Vec3(2.6, 0.8, 0.4), skew.ToCartesian(new Vec3(1, 1, 1)), 1e-15);
        AssertClose(new Vec3(1, 1, 1), skew.ToFractional(new Vec3(2.6, 0.8, 0.4)), 1e-14);
    }

    [Fact]
    public void WrapPutsFractionalInUnitIntervalOnPeriodicAxes()
    {
        var rng = new Random(99);
        for (int n = 0; n < 100; n++)
        {
            var cell = RandomCell(rng);
            for (int k = 0; k < 50; k++)
            {
                var x = RandomVector(rng, 40);
                var w = cell.Wrap(x);
                var f = cell.ToFractional(w);
                var f0 = cell.ToFractional(x);
                for (int axis = 0; axis < 3; axis++)
                {
                    Assert.InRange(f[axis], -1e-12, 1 + 1e-12);
                    // Moved by a whole number of cell vectors.
                    Assert.True(IsNearInteger(f0[axis] - f[axis], 1e-10), $"axis {axis}: {f0[axis]} -> {f[axis]}");
                }
            }
        }
        // Exact values in an orthorhombic cell.
        var box = Lattice.Orthorhombic(2, 4, 8);
        AssertClose(new Vec3(1, 3, 7), box.Wrap(new Vec3(-1, -1, -1)), 1e-15);
        AssertClose(new Vec3(0.5, 0, 1), box.Wrap(new Vec3(4.5, 8, 17)), 1e-14);
    }

    [Fact]
    public void WrapLeavesNonPeriodicAxesAlone()
    {
        var cell = Skewed(3, new Pbc(true, false, true));
        var rng = new Random(5);
        for (int k = 0; k < 500; k++)
        {
            var x = RandomVector(rng, 30);
            var f0 = cell.ToFractional(x);
            var f = cell.ToFractional(cell.Wrap(x));
            Assert.InRange(f.X, -1e-12, 1 + 1e-12);
            Assert.InRange(f.Z, -1e-12, 1 + 1e-12);
            Assert.Equal(f0.Y, f.Y, 1e-10);
        }
        // A fully non-periodic cell does not move anything.
        var none = Lattice.Orthorhombic(2, 2, 2).WithPbc(Pbc.None);
        AssertClose(new Vec3(-5, 7, 13), none.Wrap(new Vec3(-5, 7, 13)), 1e-14);
    }

    [Fact]
    public void WrapFlatArrayInPlace()
    {
        var box = Lattice.Orthorhombic(2, 4, 8);
        double[] p = [-1, -1, -1, 4.5, 8, 17];
        box.Wrap(p);
        Assert.Equal(new Vec3(1, 3, 7), Vec3.At(p, 0));
        Assert.Equal(0.5, p[3], 14);
        Assert.Equal(0.0, p[4], 14);
        Assert.Equal(1.0, p[5], 14);
    }

    [Fact]
    public void WrapOfTinyNegativeFractionIsBelowOne()
    {
        var box = Lattice.Orthorhombic(1, 1, 1);
        var w = box.Wrap(new Vec3(-1e-17, 0.5, 0.5));
        Assert.InRange(w.X, 0.0, 0.999999999);
    }

    [Fact]
    public void PerpendicularWidthsOfKnownCells()
    {
        var ortho = Lattice.Orthorhombic(3, 4, 5).PerpendicularWidths;
        Assert.Equal(3.0, ortho.X, 14);
        Assert.Equal(4.0, ortho.Y, 14);
        Assert.Equal(5.0, ortho.Z, 14);

        // Hexagonal: the spacing of the (100) planes is a·√3/2 along a and b, c along c.
        double a = 3, c = 5;
        var hex = new Lattice(new Vec3(a, 0, 0), new Vec3(-a / 2, a * Math.Sqrt(3) / 2, 0), new Vec3(0, 0, c)).PerpendicularWidths;
        Assert.Equal(a * Math.Sqrt(3) / 2, hex.X, 12);
        Assert.Equal(a * Math.Sqrt(3) / 2, hex.Y, 12);
        Assert.Equal(c, hex.Z, 12);

        // Skewed cell: V = 0.2; b×c = (0.2, −0.36, −0.08), c×a = (0, 0.4, −0.3), a×b = (0, 0, 0.5).
        var skew = Skewed(1).PerpendicularWidths;
        Assert.Equal(0.2 / Math.Sqrt(0.176), skew.X, 14);
        Assert.Equal(0.2 / 0.5, skew.Y, 14);
        Assert.Equal(0.2 / 0.5, skew.Z, 14);
    }

    [Fact]
    public void LengthsAndAnglesOfFccPrimitiveCell()
    {
        double a0 = 4.05;
        var fcc = new Lattice(new Vec3(0, a0 / 2, a0 / 2), new Vec3(a0 / 2, 0, a0 / 2), new Vec3(a0 / 2, a0 / 2, 0));
        var lengths = fcc.Lengths;
        double l = a0 / Math.Sqrt(2);
        Assert.Equal(l, lengths.X, 12);
        Assert.Equal(l, lengths.Y, 12);
        Assert.Equal(l, lengths.Z, 12);
        var angles = fcc.AnglesDegrees;
        Assert.Equal(60.0, angles.X, 10);
        Assert.Equal(60.0, angles.Y, 10);
        Assert.Equal(60.0, angles.Z, 10);
        Assert.Equal(a0 * a0 * a0 / 4, fcc.Volume, 12);

        // α, β, γ are distinguished: a monoclinic-like cell with β = 100°.
        double beta = 100 * Math.PI / 180;
        var mono = new Lattice(new Vec3(2, 0, 0), new Vec3(0, 3, 0), new Vec3(4 * Math.Cos(beta), 0, 4 * Math.Sin(beta)));
        var ang = mono.AnglesDegrees;
        Assert.Equal(90.0, ang.X, 10);
        Assert.Equal(100.0, ang.Y, 10);
        Assert.Equal(90.0, ang.Z, 10);
        Assert.Equal(4.0, mono.Lengths.Z, 12);
    }

    /// <summary>
    /// Shortest image of d by brute force: every shift in [-4, 4]³ around the rounded fraction, widened where needed so
    /// the search is provably complete. An upper bound B on the minimum length is ½·Σ|a_i| over periodic axes plus the
    /// non-periodic part of d; any image shorter than B has |f_i + n_i|·width_i &lt; B, which bounds n_i.
    /// </summary>
    static (Vec3 Vector, double LengthSquared) BruteForceMinimum(Lattice cell, Vec3 d)
    {
        var f = cell.ToFractional(d);
        var pbc = cell.Pbc;
        var w = cell.PerpendicularWidths;
        var nonPeriodic = Vec3.Zero;
        double bound = 0;
        for (int axis = 0; axis < 3; axis++)
        {
            if (pbc[axis])
                bound += 0.5 * cell[axis].Length;
            else
                nonPeriodic += f[axis] * cell[axis];
        }
        bound += nonPeriodic.Length;
        int Lo(int axis) => pbc[axis] ? Math.Min(-(int)Math.Round(f[axis]) - 4, (int)Math.Floor(-f[axis] - bound / w[axis]) - 1) : 0;
        int Hi(int axis) => pbc[axis] ? Math.Max(-(int)Math.Round(f[axis]) + 4, (int)Math.Ceiling(-f[axis] + bound / w[axis]) + 1) : 0;
        Vec3 best = d;
        double bestSq = double.PositiveInfinity;
        for (int i = Lo(0); i <= Hi(0); i++)
        {
            for (int j = Lo(1); j <= Hi(1); j++)
            {
                for (int k = Lo(2); k <= Hi(2); k++)
                {
                    var v = d + cell.ToCartesian(new Vec3(i, j, k));
                    double sq = v.LengthSquared;
                    if (sq < bestSq)
                    {
                        bestSq = sq;
                        best = v;
                    }
                }
            }
        }
        return (best, bestSq);
    }

    static void CheckMinimumImage(Lattice cell, Vec3 d)
    {
        var m = cell.MinimumImage(d);
        var (expected, expectedSq) = BruteForceMinimum(cell, d);
        double scale = Math.Max(1, d.Length);
        Assert.True(Math.Abs(m.LengthSquared - expectedSq) <= 1e-10 * scale * scale,
            $"cell {cell}, d {d}: MinimumImage {m} (|m|² {m.LengthSquared}) but brute force {expected} (|e|² {expectedSq})");
        // The result is d plus a lattice vector, with no shift along non-periodic axes.
        var shift = cell.ToFractional(m - d);
        for (int axis = 0; axis < 3; axis++)
        {
            Assert.True(IsNearInteger(shift[axis], 1e-8), $"shift {shift} is not integer");
            if (!cell.Pbc[axis])
                Assert.Equal(0.0, shift[axis], 1e-9);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(0.2)] // tiny cell: distances are many cells long
    [InlineData(0.05)]
    public void MinimumImageMatchesBruteForceInSkewedCell(double scale)
    {
        var cell = Skewed(scale);
        var rng = new Random(1000 + (int)(scale * 100));
        for (int n = 0; n < 3000; n++)
            CheckMinimumImage(cell, RandomVector(rng, 10));
    }

    [Fact]
    public void MinimumImageMatchesBruteForceInRandomSkewedCells()
    {
        var rng = new Random(31337);
        for (int c = 0; c < 60; c++)
        {
            // Random strongly skewed cells: the skewed cell with random perturbations, random scale and orientation mix.
            double s = Math.Exp(rng.NextDouble() * 4 - 3); // 0.05 … 2.7
            var a = s * (SkewA + 0.2 * RandomVector(rng, 1));
            var b = s * (SkewB + 0.2 * RandomVector(rng, 1));
            var cc = s * (SkewC + 0.2 * RandomVector(rng, 1));
            if (Math.Abs(Vec3.Dot(a, Vec3.Cross(b, cc))) < 0.05 * s * s * s)
                continue;
            var cell = new Lattice(a, b, cc);
            for (int n = 0; n < 300; n++)
                CheckMinimumImage(cell, RandomVector(rng, 12));
        }
    }

    [Fact]
    public void MinimumImageDoesNotShiftAlongNonPeriodicAxes()
    {
        var rng = new Random(77);
        Pbc[] patterns = [new(true, false, true), new(false, true, false), new(false, false, true), Pbc.None];
        foreach (var pbc in patterns)
        {
            var cell = Skewed(2, pbc);
            for (int n = 0; n < 1000; n++)
                CheckMinimumImage(cell, RandomVector(rng, 8));
        }
        // Non-periodic: identity.
        var none = Lattice.Orthorhombic(1, 1, 1).WithPbc(Pbc.None);
        Assert.Equal(new Vec3(7.5, -3.25, 9), none.MinimumImage(new Vec3(7.5, -3.25, 9)));
    }

    [Fact]
    public void MinimumImageKnownValues()
    {
        var box = Lattice.Orthorhombic(10, 10, 10);
        AssertClose(new Vec3(-1, 2, -3), box.MinimumImage(new Vec3(9, 12, 7)), 1e-14);
        Assert.Equal(Math.Sqrt(3), box.Distance(new Vec3(0.5, 0.5, 0.5), new Vec3(9.5, 9.5, 9.5)), 12);
        // Skewed: d = 0.4·(a + b + c) = (1.04, 0.32, 0.16) is already in the reduced box [-½, ½)³, yet d − b =
        // (0.14, −0.18, 0.16), length 0.2786, is shorter (next: d − a, 0.36).
        var skew = Skewed(1);
        var d = new Vec3(1.04, 0.32, 0.16);
        AssertClose(new Vec3(0.14, -0.18, 0.16), skew.MinimumImage(d), 1e-14);
        Assert.Equal(Math.Sqrt(0.0776), skew.Distance(Vec3.Zero, d), 14);
        // A lattice vector's minimum image is zero.
        Assert.True(skew.MinimumImage(SkewB - 2 * SkewC).Length < 1e-14);
    }

    /// <summary>Every image of d shorter than cutoff, by brute force over shifts in [-range, range] per axis.</summary>
    static List<(Vec3 Vector, int ShiftA, int ShiftB, int ShiftC)> BruteForceImages(Lattice cell, Vec3 d, double cutoff, int range) =>
        BruteForceImages(cell, d, cutoff, range, range, range);

    static List<(Vec3 Vector, int ShiftA, int ShiftB, int ShiftC)> BruteForceImages(
        Lattice cell, Vec3 d, double cutoff, int rangeA, int rangeB, int rangeC)
    {
        var f = cell.ToFractional(d);
        var pbc = cell.Pbc;
        var result = new List<(Vec3, int, int, int)>();
        int ra = pbc.A ? rangeA : 0, rb = pbc.B ? rangeB : 0, rc = pbc.C ? rangeC : 0;
        for (int i = -ra; i <= ra; i++)
        {
            for (int j = -rb; j <= rb; j++)
            {
                for (int k = -rc; k <= rc; k++)
                {
                    // The same expression as the library, so borderline images agree bit for bit.
                    var v = cell.ToCartesian(new Vec3(f.X + i, f.Y + j, f.Z + k));
                    if (v.LengthSquared < cutoff * cutoff)
                        result.Add((v, i, j, k));
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Brute force over a generous shift range: an image shorter than cutoff has |f + i|·width &lt; cutoff and
    /// |f|·width ≤ |d|, so |i| &lt; (cutoff + |d|)/width; two more cells are searched on top.
    /// </summary>
    static void CheckImages(Lattice cell, Vec3 d, double cutoff)
    {
        var w = cell.PerpendicularWidths;
        int R(double width) => (int)Math.Ceiling((cutoff + d.Length) / width) + 2;
        CheckImages(cell, d, cutoff, BruteForceImages(cell, d, cutoff, R(w.X), R(w.Y), R(w.Z)));
    }

    static void CheckImages(Lattice cell, Vec3 d, double cutoff, List<(Vec3 Vector, int ShiftA, int ShiftB, int ShiftC)> expected)
    {
        var actual = cell.ImagesWithin(d, cutoff).ToList();
        Assert.Equal(expected.Count, actual.Count);
        var actualShifts = actual.Select(x => (x.ShiftA, x.ShiftB, x.ShiftC)).ToList();
        Assert.Equal(actualShifts.Count, actualShifts.Distinct().Count()); // no image twice
        var expectedSet = expected.Select(x => (x.ShiftA, x.ShiftB, x.ShiftC)).ToHashSet();
        Assert.True(expectedSet.SetEquals(actualShifts), $"cell {cell}, d {d}, cutoff {cutoff}: shifts differ");
        foreach (var (v, i, j, k) in actual)
        {
            Assert.True(v.Length < cutoff);
            AssertClose(d + cell.ToCartesian(new Vec3(i, j, k)), v, 1e-9 * Math.Max(1, d.Length));
        }
    }

    [Fact]
    public void ImagesWithinHandCheckedSimpleCubic()
    {
        var cubic = Lattice.Orthorhombic(3, 3, 3);
        // Origin + 6 face neighbours at 3 Å.
        Assert.Equal(7, cubic.ImagesWithin(Vec3.Zero, 3.5).Count());
        // + 12 edge neighbours at 3√2 = 4.243 Å.
        Assert.Equal(19, cubic.ImagesWithin(Vec3.Zero, 4.3).Count());
        // Cutoff 5 Å: 3√3 = 5.196 is outside, so still 19.
        Assert.Equal(19, cubic.ImagesWithin(Vec3.Zero, 5).Count());
        // + 8 corners at 5.196 Å = 27; + 6 at 6 Å (cutoff 6.1) = 33.
        Assert.Equal(27, cubic.ImagesWithin(Vec3.Zero, 6).Count());
        Assert.Equal(33, cubic.ImagesWithin(Vec3.Zero, 6.1).Count());
        // Strict inequality: an image exactly at the cutoff is excluded.
        Assert.Single(cubic.ImagesWithin(Vec3.Zero, 3));

        var five = cubic.ImagesWithin(Vec3.Zero, 5).ToList();
        Assert.Equal(BruteForceImages(cubic, Vec3.Zero, 5, 10).Count, five.Count);
        Assert.Contains(five, x => x.ShiftA == 0 && x.ShiftB == 0 && x.ShiftC == 0 && x.Vector == Vec3.Zero);
        Assert.Contains(five, x => x.ShiftA == -1 && x.ShiftB == 1 && x.ShiftC == 0 && x.Vector == new Vec3(-3, 3, 0));
        Assert.Equal(6, five.Count(x => Math.Abs(x.Vector.Length - 3) < 1e-12));
        Assert.Equal(12, five.Count(x => Math.Abs(x.Vector.Length - Math.Sqrt(18)) < 1e-12));

        // A displacement far outside the cell: images of d = (10, 0, 0) within 1.5 Å are only (1, 0, 0), shift −3.
        var far = cubic.ImagesWithin(new Vec3(10, 0, 0), 1.5).ToList();
        var only = Assert.Single(far);
        Assert.Equal((-3, 0, 0), (only.ShiftA, only.ShiftB, only.ShiftC));
        AssertClose(new Vec3(1, 0, 0), only.Vector, 1e-14);
    }

    [Fact]
    public void ImagesWithinRespectsNonPeriodicAxes()
    {
        var slab = Lattice.Orthorhombic(3, 3, 3).WithPbc(new Pbc(true, true, false));
        // In-plane: 1 + 4 at 3 Å + 4 at 4.243 Å.
        var images = slab.ImagesWithin(Vec3.Zero, 4.3).ToList();
        Assert.Equal(9, images.Count);
        Assert.All(images, x => Assert.Equal(0, x.ShiftC));
        // A displacement of 10 Å along the non-periodic axis has no image within 5 Å.
        Assert.Empty(slab.ImagesWithin(new Vec3(0, 0, 10), 5));
        Assert.Single(slab.WithPbc(Pbc.None).ImagesWithin(new Vec3(1, 1, 1), 2));
    }

    [Theory]
    [InlineData(1.0, 3.0)]
    [InlineData(0.5, 2.0)]
    [InlineData(0.3, 1.5)]
    [InlineData(2.0, 5.0)]
    public void ImagesWithinMatchesBruteForceInSkewedCell(double scale, double cutoff)
    {
        var rng = new Random(4242 + (int)(scale * 10));
        foreach (var pbc in new[] { Pbc.All, new Pbc(true, false, true), new Pbc(false, true, true) })
        {
            var cell = Skewed(scale, pbc);
            double minWidth = Math.Min(cell.PerpendicularWidths.X, Math.Min(cell.PerpendicularWidths.Y, cell.PerpendicularWidths.Z));
            Assert.True(minWidth < 2 * cutoff); // the interesting case: several images per pair
            for (int n = 0; n < 60; n++)
            {
                // Displacements inside the cell and several cells away.
                CheckImages(cell, RandomVector(rng, n < 30 ? scale : 3), cutoff);
            }
        }
    }

    [Fact]
    public void ImagesWithinMatchesBruteForceInRandomCells()
    {
        var rng = new Random(8080);
        for (int c = 0; c < 30; c++)
        {
            var cell = RandomCell(rng);
            double cutoff = 2 + 6 * rng.NextDouble();
            for (int n = 0; n < 10; n++)
                CheckImages(cell, RandomVector(rng, 8), cutoff);
        }
    }

    [Fact]
    public void ImagesWithinCountsMultiplicityForZeroVector()
    {
        // Cell much smaller than the cutoff: the count equals the number of lattice points inside the sphere.
        var cubic = Lattice.Orthorhombic(3, 3, 3);
        int expected = 0;
        for (int i = -5; i <= 5; i++)
        {
            for (int j = -5; j <= 5; j++)
            {
                for (int k = -5; k <= 5; k++)
                {
                    if (9 * (i * i + j * j + k * k) < 100)
                        expected++;
                }
            }
        }
        Assert.Equal(expected, cubic.ImagesWithin(Vec3.Zero, 10).Count());
        CheckImages(Skewed(1), Vec3.Zero, 4, BruteForceImages(Skewed(1), Vec3.Zero, 4, 30));
    }

    [Fact]
    public void EqualityAndWithPbc()
    {
        var a = Skewed(2);
        var b = Skewed(2);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        var slab = a.WithPbc(new Pbc(true, true, false));
        Assert.NotEqual(a, slab);
        Assert.Equal(a.Matrix, slab.Matrix);
        Assert.Equal("T T F", slab.Pbc.ToString());
        Assert.False(slab.Pbc[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => slab.Pbc[3]);
    }
}
