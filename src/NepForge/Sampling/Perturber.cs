using System.Globalization;
using System.Text;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Sampling;

/// <summary>One perturbed structure and how it was made.</summary>
/// <param name="Frame">The new structure (no labels; seed, config_type, provenance and perturb_* keys set).</param>
/// <param name="Seed">Seed of its random stream (also in <see cref="FrameInfo.Seed"/>): <see cref="Perturber.Perturb(Frame, long)"/> with it remakes the structure.</param>
/// <param name="Strain">The symmetric strain ε applied: new lattice = lattice · (I + ε).</param>
/// <param name="Draws">Draws it took (1 when the first met the distance guard).</param>
/// <param name="MaxDisplacement">Largest atom displacement on top of the strain, Å.</param>
public sealed record PerturbResult(Frame Frame, long Seed, Mat3 Strain, int Draws, double MaxDisplacement);

/// <summary>
/// Makes perturbed copies of a structure for DFT: the cell is strained by a random symmetric ε (new lattice rows
/// a·(I + ε), atoms follow the cell with their fractional coordinates kept), then every atom is displaced at random
/// (uniform in a ball, isotropic Gaussian, or not at all). A <see cref="DistanceGuard"/> throws away draws that put
/// atoms too close and draws again (strain and displacements both, so the kept structures follow the requested
/// distributions conditioned on the guard), up to <see cref="PerturbOptions.MaxTries"/>.
/// </summary>
/// <remarks>
/// Compared with the tools users have: dpdata's <c>perturb</c> (GPUMDkit) draws the same kind of symmetric strain
/// but with off-diagonal components of half the amplitude, rotates the cell afterwards and has no seed; NepTrain
/// alternates a non-symmetric deformation with per-Cartesian-component scaling and displaces atoms in a cube. Neither
/// checks distances. Here every structure has its own recorded seed, derived from the user's seed, the input frame
/// index and the copy index (<see cref="PerturbRandom.DeriveSeed"/>), so output is the same whatever the order or
/// parallelism, and any one structure can be remade alone.
/// </remarks>
public sealed class Perturber
{
    /// <summary>Extra key: the strain ε, 9 values row-major (xx xy xz yx yy yz zx zy zz).</summary>
    public const string CellKey = "perturb_cell";

    /// <summary>Extra key: the displacement amplitude, Å (ball radius or Gaussian σ; 0 for none).</summary>
    public const string DisplacementKey = "perturb_disp";

    /// <summary>Extra key: the displacement distribution (ball, normal, none).</summary>
    public const string DisplacementDistributionKey = "perturb_disp_dist";

    /// <summary>Extra key: draws the structure took under the distance guard.</summary>
    public const string DrawsKey = "perturb_draws";

