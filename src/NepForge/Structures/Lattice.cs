namespace NepForge.Structures;

/// <summary>
/// A simulation cell: three row vectors a, b, c (Å) and periodicity per axis. Immutable; the inverse and the
/// perpendicular widths are computed once. All distance routines are exact for any triclinic cell, including cells
/// thinner than twice the distance asked for (they search every image that can be closer, not only the nearest).
/// </summary>
public sealed class Lattice : IEquatable<Lattice>
{
    readonly Mat3 _inverse;
    readonly Vec3 _widths;

    /// <summary>Creates a cell; periodic in all three directions unless <paramref name="pbc"/> says otherwise.</summary>
    public Lattice(Mat3 matrix, Pbc? pbc = null)
    {
        Matrix = matrix;
        Pbc = pbc ?? Pbc.All;
        double v = matrix.Determinant;
        if (!double.IsFinite(v) || Math.Abs(v) < 1e-12)
            throw new ArgumentException($"lattice vectors are degenerate (volume {v} Å³)", nameof(matrix));
        _inverse = matrix.Inverse();
        // Perpendicular width along axis i = V / |a_j × a_k|: the spacing of lattice planes.
        Vec3 a = matrix.Row(0), b = matrix.Row(1), c = matrix.Row(2);
        double av = Math.Abs(v);
        _widths = new(av / Vec3.Cross(b, c).Length, av / Vec3.Cross(c, a).Length, av / Vec3.Cross(a, b).Length);
    }

    /// <summary>Creates a cell from the three vectors.</summary>
    public Lattice(Vec3 a, Vec3 b, Vec3 c, Pbc? pbc = null) : this(Mat3.FromRows(a, b, c), pbc) { }

    /// <summary>An orthorhombic cell.</summary>
    public static Lattice Orthorhombic(double a, double b, double c) => new(Mat3.Diagonal(a, b, c));

    /// <summary>Row vectors a, b, c as a row-major matrix (Å).</summary>
    public Mat3 Matrix { get; }

    /// <summary>Periodicity per axis.</summary>
    public Pbc Pbc { get; }

    /// <summary>Inverse of <see cref="Matrix"/>: Cartesian row vector r → fractional f = r·M⁻¹.</summary>
    public Mat3 Inverse => _inverse;

    /// <summary>Cell volume, Å³ (always positive; a left-handed cell has negative <see cref="SignedVolume"/>).</summary>
    public double Volume => Math.Abs(Matrix.Determinant);

    /// <summary>Signed volume a·(b×c), Å³.</summary>
    public double SignedVolume => Matrix.Determinant;

    /// <summary>Vector a, b or c.</summary>
    public Vec3 this[int i] => Matrix.Row(i);

    /// <summary>Lengths |a|, |b|, |c| in Å.</summary>
    public Vec3 Lengths => new(Matrix.Row(0).Length, Matrix.Row(1).Length, Matrix.Row(2).Length);

    /// <summary>Angles α (b,c), β (a,c), γ (a,b) in degrees.</summary>
    public Vec3 AnglesDegrees
    {
        get
        {
            Vec3 a = Matrix.Row(0), b = Matrix.Row(1), c = Matrix.Row(2);
            static double Angle(Vec3 u, Vec3 v) =>
                Math.Acos(Math.Clamp(Vec3.Dot(u, v) / (u.Length * v.Length), -1, 1)) * 180 / Math.PI;
            return new(Angle(b, c), Angle(a, c), Angle(a, b));
        }
    }

    /// <summary>Distance between opposite faces along each axis, Å. A sphere of radius r fits iff r ≤ width/2.</summary>
    public Vec3 PerpendicularWidths => _widths;

    /// <summary>Fractional → Cartesian.</summary>
    public Vec3 ToCartesian(Vec3 fractional) => fractional * Matrix;

    /// <summary>Cartesian → fractional.</summary>
    public Vec3 ToFractional(Vec3 cartesian) => cartesian * _inverse;

    /// <summary>Converts a flat [n×3] array of fractional coordinates to Cartesian, in place allowed.</summary>
    public void ToCartesian(ReadOnlySpan<double> fractional, Span<double> cartesian)
    {
        for (int i = 0; i < fractional.Length / 3; i++)
            ToCartesian(Vec3.At(fractional, i)).Store(cartesian, i);
    }

    /// <summary>Converts a flat [n×3] array of Cartesian coordinates to fractional, in place allowed.</summary>
    public void ToFractional(ReadOnlySpan<double> cartesian, Span<double> fractional)
    {
        for (int i = 0; i < cartesian.Length / 3; i++)
            ToFractional(Vec3.At(cartesian, i)).Store(fractional, i);
    }

    /// <summary>Wraps a Cartesian position into the cell along periodic axes (fractional in [0, 1)).</summary>
    public Vec3 Wrap(Vec3 cartesian)
    {
        var f = ToFractional(cartesian);
        f = new(WrapUnit(f.X, Pbc.A), WrapUnit(f.Y, Pbc.B), WrapUnit(f.Z, Pbc.C));
        return ToCartesian(f);
    }

