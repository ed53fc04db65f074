namespace NepForge.Sampling.Selection;

/// <summary>
/// Farthest-point selection with the rules of <c>nepforge select</c>: base rows count as selected; repeatedly pick the
/// candidate farthest (Euclidean) from everything selected, ties to the lowest index; a pick needs a distance strictly
/// above the minimum distance and above 0 (exact duplicates are never picked); stop at the budget or when the
/// farthest eligible candidate is too close. Optional per-source caps (a capped source's candidates are skipped) and
/// groups (NepTrain v3: each group gets seats by <see cref="CompositionBudget"/> and is sampled against its own base
/// rows; seats a group cannot use go to the farthest remaining candidate of any group). A group without base rows
/// starts from a random candidate drawn with the seed (drawn for every such group in group order, up front).
/// </summary>
public static class FpsSelection
{
    /// <summary>Runs the selection.</summary>
    public static SelectionOutcome Select(FeatureMatrix candidates, FeatureMatrix baseSet, SelectionRules rules)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(baseSet);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfNegative(rules.Max);
        if (rules.PerSourceMax is < 1)
            throw new ArgumentOutOfRangeException(nameof(rules), "PerSourceMax must be ≥ 1");
        int n = candidates.Rows;
        var groups = BuildGroups(candidates, baseSet, rules);
        var quotas = CompositionBudget.Split(rules.Max, groups.Select(g => g.Members.Length).ToArray());
        var rng = new Random(rules.Seed);
        var seeded = new List<int>();
        foreach (var g in groups)
        {
            if (g.BaseRows == 0 && g.Members.Length > 0)
            {
                g.FirstPick = rng.Next(g.Members.Length);
                seeded.Add(g.Id);
            }
        }
        var perSource = new Dictionary<int, int>();
        var picks = new List<SelectionPick>();

        for (int k = 0; k < groups.Count; k++)
        {
            var g = groups[k];
            while (g.Taken < quotas[k] && picks.Count < rules.Max && Offer(g, rules, perSource, out int local, out double d) && Eligible(d, rules))
                Take(g, local, d);
        }
        while (picks.Count < rules.Max)
        {
            Group? bestGroup = null;
            int bestLocal = -1;
            double bestD = double.NegativeInfinity;
            foreach (var g in groups)
            {
                if (!Offer(g, rules, perSource, out int local, out double d))
                    continue;
                if (bestGroup is null || d > bestD || (d == bestD && g.Members[local] < bestGroup.Members[bestLocal]))
                    (bestGroup, bestLocal, bestD) = (g, local, d);
            }
            if (bestGroup is null || !Eligible(bestD, rules))
                break;
            Take(bestGroup, bestLocal, bestD);
        }

        double remaining = double.NaN;
        int remainingIndex = int.MaxValue;
        foreach (var g in groups)
        {
            if (Offer(g, rules, perSource, out int local, out double d) &&
                (double.IsNaN(remaining) || d > remaining || (d == remaining && g.Members[local] < remainingIndex)))
                (remaining, remainingIndex) = (d, g.Members[local]);
        }
        var stop = picks.Count >= rules.Max ? SelectionStop.Max : double.IsNaN(remaining) ? SelectionStop.Exhausted : SelectionStop.MinDistance;
        return new SelectionOutcome
        {
            Picks = picks,
            RemainingLargest = remaining,
            Stop = stop,
            Quotas = quotas,
            SeededGroups = seeded,
            BaseSearches = groups.Sum(g => g.Sampler.BaseSearches),
        };

        void Take(Group g, int local, double d)
        {
            g.Sampler.Take(local);
            g.Taken++;
            int global = g.Members[local];
            if (rules.CandidateSource is { } src)
                perSource[src[global]] = perSource.GetValueOrDefault(src[global]) + 1;
            picks.Add(new SelectionPick(global, d, g.Id));
        }
    }

    static bool Eligible(double d, SelectionRules rules) => d > rules.MinDistance && d > 0;

    // The next candidate this group would pick (skipping, for good, candidates of sources already at their cap).
    static bool Offer(Group g, SelectionRules rules, Dictionary<int, int> perSource, out int local, out double distance)
    {
        while (true)
        {
            if (g.FirstPick is int first && g.Taken == 0)
            {
                g.FirstPick = null;
                if (!SourceFull(g.Members[first]))
                {
                    g.FirstPick = first;
                    local = first;
                    distance = double.PositiveInfinity;
                    return true;
                }
                g.Sampler.Drop(first);
            }
            if (!g.Sampler.TryPeek(out local, out distance))
                return false;
            if (!SourceFull(g.Members[local]))
                return true;
            g.Sampler.Drop(local);
        }

        bool SourceFull(int global) =>
            rules.PerSourceMax is int cap && rules.CandidateSource is { } src && perSource.GetValueOrDefault(src[global]) >= cap;
    }

    static List<Group> BuildGroups(FeatureMatrix candidates, FeatureMatrix baseSet, SelectionRules rules)
    {
        if (rules.CandidateGroup is null)
        {
            return [new Group(0, Enumerable.Range(0, candidates.Rows).ToArray(), baseSet.Rows,
                new FarthestPointSampler(candidates, baseSet, rules.Threads))];
        }
        var cg = rules.CandidateGroup;
        var bg = rules.BaseGroup ?? new int[baseSet.Rows];
        if (cg.Length != candidates.Rows || bg.Length != baseSet.Rows)
            throw new ArgumentException("group ids must match the candidate and base row counts", nameof(rules));
        var list = new List<Group>();
        foreach (int id in cg.Distinct().Order())
        {
            var members = Enumerable.Range(0, cg.Length).Where(i => cg[i] == id).ToArray();
            var baseRows = Enumerable.Range(0, bg.Length).Where(i => bg[i] == id).ToArray();
            var sampler = new FarthestPointSampler(candidates.Subset(members), baseSet.Subset(baseRows), rules.Threads);
            list.Add(new Group(id, members, baseRows.Length, sampler));
        }
        return list;
    }

    sealed class Group(int id, int[] members, int baseRows, FarthestPointSampler sampler)
    {
        public int Id { get; } = id;
        public int[] Members { get; } = members;
        public int BaseRows { get; } = baseRows;
        public FarthestPointSampler Sampler { get; } = sampler;
        public int Taken { get; set; }
        public int? FirstPick { get; set; }
    }
}
