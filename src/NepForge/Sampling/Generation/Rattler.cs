using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Sampling.Generation;

/// <summary>One rattled structure and how it was made.</summary>
/// <param name="Frame">The new structure (no labels; seed, config_type, provenance and rattle_* keys set).</param>
/// <param name="Seed">Seed of its random stream (also in <see cref="FrameInfo.Seed"/>): <see cref="Rattler.Rattle(Frame, long)"/> with it remakes the structure.</param>
/// <param name="Attempts">Trial moves made (accepted ones: atoms × iterations).</param>
/// <param name="MaxDisplacement">Largest displacement of an atom from its start, Å.</param>
/// <param name="RmsDisplacement">Root-mean-square displacement per atom, Å.</param>
public sealed record RattleResult(Frame Frame, long Seed, long Attempts, double MaxDisplacement, double RmsDisplacement);

/// <summary>
/// Monte-Carlo rattle with a minimum distance: the algorithm of hiphive's
/// <c>hiphive.structure_generation.rattle.mc_rattle</c> (called by <c>generate_mc_rattled_structures</c>).
/// </summary>
/// <remarks>
/// <para>
/// What hiphive does, and what is done here: for <see cref="RattleOptions.Iterations"/> sweeps, every atom i in
/// turn is given trial moves δ ~ N(0, std²) per Cartesian component until one is accepted (at most
/// <see cref="RattleOptions.MaxAttempts"/>, else an error). A trial that takes the atom farther than
/// <see cref="RattleOptions.MaxDisplacement"/> from its start is rejected outright. Otherwise, with d the smallest
/// distance from the moved atom to any other atom (periodic images included), it is accepted when
/// <c>P(d) = (erf((d − d_min) / width) + 1) / 2 &gt; u</c>, u uniform in [0, 1) — hiphive's
/// <c>_probability_mc_rattle</c>. So P = ½ at d = d_min, ≈ 0.92 at d_min + width, ≈ 0.08 at d_min − width, and
/// 1.1·10⁻⁵ at d_min − 3 width: distances somewhat below d_min are possible (rarely), as in hiphive; width = 0
/// makes a hard wall (accepted iff d ≥ d_min). An accepted move is a step of a random walk, so an atom far from
/// d_min ends N(0, iterations · std²) per component from its start.
/// </para>
/// <para>
/// Differences from hiphive, all making the result depend only on the physics: (1) d_min may differ per element
/// pair (<see cref="DistanceGuard"/>; with per-pair values the gap min_j(d_ij − d_min,ij) replaces d − d_min);
/// (2) the distance is exact over every periodic image of every atom, through a neighbour list rebuilt as atoms move
/// (hiphive looks only at the atoms within 2·d_min of the start, one minimum image each); (3) the random stream is
/// this library's (<see cref="PerturbRandom"/>), one per structure with its own recorded seed, so structures match
/// hiphive's statistically, not number for number.
/// </para>
/// </remarks>
public sealed class Rattler
{
    /// <summary>Extra key: std of a trial move, Å.</summary>
    public const string StdKey = "rattle_std";

    /// <summary>Extra key: the minimum-distance rule (a number in Å when it is one d_min for all pairs).</summary>
    public const string MinDistanceKey = "rattle_d_min";

    /// <summary>Extra key: width of the acceptance function, Å.</summary>
    public const string WidthKey = "rattle_width";

    /// <summary>Extra key: number of sweeps.</summary>
    public const string IterationsKey = "rattle_iterations";

    /// <summary>Extra key: root-mean-square displacement of the atoms, Å.</summary>
    public const string RmsKey = "rattle_disp_rms";

    // erf(x) rounds to ±1 in double for |x| ≥ 6 (erfc(6) = 2.2e-17): beyond d_min + 6·width every move is accepted.
    const double ErfSaturation = 6.0;

