using System.Globalization;
using System.Text;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Sampling.Generation;

/// <summary>One perturbed structure and how it was made.</summary>
/// <param name="Frame">The new structure (no labels; seed, config_type, provenance and perturb_* keys set).</param>
/// <param name="Seed">Seed of its random stream (also in <see cref="FrameInfo.Seed"/>): <see cref="Perturber.Perturb(Frame, long)"/> with it remakes the structure.</param>
/// <param name="Strain">The symmetric strain ε applied: new lattice = lattice · (I + ε).</param>
/// <param name="Draws">Draws it took (1 when the first met the distance guard).</param>
/// <param name="MaxDisplacement">Largest atom displacement on top of the strain, Å.</param>
public sealed record PerturbResult(Frame Frame, long Seed, Mat3 Strain, int Draws, double MaxDisplacement);

/// <summary>
/// Makes perturbed copies of a structure for DFT: the cell is strained by a random symmetric ε (by default with its
/// principal strains within ±F, see <see cref="CellMode"/>; new lattice rows
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

    /// <summary>Extra key: the cell mode (principal, dpdata, full-tensor).</summary>
    public const string CellModeKey = "perturb_cell_mode";

    /// <summary>Extra key: the strain amplitude F.</summary>
    public const string CellAmplitudeKey = "perturb_cell_amp";

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
            var eps = strain ? DrawStrain(rng, o.Cell, o.CellDistribution, o.Axes, o.CellMode) : Mat3.Zero;
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
            info.SetExtra(CellModeKey, PerturbOptions.Name(o.CellMode));
            info.SetExtra(CellAmplitudeKey, FastDoubleFormat.Format(strain ? o.Cell : 0));
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
        => DrawStrain(rng, amplitude, distribution, axes, CellMode.FullTensor);

    /// <summary>
    /// A random symmetric strain acting on <paramref name="axes"/> only. <see cref="CellMode.FullTensor"/>: every
    /// component drawn with amplitude F (diagonal first: xx, yy, zz, then yz, xz, xy). <see cref="CellMode.Dpdata"/>:
    /// the same with F/2 off the diagonal. <see cref="CellMode.Principal"/>: the principal strains drawn with
    /// amplitude F along uniformly random principal axes (in the plane for two axes): ε = Q·diag(λ)·Qᵀ, so with a
    /// uniform draw every principal strain and every change of a vector's length is within ±F.
    /// </summary>
    public static Mat3 DrawStrain(PerturbRandom rng, double amplitude, StrainDistribution distribution, StrainAxes axes, CellMode mode)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Span<double> e = stackalloc double[9];
        e.Clear();
        double Draw(double a) => distribution == StrainDistribution.Normal ? a * rng.NextGaussian() : rng.NextSymmetric(a);
        if (mode == CellMode.Principal)
        {
            Span<int> idx = stackalloc int[3];
            int k = 0;
            for (int axis = 0; axis < 3; axis++)
            {
                if (Has(axes, axis))
                    idx[k++] = axis;
            }
            if (k == 0)
                return Mat3.Zero;
            Span<double> lambda = stackalloc double[3];
            for (int j = 0; j < k; j++)
                lambda[j] = Draw(amplitude);
            Span<double> q = stackalloc double[9]; // k×k rotation, row-major with stride 3
            q.Clear();
            if (k == 1)
            {
                q[0] = 1;
            }
            else if (k == 2)
            {
                double t = 2 * Math.PI * rng.NextDouble();
                (q[0], q[1], q[3], q[4]) = (Math.Cos(t), -Math.Sin(t), Math.Sin(t), Math.Cos(t));
            }
            else
            {
                // A uniformly random rotation from a uniform unit quaternion (Shoemake 1992).
                double u1 = rng.NextDouble(), u2 = 2 * Math.PI * rng.NextDouble(), u3 = 2 * Math.PI * rng.NextDouble();
                double a = Math.Sqrt(1 - u1), b = Math.Sqrt(u1);
                double w = a * Math.Sin(u2), x = a * Math.Cos(u2), y = b * Math.Sin(u3), z = b * Math.Cos(u3);
                q[0] = 1 - 2 * (y * y + z * z);
                q[1] = 2 * (x * y - z * w);
                q[2] = 2 * (x * z + y * w);
                q[3] = 2 * (x * y + z * w);
                q[4] = 1 - 2 * (x * x + z * z);
                q[5] = 2 * (y * z - x * w);
                q[6] = 2 * (x * z - y * w);
                q[7] = 2 * (y * z + x * w);
                q[8] = 1 - 2 * (x * x + y * y);
            }
            for (int r = 0; r < k; r++)
            {
                for (int c = 0; c < k; c++)
                {
                    double v = 0;
                    for (int j = 0; j < k; j++)
                        v += q[3 * r + j] * lambda[j] * q[3 * c + j];
                    e[3 * idx[r] + idx[c]] = v;
                }
            }
            // Exactly symmetric whatever the rounding.
            for (int r = 0; r < 3; r++)
            {
                for (int c = r + 1; c < 3; c++)
                    e[3 * c + r] = e[3 * r + c];
            }
            return Mat3.FromRowMajor(e);
        }
        ReadOnlySpan<(int I, int J)> order = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];
        foreach (var (i, j) in order)
        {
            if (!Has(axes, i) || !Has(axes, j))
                continue;
            double v = Draw(i != j && mode == CellMode.Dpdata ? amplitude / 2 : amplitude);
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
