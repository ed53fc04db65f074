using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Starting points for <c>nepforge nep init</c>. <c>default</c> writes only <c>type</c>, so GPUMD's own defaults
/// apply. The others are NepForge's choices, not GPUMD's: <c>fast</c> for a first model in minutes, <c>accurate</c>
/// for a production model.
/// </summary>
public static class NepInputPresets
{
    /// <summary>Preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["default", "fast", "accurate"];

    /// <summary>A nep.in for <paramref name="species"/> (type order) from preset <paramref name="preset"/>.</summary>
    public static NepInput Create(string preset, IEnumerable<string> species)
    {
        var input = new NepInput().SetTypes(species);
        switch (preset)
        {
            case "default":
                break;
            case "fast":
                input.Set("cutoff", 6.0, 4.0).Set("n_max", 4.0, 4.0).Set("basis_size", 6.0, 6.0).Set("neuron", 20.0).Set("generation", 20000.0);
                break;
            case "accurate":
                input.Set("cutoff", 8.0, 4.5).Set("n_max", 8.0, 6.0).Set("basis_size", 8.0, 8.0).Set("l_max", 4.0, 2.0, 1.0)
                    .Set("neuron", 50.0).Set("generation", 500000.0);
                break;
            default:
                throw new ArgumentException($"unknown preset '{preset}' (one of {string.Join(", ", Names)})");
        }
        return input;
    }

    /// <summary>
    /// Species of a training set in the order <c>nep init</c> writes them: by first appearance in the file, so the
    /// type order is stable when frames are appended.
    /// </summary>
    public static List<string> SpeciesInOrder(IEnumerable<Frame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var seen = new List<string>();
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in frames)
        {
            foreach (var e in f.Elements)
            {
                if (set.Add(e.Symbol))
                    seen.Add(e.Symbol);
            }
        }
        return seen;
    }
}
