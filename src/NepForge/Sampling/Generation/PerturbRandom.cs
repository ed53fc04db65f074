using NepForge.Structures;

namespace NepForge.Sampling.Generation;

/// <summary>
/// The random stream of one generated structure: xoshiro256** (Blackman and Vigna) seeded through SplitMix64, with
/// uniform and Gaussian draws implemented here, so that a seed gives the same numbers on every .NET version (unlike
/// <see cref="Random"/>, whose algorithm is not part of its contract). Each structure gets its own seed from
/// <see cref="DeriveSeed"/>: structures can then be made in any order or in parallel, and one of them can be
/// remade alone from the seed recorded in its <see cref="Structures.FrameInfo.Seed"/>.
/// </summary>
public sealed class PerturbRandom
{
    ulong _s0, _s1, _s2, _s3;
    double? _spareGaussian;

    /// <summary>Starts the stream of <paramref name="seed"/> (any value; the four state words come from SplitMix64).</summary>
    public PerturbRandom(long seed)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>
    /// The seed of structure <paramref name="copyIndex"/> made from input frame <paramref name="frameIndex"/> under
    /// the user's <paramref name="seed"/>: the three numbers are mixed by SplitMix64's finaliser in turn, and the result
    /// is kept non-negative (63 bits) so it prints and parses as a plain integer. Different (frame, copy) pairs give
    /// unrelated streams.
    /// </summary>
    public static long DeriveSeed(long seed, long frameIndex, long copyIndex)
    {
        ulong h = Mix((ulong)seed ^ 0x6E6570666F726765UL); // "nepforge"
        h = Mix(h ^ (ulong)frameIndex);
        h = Mix(h ^ (ulong)copyIndex);
        return (long)(h >> 1);
    }

    /// <summary>A fresh non-negative seed for runs without <c>--seed</c> (printed so that the run can be repeated).</summary>
    public static long NewSeed() => System.Random.Shared.NextInt64(1, 1L << 53);

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [−<paramref name="half"/>, <paramref name="half"/>).</summary>
    public double NextSymmetric(double half) => (2 * NextDouble() - 1) * half;

    /// <summary>Standard normal N(0, 1) by Marsaglia's polar method (the second value of each pair is kept for the next call).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        return u * f;
    }

    /// <summary>A direction uniform on the unit sphere (a normalised isotropic Gaussian vector).</summary>
    public Vec3 NextUnitVector()
    {
        while (true)
        {
            var g = new Vec3(NextGaussian(), NextGaussian(), NextGaussian());
            double len = g.Length;
            if (len > 1e-12)
                return (1 / len) * g;
        }
    }

    /// <summary>A point uniform in the volume of a ball of radius <paramref name="radius"/>: r = R·u^⅓, uniform direction.</summary>
    public Vec3 NextInBall(double radius)
    {
        var direction = NextUnitVector();
        return radius * Math.Cbrt(NextDouble()) * direction;
    }

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    // SplitMix64's finaliser (Stafford variant 13).
    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
