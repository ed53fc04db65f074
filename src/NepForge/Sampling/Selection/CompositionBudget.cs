namespace NepForge.Sampling.Selection;

/// <summary>
/// Splits a selection budget over groups as NepTrain v3 does: one seat per group first, the rest in proportion to
/// √(group size), rounded by largest remainder (ties: lower group index). With fewer seats than groups, the largest
/// groups get one each.
/// </summary>
internal static class CompositionBudget
{
    /// <summary>Seats per group for a budget of <paramref name="total"/> over groups of the given sizes.</summary>
    public static int[] Split(int total, IReadOnlyList<int> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        int g = sizes.Count;
        var seats = new int[g];
        if (g == 0 || total == 0)
            return seats;
        if (total < g)
        {
            var bySize = Enumerable.Range(0, g).OrderByDescending(i => sizes[i]).ThenBy(i => i).Take(total);
            foreach (int i in bySize)
                seats[i] = 1;
            return seats;
        }
        Array.Fill(seats, 1);
        int rest = total - g;
        double sum = 0;
        for (int i = 0; i < g; i++)
            sum += Math.Sqrt(sizes[i]);
        if (rest == 0 || sum == 0)
            return seats;
        var remainder = new double[g];
        int given = 0;
        for (int i = 0; i < g; i++)
        {
            double share = rest * Math.Sqrt(sizes[i]) / sum;
            int whole = (int)Math.Floor(share);
            seats[i] += whole;
            given += whole;
            remainder[i] = share - whole;
        }
        foreach (int i in Enumerable.Range(0, g).OrderByDescending(i => remainder[i]).ThenBy(i => i).Take(rest - given))
            seats[i]++;
        return seats;
    }
}
