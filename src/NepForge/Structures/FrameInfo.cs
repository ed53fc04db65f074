namespace NepForge.Structures;

/// <summary>
/// Where a frame came from and how it was made: config_type, weight, the source file and frame index (and MD/ionic
/// step), which energy its label is, the random seed of a generated frame, plus any other key=value pairs a file
/// carried (kept verbatim, in order, so they are written back).
/// </summary>
public sealed class FrameInfo
{
    /// <summary>NEP <c>config_type</c>: a label for the kind of structure (e.g. "aimd_300K", "perturbed").</summary>
    public string? ConfigType { get; set; }

    /// <summary>NEP <c>weight</c> of this structure in the loss (GPUMD accepts 0 &lt; w ≤ 100).</summary>
    public double? Weight { get; set; }

    /// <summary>File this frame was first read from.</summary>
    public string? SourceFile { get; set; }

    /// <summary>0-based index of the frame in <see cref="SourceFile"/>.</summary>
    public long? SourceIndex { get; set; }

    /// <summary>MD or ionic step number as the producing program counted it, when known.</summary>
    public long? SourceStep { get; set; }

    /// <summary>
    /// Which energy <see cref="Frame.Energy"/> is, e.g. "free_energy" (VASP TOTEN, the default), "energy_sigma0",
    /// "energy_no_entropy", "gpumd_potential" (a model's prediction). Null when the file did not say.
    /// </summary>
    public string? EnergyKind { get; set; }

    /// <summary>Seed of the random step that produced this frame, when one did.</summary>
    public long? Seed { get; set; }

    /// <summary>Other comment-line keys and their raw values, in file order (case of keys kept).</summary>
    public List<KeyValuePair<string, string>> Extra { get; } = [];

    /// <summary>Looks up an extra key ignoring case.</summary>
    public string? GetExtra(string key)
    {
        foreach (var kv in Extra)
        {
            if (string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase))
                return kv.Value;
        }
        return null;
    }

    /// <summary>Sets (replacing, ignoring case) or appends an extra key.</summary>
    public void SetExtra(string key, string value)
    {
        for (int i = 0; i < Extra.Count; i++)
        {
            if (string.Equals(Extra[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                Extra[i] = new(key, value);
                return;
            }
        }
        Extra.Add(new(key, value));
    }

    /// <summary>Removes an extra key ignoring case; true if it was there.</summary>
    public bool RemoveExtra(string key) =>
        Extra.RemoveAll(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)) > 0;

    /// <summary>A deep copy.</summary>
    public FrameInfo Clone()
    {
        var c = new FrameInfo
        {
            ConfigType = ConfigType,
            Weight = Weight,
            SourceFile = SourceFile,
            SourceIndex = SourceIndex,
            SourceStep = SourceStep,
            EnergyKind = EnergyKind,
            Seed = Seed,
        };
        c.Extra.AddRange(Extra);
        return c;
    }

    /// <summary>True when every field and every extra pair are equal.</summary>
    public bool ContentEquals(FrameInfo o) =>
        ConfigType == o.ConfigType && Weight.Equals(o.Weight) && SourceFile == o.SourceFile &&
        SourceIndex == o.SourceIndex && SourceStep == o.SourceStep && EnergyKind == o.EnergyKind && Seed == o.Seed &&
        Extra.SequenceEqual(o.Extra);
}