    /// <summary>Uses <paramref name="options"/> (validated here).</summary>
    public Perturber(PerturbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public PerturbOptions Options { get; }

    /// <summary>
    /// <paramref name="count"/> perturbed copies of <paramref name="input"/>, copy k with seed
    /// <see cref="PerturbRandom.DeriveSeed"/>(<paramref name="seed"/>, <paramref name="frameIndex"/>, k). Copies are
    /// made in parallel; the result does not depend on it.
    /// </summary>
    /// <exception cref="InvalidOperationException">A copy found no draw meeting the guard; the message names the frame.</exception>
    public IReadOnlyList<PerturbResult> Perturb(Frame input, long seed, long frameIndex, int count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        CheckFrame(input, frameIndex);
        var results = new PerturbResult[count];
        var errors = new Exception?[count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = (long)count * input.AtomCount < 2000 ? 1 : Environment.ProcessorCount };
        Parallel.For(0, count, options, k =>
        {
            try
            {
                results[k] = PerturbOne(input, PerturbRandom.DeriveSeed(seed, frameIndex, k), frameIndex, k);
            }
            catch (InvalidOperationException e)
            {
                errors[k] = e;
            }
        });
        if (Array.Find(errors, e => e is not null) is { } first)
            throw first;
        return results;
    }

    /// <summary>One perturbed copy of <paramref name="input"/> from the stream of <paramref name="seed"/>.</summary>
    /// <exception cref="InvalidOperationException">No draw met the guard within the allowed tries, or the frame has no cell but a strain was asked for.</exception>
    public PerturbResult Perturb(Frame input, long seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckFrame(input, null);
        return PerturbOne(input, seed, null, null);
    }

    PerturbResult PerturbOne(Frame input, long seed, long? frameIndex, int? copy)
    {
        var o = Options;
        var rng = new PerturbRandom(seed);
        bool strain = o.Cell > 0 && o.Axes != StrainAxes.None;
        var table = o.Guard.IsActive ? o.Guard.Table(input.Elements) : null;
        DistanceViolation? last = null;
        var frame = PrepareForRelabel(input);
        for (int draw = 1; draw <= o.MaxTries; draw++)
        {
            var eps = strain ? DrawStrain(rng, o.Cell, o.CellDistribution, o.Axes) : Mat3.Zero;
            var deformation = Mat3.Identity + eps;
            if (!(deformation.Determinant > 1e-3))
                continue; // ε so large that the cell would collapse or invert: not a structure (only a wide Gaussian gets here)
            input.Positions.CopyTo(frame.Positions, 0);
            frame.Lattice = input.Lattice;
            if (strain)
                Strain(frame, deformation);
            double maxDisp = Displace(frame, rng, o.Displacement, o.DisplacementDistribution);
            if (table is not null && table.Max > 0)
            {
                last = o.Guard.FindWorstViolation(frame);
                if (last is not null)
                    continue;
            }
            var info = frame.Info;
            info.Seed = seed;
            info.ConfigType = o.ConfigType ?? Suffix(input.Info.ConfigType, "perturbed");
            info.SetExtra(CellKey, FormatNumbers(eps.ToArray()));
            info.SetExtra(DisplacementKey, FastDoubleFormat.Format(o.DisplacementDistribution == DisplacementDistribution.None ? 0 : o.Displacement));
            info.SetExtra(DisplacementDistributionKey, o.DisplacementDistribution.ToString().ToLowerInvariant());
            info.SetExtra(DrawsKey, draw.ToString(CultureInfo.InvariantCulture));
            return new PerturbResult(frame, seed, eps, draw, maxDisp);
        }
        var sb = new StringBuilder();
        sb.Append(frameIndex is { } fi ? $"frame {fi + 1}" : "the frame").Append(Describe(input));
        if (copy is { } c)
            sb.Append(CultureInfo.InvariantCulture, $", copy {c + 1}");
        sb.Append(CultureInfo.InvariantCulture, $" (seed {seed}): none of {o.MaxTries} draw(s) kept every pair of atoms apart ({o.Guard})");
        if (last is { } v)
            sb.Append("; the last had ").Append(v);
        if (o.Guard.FindWorstViolation(input) is { } inputViolation)
            sb.Append("; the input itself already has ").Append(inputViolation).Append(": lower the guard for this pair or fix the input");
        else
            sb.Append("; lower --disp/--cell or the guard, or raise --max-tries");
        throw new InvalidOperationException(sb.ToString());
    }

    void CheckFrame(Frame input, long? frameIndex)
    {
        if (input.Lattice is null && Options.Cell > 0 && Options.Axes != StrainAxes.None)
        {
            string which = frameIndex is { } fi ? $"frame {fi + 1}" : "the frame";
            throw new InvalidOperationException($"{which}{Describe(input)} has no cell to strain: give --cell 0 to only displace its atoms");
        }
    }

    /// <summary>
    /// A random symmetric strain: each component ε_ij with i, j in <paramref name="axes"/> (diagonal first: xx, yy,
    /// zz, then yz, xz, xy) drawn uniform in [−<paramref name="amplitude"/>, <paramref name="amplitude"/>) or Gaussian
    /// with σ = <paramref name="amplitude"/>; ε_ji = ε_ij; the others 0.
    /// </summary>
    public static Mat3 DrawStrain(PerturbRandom rng, double amplitude, StrainDistribution distribution, StrainAxes axes = StrainAxes.XYZ)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Span<double> e = stackalloc double[9];
        e.Clear();
        ReadOnlySpan<(int I, int J)> order = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];
        foreach (var (i, j) in order)
        {
            if (!Has(axes, i) || !Has(axes, j))
                continue;
            double v = distribution == StrainDistribution.Normal ? amplitude * rng.NextGaussian() : rng.NextSymmetric(amplitude);
            e[3 * i + j] = v;
            e[3 * j + i] = v;
        }
        return Mat3.FromRowMajor(e);
    }

    static bool Has(StrainAxes axes, int axis) => ((int)axes & (1 << axis)) != 0;

    /// <summary>
    /// Applies the deformation F = I + ε in place: lattice rows a·F (periodicity kept), positions r·F, so every
    /// fractional coordinate is unchanged.
    /// </summary>
    public static void Strain(Frame frame, Mat3 deformation)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var lattice = frame.Lattice ?? throw new InvalidOperationException("a frame with no cell cannot be strained");
        frame.Lattice = new Lattice(lattice.Matrix * deformation, lattice.Pbc);
        var p = frame.Positions;
        for (int i = 0; i < frame.AtomCount; i++)
            (Vec3.At(p, i) * deformation).Store(p, i);
    }

    static double Displace(Frame frame, PerturbRandom rng, double amplitude, DisplacementDistribution distribution)
    {
        if (distribution == DisplacementDistribution.None || amplitude == 0)
            return 0;
        var p = frame.Positions;
        double maxSq = 0;
        for (int i = 0; i < frame.AtomCount; i++)
        {
            var d = distribution == DisplacementDistribution.Ball
                ? rng.NextInBall(amplitude)
                : new Vec3(amplitude * rng.NextGaussian(), amplitude * rng.NextGaussian(), amplitude * rng.NextGaussian());
            (Vec3.At(p, i) + d).Store(p, i);
            maxSq = Math.Max(maxSq, d.LengthSquared);
        }
        return Math.Sqrt(maxSq);
    }

    /// <summary>
    /// A copy of <paramref name="input"/> ready to become a new structure for DFT: energy, forces, virial and which
    /// energy they were dropped, and so is the MD state that moved atoms make wrong (velocity arrays, VASP lattice
    /// velocities and predictor-corrector block). config_type, weight, provenance, title, selective dynamics and other
    /// keys and arrays are kept.
    /// </summary>
    public static Frame PrepareForRelabel(Frame input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var f = input.Clone();
        f.ClearLabels();
        f.Info.EnergyKind = null;
        foreach (string key in (string[])["free_energy", "gpumd_stress", Poscar.LatticeVelocitiesKey, Poscar.LatticeVectorsKey, Poscar.LatticeInitKey, Poscar.PredictorCorrectorKey])
            f.Info.RemoveExtra(key);
        f.Arrays.RemoveAll(a => a.Name.ToLowerInvariant() is "vel" or "velo" or "velocities" or Poscar.DirectVelocitiesArray);
        return f;
    }

    internal static string Suffix(string? configType, string suffix) =>
        string.IsNullOrEmpty(configType) ? suffix : $"{configType}_{suffix}";

    internal static string Describe(Frame f)
    {
        string source = f.Info.SourceFile is { } s ? $", {s}{(f.Info.SourceIndex is { } i ? $" #{i}" : "")}" : "";
        return $" ({f.Formula}{source})";
    }

    internal static string FormatNumbers(ReadOnlySpan<double> values)
    {
        var sb = new StringBuilder();
        foreach (double v in values)
        {
            if (sb.Length > 0)
                sb.Append(' ');
            sb.Append(FastDoubleFormat.Format(v == 0 ? 0 : v)); // no "-0"
        }
        return sb.ToString();
    }
}
