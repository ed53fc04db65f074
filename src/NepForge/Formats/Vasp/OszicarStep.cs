using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// One completed ionic step of an OSZICAR, from its line
/// <c>   1 F= -.52636024E+03 E0= -.52636024E+03  d E =-.526360E+03  mag=     0.0000</c> (relaxation / static) or
/// <c>   1 T=   301. E= -.28093E+02 F= -.28386E+02 E0= -.28386E+02  EK= 0.29174E+00 SP= 0.00E+00 SK= 0.00E+00</c> (MD),
/// and its electronic steps. Energies in eV, temperature in K; a value VASP printed as asterisks (overflow) is NaN.
/// </summary>
public sealed class OszicarStep
{
    /// <summary>
    /// Ionic step number as printed (1-based; restarts at 1 in a file that concatenates runs). When VASP printed
    /// asterisks (a number too wide for its field), the previous step's number + 1.
    /// </summary>
    public int Number { get; init; }

    /// <summary><c>F=</c>: the free energy TOTEN, eV (the force-consistent energy).</summary>
    public double FreeEnergy { get; init; }

    /// <summary><c>E0=</c>: the energy extrapolated to σ → 0, eV; null when the line has no <c>E0=</c>.</summary>
    public double? EnergySigma0 { get; init; }

    /// <summary><c>d E =</c>: the change of F from the previous ionic step, eV (not in MD lines).</summary>
    public double? EnergyChange { get; init; }

    /// <summary><c>mag=</c>: the total magnetic moment, μB (ISPIN = 2); the first component for a non-collinear run.</summary>
    public double? Magnetization { get; init; }

    /// <summary><c>mag=</c> with three components (non-collinear run), μB.</summary>
    public Vec3? MagnetizationVector { get; init; }

    /// <summary><c>T=</c>: the ionic temperature of an MD step, K.</summary>
    public double? Temperature { get; init; }

    /// <summary><c>E=</c>: the total energy of an MD step, F + EK + SP + SK (potential + ionic kinetic + thermostat), eV.</summary>
    public double? TotalEnergy { get; init; }

    /// <summary><c>EK=</c>: the ionic kinetic energy of an MD step, eV.</summary>
    public double? KineticEnergy { get; init; }

    /// <summary><c>SP=</c>: the Nosé thermostat potential energy, eV.</summary>
    public double? NosePotential { get; init; }

    /// <summary><c>SK=</c>: the Nosé thermostat kinetic energy, eV.</summary>
    public double? NoseKinetic { get; init; }

    /// <summary>
    /// Other <c>key=value</c> pairs of the ionic line, raw, in order (keys without spaces); trailing words without '='
    /// come last with an empty value.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Other { get; init; } = [];

    /// <summary>The electronic steps that led to this ionic step.</summary>
    public OszicarElectronicLoop Electronic { get; init; } = OszicarElectronicLoop.Empty;

    /// <summary>1-based line number of the ionic line.</summary>
    public long Line { get; init; }

    /// <summary>True when this is an MD line (it has <c>T=</c>).</summary>
    public bool IsMolecularDynamics => Temperature is not null;
}
