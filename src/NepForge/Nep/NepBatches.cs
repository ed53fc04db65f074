using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Frames cut into batches for <see cref="NepCalculator"/>: structures in parallel within a batch, memory bounded by
/// one batch (8 frames per thread, or 200 000 atoms).
/// </summary>
public static class NepBatches
{
    /// <summary>The frames in batches, in input order.</summary>
    public static IEnumerable<List<Frame>> Of(IEnumerable<Frame> frames, int threads)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var batch = new List<Frame>();
        long atoms = 0;
        foreach (var f in frames)
        {
            batch.Add(f);
            atoms += f.AtomCount;
            if (batch.Count >= 8 * Math.Max(1, threads) || atoms >= 200_000)
            {
                yield return batch;
                batch = [];
                atoms = 0;
            }
        }
        if (batch.Count > 0)
            yield return batch;
    }
}