    /// <summary>Wraps every position of a flat [n×3] array in place.</summary>
    public void Wrap(Span<double> cartesian)
    {
        for (int i = 0; i < cartesian.Length / 3; i++)
            Wrap(Vec3.At(cartesian, i)).Store(cartesian, i);
    }

    static double WrapUnit(double f, bool periodic)
    {
        if (!periodic)
            return f;
        double w = f - Math.Floor(f);
        return w >= 1.0 ? 0.0 : w; // f = -1e-17 gives 1.0 after floor in floating point
    }

    /// <summary>
    /// The shortest periodic image of the displacement <paramref name="d"/> (Cartesian, Å). Exact for any cell:
    /// the fractional difference is first reduced to [-½, ½), then every image that could still be shorter is tried
    /// (a skewed cell can put the nearest image outside the reduced box).
    /// </summary>
    public Vec3 MinimumImage(Vec3 d)
    {
        var f = ToFractional(d);
        f = new(Reduce(f.X, Pbc.A), Reduce(f.Y, Pbc.B), Reduce(f.Z, Pbc.C));
        var best = ToCartesian(f);
        double bestSq = best.LengthSquared;
        double r = Math.Sqrt(bestSq);
        int na = SearchRange(r, _widths.X, Pbc.A), nb = SearchRange(r, _widths.Y, Pbc.B), nc = SearchRange(r, _widths.Z, Pbc.C);
        for (int i = -na; i <= na; i++)
        {
            for (int j = -nb; j <= nb; j++)
            {
                for (int k = -nc; k <= nc; k++)
                {
                    if (i == 0 && j == 0 && k == 0)
                        continue;
                    var candidate = ToCartesian(new Vec3(f.X + i, f.Y + j, f.Z + k));
                    double sq = candidate.LengthSquared;
                    if (sq < bestSq)
                    {
                        bestSq = sq;
                        best = candidate;
                    }
                }
            }
        }
        return best;
    }

    /// <summary>Minimum-image distance between two Cartesian points, Å.</summary>
    public double Distance(Vec3 p, Vec3 q) => MinimumImage(q - p).Length;

    /// <summary>
    /// Every periodic image of the displacement <paramref name="d"/> shorter than <paramref name="cutoff"/>, with its
    /// integer shift. In a cell thinner than 2·cutoff one pair of atoms has several such images; all are returned
    /// (this is what a neighbour list for a potential needs).
    /// </summary>
    public IEnumerable<(Vec3 Vector, int ShiftA, int ShiftB, int ShiftC)> ImagesWithin(Vec3 d, double cutoff)
    {
        var f = ToFractional(d);
        // Start from the reduced image; any image within the cutoff is at most cutoff/width cells away from it.
        int sa = Pbc.A ? (int)Math.Round(f.X) : 0, sb = Pbc.B ? (int)Math.Round(f.Y) : 0, sc = Pbc.C ? (int)Math.Round(f.Z) : 0;
        int na = SearchRange(cutoff, _widths.X, Pbc.A) + 1, nb = SearchRange(cutoff, _widths.Y, Pbc.B) + 1,
            nc = SearchRange(cutoff, _widths.Z, Pbc.C) + 1;
        double cutSq = cutoff * cutoff;
        for (int i = -na; i <= na; i++)
        {
            if (!Pbc.A && i != 0)
                continue;
            for (int j = -nb; j <= nb; j++)
            {
                if (!Pbc.B && j != 0)
                    continue;
                for (int k = -nc; k <= nc; k++)
                {
                    if (!Pbc.C && k != 0)
                        continue;
                    int ti = i - sa, tj = j - sb, tk = k - sc;
                    var v = ToCartesian(new Vec3(f.X + ti, f.Y + tj, f.Z + tk));
                    if (v.LengthSquared < cutSq)
                        yield return (v, ti, tj, tk);
                }
            }
        }
    }

    static double Reduce(double f, bool periodic) => periodic ? f - Math.Round(f, MidpointRounding.ToEven) : f;

    static int SearchRange(double r, double width, bool periodic) => periodic ? (int)Math.Ceiling(r / width) : 0;

    /// <summary>Returns a copy with another periodicity.</summary>
    public Lattice WithPbc(Pbc pbc) => new(Matrix, pbc);

    /// <inheritdoc />
    public bool Equals(Lattice? other) => other is not null && Matrix == other.Matrix && Pbc == other.Pbc;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Lattice);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Matrix, Pbc);

    /// <inheritdoc />
    public override string ToString() => $"Lattice {Matrix} pbc={Pbc}";
}

/// <summary>Periodicity along a, b, c.</summary>
public readonly record struct Pbc(bool A, bool B, bool C)
{
    /// <summary>Periodic in all three directions (bulk).</summary>
    public static readonly Pbc All = new(true, true, true);

    /// <summary>Not periodic (molecule, cluster).</summary>
    public static readonly Pbc None = new(false, false, false);

    /// <summary>Periodicity of axis i.</summary>
    public bool this[int i] => i switch
    {
        0 => A,
        1 => B,
        2 => C,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>extxyz style: "T T F".</summary>
    public override string ToString() => $"{(A ? 'T' : 'F')} {(B ? 'T' : 'F')} {(C ? 'T' : 'F')}";
}
