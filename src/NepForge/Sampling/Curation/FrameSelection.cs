namespace NepForge.Sampling.Curation;

/// <summary>
/// Chooses which frames of a trajectory to keep, by index, without looking at the frames: every N-th (users'
/// mdsimplify.py), K evenly spaced, K at random with a seed, a Python-style slice A:B:STEP, after skipping the first
/// N (equilibration). Indices are 0-based and returned in increasing order, so the output keeps trajectory order.
/// </summary>
public static class FrameSelection
{
    /// <summary>
    /// The frames at <paramref name="indices"/> (0-based), in input order; a random sample's <paramref name="seed"/>
    /// is recorded in each as sample_seed (null: a deterministic choice, nothing recorded).
    /// </summary>
    public static IEnumerable<Structures.Frame> Pick(IEnumerable<Structures.Frame> frames, IEnumerable<long> indices, int? seed)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var keep = new HashSet<long>(indices);
        long i = 0;
        foreach (var f in frames)
        {
            if (keep.Contains(i++))
            {
                if (seed is int s)
                    Provenance.Set(f, Provenance.SampleSeed, s);
                yield return f;
            }
        }
    }

    /// <summary>Indices 0, N, 2N… below <paramref name="total"/>.</summary>
    public static IEnumerable<long> Every(long total, long every, long skipFirst = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        for (long i = skipFirst; i < total; i += every)
            yield return i;
    }

    /// <summary>
    /// <paramref name="count"/> indices spread evenly over [skipFirst, total), first and last included:
    /// round(skipFirst + k·(n−1)/(K−1)). All frames when K ≥ n.
    /// </summary>
    public static long[] Evenly(long total, long count, long skipFirst = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        long n = Math.Max(0, total - skipFirst);
        if (count >= n)
            return Range(skipFirst, n);
        if (count == 1)
            return [skipFirst];
        var result = new long[count];
        for (long k = 0; k < count; k++)
            result[k] = skipFirst + (long)Math.Round(k * (double)(n - 1) / (count - 1), MidpointRounding.AwayFromZero);
        return result;
    }

    /// <summary><paramref name="count"/> distinct indices from [skipFirst, total) chosen uniformly with a seeded RNG, sorted.</summary>
    public static long[] Random(long total, long count, int seed, long skipFirst = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        long n = Math.Max(0, total - skipFirst);
        if (count >= n)
            return Range(skipFirst, n);
        // Floyd's algorithm: exactly `count` draws, no array of size n.
        var rng = new Random(seed);
        var chosen = new HashSet<long>();
        for (long j = n - count; j < n; j++)
        {
            long t = rng.NextInt64(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }
        var result = chosen.Select(i => i + skipFirst).ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>Indices of a slice, as Python's <c>range(total)[start:stop:step]</c> (negative values count from the end).</summary>
    public static long[] Slice(long total, SliceSpec slice)
    {
        long step = slice.Step ?? 1;
        if (step <= 0)
            throw new ArgumentException("slice step must be positive", nameof(slice));
        long start = Clamp(slice.Start ?? 0, total), stop = Clamp(slice.Stop ?? total, total);
        var list = new List<long>();
        for (long i = start; i < stop; i += step)
            list.Add(i);
        return [.. list];

        static long Clamp(long v, long n) => v < 0 ? Math.Max(0, n + v) : Math.Min(v, n);
    }

    static long[] Range(long start, long n)
    {
        var r = new long[n];
        for (long i = 0; i < n; i++)
            r[i] = start + i;
        return r;
    }
}

/// <summary>A slice A:B[:STEP]; any part may be omitted ("::10", "100:", ":-1").</summary>
public readonly record struct SliceSpec(long? Start, long? Stop, long? Step)
{
    /// <summary>Parses "A:B[:STEP]" or a single index "A" (= A:A+1).</summary>
    public static SliceSpec Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is < 1 or > 3)
            throw new FormatException($"'{text}' is not a slice A:B[:STEP]");
        long? Part(int i) => i < parts.Length && parts[i].Length > 0
            ? long.TryParse(parts[i], out long v) ? v : throw new FormatException($"'{parts[i]}' in slice '{text}' is not an integer")
            : null;
        if (parts.Length == 1)
        {
            long a = Part(0) ?? throw new FormatException("empty slice");
            return new(a, a == -1 ? null : a + 1, null);
        }
        return new(Part(0), Part(1), Part(2));
    }

    /// <summary>True when resolving the slice needs the frame count (negative start/stop).</summary>
    public bool NeedsTotal => Start < 0 || Stop < 0;
}
