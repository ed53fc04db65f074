using NepForge.Structures;

namespace NepForge.Tests.Structures;

public class NeighborSearchTests
{
    static Frame RandomFrame(Random rng, Lattice? lattice, int atoms, double boxForMolecule = 6)
    {
        var el = Enumerable.Range(0, atoms).Select(_ => Elements.Get("Si")).ToArray();
        var pos = new double[3 * atoms];
        for (int i = 0; i < atoms; i++)
        {
            // Fractional in [-0.5, 1.5): unwrapped positions must work too.
            var f = new Vec3(rng.NextDouble() * 2 - 0.5, rng.NextDouble() * 2 - 0.5, rng.NextDouble() * 2 - 0.5);
            var r = lattice is null ? boxForMolecule * f : lattice.ToCartesian(f);
            r.Store(pos, i);
        }
        return new Frame(el, pos, lattice);
    }

    // Every (i ≤ j, image) closer than the cutoff by brute force over the lattice's own exact image search.
    static List<(int I, int J, double D)> Brute(Frame f, double cutoff)
    {
        var result = new List<(int, int, double)>();
        for (int i = 0; i < f.AtomCount; i++)
        {
            for (int j = i; j < f.AtomCount; j++)
            {
                var d = f.Position(j) - f.Position(i);
                if (f.Lattice is null)
                {
                    if (i != j && d.Length < cutoff)
                        result.Add((i, j, d.Length));
                    continue;
                }
                foreach (var (v, a, b, c) in f.Lattice.ImagesWithin(d, cutoff))
                {
                    // An atom and its own images: the shift is the lattice translation; keep one of each ± pair.
                    if (i == j && !(a > 0 || (a == 0 && (b > 0 || (b == 0 && c > 0)))))
                        continue;
                    result.Add((i, j, v.Length));
                }
            }
        }
        return result;
    }

    static void AssertSame(List<(int I, int J, double D)> expected, List<AtomPair> actual, string what)
    {
        var e = expected.Select(p => (p.I, p.J, Math.Round(p.D, 9))).Order().ToList();
        var a = actual.Select(p => (p.I, p.J, Math.Round(p.Distance, 9))).Order().ToList();
        var onlyE = e.Except(a).Take(3);
        var onlyA = a.Except(e).Take(3);
        Assert.True(e.SequenceEqual(a), $"{what}: brute force {e.Count} pairs, cell list {a.Count}; only brute {string.Join(" ", onlyE)}; only cells {string.Join(" ", onlyA)}");
    }

    public static TheoryData<string, double, double, double, double, double, double, double, double, double> Cells => new()
    {
        { "cubic 10", 10, 0, 0, 0, 10, 0, 0, 0, 10 },
        { "tiny cubic 2.1", 2.1, 0, 0, 0, 2.1, 0, 0, 0, 2.1 },
        { "skewed", 6, 0, 0, 5.5, 3, 0, 4.5, 2.5, 2.2 },
        { "very skewed thin", 3, 0, 0, 2.9, 0.8, 0, 2.7, 0.6, 0.7 },
        { "hexagonal", 3.2, 0, 0, -1.6, 2.771281, 0, 0, 0, 5.2 },
        { "left-handed", 5, 0, 0, 0, 0, 5, 1, 5, 0 },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void Cell_list_equals_brute_force(string name, double ax, double ay, double az, double bx, double by, double bz, double cx, double cy, double cz)
    {
        var rng = new Random(name.Length * 7919 + (int)(ax * 1000));
        var lattice = new Lattice(new Mat3(ax, ay, az, bx, by, bz, cx, cy, cz));
        foreach (double cutoff in new[] { 1.5, 3.1, 4.7 }) // not a lattice length: no pair sits exactly on the cutoff
        {
            var f = RandomFrame(rng, lattice, 12);
            AssertSame(Brute(f, cutoff), NeighborSearch.Pairs(f, cutoff), $"{name}, cutoff {cutoff}");
        }
    }

    [Fact]
    public void Random_triclinic_cells_and_partial_periodicity()
    {
        var rng = new Random(7);
        for (int t = 0; t < 40; t++)
        {
            var m = new Mat3(
                1 + rng.NextDouble() * 6, 0, 0,
                rng.NextDouble() * 5 - 2.5, 1 + rng.NextDouble() * 6, 0,
                rng.NextDouble() * 5 - 2.5, rng.NextDouble() * 5 - 2.5, 1 + rng.NextDouble() * 6);
            var pbc = new Pbc(rng.Next(2) == 0 || t < 20, rng.Next(2) == 0 || t < 20, t < 20 || rng.Next(2) == 0);
            var f = RandomFrame(rng, new Lattice(m, pbc), 1 + rng.Next(15));
            double cutoff = 0.5 + rng.NextDouble() * 4;
            AssertSame(Brute(f, cutoff), NeighborSearch.Pairs(f, cutoff), $"cell {t} ({pbc}), cutoff {cutoff:F2}");
        }
    }

    [Fact]
    public void Molecule_without_cell()
    {
        var f = RandomFrame(new Random(3), null, 30);
        AssertSame(Brute(f, 2.5), NeighborSearch.Pairs(f, 2.5), "no cell");
    }

    [Fact]
    public void Known_counts_in_a_simple_cubic_crystal()
    {
        // One atom in a 3 Å cube: its own images at 3 Å (6, counted as 3 pairs) and 4.243 Å (12 → 6 pairs).
        var f = new Frame([Elements.Get("Po")], [0.3, 0.2, 0.1], Lattice.Orthorhombic(3, 3, 3));
        Assert.Equal(3, NeighborSearch.Pairs(f, 3.5).Count);
        Assert.Equal(9, NeighborSearch.Pairs(f, 4.3).Count);
        Assert.Equal(3.0, NeighborSearch.ClosestPair(f)!.Value.Distance, 12);
    }

    [Fact]
    public void Closest_pair_in_diamond_silicon()
    {
        double a = 5.431;
        double[] frac = [0, 0, 0, 0, .5, .5, .5, 0, .5, .5, .5, 0, .25, .25, .25, .25, .75, .75, .75, .25, .75, .75, .75, .25];
        var pos = frac.Select(x => x * a).ToArray();
        var f = new Frame(Enumerable.Repeat(Elements.Get("Si"), 8).ToArray(), pos, Lattice.Orthorhombic(a, a, a));
        var p = NeighborSearch.ClosestPair(f)!.Value;
        Assert.Equal(a * Math.Sqrt(3) / 4, p.Distance, 10);
        // 8 atoms × 4 bonds / 2
        Assert.Equal(16, NeighborSearch.Pairs(f, 2.5).Count);
    }
}
