namespace NepForge.Sampling.Curation;

/// <summary>
/// Train/test split stratified by config_type: within every config_type the same fraction goes to the test set
/// (rounded; at least one test frame for a group of two or more when the fraction is positive), chosen with a seeded
/// RNG, so small groups are represented in both sets.
/// </summary>
public static class DatasetSplit
{
    /// <summary>
    /// Pairs each frame with its side (true: test) and records the split's seed in it as split_seed. Throws when
    /// there are more frames than <paramref name="isTest"/> (the input changed between the two passes).
    /// </summary>
    public static IEnumerable<(Structures.Frame Frame, bool Test)> Assign(IEnumerable<Structures.Frame> frames, bool[] isTest, int seed)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(isTest);
        int i = 0;
        foreach (var f in frames)
        {
            if (i >= isTest.Length)
                throw new InvalidOperationException("the input changed while it was being split");
            Provenance.Set(f, Provenance.SplitSeed, seed);
            yield return (f, isTest[i++]);
        }
    }

    /// <summary>Returns, per frame index, true when it goes to the test set.</summary>
    public static bool[] Stratified(IReadOnlyList<string?> configTypes, double testFraction, int seed)
    {
        if (testFraction is < 0 or > 1 || double.IsNaN(testFraction))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "test fraction must be in [0, 1]");
        var isTest = new bool[configTypes.Count];
        var rng = new Random(seed);
        var groups = configTypes.Select((c, i) => (Key: c ?? "", Index: i)).GroupBy(x => x.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var members = g.Select(x => x.Index).ToArray();
            int k = (int)Math.Round(members.Length * testFraction, MidpointRounding.AwayFromZero);
            if (k == 0 && testFraction > 0 && members.Length >= 2)
                k = 1;
            rng.Shuffle(members);
            foreach (int i in members.AsSpan(0, Math.Min(k, members.Length)))
                isTest[i] = true;
        }
        return isTest;
    }
}
