namespace NepForge.Formats.Vasp;

/// <summary>Which of VASP's three total energies becomes the frame's energy label.</summary>
public enum VaspEnergyKind
{
    /// <summary><c>free  energy   TOTEN</c> / <c>e_fr_energy</c>: the Mermin free energy, consistent with the forces. Default.</summary>
    Free,

    /// <summary><c>energy(sigma->0)</c> / <c>e_0_energy</c>: extrapolated to zero smearing (ASE's default).</summary>
    Sigma0,

    /// <summary><c>energy  without entropy</c> / <c>e_wo_entrp</c>.</summary>
    NoEntropy,
}

/// <summary>Names recorded in <c>energy_kind</c>.</summary>
public static class VaspEnergyKinds
{
    /// <summary>The <c>energy_kind</c> value of a kind: free_energy, energy_sigma0, energy_no_entropy.</summary>
    public static string Name(VaspEnergyKind kind) => kind switch
    {
        VaspEnergyKind.Free => "free_energy",
        VaspEnergyKind.Sigma0 => "energy_sigma0",
        _ => "energy_no_entropy",
    };

    /// <summary>Parses free | sigma0 | no-entropy (CLI spelling; also the recorded names).</summary>
    public static VaspEnergyKind Parse(string text) => text.ToLowerInvariant() switch
    {
        "free" or "free_energy" or "toten" => VaspEnergyKind.Free,
        "sigma0" or "energy_sigma0" or "sigma->0" => VaspEnergyKind.Sigma0,
        "no-entropy" or "noentropy" or "energy_no_entropy" or "wo_entrp" => VaspEnergyKind.NoEntropy,
        _ => throw new ArgumentException($"unknown energy '{text}': use free, sigma0 or no-entropy"),
    };
}
