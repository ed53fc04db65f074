namespace NepForge.Formats.Vasp;

/// <summary>The POSCAR/XDATCAR scale line: one factor, three per-axis factors, or a negative target volume (Å³).</summary>
static class VaspScale
{
    /// <summary>
    /// Scales the raw lattice rows in place; returns null, or the problem when a target volume cannot be applied to
    /// degenerate vectors. <paramref name="axisScale"/> receives the factor applied along each Cartesian axis.
    /// </summary>
    public static string? TryApply(Span<double> raw, ReadOnlySpan<double> scale, long scaleLine, out double[] axisScale)
    {
        if (scale.Length == 3)
        {
            axisScale = [scale[0], scale[1], scale[2]];
            for (int r = 0; r < 3; r++)
            {
                for (int k = 0; k < 3; k++)
                    raw[3 * r + k] *= scale[k];
            }
            return null;
        }
        double s = scale[0];
        if (s < 0)
        {
            double volume = Math.Abs(Structures.Mat3.FromRowMajor(raw).Determinant);
            if (!(volume > 0) || !double.IsFinite(volume))
            {
                axisScale = [];
                return $"the lattice vectors are degenerate (volume {volume} Å³), so the target volume {-s} on line {scaleLine} cannot be applied";
            }
            s = Math.Cbrt(-s / volume);
        }
        axisScale = [s, s, s];
        for (int i = 0; i < 9; i++)
            raw[i] *= s;
        return null;
    }
}
