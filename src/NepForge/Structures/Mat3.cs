namespace NepForge.Structures;

/// <summary>
/// A 3×3 matrix of doubles, row-major. As a lattice its rows are the cell vectors a, b, c (Å), so a row vector of
/// fractional coordinates f maps to Cartesian r = f·M. As a virial it is in eV per cell.
/// </summary>
public readonly record struct Mat3(
    double M00, double M01, double M02,
    double M10, double M11, double M12,
    double M20, double M21, double M22)
{
    /// <summary>The zero matrix.</summary>
    public static readonly Mat3 Zero;

    /// <summary>The identity.</summary>
    public static readonly Mat3 Identity = new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>Builds a matrix from three rows.</summary>
    public static Mat3 FromRows(Vec3 a, Vec3 b, Vec3 c) => new(a.X, a.Y, a.Z, b.X, b.Y, b.Z, c.X, c.Y, c.Z);

    /// <summary>Builds a matrix from 9 values in row-major order (xx xy xz yx yy yz zx zy zz).</summary>
    public static Mat3 FromRowMajor(ReadOnlySpan<double> v)
    {
        if (v.Length != 9)
            throw new ArgumentException($"expected 9 values, got {v.Length}", nameof(v));
        return new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    /// <summary>Diagonal matrix.</summary>
    public static Mat3 Diagonal(double a, double b, double c) => new(a, 0, 0, 0, b, 0, 0, 0, c);

    /// <summary>Element by row and column.</summary>
    public double this[int row, int col] => (row * 3 + col) switch
    {
        0 => M00,
        1 => M01,
        2 => M02,
        3 => M10,
        4 => M11,
        5 => M12,
        6 => M20,
        7 => M21,
        8 => M22,
        _ => throw new ArgumentOutOfRangeException(nameof(row)),
    };

    /// <summary>Row <paramref name="i"/> (for a lattice: cell vector a, b or c).</summary>
    public Vec3 Row(int i) => i switch
    {
        0 => new(M00, M01, M02),
        1 => new(M10, M11, M12),
        2 => new(M20, M21, M22),
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>Column <paramref name="j"/>.</summary>
    public Vec3 Column(int j) => new(this[0, j], this[1, j], this[2, j]);

    /// <summary>Copies the 9 values in row-major order.</summary>
    public void CopyTo(Span<double> destination)
    {
        destination[0] = M00; destination[1] = M01; destination[2] = M02;
        destination[3] = M10; destination[4] = M11; destination[5] = M12;
        destination[6] = M20; destination[7] = M21; destination[8] = M22;
    }

    /// <summary>The 9 values in row-major order.</summary>
    public double[] ToArray()
    {
        var a = new double[9];
        CopyTo(a);
        return a;
    }

    /// <summary>Determinant (for a lattice: the signed cell volume, Å³).</summary>
    public double Determinant =>
        M00 * (M11 * M22 - M12 * M21) - M01 * (M10 * M22 - M12 * M20) + M02 * (M10 * M21 - M11 * M20);

    /// <summary>Trace.</summary>
    public double Trace => M00 + M11 + M22;

    /// <summary>Transpose.</summary>
    public Mat3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    /// <summary>Inverse by the adjugate; throws if singular.</summary>
    public Mat3 Inverse()
    {
        double det = Determinant;
        if (det == 0 || !double.IsFinite(det))
            throw new InvalidOperationException("matrix is singular");
        double s = 1.0 / det;
        return new(
            (M11 * M22 - M12 * M21) * s, (M02 * M21 - M01 * M22) * s, (M01 * M12 - M02 * M11) * s,
            (M12 * M20 - M10 * M22) * s, (M00 * M22 - M02 * M20) * s, (M02 * M10 - M00 * M12) * s,
            (M10 * M21 - M11 * M20) * s, (M01 * M20 - M00 * M21) * s, (M00 * M11 - M01 * M10) * s);
    }

    /// <summary>Row vector times matrix: v·M.</summary>
    public static Vec3 operator *(Vec3 v, Mat3 m) => new(
        v.X * m.M00 + v.Y * m.M10 + v.Z * m.M20,
        v.X * m.M01 + v.Y * m.M11 + v.Z * m.M21,
        v.X * m.M02 + v.Y * m.M12 + v.Z * m.M22);

    /// <summary>Matrix times column vector: M·v.</summary>
    public static Vec3 operator *(Mat3 m, Vec3 v) => new(
        m.M00 * v.X + m.M01 * v.Y + m.M02 * v.Z,
        m.M10 * v.X + m.M11 * v.Y + m.M12 * v.Z,
        m.M20 * v.X + m.M21 * v.Y + m.M22 * v.Z);

    /// <summary>Matrix product.</summary>
    public static Mat3 operator *(Mat3 a, Mat3 b) => FromRows(a.Row(0) * b, a.Row(1) * b, a.Row(2) * b);

    /// <summary>Scalar multiple.</summary>
    public static Mat3 operator *(double s, Mat3 m) => new(
        s * m.M00, s * m.M01, s * m.M02, s * m.M10, s * m.M11, s * m.M12, s * m.M20, s * m.M21, s * m.M22);

    public static Mat3 operator +(Mat3 a, Mat3 b) => new(
        a.M00 + b.M00, a.M01 + b.M01, a.M02 + b.M02,
        a.M10 + b.M10, a.M11 + b.M11, a.M12 + b.M12,
        a.M20 + b.M20, a.M21 + b.M21, a.M22 + b.M22);

    public static Mat3 operator -(Mat3 a) => -1.0 * a;

    /// <summary>Largest absolute element-wise difference.</summary>
    public static double MaxAbsDifference(Mat3 a, Mat3 b)
    {
        Span<double> x = stackalloc double[9];
        Span<double> y = stackalloc double[9];
        a.CopyTo(x);
        b.CopyTo(y);
        double m = 0;
        for (int i = 0; i < 9; i++)
            m = Math.Max(m, Math.Abs(x[i] - y[i]));
        return m;
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"[[{M00}, {M01}, {M02}], [{M10}, {M11}, {M12}], [{M20}, {M21}, {M22}]]");
}
