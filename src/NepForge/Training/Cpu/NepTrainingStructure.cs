using System.Globalization;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Training.Cpu;

/// <summary>
/// One training structure with everything that depends only on its geometry, computed once (positions never change
/// during training, nep_training.md §7): neighbour entries with r_ij, |r_ij|, the Chebyshev functions f_k and f_k',
/// the angular harmonics Y and their gradients, per-atom sums Σ_j f_k(d_ij) per neighbour type (the radial
/// descriptor is linear in c), and the complete ZBL part. Also the targets and weights.
/// </summary>
sealed class NepTrainingStructure
{
    public required int Index { get; init; }
    public required int Atoms { get; init; }
    public required int[] Types { get; init; }
    public required double Volume { get; init; }

    // Targets.
    public required double EnergyPerAtom { get; init; }
    public required double[] Forces { get; init; }
    public required bool HasVirial { get; init; }
    public required double[] VirialPerAtom { get; init; } // xx yy zz xy yz zx, eV/atom
    public required double Weight { get; init; }
    public required double EnergyWeight { get; init; }

    // Radial entries.
    public required int[] RadialStart { get; init; }
    public required int[] RadialJ { get; init; }
    public required int[] RadialType { get; init; }
    public required double[] RadialR { get; init; } // 4 per entry: x y z d
    public required double[] RadialFkp { get; init; }
    public required double[] RadialSums { get; init; } // [i][tj][k]

    // Angular entries.
    public required int[] AngularStart { get; init; }
    public required int[] AngularJ { get; init; }
    public required int[] AngularType { get; init; }
    public required double[] AngularR { get; init; }
    public required double[] AngularFk { get; init; }
    public required double[] AngularFkp { get; init; }
    public required double[] AngularY { get; init; } // 4·comps per entry: Y, ∂Y/∂ux, ∂Y/∂uy, ∂Y/∂uz

    // ZBL (no trainable parameter).
    public required double[] ZblEnergy { get; init; }
    public required double[] ZblForces { get; init; }
    public required double[] ZblVirial { get; init; }

    public int MaxRadialNeighbors { get; init; }
    public int MaxAngularNeighbors { get; init; }

    /// <summary>Bytes held, for the memory report.</summary>
    public long Bytes => 8L * (RadialR.Length + RadialFkp.Length + RadialSums.Length + AngularR.Length + AngularFk.Length + AngularFkp.Length + AngularY.Length)
                         + 4L * (RadialJ.Length * 2 + AngularJ.Length * 2);