    /// <summary>Uses <paramref name="options"/> (validated here).</summary>
    public Rattler(RattleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public RattleOptions Options { get; }

    /// <summary>
    /// <paramref name="count"/> rattled copies of <paramref name="input"/>, copy k with seed
    /// <see cref="PerturbRandom.DeriveSeed"/>(<paramref name="seed"/>, <paramref name="frameIndex"/>, k); made in
    /// parallel, with results that do not depend on it.
    /// </summary>
    /// <exception cref="InvalidOperationException">An atom found no acceptable move; the message names the frame and atom.</exception>
    public IReadOnlyList<RattleResult> Rattle(Frame input, long seed, long frameIndex, int count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var results = new RattleResult[count];
        var errors = new Exception?[count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = (long)count * input.AtomCount * Options.Iterations < 20000 ? 1 : Environment.ProcessorCount };
        Parallel.For(0, count, parallel, k =>
        {
            try
            {
                results[k] = RattleOne(input, PerturbRandom.DeriveSeed(seed, frameIndex, k), frameIndex, k);
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

    /// <summary>One rattled copy of <paramref name="input"/> from the stream of <paramref name="seed"/>.</summary>
    /// <exception cref="InvalidOperationException">An atom found no acceptable move within the allowed attempts.</exception>
    public RattleResult Rattle(Frame input, long seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        return RattleOne(input, seed, null, null);
    }

    RattleResult RattleOne(Frame input, long seed, long? frameIndex, int? copy)
    {
        var o = Options;
        var frame = Perturber.PrepareForRelabel(input);
        var walk = new Walk(frame, o);
        var rng = new PerturbRandom(seed);
        long attempts = 0;
        int n = frame.AtomCount;
        double maxDispSq = o.MaxDisplacement * o.MaxDisplacement;
        for (int sweep = 0; sweep < o.Iterations; sweep++)
        {
            for (int i = 0; i < n; i++)
            {
                var start = walk.Start(i);
                var current = walk.Position(i);
                bool accepted = false;
                for (int attempt = 0; attempt < o.MaxAttempts && !accepted; attempt++)
                {
                    attempts++;
                    var trial = current + new Vec3(o.Std * rng.NextGaussian(), o.Std * rng.NextGaussian(), o.Std * rng.NextGaussian());
                    if ((trial - start).LengthSquared > maxDispSq)
                        continue;
                    double p = AcceptanceProbability(walk.Gap(i, trial), o.Width);
                    if (p >= 1 || p > rng.NextDouble())
                    {
                        walk.Move(i, trial);
                        accepted = true;
                    }
                }
                if (!accepted)
                {
                    string which = frameIndex is { } fi ? $"frame {fi + 1}" : "the frame";
                    string copyText = copy is { } c ? $", copy {c + 1}" : "";
                    throw new InvalidOperationException(
                        $"{which}{Perturber.Describe(input)}{copyText} (seed {seed}): atom {i + 1} ({frame.Elements[i].Symbol}) found no acceptable move in {o.MaxAttempts} attempts " +
                        $"(sweep {sweep + 1}); its neighbours are too close for d_min {o.MinDistance}: lower d_min or check the input");
                }
            }
        }

        var p0 = input.Positions;
        var p1 = frame.Positions;
        double sum = 0, max = 0;
        for (int i = 0; i < n; i++)
        {
            double sq = (Vec3.At(p1, i) - Vec3.At(p0, i)).LengthSquared;
            sum += sq;
            max = Math.Max(max, sq);
        }
        double rms = n > 0 ? Math.Sqrt(sum / n) : 0;
        var info = frame.Info;
        info.Seed = seed;
        info.ConfigType = o.ConfigType ?? Perturber.Suffix(input.Info.ConfigType, "rattled");
        info.SetExtra(StdKey, FastDoubleFormat.Format(o.Std));
        info.SetExtra(MinDistanceKey, DescribeMinDistance(o.MinDistance));
        info.SetExtra(WidthKey, FastDoubleFormat.Format(o.Width));
        info.SetExtra(IterationsKey, o.Iterations.ToString(CultureInfo.InvariantCulture));
        info.SetExtra(RmsKey, FastDoubleFormat.Format(rms));
        return new RattleResult(frame, seed, attempts, Math.Sqrt(max), rms);
    }

    static string DescribeMinDistance(DistanceGuard g)
    {
        var parts = new List<string>();
        if (g.MinDistance > 0)
            parts.Add(FastDoubleFormat.Format(g.MinDistance));
        if (g.MinRatio > 0)
            parts.Add("ratio=" + FastDoubleFormat.Format(g.MinRatio));
        foreach (var p in g.Pairs)
            parts.Add($"{p.A.Symbol}-{p.B.Symbol}={FastDoubleFormat.Format(p.Distance)}");
        return string.Join(",", parts);
    }

    /// <summary>
    /// hiphive's acceptance probability (erf(gap / width) + 1) / 2 for gap = d − d_min (Å); a step at d_min when
    /// <paramref name="width"/> is 0.
    /// </summary>
    public static double AcceptanceProbability(double gap, double width)
    {
        if (width <= 0)
            return gap >= 0 ? 1 : 0;
        return 0.5 * (1 + Erf(gap / width));
    }

    /// <summary>
    /// The error function, to about 1e-15 absolute: the series erf x = (2/√π) e^(−x²) Σ (2x²)ⁿ x / (1·3·…·(2n+1)),
    /// whose terms are all positive (no cancellation); ±1 for |x| ≥ 6, where erf rounds to ±1 in double anyway.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
            return double.NaN;
        if (x >= ErfSaturation)
            return 1;
        if (x <= -ErfSaturation)
            return -1;
        double x2 = x * x, term = x, sum = x;
        for (int k = 1; k < 500; k++)
        {
            term *= 2 * x2 / (2 * k + 1);
            sum += term;
            if (Math.Abs(term) <= 1e-17 * Math.Abs(sum))
                break;
        }
        return Math.Clamp(2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum, -1, 1);
    }

    /// <summary>
    /// The atoms' positions during the walk and a Verlet neighbour list (with periodic shifts) that gives the exact
    /// smallest gap min_j(|r_j + S − r_i| − d_min,ij) whenever it is below the saturation distance of the acceptance
    /// function. The list holds pairs within reach + skin at the last build and is rebuilt once an atom has drifted
    /// skin/3 from where it was then; a trial that could still bring a pair from outside the list within reach is
    /// checked against every atom instead.
    /// </summary>
    sealed class Walk
    {
        readonly Frame _frame;
        readonly double[] _start;
        readonly double[] _built;
        readonly DistanceGuardTable _table;
        readonly double _reach;
        readonly double _skin;
        readonly List<(int J, Vec3 Shift)>[] _neighbors;
        double _maxDrift;

        public Walk(Frame frame, RattleOptions o)
        {
            _frame = frame;
            _start = (double[])frame.Positions.Clone();
            _built = new double[frame.Positions.Length];
            _table = o.MinDistance.Table(frame.Elements);
            // Beyond d_min + 6·width the acceptance is exactly 1, so farther atoms cannot change a decision.
            _reach = _table.Max + ErfSaturation * o.Width;
            // Skin 18·std: a trial move (|δ| ≤ 6·std but for ~1e-7 of them) then always fits in the skin/3 left to
            // it, and the list is rebuilt every couple of sweeps. Atoms never drift more than 2·max_disp apart.
            _skin = Math.Clamp(18 * o.Std, 0.3, Math.Max(0.3, 4 * o.MaxDisplacement));
            _neighbors = new List<(int, Vec3)>[frame.AtomCount];
            for (int i = 0; i < _neighbors.Length; i++)
                _neighbors[i] = [];
            Build();
        }

        public Vec3 Start(int i) => Vec3.At(_start, i);

        public Vec3 Position(int i) => Vec3.At(_frame.Positions, i);

        public void Move(int i, Vec3 p)
        {
            p.Store(_frame.Positions, i);
            _maxDrift = Math.Max(_maxDrift, (p - Vec3.At(_built, i)).Length);
            if (_maxDrift > _skin / 3)
                Build(); // every atom then starts within skin/3 of its listed place, leaving skin/3 for a trial move
        }

        /// <summary>min over other atoms j and images of (distance from <paramref name="p"/> − d_min,ij), capped at the saturation gap.</summary>
        public double Gap(int i, Vec3 p)
        {
            double cap = _reach - _table.Max + 1e-9; // any gap ≥ this is "far": acceptance 1
            // A pair left out of the list was ≥ reach + skin apart at the build; it is still ≥ reach apart while the
            // two drifts add up to at most the skin. Otherwise (a trial move longer than skin/3: rare) scan everything.
            if (_maxDrift + (p - Vec3.At(_built, i)).Length > _skin)
                return FullScan(i, p, cap);
            double best = cap;
            var positions = _frame.Positions;
            foreach (var (j, s) in _neighbors[i])
            {
                var v = Vec3.At(positions, j) + s - p;
                double gap = v.Length - _table[i, j];
                if (gap < best)
                    best = gap;
            }
            return best;
        }

        // Every image of every other atom within reach of p: for the rare trial move that does not fit in the skin.
        double FullScan(int i, Vec3 p, double cap)
        {
            double best = cap;
            var positions = _frame.Positions;
            var lattice = _frame.Lattice;
            for (int j = 0; j < _frame.AtomCount; j++)
            {
                if (j == i)
                    continue;
                var d = Vec3.At(positions, j) - p;
                if (lattice is null)
                {
                    best = Math.Min(best, d.Length - _table[i, j]);
                    continue;
                }
                foreach (var image in lattice.ImagesWithin(d, _reach))
                    best = Math.Min(best, image.Vector.Length - _table[i, j]);
            }
            return best;
        }

        void Build()
        {
            var positions = _frame.Positions;
            Array.Copy(positions, _built, positions.Length);
            _maxDrift = 0;
            foreach (var list in _neighbors)
                list.Clear();
            var snapshot = new Frame(_frame.Elements, _built, _frame.Lattice);
            NeighborSearch.ForEachPair(snapshot, _reach + _skin, pair =>
            {
                if (pair.I == pair.J)
                    return; // an atom and its own image move together: their distance never changes
                var shift = pair.Vector - (Vec3.At(_built, pair.J) - Vec3.At(_built, pair.I));
                _neighbors[pair.I].Add((pair.J, shift));
                _neighbors[pair.J].Add((pair.I, -shift));
            });
        }
    }
}
