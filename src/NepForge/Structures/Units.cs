namespace NepForge.Structures;

/// <summary>
/// Unit constants, all in one place. NepForge works in Å, eV, eV/Å, amu and fs; the virial is in eV per cell with
/// the pressure sign (GPUMD's <c>virial=</c>: positive = compressed), stress is shown in GPa.
/// </summary>
public static class Units
{
    /// <summary>Elementary charge in C (CODATA 2018, exact).</summary>
    public const double ElementaryCharge = 1.602176634e-19;

    /// <summary>1 eV/Å³ in GPa (= e·1e30/1e9 = 160.2176634). GPUMD's PRESSURE_UNIT_CONVERSION is 160.2177.</summary>
    public const double EvPerA3ToGpa = ElementaryCharge * 1e21;

    /// <summary>1 GPa in eV/Å³.</summary>
    public const double GpaToEvPerA3 = 1.0 / EvPerA3ToGpa;

    /// <summary>1 kBar (VASP's "kB", = 0.1 GPa) in eV/Å³ (= 1/1602.176634).</summary>
    public const double KBarToEvPerA3 = 0.1 * GpaToEvPerA3;

    /// <summary>Boltzmann constant in eV/K (CODATA 2018, exact).</summary>
    public const double BoltzmannEvPerK = 8.617333262e-5;

    /// <summary>1 Hartree in eV (CODATA 2018), for CP2K outputs.</summary>
    public const double HartreeToEv = 27.211386245988;

    /// <summary>1 Bohr in Å (CODATA 2018), for CP2K outputs.</summary>
    public const double BohrToAngstrom = 0.529177210903;
}
