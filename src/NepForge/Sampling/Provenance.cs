using System.Globalization;
using NepForge.Structures;

namespace NepForge.Sampling;

/// <summary>
/// The provenance keys the curation steps write into a frame's info line, in one place, so the CLI verbs and the
/// workflow stages record the same thing: the seed a random sample or split used, why a frame was rejected, which
/// kept frame a dropped one duplicates.
/// </summary>
public static class Provenance
{
    /// <summary>Seed of the random sample that kept the frame.</summary>
    public const string SampleSeed = "sample_seed";

    /// <summary>Seed of the train/test split.</summary>
    public const string SplitSeed = "split_seed";

    /// <summary>Why the filter rejected the frame.</summary>
    public const string RejectReason = "reject_reason";

    /// <summary>0-based input index of the kept frame this one duplicates.</summary>
    public const string DuplicateOf = "duplicate_of";

    internal static void Set(Frame frame, string key, long value) => frame.Info.SetExtra(key, value.ToString(CultureInfo.InvariantCulture));
}