    /// <summary>Builds the cached geometry of <paramref name="frame"/> (number <paramref name="index"/> of <paramref name="file"/>).</summary>
    public static NepTrainingStructure Build(Frame frame, int index, string file, NepTrainingSettings s, NepZbl? zbl, bool needLabels = true)
    {
        int n = frame.AtomCount;
        string where = $"{file}: structure {index}";
        if (frame.Lattice is null)
            throw new ArgumentException($"{where}: no lattice (NEP training needs a periodic cell)");
        var types = new int[n];
        for (int i = 0; i < n; i++)
        {
            int t = Array.FindIndex(s.Species, e => e.Z == frame.Elements[i].Z);
            if (t < 0)
                throw new ArgumentException($"{where}: atom {i} is {frame.Elements[i].Symbol}, which nep.in's 'type' ({string.Join(' ', s.Species.Select(e => e.Symbol))}) does not list");
            types[i] = t;
        }
        if (needLabels && frame.Energy is null)
            throw new ArgumentException($"{where}: no energy");
        if (needLabels && frame.Forces is null)
            throw new ArgumentException($"{where}: no forces");
        double weight = frame.Info.Weight ?? 1.0;
        double energyWeight = 1.0;
        if (frame.Info.GetExtra("energy_weight") is { } ew && double.TryParse(ew, NumberStyles.Float, CultureInfo.InvariantCulture, out double ewv))
            energyWeight = ewv;
        var virial = new double[6];
        bool hasVirial = frame.Virial is not null;
        if (frame.Virial is { } w)
        {
            // GPUMD reads xy, yz, zx from the yx, zy, zx tokens (nep_training.md §5).
            virial[0] = w.M00 / n;
            virial[1] = w.M11 / n;
            virial[2] = w.M22 / n;
            virial[3] = w.M10 / n;
            virial[4] = w.M21 / n;
            virial[5] = w.M20 / n;
        }
        else
        {
            Array.Fill(virial, -1e6);
        }
        var targetForces = frame.Forces is { } f ? (double[])f.Clone() : new double[3 * n];
        if (needLabels)
        {
            double e = frame.Energy!.Value;
            if (!double.IsFinite(e) || targetForces.Any(x => !double.IsFinite(x)) || (hasVirial && virial.Any(x => !double.IsFinite(x))))
                throw new ArgumentException($"{where}: non-finite energy, force or virial");
        }

        double cutoff = Math.Max(s.RadialCutoffs.Max(), s.AngularCutoffs.Max());
        var list = NepNeighborList.Build(frame.Positions, frame.Lattice, cutoff, 1);
        int types_ = s.Types, nbR = s.RadialBasisCount, nbA = s.AngularBasisCount;
        var angularBasis = new NepAngularBasis(s.LMax);
        int comps = angularBasis.Components;

        var rStart = new int[n + 1];
        var aStart = new int[n + 1];
        int radialTotal = 0, angularTotal = 0, maxR = 0, maxA = 0;
        for (int i = 0; i < n; i++)
        {
            int cr = 0, ca = 0;
            for (int e = list.Start[i]; e < list.Start[i + 1]; e++)
            {
                int tj = types[list.Index[e]];
                double d = list.Distance[e];
                if (d < s.RadialCutoff(types[i], tj))
                    cr++;
                if (d < s.AngularCutoff(types[i], tj))
                    ca++;
            }
            radialTotal += cr;
            angularTotal += ca;
            rStart[i + 1] = radialTotal;
            aStart[i + 1] = angularTotal;
            maxR = Math.Max(maxR, cr);
            maxA = Math.Max(maxA, ca);
        }
        var rJ = new int[radialTotal];
        var rT = new int[radialTotal];
        var rR = new double[4 * radialTotal];
        var rFkp = new double[nbR * radialTotal];
        var sums = new double[n * types_ * nbR];
        var aJ = new int[angularTotal];
        var aT = new int[angularTotal];
        var aR = new double[4 * angularTotal];
        var aFk = new double[nbA * angularTotal];
        var aFkp = new double[nbA * angularTotal];
        var aY = new double[4 * comps * angularTotal];
        var zblEnergy = new double[n];
        var zblForces = new double[3 * n];
        var zblVirial = new double[6];
        Span<double> fk = stackalloc double[Math.Max(nbR, nbA)];
        Span<double> fkp = stackalloc double[Math.Max(nbR, nbA)];
        int r = 0, a = 0;
        double zblCutoff = s.AngularCutoffs.Max();
        for (int i = 0; i < n; i++)
        {
            int ti = types[i];
            for (int e = list.Start[i]; e < list.Start[i + 1]; e++)
            {
                int j = list.Index[e], tj = types[j];
                double d = list.Distance[e], x = list.X[e], y = list.Y[e], z = list.Z[e];
                double rc = s.RadialCutoff(ti, tj);
                if (d < rc)
                {
                    NepRadialBasis.Evaluate(s.BasisRadial, 1.0 / rc, d, fk, fkp);
                    rJ[r] = j;
                    rT[r] = tj;
                    (rR[4 * r], rR[4 * r + 1], rR[4 * r + 2], rR[4 * r + 3]) = (x, y, z, d);
                    fkp[..nbR].CopyTo(rFkp.AsSpan(r * nbR, nbR));
                    var sum = sums.AsSpan((i * types_ + tj) * nbR, nbR);
                    for (int k = 0; k < nbR; k++)
                        sum[k] += fk[k];
                    r++;
                }
                double ra = s.AngularCutoff(ti, tj);
                if (d < ra)
                {
                    NepRadialBasis.Evaluate(s.BasisAngular, 1.0 / ra, d, fk, fkp);
                    aJ[a] = j;
                    aT[a] = tj;
                    (aR[4 * a], aR[4 * a + 1], aR[4 * a + 2], aR[4 * a + 3]) = (x, y, z, d);
                    fk[..nbA].CopyTo(aFk.AsSpan(a * nbA, nbA));
                    fkp[..nbA].CopyTo(aFkp.AsSpan(a * nbA, nbA));
                    var yb = aY.AsSpan(a * 4 * comps, 4 * comps);
                    double inv = 1.0 / d;
                    angularBasis.Evaluate(x * inv, y * inv, z * inv, yb[..comps], yb.Slice(comps, comps), yb.Slice(2 * comps, comps), yb.Slice(3 * comps, comps));
                    a++;
                }
                if (zbl is not null && d < zblCutoff)
                {
                    var (v, dv) = zbl.Evaluate(ti, tj, d);
                    if (v == 0 && dv == 0)
                        continue;
                    zblEnergy[i] += 0.5 * v;
                    double scale = 0.5 * dv / d;
                    double fx = scale * x, fy = scale * y, fz = scale * z;
                    zblForces[3 * i] += fx;
                    zblForces[3 * i + 1] += fy;
                    zblForces[3 * i + 2] += fz;
                    zblForces[3 * j] -= fx;
                    zblForces[3 * j + 1] -= fy;
                    zblForces[3 * j + 2] -= fz;
                    AddVirial(zblVirial, x, y, z, fx, fy, fz);
                }
            }
        }
        return new NepTrainingStructure
        {
            Index = index,
            Atoms = n,
            Types = types,
            Volume = frame.Lattice.Volume,
            EnergyPerAtom = (frame.Energy ?? 0) / n,
            Forces = targetForces,
            HasVirial = hasVirial,
            VirialPerAtom = virial,
            Weight = weight,
            EnergyWeight = energyWeight,
            RadialStart = rStart,
            RadialJ = rJ,
            RadialType = rT,
            RadialR = rR,
            RadialFkp = rFkp,
            RadialSums = sums,
            AngularStart = aStart,
            AngularJ = aJ,
            AngularType = aT,
            AngularR = aR,
            AngularFk = aFk,
            AngularFkp = aFkp,
            AngularY = aY,
            ZblEnergy = zblEnergy,
            ZblForces = zblForces,
            ZblVirial = zblVirial,
            MaxRadialNeighbors = maxR,
            MaxAngularNeighbors = maxA,
        };
    }

    /// <summary>W −= r ⊗ f in GPUMD's six components xx yy zz xy yz zx (nep_training.md §9).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void AddVirial(double[] w, double x, double y, double z, double fx, double fy, double fz)
    {
        w[0] -= x * fx;
        w[1] -= y * fy;
        w[2] -= z * fz;
        w[3] -= x * fy;
        w[4] -= y * fz;
        w[5] -= z * fx;
    }
}
