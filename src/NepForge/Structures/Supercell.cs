using System.Globalization;

namespace NepForge.Structures;

/// <summary>
/// Builds supercells: the new cell vectors are integer combinations of the old ones, a′ᵢ = Σⱼ Pᵢⱼ aⱼ (P an integer
/// matrix with det P ≠ 0; a diagonal P = diag(n₁, n₂, n₃) repeats the cell n₁×n₂×n₃ times). The supercell holds
/// |det P| copies of every atom; labels are extensive: energy and virial are multiplied by |det P| and forces are
/// tiled, so a supercell of a DFT frame is an exact DFT frame of the larger periodic cell.
/// </summary>
/// <remarks>
/// Atoms are ordered copy by copy, as ASE's <c>Atoms.repeat</c> does: the translations t = (i, j, k) of the old cell
/// that fall inside the new one, in lexicographic order (k fastest), each followed by all original atoms in their
/// order. Copy (0, 0, 0) is the original frame, positions unchanged (not wrapped). The translations are found in
/// exact integer arithmetic (t·adj P ∈ [0, det P)³), so no atom is lost or doubled at a face.
/// </remarks>
public static class Supercell
{
    /// <summary>The <paramref name="na"/>×<paramref name="nb"/>×<paramref name="nc"/> repetition of <paramref name="frame"/>.</summary>
    public static Frame Make(Frame frame, int na, int nb, int nc) =>
        Make(frame, new[,] { { na, 0, 0 }, { 0, nb, 0 }, { 0, 0, nc } });

    /// <summary>Copies of the cell in the supercell, |det P|; throws for a matrix that is not 3×3 or is singular.</summary>
    public static long Copies(int[,] matrix) => Math.Abs(Determinant(Check(matrix)));

