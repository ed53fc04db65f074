namespace NepForge.Formats.ExtXyz;

/// <summary>What the extended-XYZ writer emits besides the structure.</summary>
public sealed class ExtXyzWriteOptions
{
    /// <summary>Shared default.</summary>
    public static readonly ExtXyzWriteOptions Default = new();

    /// <summary>
    /// Also write <c>stress=</c> (ASE sign, eV/Å³, = −virial/V) next to <c>virial=</c>, so that ASE and calorine see a
    /// stress. Default off: GPUMD's <c>nep</c> reads <c>virial=</c> and prints "Structure has both defined virials and
    /// stresses" once per structure when both are present (src/main_nep/structure.cu).
    /// </summary>
    public bool WriteStress { get; init; }

    /// <summary>Write provenance and other metadata keys (source_file, energy_kind, seed, extra keys). Default on.</summary>
    public bool WriteInfo { get; init; } = true;

    /// <summary>Leave out energy, forces, virial and stress (structures going to DFT).</summary>
    public bool StripLabels { get; init; }
}
