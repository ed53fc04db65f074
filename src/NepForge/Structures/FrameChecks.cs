namespace NepForge.Structures;

/// <summary>
/// Checks every reader applies to the frames it returns: positions, cell, energy, forces and virial must be finite
/// (a NaN coordinate gives a finite NEP energy with zero force on that atom; a NaN energy trains nonsense).
/// </summary>
public static class FrameChecks
{
    /// <summary>What is not finite in <paramref name="frame"/> (the first such value), or null when all are.</summary>
    public static string? NonFinite(Frame frame) => NonFinite(frame, out _);

    /// <summary>
    /// What is not finite in <paramref name="frame"/>, or null; <paramref name="atom"/> is the 0-based atom it belongs
    /// to, or -1 for the cell, energy and virial.
    /// </summary>
    public static string? NonFinite(Frame frame, out int atom)
    {
        ArgumentNullException.ThrowIfNull(frame);
        atom = -1;
        if (frame.Lattice is { } lattice && NonFinite(lattice.Matrix) is { } cell)
            return $"the cell has a non-finite value ({cell})";
        if (frame.Energy is { } e && !double.IsFinite(e))
            return $"the energy is not finite ({Show(e)})";
        if (frame.Virial is { } w && NonFinite(w) is { } virial)
            return $"the virial has a non-finite value ({virial})";
        if (FirstNonFinite(frame.Positions) is int p)
        {
            atom = p / 3;
            return $"the position of atom {atom + 1} ({frame.Elements[atom].Symbol}) is not finite ({Show(frame.Positions[p])})";
        }
        if (frame.Forces is { } forces && FirstNonFinite(forces) is int f)
        {
            atom = f / 3;
            return $"the force on atom {atom + 1} ({frame.Elements[atom].Symbol}) is not finite ({Show(forces[f])})";
        }
        return null;
    }

    /// <summary>The first non-finite entry of a matrix, as text, or null.</summary>
    public static string? NonFinite(Mat3 m)
    {
        for (int i = 0; i < 9; i++)
        {
            double v = m[i / 3, i % 3];
            if (!double.IsFinite(v))
                return Show(v);
        }
        return null;
    }

    static int? FirstNonFinite(double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                return i;
        }
        return null;
    }

    static string Show(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity (or a number beyond 1.8e308)" : "-Infinity (or a number below -1.8e308)";
}
