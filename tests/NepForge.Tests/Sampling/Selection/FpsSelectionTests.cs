using NepForge.Sampling.Selection;

namespace NepForge.Tests.Sampling.Selection;

public class FpsSelectionTests
{
    static FeatureMatrix M(double[][] rows, int dim) => FeatureMatrix.FromRows(rows, dim);

    static double[][] Line(params double[] xs) => xs.Select(x => new[] { x, 0.0 }).ToArray();

    [Fact]
    public void Picks_on_a_line_follow_the_hand_computed_order()
    {
        // Base at 0; candidates at 1, 2, 3, 10, 10.5. Farthest first: 10.5 (10.5), then 3 (3: 7.5 from 10.5), then
        // 1 and 2 are both 1 away from something selected: the tie goes to the lower index (1 at index 0).
        var cand = Line(1, 2, 3, 10, 10.5);
        var outcome = FpsSelection.Select(M(cand, 2), M(Line(0), 2), new SelectionRules { Max = 3, MinDistance = 0.01 });
        Assert.Equal(new[] { 4, 2, 0 }, outcome.Picks.Select(p => p.Index));
        Assert.Equal(new[] { 10.5, 3, 1 }, outcome.Picks.Select(p => p.Distance));
        Assert.Equal(SelectionStop.Max, outcome.Stop);
        Assert.Equal(1.0, outcome.RemainingLargest); // index 1 (x = 2): 1 from both 1 and 3
    }

    [Fact]
    public void Min_distance_stops_at_the_first_candidate_not_strictly_farther()
    {
        var cand = Line(1, 2, 3, 10, 10.5);
        // After 10.5 and 3 the farthest is 1.0: with min-distance 1 it is not strictly farther, so the run stops there.
        var outcome = FpsSelection.Select(M(cand, 2), M(Line(0), 2), new SelectionRules { Max = 100, MinDistance = 1.0 });
        Assert.Equal(new[] { 4, 2 }, outcome.Picks.Select(p => p.Index));
        Assert.Equal(SelectionStop.MinDistance, outcome.Stop);
        Assert.Equal(1.0, outcome.RemainingLargest);
        var looser = FpsSelection.Select(M(cand, 2), M(Line(0), 2), new SelectionRules { Max = 100, MinDistance = 0.999 });
        Assert.Equal(new[] { 4, 2, 0 }, looser.Picks.Take(3).Select(p => p.Index));
    }

    [Fact]
    public void Exact_duplicates_are_never_picked_even_with_min_distance_zero()
    {
        var cand = Line(0, 5, 5, 0);
        var outcome = FpsSelection.Select(M(cand, 2), M(Line(0), 2), new SelectionRules { Max = 10, MinDistance = 0 });
        Assert.Equal(new[] { 1 }, outcome.Picks.Select(p => p.Index)); // the second 5 and both 0s are at distance 0
        Assert.Equal(0.0, outcome.RemainingLargest);
        Assert.Equal(SelectionStop.MinDistance, outcome.Stop);
    }

    [Fact]
    public void The_base_set_removes_exactly_the_candidates_near_it()
    {
        // Two tight clusters of 50 candidates (radius ≤ 0.05) around (0,0) and (10,0); the base has points at
        // the centre of the first. With the base, nothing of the first cluster is more than 0.1 from it.
        var rnd = new Random(3);
        var cand = new List<double[]>();
        foreach (double cx in new[] { 0.0, 10.0 })
        {
            for (int i = 0; i < 50; i++)
                cand.Add([cx + 0.035 * (rnd.NextDouble() - 0.5), 0.035 * (rnd.NextDouble() - 0.5)]);
        }
        var rules = new SelectionRules { Max = 100, MinDistance = 0.1, Seed = 1 };
        var without = FpsSelection.Select(M([.. cand], 2), FeatureMatrix.Empty(2), rules);
        var with = FpsSelection.Select(M([.. cand], 2), M([[0.0, 0.0]], 2), rules);
        Assert.Equal(2, without.Picks.Count);
        Assert.Contains(without.Picks, p => p.Index < 50);
        Assert.Single(with.Picks);
        Assert.True(with.Picks[0].Index >= 50);
    }

