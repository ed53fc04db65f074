using System.Globalization;
using NepForge.Structures;

namespace NepForge.Dft;

/// <summary>
/// Checks that a job's output belongs to its input: the first step of the run must have the atoms of
/// <c>structure.xyz</c> (count, species in order), at the same positions and in the same cell, within a tolerance.
/// An OUTCAR or CP2K log copied into the wrong folder is then a failed job with the reason, never labels filed under
/// another structure's name. The atom order may be the input's or VASP's (grouped by species in order of first
/// appearance, as NepForge writes the POSCAR).
/// </summary>
public static class DftOutputCheck
{
    /// <summary>Largest allowed position difference, Å (OUTCAR prints positions with 5 decimals).</summary>
    public const double PositionTolerance = 0.01;

    /// <summary>Largest allowed difference of a lattice-vector component, Å.</summary>
    public const double CellTolerance = 0.001;

    /// <summary>Null when <paramref name="first"/> (the run's first step) matches <paramref name="input"/>; otherwise why not.</summary>
    public static string? Mismatch(Frame input, Frame first)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(first);
        int n = input.AtomCount;
        if (first.AtomCount != n)
            return string.Create(CultureInfo.InvariantCulture, $"the output has {first.AtomCount} atoms ({first.Formula}), structure.xyz has {n} ({input.Formula}): not this job's output");

        var grouped = GroupedBySpecies(input.Elements);
        int[]? order = null;
        foreach (var candidate in new[] { Enumerable.Range(0, n).ToArray(), grouped })
        {
            if (Enumerable.Range(0, n).All(i => first.Elements[i] == input.Elements[candidate[i]]))
            {
                order = candidate;
                break;
            }
        }
        if (order is null)
        {
            string Species(Frame f) => string.Join(' ', Runs(f.Elements));
            return $"the output's species order ({Species(first)}) is not structure.xyz's ({Species(input)}): not this job's output";
        }

        if (input.Lattice is { } li && first.Lattice is { } lo)
        {
            double worst = 0;
            var a = li.Matrix.ToArray();
            var b = lo.Matrix.ToArray();
            for (int k = 0; k < 9; k++)
                worst = Math.Max(worst, Math.Abs(a[k] - b[k]));
            if (worst > CellTolerance)
                return string.Create(CultureInfo.InvariantCulture, $"the output's first cell differs from structure.xyz's by {worst:G3} Å (tolerance {CellTolerance} Å): not this job's output");
        }

        double far = 0;
        int farAtom = -1;
        for (int i = 0; i < n; i++)
        {
            var d = first.Position(i) - input.Position(order[i]);
            if (input.Lattice is { } l)
            {
                // Periodic images count: VASP writes positions wrapped into the cell.
                var f = l.ToFractional(d);
                var pbc = l.Pbc;
                f = new Vec3(pbc.A ? f.X - Math.Round(f.X) : f.X, pbc.B ? f.Y - Math.Round(f.Y) : f.Y, pbc.C ? f.Z - Math.Round(f.Z) : f.Z);
                d = l.ToCartesian(f);
            }
            double r = d.Length;
            if (r > far)
            {
                far = r;
                farAtom = i;
            }
        }
        if (far > PositionTolerance)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"the output's first positions differ from structure.xyz's by up to {far:G3} Å (atom {farAtom + 1}, {first.Elements[farAtom].Symbol}; tolerance {PositionTolerance} Å): not this job's output");
        }
        return null;
    }

    static int[] GroupedBySpecies(Element[] elements)
    {
        var order = new List<Element>();
        foreach (var e in elements)
        {
            if (!order.Contains(e))
                order.Add(e);
        }
        return [.. order.SelectMany(e => Enumerable.Range(0, elements.Length).Where(i => elements[i] == e))];
    }

    static IEnumerable<string> Runs(Element[] elements)
    {
        int i = 0;
        while (i < elements.Length)
        {
            int j = i;
            while (j < elements.Length && elements[j] == elements[i])
                j++;
            yield return string.Create(CultureInfo.InvariantCulture, $"{elements[i].Symbol}{j - i}");
            i = j;
        }
    }
}