    /// <summary>Atoms the supercell of <paramref name="frame"/> by <paramref name="matrix"/> would hold (checked before building).</summary>
    public static long AtomCount(Frame frame, int[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.AtomCount * Copies(matrix);
    }

    /// <summary>
    /// The supercell of <paramref name="frame"/> with cell vectors P·(a, b, c), <paramref name="matrix"/> = P (3×3,
    /// rows = new vectors in units of the old ones). The frame needs a cell; an axis that is not periodic may not be
    /// repeated or mixed with others (there is no image to copy along it).
    /// </summary>
    public static Frame Make(Frame frame, int[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var p = Check(matrix);
        var lattice = frame.Lattice ?? throw new ArgumentException("a supercell needs a cell: the frame has no lattice", nameof(frame));
        long det = Determinant(p);
        for (int axis = 0; axis < 3; axis++)
        {
            if (lattice.Pbc[axis])
                continue;
            for (int k = 0; k < 3; k++)
            {
                if (p[axis, k] != (axis == k ? 1 : 0) || p[k, axis] != (axis == k ? 1 : 0))
                {
                    throw new ArgumentException(
                        $"axis {"abc"[axis]} is not periodic (pbc=\"{lattice.Pbc}\"): it can be neither repeated nor mixed with the others", nameof(matrix));
                }
            }
        }

        var translations = Translations(p, det);
        int n = frame.AtomCount;
        long total = (long)n * translations.Count;
        if (total > Array.MaxLength / 3)
            throw new ArgumentException($"the supercell would hold {total} atoms, too many", nameof(matrix));

        var indices = new int[total];
        for (int c = 0; c < translations.Count; c++)
        {
            for (int i = 0; i < n; i++)
                indices[c * n + i] = i;
        }
        var result = frame.SelectAtoms(indices);
        var m = lattice.Matrix;
        for (int c = 0; c < translations.Count; c++)
        {
            var (ta, tb, tc) = translations[c];
            var shift = new Vec3(ta, tb, tc) * m;
            if (shift == Vec3.Zero)
                continue;
            var pos = result.Positions;
            for (int i = c * n; i < (c + 1) * n; i++)
            {
                pos[3 * i] += shift.X;
                pos[3 * i + 1] += shift.Y;
                pos[3 * i + 2] += shift.Z;
            }
        }

        var pm = new Mat3(p[0, 0], p[0, 1], p[0, 2], p[1, 0], p[1, 1], p[1, 2], p[2, 0], p[2, 1], p[2, 2]);
        result.Lattice = new Lattice(pm * m, lattice.Pbc);
        double copies = Math.Abs(det);
        result.Energy = frame.Energy * copies;
        result.Virial = frame.Virial is { } w ? copies * w : null;
        // An extensive extra label (kept when the file carried both energy= and free_energy=) scales too.
        if (result.Info.GetExtra("free_energy") is { } free &&
            double.TryParse(free, NumberStyles.Float, CultureInfo.InvariantCulture, out double fe))
        {
            result.Info.SetExtra("free_energy", (fe * copies).ToString("R", CultureInfo.InvariantCulture));
        }
        string spec = string.Join(' ', Enumerable.Range(0, 9).Select(k => p[k / 3, k % 3].ToString(CultureInfo.InvariantCulture)));
        if (result.Info.GetExtra("supercell") is { } earlier)
            spec = earlier + ";" + spec; // a supercell of a supercell keeps the whole history
        result.Info.SetExtra("supercell", spec);
        return result;
    }

    /// <summary>Parses "2 2 1" (a diagonal repetition) or nine integers "2 0 0 0 2 0 0 0 1" (row-major P).</summary>
    public static int[,] ParseMatrix(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        var v = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out v[i]))
                throw new FormatException($"'{parts[i]}' is not an integer");
        }
        return v.Length switch
        {
            3 => new[,] { { v[0], 0, 0 }, { 0, v[1], 0 }, { 0, 0, v[2] } },
            9 => new[,] { { v[0], v[1], v[2] }, { v[3], v[4], v[5] }, { v[6], v[7], v[8] } },
            _ => throw new FormatException($"expected 3 integers (a diagonal repetition) or 9 (a row-major matrix), found {v.Length}"),
        };
    }

    static int[,] Check(int[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(0) != 3 || matrix.GetLength(1) != 3)
            throw new ArgumentException($"the supercell matrix must be 3×3, got {matrix.GetLength(0)}×{matrix.GetLength(1)}", nameof(matrix));
        if (Determinant(matrix) == 0)
            throw new ArgumentException("the supercell matrix is singular (det = 0): its rows must be independent", nameof(matrix));
        return matrix;
    }

    static long Determinant(int[,] p) =>
        (long)p[0, 0] * ((long)p[1, 1] * p[2, 2] - (long)p[1, 2] * p[2, 1]) -
        (long)p[0, 1] * ((long)p[1, 0] * p[2, 2] - (long)p[1, 2] * p[2, 0]) +
        (long)p[0, 2] * ((long)p[1, 0] * p[2, 1] - (long)p[1, 1] * p[2, 0]);

    // Integer translations t (in old cell vectors) with fractional coordinates t·P⁻¹ in [0, 1)³, i.e. with
    // t·adj(P) in [0, det)³ (signs flipped for det < 0): exactly |det| of them.
    static List<(int A, int B, int C)> Translations(int[,] p, long det)
    {
        // adj(P) = det·P⁻¹ (the transposed cofactor matrix).
        var adj = new long[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                adj[i, j] = (long)p[r0, c0] * p[r1, c1] - (long)p[r0, c1] * p[r1, c0];
            }
        }
        // The new cell's corners, in old fractional coordinates, bound the translations.
        var lo = new long[3];
        var hi = new long[3];
        for (int corner = 0; corner < 8; corner++)
        {
            for (int k = 0; k < 3; k++)
            {
                long x = 0;
                for (int r = 0; r < 3; r++)
                {
                    if ((corner >> r & 1) != 0)
                        x += p[r, k];
                }
                lo[k] = corner == 0 ? x : Math.Min(lo[k], x);
                hi[k] = corner == 0 ? x : Math.Max(hi[k], x);
            }
        }
        long sign = det > 0 ? 1 : -1, size = Math.Abs(det);
        var result = new List<(int, int, int)>(checked((int)size));
        for (long a = lo[0]; a <= hi[0]; a++)
        {
            for (long b = lo[1]; b <= hi[1]; b++)
            {
                for (long c = lo[2]; c <= hi[2]; c++)
                {
                    bool inside = true;
                    for (int k = 0; k < 3 && inside; k++)
                    {
                        long x = sign * (a * adj[0, k] + b * adj[1, k] + c * adj[2, k]);
                        inside = x >= 0 && x < size;
                    }
                    if (inside)
                        result.Add(((int)a, (int)b, (int)c));
                }
            }
        }
        if (result.Count != size)
            throw new InvalidOperationException($"supercell: found {result.Count} lattice translations, expected {size}");
        return result;
    }
}
