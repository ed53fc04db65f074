using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// What a NEP model predicts for one structure: total and per-atom energies (eV), forces (eV/Å, flat [N×3]) and
/// virials (eV, pressure sign as GPUMD's <c>virial=</c>; per atom flat [N×9] in the order xx xy xz yx yy yz zx zy zz).
/// </summary>
public sealed class NepResult
{
    internal NepResult(double[] atomEnergies, double[] forces, double[] atomVirials)
    {
        AtomEnergies = atomEnergies;
        Forces = forces;
        AtomVirials = atomVirials;
        double energy = 0;
        foreach (double u in atomEnergies)
            energy += u;
        Energy = energy;
        Span<double> w = stackalloc double[9];
        for (int i = 0; i < atomEnergies.Length; i++)
        {
            for (int c = 0; c < 9; c++)
                w[c] += atomVirials[9 * i + c];
        }
        Virial = Mat3.FromRowMajor(w);
    }

    /// <summary>Total energy, eV.</summary>
    public double Energy { get; }

    /// <summary>Site energy U_i of each atom (including its ZBL share), eV.</summary>
    public double[] AtomEnergies { get; }

    /// <summary>Forces −∂E/∂r_i, eV/Å, flat [N×3].</summary>
    public double[] Forces { get; }

    /// <summary>
    /// Per-atom virial W_i = Σ_j r_ij ⊗ ∂U_j/∂r_ji (not symmetric), eV, flat [N×9] row-major (xx xy xz yx yy yz zx zy zz).
    /// </summary>
    public double[] AtomVirials { get; }

    /// <summary>Total virial Σ_i W_i = −∂E/∂ε (symmetric), eV per cell, pressure sign: what <see cref="Frame.Virial"/> holds.</summary>
    public Mat3 Virial { get; }
}
