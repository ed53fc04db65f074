using NepForge.Nep;
using NepForge.Structures;
using NepForge.Tests.Nep;

namespace NepForge.Tests.Structures;

/// <summary>
/// Issue 16: NeighborSearch (each pair once) and the NEP neighbour lists (every image, both ways) walk the one
/// CellGrid, so each NeighborSearch pair is exactly two NEP list entries (i→j and j→i; one for each sign of an
/// atom's own image) with the same distance, in cells thinner than the cutoff, slabs, wires and open frames.
/// </summary>
public class CellGridSharedTests
{
    public static TheoryData<bool, bool, bool, double> Cells => NepNeighborListTests.Cells;

    [Theory]
    [MemberData(nameof(Cells))]
    public void Each_pair_is_two_nep_list_entries_with_the_same_distance(bool a, bool b, bool c, double edge)
    {
        const double cutoff = 5.0;
        var frame = NepTestModels.RandomFrame([Elements.Get("Si")], atoms: 9, seed: 5, edge: edge, minDistance: 0.9, pbc: new Pbc(a, b, c));
        var pairs = NeighborSearch.Pairs(frame, cutoff);
        var list = NepNeighborList.Build(frame.Positions, frame.Lattice, cutoff, threads: 1);
        var fromPairs = pairs.SelectMany(p => new[] { p.Distance, p.Distance }).Order().ToList();
        var fromList = Enumerable.Range(0, list.Start[frame.AtomCount]).Select(e => list.Distance[e]).Order().ToList();
        Assert.NotEmpty(fromPairs);
        Assert.Equal(fromList.Count, fromPairs.Count);
        for (int k = 0; k < fromList.Count; k++)
            Assert.Equal(fromList[k], fromPairs[k], 1e-12);
        Assert.All(pairs, p => Assert.True(p.I <= p.J && p.Distance > 0 && p.Distance < cutoff));
    }
}
