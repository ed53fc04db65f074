using System.Diagnostics;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Tests.Sampling.Curation;

public class DedupIndexTests
{
    static readonly Lattice Skewed = new(new Mat3(6.0, 0, 0, 2.5, 5.5, 0, -1.2, 1.1, 7.3));

    static Frame Random(Random rng, Lattice? lattice, int atoms = 12)
    {
        var el = Enumerable.Range(0, atoms).Select(i => Elements.Get(i % 3 == 0 ? "O" : "Si")).ToArray();
        var pos = new double[3 * atoms];
        for (int i = 0; i < atoms; i++)
        {
            var f = new Vec3(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            (lattice is null ? 8 * f : lattice.ToCartesian(f)).Store(pos, i);
        }
        return new Frame(el, pos, lattice) { Energy = -5.0 * atoms };
    }

    static Frame Moved(Frame f, int atom, Vec3 by)
    {
        var c = f.Clone();
        (c.Position(atom) + by).Store(c.Positions, atom);
        return c;
    }

    [Fact]
    public void Exact_duplicate_is_found_and_the_first_copy_kept()
    {
        var rng = new Random(1);
        var index = new DedupIndex();
        var a = Random(rng, Skewed);
        var b = Random(rng, Skewed);
        Assert.Null(index.FindOrAdd(a, 0));
        Assert.Null(index.FindOrAdd(b, 1));
        Assert.Equal(0, index.FindOrAdd(a.Clone(), 2));
        Assert.Equal(1, index.FindOrAdd(b.Clone(), 3));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void Periodic_images_are_the_same_structure()
    {
        var rng = new Random(2);
        var index = new DedupIndex(1e-3);
        var a = Random(rng, Skewed);
        Assert.Null(index.FindOrAdd(a, 0));

        // The whole frame shifted by a lattice vector (a + 2b − c).
        var shifted = a.Clone();
        var t = Skewed[0] + 2 * Skewed[1] - Skewed[2];
        for (int i = 0; i < shifted.AtomCount; i++)
            (shifted.Position(i) + t).Store(shifted.Positions, i);
        Assert.Equal(0, index.Find(shifted));

        // Single atoms moved by different lattice vectors (wrapped differently), plus 0.4·tol of noise.
        var wrapped = Moved(Moved(a, 3, -Skewed[1]), 7, Skewed[0] + Skewed[2] + new Vec3(0.0004, 0, 0));
        Assert.Equal(0, index.Find(wrapped));
        Assert.Equal(0, index.FindOrAdd(wrapped, 1));
    }

    [Fact]
    public void A_frame_moved_by_twice_the_tolerance_is_kept()
    {
        var rng = new Random(3);
        var index = new DedupIndex(1e-3);
        var a = Random(rng, Skewed);
        index.FindOrAdd(a, 0);
        Assert.Null(index.Find(Moved(a, 5, new Vec3(0, 2e-3, 0))));
        Assert.Null(index.Find(Moved(a, 0, new Vec3(1.2e-3, -1.2e-3, 0))));       // |d| = 1.7e-3
        Assert.Equal(0, index.Find(Moved(a, 5, new Vec3(0, 0.5e-3, 0.5e-3))));  // |d| = 0.71e-3
        // Every atom moved by 0.9·tol in a random direction: still a duplicate.
        var all = a.Clone();
        for (int i = 0; i < all.AtomCount; i++)
        {
            var dir = new Vec3(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
            (all.Position(i) + 0.9e-3 / dir.Length * dir).Store(all.Positions, i);
        }
        Assert.Equal(0, index.Find(all));
        Assert.Null(index.FindOrAdd(Moved(a, 5, new Vec3(0, 2e-3, 0)), 1));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void Species_order_cell_and_periodicity_must_match()
    {
        var rng = new Random(4);
        var index = new DedupIndex();
        var a = Random(rng, Skewed);
        index.FindOrAdd(a, 0);
        var swapped = a.Clone();
        (swapped.Elements[0], swapped.Elements[1]) = (swapped.Elements[1], swapped.Elements[0]);
        Assert.Null(index.Find(swapped));
        var strained = a.Clone();
        strained.Lattice = new Lattice(Skewed.Matrix + Mat3.Diagonal(0.01, 0, 0));
        Assert.Null(index.Find(strained));
        var slab = a.Clone();
        slab.Lattice = Skewed.WithPbc(new Pbc(true, true, false));
        Assert.Null(index.Find(slab));
        var fewer = a.SelectAtoms([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        Assert.Null(index.Find(fewer));
    }

    [Fact]
    public void Atoms_on_grid_boundaries_still_match()
    {
        // Anchor atoms placed exactly on bin edges and on the cell faces, then nudged across them.
        var lattice = Lattice.Orthorhombic(8, 8, 8);
        var index = new DedupIndex(1e-3);
        var pos = new double[3 * 8];
        for (int i = 0; i < 8; i++)
            new Vec3(i * 1.0, 0.0, 8.0 - 1e-12).Store(pos, i); // bins are 8 Å / 2^12 wide: integers are edges
        var a = new Frame(Enumerable.Repeat(Elements.Get("Cu"), 8).ToArray(), pos, lattice);
        index.FindOrAdd(a, 0);
        var b = a.Clone();
        for (int i = 0; i < 8; i++)
            (b.Position(i) + new Vec3(-0.0004, 0.0004, 0.0003)).Store(b.Positions, i);
        Assert.Equal(0, index.Find(b));
    }

    [Fact]
    public void Molecules_without_a_cell()
    {
        var rng = new Random(5);
        var index = new DedupIndex(1e-3);
        var m = Random(rng, null, 6);
        index.FindOrAdd(m, 0);
        Assert.Equal(0, index.Find(Moved(m, 2, new Vec3(0.0005, 0, 0))));
        Assert.Null(index.Find(Moved(m, 2, new Vec3(0.002, 0, 0))));
        // A translated molecule is a different frame: there is no lattice to make it an image.
        var t = m.Clone();
        for (int i = 0; i < t.AtomCount; i++)
            (t.Position(i) + new Vec3(8, 0, 0)).Store(t.Positions, i);
        Assert.Null(index.Find(t));
    }

    [Fact]
    public void Non_finite_positions_are_never_duplicates()
    {
        var rng = new Random(6);
        var index = new DedupIndex();
        var a = Random(rng, Skewed);
        a.Positions[4] = double.NaN;
        Assert.Null(index.FindOrAdd(a, 0));
        Assert.Null(index.FindOrAdd(a.Clone(), 1));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Agrees_with_pairwise_comparison_on_a_noisy_trajectory()
    {
        // 300 frames: 60 distinct structures, each repeated with noise below or above the tolerance, some wrapped.
        var rng = new Random(7);
        const double tol = 0.01;
        var bases = Enumerable.Range(0, 60).Select(_ => Random(rng, Skewed, 20)).ToList();
        var frames = new List<Frame>();
        for (int k = 0; k < 300; k++)
        {
            var f = bases[rng.Next(bases.Count)].Clone();
            double scale = rng.NextDouble() < 0.5 ? 0.3 * tol : 3 * tol;
            int atom = rng.Next(f.AtomCount);
            var dir = new Vec3(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
            var shift = rng.Next(3) == 0 ? Skewed[rng.Next(3)] : Vec3.Zero;
            (f.Position(atom) + scale / dir.Length * dir + shift).Store(f.Positions, atom);
            frames.Add(f);
        }
        var index = new DedupIndex(tol);
        var kept = new List<Frame>();
        for (int k = 0; k < frames.Count; k++)
        {
            bool dup = index.FindOrAdd(frames[k], k) is not null;
            bool brute = kept.Any(o => Brute(o, frames[k], tol));
            Assert.Equal(brute, dup);
            if (!dup)
                kept.Add(frames[k]);
        }
        Assert.InRange(kept.Count, 61, 299);
    }

    static bool Brute(Frame a, Frame b, double tol)
    {
        for (int i = 0; i < a.AtomCount; i++)
        {
            if (a.Lattice!.MinimumImage(b.Position(i) - a.Position(i)).Length > tol)
                return false;
        }
        return true;
    }

    [Fact]
    public void Many_distinct_frames_are_indexed_fast()
    {
        // 20,000 MD-like frames of 64 atoms where half the atoms never move (a frozen slab bottom): each lookup
        // must stay O(1), not compare with every stored frame.
        var rng = new Random(8);
        var lattice = Lattice.Orthorhombic(12, 12, 12);
        var start = Random(rng, lattice, 64);
        var index = new DedupIndex();
        var sw = Stopwatch.StartNew();
        var f = start;
        for (int k = 0; k < 20_000; k++)
        {
            f = f.Clone();
            for (int i = 32; i < 64; i++)
            {
                var d = new Vec3(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
                (f.Position(i) + 0.05 * d).Store(f.Positions, i);
            }
            Assert.Null(index.FindOrAdd(f, k));
        }
        Assert.Equal(19_999, index.Find(f.Clone()));
        Assert.True(sw.Elapsed.TotalSeconds < 10, $"{sw.Elapsed.TotalSeconds:F1} s");
    }
}
