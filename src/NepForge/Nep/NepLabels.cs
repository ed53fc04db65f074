using System.Globalization;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Puts a prediction on a frame as its labels (energy, forces, virial) and keeps the reference (DFT) labels it had
/// under other names: info <c>dft_energy</c>, per-atom array <c>dft_forces</c>, info <c>dft_virial</c> (9 numbers,
/// xx xy xz yx yy yz zx zy zz, eV per cell, pressure sign).
/// </summary>
public static class NepLabels
{
    /// <summary>Name of the info key holding the reference energy (eV).</summary>
    public const string DftEnergy = "dft_energy";

    /// <summary>Name of the per-atom array holding the reference forces (eV/Å).</summary>
    public const string DftForces = "dft_forces";

    /// <summary>Name of the info key holding the reference virial (eV).</summary>
    public const string DftVirial = "dft_virial";

    /// <summary>Energy kind written for predicted energies.</summary>
    public const string PredictedEnergyKind = "nep";

    /// <summary>Moves the frame's labels to the dft_* names and sets the prediction as its labels.</summary>
    public static void Apply(Frame frame, NepResult prediction)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(prediction);
        if (frame.Energy is { } e)
            frame.Info.SetExtra(DftEnergy, e.ToString("R", CultureInfo.InvariantCulture));
        if (frame.Forces is { } f)
            frame.SetArray(PerAtomArray.Real(DftForces, 3, f));
        if (frame.Virial is { } w)
            frame.Info.SetExtra(DftVirial, string.Join(' ', w.ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        frame.Energy = prediction.Energy;
        frame.Forces = (double[])prediction.Forces.Clone();
        frame.Virial = frame.Lattice is { Pbc: { A: true, B: true, C: true } } ? prediction.Virial : null;
        frame.Info.EnergyKind = PredictedEnergyKind;
    }
}
