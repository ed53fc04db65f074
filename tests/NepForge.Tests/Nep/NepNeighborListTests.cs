using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Tests.Nep;

/// <summary>The NEP neighbour lists hold every image within the cutoff, for any cell shape and periodicity.</summary>
public class NepNeighborListTests
{
    public static TheoryData<bool, bool, bool, double> Cells => new()
    {
        { true, true, true, 3.0 },   // cell thinner than the cutoff: many images of every atom, its own included
        { true, true, true, 9.0 },
        { true, true, false, 4.0 },  // slab
        { false, true, false, 4.0 }, // wire
        { false, false, false, 6.0 },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void Holds_exactly_the_images_a_brute_force_search_finds(bool a, bool b, bool c, double edge)
    {
        const double cutoff = 5.0;
        var species = new[] { Elements.Get("Si") };
        var frame = NepTestModels.RandomFrame(species, atoms: 9, seed: 3, edge: edge, minDistance: 0.9, pbc: new Pbc(a, b, c));
        var list = NepNeighborList.Build(frame.Positions, frame.Lattice, cutoff, threads: 2);
        var lattice = frame.Lattice!;
        for (int i = 0; i < frame.AtomCount; i++)
        {
            var expected = new List<double>();
            for (int j = 0; j < frame.AtomCount; j++)
            {
                foreach (var image in lattice.ImagesWithin(frame.Position(j) - frame.Position(i), cutoff))
                {
                    if (j != i || image.ShiftA != 0 || image.ShiftB != 0 || image.ShiftC != 0)
                        expected.Add(image.Vector.Length);
                }
            }
            var found = Enumerable.Range(list.Start[i], list.Count(i)).Select(e => list.Distance[e]).ToList();
            Assert.Equal(expected.Count, found.Count);
            expected.Sort();
            found.Sort();
            for (int k = 0; k < found.Count; k++)
                Assert.Equal(expected[k], found[k], 1e-12);
            for (int e = list.Start[i]; e < list.Start[i + 1]; e++)
            {
                var r = new Vec3(list.X[e], list.Y[e], list.Z[e]);
                Assert.Equal(list.Distance[e], r.Length, 1e-14);
            }
        }
    }

    [Fact]
    public void One_thread_and_two_thread_builds_give_the_same_lists_and_reused_storage_grows()
    {
        var species = new[] { Elements.Get("Si") };
        var frame = NepTestModels.RandomFrame(species, atoms: 300, seed: 5, edge: 14, minDistance: 1.2, pbc: Pbc.All);
        var one = NepNeighborList.Build(frame.Positions, frame.Lattice, 5.0, threads: 1);  // one pass, grows
        var two = NepNeighborList.Build(frame.Positions, frame.Lattice, 5.0, threads: 2);  // a part per worker, copied into place
        int total = one.Start[frame.AtomCount];
        Assert.True(total > 32 * frame.AtomCount, $"{total} entries: the one-pass build must have grown its storage");
        Assert.Equal(one.Start.AsSpan(0, frame.AtomCount + 1).ToArray(), two.Start.AsSpan(0, frame.AtomCount + 1).ToArray());
        Assert.Equal(one.Index.AsSpan(0, total).ToArray(), two.Index.AsSpan(0, total).ToArray());
        Assert.Equal(one.Distance.AsSpan(0, total).ToArray(), two.Distance.AsSpan(0, total).ToArray());
        Assert.Equal(one.X.AsSpan(0, total).ToArray(), two.X.AsSpan(0, total).ToArray());

        // Reused storage: a sparse frame first, then a dense one that needs more room than the first left.
        var sparse = NepTestModels.RandomFrame(species, atoms: 20, seed: 6, edge: 30, minDistance: 2, pbc: Pbc.All);
        var reused = NepNeighborList.Build(sparse.Positions, sparse.Lattice, 5.0, threads: 1);
        reused.Rebuild(frame.Positions, frame.Lattice, 5.0, threads: 1);
        Assert.Equal(one.Start.AsSpan(0, frame.AtomCount + 1).ToArray(), reused.Start.AsSpan(0, frame.AtomCount + 1).ToArray());
        Assert.Equal(one.Distance.AsSpan(0, total).ToArray(), reused.Distance.AsSpan(0, total).ToArray());
        // The same with two threads, whose per-worker parts are kept between builds.
        var bigSparse = NepTestModels.RandomFrame(species, atoms: 200, seed: 9, edge: 40, minDistance: 2, pbc: Pbc.All);
        var reusedTwo = NepNeighborList.Build(bigSparse.Positions, bigSparse.Lattice, 5.0, threads: 2);
        reusedTwo.Rebuild(frame.Positions, frame.Lattice, 5.0, threads: 2);
        Assert.Equal(one.Start.AsSpan(0, frame.AtomCount + 1).ToArray(), reusedTwo.Start.AsSpan(0, frame.AtomCount + 1).ToArray());
        Assert.Equal(one.Index.AsSpan(0, total).ToArray(), reusedTwo.Index.AsSpan(0, total).ToArray());
        Assert.Equal(one.Distance.AsSpan(0, total).ToArray(), reusedTwo.Distance.AsSpan(0, total).ToArray());
    }

    [Fact]
    public void A_frame_without_a_cell_is_an_open_cluster()
    {
        var species = new[] { Elements.Get("Si") };
        var periodic = NepTestModels.RandomFrame(species, atoms: 6, seed: 8, edge: 6, minDistance: 1.5, pbc: Pbc.None);
        var bare = new Frame(periodic.Elements, periodic.Positions, null);
        var withCell = NepNeighborList.Build(periodic.Positions, periodic.Lattice, 4, 1);
        var without = NepNeighborList.Build(bare.Positions, null, 4, 1);
        Assert.Equal(withCell.Start, without.Start);
        for (int i = 0; i < 6; i++)
        {
            var a = Enumerable.Range(withCell.Start[i], withCell.Count(i)).Select(e => withCell.Distance[e]).Order().ToArray();
            var b = Enumerable.Range(without.Start[i], without.Count(i)).Select(e => without.Distance[e]).Order().ToArray();
            for (int k = 0; k < a.Length; k++)
                Assert.Equal(a[k], b[k], 1e-13);
        }
    }
}
