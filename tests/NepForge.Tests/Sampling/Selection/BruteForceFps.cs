using NepForge.Sampling.Selection;

namespace NepForge.Tests.Sampling.Selection;

/// <summary>
/// The reference: the selection rules written the obvious way (full distance arrays, naive sums, a linear argmax after
/// every pick), to check <see cref="FpsSelection"/> against.
/// </summary>
static class BruteForceFps
{
    public sealed record Result(List<(int Index, double Distance)> Picks, double Remaining);

    public static Result Run(double[][] cand, double[][] bas, int max, double minDistance, int seed = 0,
        int[]? source = null, int? perSourceMax = null, int[]? candGroup = null, int[]? baseGroup = null)
    {
        int n = cand.Length;
        candGroup ??= new int[n];
        baseGroup ??= new int[bas.Length];
        var ids = candGroup.Distinct().Order().ToArray();
        var members = ids.Select(id => Enumerable.Range(0, n).Where(i => candGroup[i] == id).ToArray()).ToArray();
        var quotas = CompositionBudget.Split(max, members.Select(m => m.Length).ToArray());
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            d[i] = double.PositiveInfinity;
            for (int j = 0; j < bas.Length; j++)
            {
                if (baseGroup[j] == candGroup[i])
                    d[i] = Math.Min(d[i], Dist(cand[i], bas[j]));
            }
        }
        var rng = new Random(seed);
        var first = new int?[ids.Length];
        for (int g = 0; g < ids.Length; g++)
        {
            if (!baseGroup.Contains(ids[g]))
                first[g] = members[g][rng.Next(members[g].Length)];
        }
        var taken = new bool[n];
        var count = new int[ids.Length];
        var perSource = new Dictionary<int, int>();
        var picks = new List<(int, double)>();
        bool Full(int i) => perSourceMax is int cap && source is not null && perSource.GetValueOrDefault(source[i]) >= cap;
        bool Eligible(double x) => x > minDistance && x > 0;

        (int I, double D)? Offer(int g)
        {
            if (count[g] == 0 && first[g] is int f && !taken[f] && !Full(f))
                return (f, double.PositiveInfinity);
            int best = -1;
            foreach (int i in members[g])
            {
                if (taken[i] || Full(i) || (count[g] == 0 && first[g] == i))
                    continue;
                if (best < 0 || d[i] > d[best])
                    best = i;
            }
            return best < 0 ? null : (best, d[best]);
        }

        void Take(int g, int i, double dist)
        {
            taken[i] = true;
            count[g]++;
            if (source is not null)
                perSource[source[i]] = perSource.GetValueOrDefault(source[i]) + 1;
            picks.Add((i, dist));
            foreach (int j in members[g])
                d[j] = Math.Min(d[j], Dist(cand[j], cand[i]));
        }

        for (int g = 0; g < ids.Length; g++)
        {
            while (count[g] < quotas[g] && picks.Count < max && Offer(g) is { } o && Eligible(o.D))
                Take(g, o.I, o.D);
        }
        while (picks.Count < max)
        {
            (int G, int I, double D)? best = null;
            for (int g = 0; g < ids.Length; g++)
            {
                if (Offer(g) is { } o && (best is null || o.D > best.Value.D || (o.D == best.Value.D && o.I < best.Value.I)))
                    best = (g, o.I, o.D);
            }
            if (best is null || !Eligible(best.Value.D))
                break;
            Take(best.Value.G, best.Value.I, best.Value.D);
        }
        double remaining = double.NaN;
        for (int g = 0; g < ids.Length; g++)
        {
            if (Offer(g) is { } o && (double.IsNaN(remaining) || o.D > remaining))
                remaining = o.D;
        }
        return new Result(picks, remaining);
    }

    static double Dist(double[] a, double[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
            s += (a[k] - b[k]) * (a[k] - b[k]);
        return Math.Sqrt(s);
    }
}
