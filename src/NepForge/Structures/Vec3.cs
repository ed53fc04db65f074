using System.Runtime.CompilerServices;

namespace NepForge.Structures;

/// <summary>A 3-vector of doubles (Å, eV/Å, or fractional coordinates, as the context says).</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    /// <summary>The zero vector.</summary>
    public static readonly Vec3 Zero;

    /// <summary>Component by index 0, 1, 2.</summary>
    public double this[int i] => i switch
    {
        0 => X,
        1 => Y,
        2 => Z,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>Euclidean length.</summary>
    public double Length => Math.Sqrt(LengthSquared);

    /// <summary>Squared length.</summary>
    public double LengthSquared => X * X + Y * Y + Z * Z;

    /// <summary>Reads element <paramref name="i"/> of a flat [n×3] array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec3 At(ReadOnlySpan<double> flat, int i) => new(flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]);

    /// <summary>Writes this vector as element <paramref name="i"/> of a flat [n×3] array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<double> flat, int i)
    {
        flat[3 * i] = X;
        flat[3 * i + 1] = Y;
        flat[3 * i + 2] = Z;
    }

    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);
    public static Vec3 operator *(double s, Vec3 a) => new(s * a.X, s * a.Y, s * a.Z);
    public static Vec3 operator *(Vec3 a, double s) => new(s * a.X, s * a.Y, s * a.Z);

    /// <summary>Dot product.</summary>
    public static double Dot(Vec3 a, Vec3 b) => a.X * b.X + a.Y * b.Y + a.Z * b.Z;

    /// <summary>Cross product.</summary>
    public static Vec3 Cross(Vec3 a, Vec3 b) =>
        new(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"({X}, {Y}, {Z})");
}