    [Theory]
    [InlineData(1, 300, 40, 8, 25, 0.0, false)]
    [InlineData(2, 500, 200, 16, 60, 0.3, false)]
    [InlineData(3, 400, 0, 5, 50, 0.0, false)]
    [InlineData(4, 600, 300, 12, 40, 0.0, true)]
    [InlineData(5, 200, 1000, 3, 200, 0.05, false)]
    public void Random_clustered_sets_match_brute_force(int seed, int n, int m, int dim, int max, double minDistance, bool capSources)
    {
        var (cand, bas) = Clustered(seed, n, m, dim);
        int[]? source = capSources ? Enumerable.Range(0, n).Select(i => i % 7).ToArray() : null;
        int? cap = capSources ? 4 : null;
        var reference = BruteForceFps.Run(cand, bas, max, minDistance, seed, source, cap);
        var outcome = FpsSelection.Select(M(cand, dim), M(bas, dim),
            new SelectionRules { Max = max, MinDistance = minDistance, Seed = seed, CandidateSource = source, PerSourceMax = cap, Threads = 2 });
        Assert.Equal(reference.Picks.Select(p => p.Index), outcome.Picks.Select(p => p.Index));
        for (int k = 0; k < reference.Picks.Count; k++)
            Assert.Equal(reference.Picks[k].Distance, outcome.Picks[k].Distance, 12);
        Assert.Equal(reference.Remaining, outcome.RemainingLargest, 12);
        if (capSources)
            Assert.All(outcome.Picks.GroupBy(p => source![p.Index]), g => Assert.True(g.Count() <= 4));
    }

    [Theory]
    [InlineData(11, 0.0)]
    [InlineData(12, 0.5)]
    public void Groups_match_brute_force(int seed, double minDistance)
    {
        var (cand, bas) = Clustered(seed, 400, 120, 6);
        var rnd = new Random(seed);
        var cg = cand.Select(_ => rnd.Next(4)).ToArray();   // group 3 has no base rows: seeded start
        var bg = bas.Select(_ => rnd.Next(3)).ToArray();
        var reference = BruteForceFps.Run(cand, bas, 30, minDistance, seed, candGroup: cg, baseGroup: bg);
        var outcome = FpsSelection.Select(M(cand, 6), M(bas, 6),
            new SelectionRules { Max = 30, MinDistance = minDistance, Seed = seed, CandidateGroup = cg, BaseGroup = bg });
        Assert.Equal(reference.Picks.Select(p => p.Index), outcome.Picks.Select(p => p.Index));
        Assert.Equal(new[] { 3 }, outcome.SeededGroups);
    }

    [Fact]
    public void Composition_budget_gives_one_seat_each_then_sqrt_shares_by_largest_remainder()
    {
        // Sizes 100, 25, 1 and 10 seats: 1 each, then 7 by √size (10:5:1 → 4.375, 2.1875, 0.4375): floors 4, 2, 0 and
        // the one left goes to the largest remainder (0.4375, the smallest group).
        Assert.Equal(new[] { 5, 3, 2 }, CompositionBudget.Split(10, [100, 25, 1]));
        Assert.Equal(new[] { 1, 0, 1 }, CompositionBudget.Split(2, [9, 4, 9]));
        Assert.Equal(new[] { 0, 0 }, CompositionBudget.Split(0, [3, 3]));
    }

    [Fact]
    public void Lazy_bounds_skip_most_exact_base_searches_on_clustered_data()
    {
        var (cand, bas) = Clustered(7, 3000, 2000, 10);
        var outcome = FpsSelection.Select(M(cand, 10), M(bas, 10), new SelectionRules { Max = 20 });
        Assert.Equal(20, outcome.Picks.Count);
        Assert.True(outcome.BaseSearches < 3000, $"{outcome.BaseSearches} exact searches");
    }

    // Gaussian clusters; a third of the candidates sit around centres the base does not cover.
    internal static (double[][] Cand, double[][] Base) Clustered(int seed, int n, int m, int dim)
    {
        var rnd = new Random(seed);
        var centres = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, dim).Select(_ => 4 * rnd.NextDouble()).ToArray()).ToArray();
        double[] Point(int c, double s) => centres[c].Select(x => x + s * Gauss(rnd)).ToArray();
        var bas = Enumerable.Range(0, m).Select(_ => Point(rnd.Next(8), 0.3)).ToArray();
        var cand = Enumerable.Range(0, n).Select(i => Point(i % 3 == 0 ? 8 + rnd.Next(4) : rnd.Next(8), 0.35)).ToArray();
        return (cand, bas);
    }

    static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
