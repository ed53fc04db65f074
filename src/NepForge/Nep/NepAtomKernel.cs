using System.Runtime.CompilerServices;

namespace NepForge.Nep;

/// <summary>What a pass over the atoms computes.</summary>
enum NepPass
{
    /// <summary>Descriptors only (unscaled q).</summary>
    Descriptors,

    /// <summary>Descriptors, per-atom energies, forces and virials.</summary>
    EnergyForces,
}

/// <summary>
/// The per-atom work of NEP for one thread: descriptor of atom i from its neighbour entries, the network, then the
/// partial forces f_ij = ∂U_i/∂r_ij of every entry, accumulated as F_i += f, F_j −= f, W_j −= r_ij ⊗ f
/// (nep_spec.md §5–§9). All scratch is allocated once per thread and grown on demand, never per atom.
/// </summary>
sealed class NepAtomKernel
{
    readonly NepModel _model;
    readonly NepAngularBasis _angular;
    readonly int _types, _dim, _radialDim, _channelsA, _basisR, _basisA, _components, _neurons;
    readonly double[] _rcRadial, _rcRadialInv, _rcAngular, _rcAngularInv; // per type pair
    readonly double[] _q, _qScaled, _fp, _s, _gradS;
    readonly double[] _fk, _fkp, _h, _hp;
    readonly double[] _radialSums;    // per neighbour type: Σ_j f_k(d_ij)
    readonly double[] _radialWeights; // per neighbour type: Σ_n Fp[n]·c[n][k]
    readonly int[] _radialWeightsStamp;
    int _stamp;

    // Per-entry data kept from the descriptor pass for the force pass.
    int[] _radialEntry = [], _angularEntry = [];
    double[] _radialFkp = [], _angularG = [], _angularGp = [], _angularY = [];

    public NepAtomKernel(NepModel model)
    {
        _model = model;
        _types = model.TypeCount;
        _dim = model.Dimension;
        _radialDim = model.RadialDimension;
        _channelsA = model.NMaxAngular + 1;
        _basisR = model.BasisRadial;
        _basisA = model.BasisAngular;
        _neurons = model.Neurons;
        _angular = new NepAngularBasis(model.LMax);
        _components = _angular.Components;
        int pairs = _types * _types;
        _rcRadial = new double[pairs];
        _rcRadialInv = new double[pairs];
        _rcAngular = new double[pairs];
        _rcAngularInv = new double[pairs];
        for (int ti = 0; ti < _types; ti++)
        {
            for (int tj = 0; tj < _types; tj++)
            {
                int p = ti * _types + tj;
                _rcRadial[p] = model.RadialCutoff(ti, tj);
                _rcRadialInv[p] = 1.0 / _rcRadial[p];
                _rcAngular[p] = model.AngularCutoff(ti, tj);
                _rcAngularInv[p] = 1.0 / _rcAngular[p];
            }
        }
        _q = new double[_dim];
        _qScaled = new double[_dim];
        _fp = new double[_dim];
        _s = new double[_channelsA * _components];
        _gradS = new double[_channelsA * _components];
        int maxBasis = Math.Max(_basisR, _basisA) + 1;
        _fk = new double[maxBasis];
        _fkp = new double[maxBasis];
        _h = new double[_components];
        _hp = new double[_components];
        _radialWeights = new double[_types * (_basisR + 1)];
        _radialSums = new double[_types * (_basisR + 1)];
        _radialWeightsStamp = new int[_types];
    }

    /// <summary>Frame data the kernel reads; set before a pass.</summary>
    public NepNeighborList List { get; set; } = null!;

    /// <summary>Type of each atom.</summary>
    public int[] Types { get; set; } = null!;

    /// <summary>Unscaled descriptor of the last atom processed.</summary>
    public ReadOnlySpan<double> Descriptor => _q;

    /// <summary>Forces accumulator [3N] of this thread.</summary>
    public double[] Forces { get; set; } = [];

    /// <summary>Per-atom virial accumulator [9N] of this thread.</summary>
    public double[] Virials { get; set; } = [];

    void EnsureCapacity(int entries)
    {
        if (_radialEntry.Length >= entries)
            return;
        int capacity = Math.Max(entries, 2 * _radialEntry.Length);
        _radialEntry = new int[capacity];
        _angularEntry = new int[capacity];
        _radialFkp = new double[capacity * (_basisR + 1)];
        _angularG = new double[capacity * _channelsA];
        _angularGp = new double[capacity * _channelsA];
        _angularY = new double[capacity * 4 * _components];
    }

    /// <summary>
    /// Processes atom i: fills <see cref="Descriptor"/>; for <see cref="NepPass.EnergyForces"/> also returns U_i
    /// (network + ZBL share) and accumulates forces and virials. Returns 0 for the descriptor pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Atom(int i, NepPass pass)
    {
        bool forces = pass == NepPass.EnergyForces;
        var list = List;
        int first = list.Start[i], last = list.Start[i + 1];
        EnsureCapacity(last - first);
        int ti = Types[i];
        var coefficients = _model.Coefficients;
        Array.Clear(_q);
        Array.Clear(_s);
        Array.Clear(_radialSums);
        int radialCount = 0, angularCount = 0;
        int nbR = _basisR + 1, nbA = _basisA + 1, comps = _components, channelsA = _channelsA;
        var fk = _fk.AsSpan();
        var fkp = _fkp.AsSpan();
        for (int e = first; e < last; e++)
        {
            int tj = Types[list.Index[e]];
            int pair = ti * _types + tj;
            double d = list.Distance[e];
            if (d < _rcRadial[pair])
            {
                if (forces)
                {
                    var fkpStore = _radialFkp.AsSpan(radialCount * nbR, nbR);
                    NepRadialBasis.Evaluate(_basisR, _rcRadialInv[pair], d, fk, fkpStore);
                    _radialEntry[radialCount++] = e;
                }
                else
                {
                    NepRadialBasis.Evaluate(_basisR, _rcRadialInv[pair], d, fk);
                }
                // Σ_j f_k per neighbour type; the coefficients are applied once per type after the loop.
                SmallSpan.Add(fk[..nbR], _radialSums.AsSpan(tj * nbR, nbR));
            }
            if (d < _rcAngular[pair])
            {
                var c = coefficients.Angular[pair];
                var g = _angularG.AsSpan(angularCount * channelsA, channelsA);
                var y = _angularY.AsSpan(angularCount * 4 * comps, 4 * comps);
                double inv = 1.0 / d;
                double ux = list.X[e] * inv, uy = list.Y[e] * inv, uz = list.Z[e] * inv;
                if (forces)
                {
                    NepRadialBasis.Evaluate(_basisA, _rcAngularInv[pair], d, fk, fkp);
                    var gp = _angularGp.AsSpan(angularCount * channelsA, channelsA);
                    for (int n = 0; n < channelsA; n++)
                    {
                        var cn = c.AsSpan(n * nbA, nbA);
                        g[n] = SmallSpan.Dot(cn, fk);
                        gp[n] = SmallSpan.Dot(cn, fkp);
                    }
                    _angular.Evaluate(ux, uy, uz, y[..comps], y.Slice(comps, comps), y.Slice(2 * comps, comps), y.Slice(3 * comps, comps));
                }
                else
                {
                    NepRadialBasis.Evaluate(_basisA, _rcAngularInv[pair], d, fk);
                    for (int n = 0; n < channelsA; n++)
                        g[n] = SmallSpan.Dot(c.AsSpan(n * nbA, nbA), fk);
                    _angular.Evaluate(ux, uy, uz, y[..comps]);
                }
                var yc = y[..comps];
                for (int n = 0; n < channelsA; n++)
                {
                    var s = _s.AsSpan(n * comps, comps);
                    SmallSpan.MultiplyAdd(yc, g[n], s);
                }
                _angularEntry[angularCount++] = e;
            }
        }
        for (int tj = 0; tj < _types; tj++)
        {
            var sums = _radialSums.AsSpan(tj * nbR, nbR);
            var c = coefficients.Radial[ti * _types + tj];
            for (int n = 0; n < _radialDim; n++)
                _q[n] += SmallSpan.Dot(c.AsSpan(n * nbR, nbR), sums);
        }
        AngularDescriptors();
        if (!forces)
            return 0;

        double energy = Network(ti);
        double fix = 0, fiy = 0, fiz = 0;
        RadialForces(ti, radialCount, ref fix, ref fiy, ref fiz);
        AngularForces(angularCount, ref fix, ref fiy, ref fiz);
        if (_model.Zbl is { } zbl)
            energy += Zbl(zbl, ti, first, last, ref fix, ref fiy, ref fiz);
        Forces[3 * i] += fix;
        Forces[3 * i + 1] += fiy;
        Forces[3 * i + 2] += fiz;
        return energy;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void AngularDescriptors()
    {
        int lMax = _model.LMax;
        var invariants = _model.Invariants;
        for (int n = 0; n < _channelsA; n++)
        {
            var s = _s.AsSpan(n * _components, _components);
            for (int l = 1; l <= lMax; l++)
                _q[_radialDim + (l - 1) * _channelsA + n] = NepInvariants.ThreeBody(l, s);
            for (int b = 0; b < invariants.Count; b++)
                _q[_radialDim + (lMax + b) * _channelsA + n] = NepInvariants.Higher(invariants[b], s);
        }
    }

    /// <summary>U_i of the network and Fp = ∂U_i/∂q (unscaled q) into _fp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double Network(int type)
    {
        var network = _model.Network;
        int a = network.NetworkOf(type);
        var w0 = network.W0[a];
        var b0 = network.B0[a];
        var w1 = network.W1[a];
        var scaler = _model.QScaler;
        int dim = _dim;
        for (int d = 0; d < dim; d++)
            _qScaled[d] = _q[d] * scaler[d];
        Array.Clear(_fp);
        var qs = _qScaled.AsSpan();
        var fp = _fp.AsSpan();
        double energy = 0;
        for (int mu = 0; mu < _neurons; mu++)
        {
            var row = w0.AsSpan(mu * dim, dim);
            double x = SmallSpan.Dot(row, qs) - b0[mu];
            double h = Math.Tanh(x);
            energy += w1[mu] * h;
            double weight = w1[mu] * (1.0 - h * h);
            SmallSpan.MultiplyAdd(row, weight, fp);
        }
        for (int d = 0; d < dim; d++)
            fp[d] *= scaler[d];
        return energy - network.TypeBias[type] - network.OutputBias;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void RadialForces(int ti, int radialCount, ref double fix, ref double fiy, ref double fiz)
    {
        var list = List;
        var coefficients = _model.Coefficients;
        int nbR = _basisR + 1;
        _stamp++;
        for (int r = 0; r < radialCount; r++)
        {
            int e = _radialEntry[r];
            int j = list.Index[e];
            int tj = Types[j];
            var weights = _radialWeights.AsSpan(tj * nbR, nbR);
            if (_radialWeightsStamp[tj] != _stamp)
            {
                // Σ_n Fp[n]·c[n][k]: the radial force of this pair type is then one dot product per entry.
                _radialWeightsStamp[tj] = _stamp;
                var c = coefficients.Radial[ti * _types + tj];
                weights.Clear();
                for (int n = 0; n < _radialDim; n++)
                {
                    double fpn = _fp[n];
                    for (int k = 0; k < nbR; k++)
                        weights[k] += fpn * c[n * nbR + k];
                }
            }
            var fkp = _radialFkp.AsSpan(r * nbR, nbR);
            double dU = 0;
            for (int k = 0; k < nbR; k++)
                dU += weights[k] * fkp[k];
            double d = list.Distance[e];
            double scale = dU / d;
            Accumulate(j, list.X[e], list.Y[e], list.Z[e], scale, ref fix, ref fiy, ref fiz);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void AngularForces(int angularCount, ref double fix, ref double fiy, ref double fiz)
    {
        var list = List;
        int comps = _components, channelsA = _channelsA;
        int lMax = _model.LMax;
        var invariants = _model.Invariants;
        // ∂U_i/∂s_n[c] for every channel.
        Array.Clear(_gradS);
        for (int n = 0; n < channelsA; n++)
        {
            var s = _s.AsSpan(n * comps, comps);
            var grad = _gradS.AsSpan(n * comps, comps);
            for (int l = 1; l <= lMax; l++)
                NepInvariants.AddThreeBodyGradient(l, s, _fp[_radialDim + (l - 1) * channelsA + n], grad);
            for (int b = 0; b < invariants.Count; b++)
                NepInvariants.AddHigherGradient(invariants[b], s, _fp[_radialDim + (lMax + b) * channelsA + n], grad);
        }
        var h = _h.AsSpan();
        var hp = _hp.AsSpan();
        for (int a = 0; a < angularCount; a++)
        {
            var g = _angularG.AsSpan(a * channelsA, channelsA);
            var gp = _angularGp.AsSpan(a * channelsA, channelsA);
            h.Clear();
            hp.Clear();
            for (int n = 0; n < channelsA; n++)
            {
                var grad = _gradS.AsSpan(n * comps, comps);
                SmallSpan.MultiplyAdd(grad, g[n], h);
                SmallSpan.MultiplyAdd(grad, gp[n], hp);
            }
            var y = _angularY.AsSpan(a * 4 * comps, 4 * comps);
            double radialPart = SmallSpan.Dot(hp, y[..comps]);
            double vx = SmallSpan.Dot(h, y.Slice(comps, comps));
            double vy = SmallSpan.Dot(h, y.Slice(2 * comps, comps));
            double vz = SmallSpan.Dot(h, y.Slice(3 * comps, comps));
            int e = _angularEntry[a];
            double d = list.Distance[e];
            double inv = 1.0 / d;
            double ux = list.X[e] * inv, uy = list.Y[e] * inv, uz = list.Z[e] * inv;
            double uv = ux * vx + uy * vy + uz * vz;
            // f = u·(Σ H'Y) + (I − u uᵀ)·V / d
            double fx = ux * radialPart + (vx - ux * uv) * inv;
            double fy = uy * radialPart + (vy - uy * uv) * inv;
            double fz = uz * radialPart + (vz - uz * uv) * inv;
            AccumulateVector(list.Index[e], list.X[e], list.Y[e], list.Z[e], fx, fy, fz, ref fix, ref fiy, ref fiz);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    double Zbl(NepZbl zbl, int ti, int first, int last, ref double fix, ref double fiy, ref double fiz)
    {
        var list = List;
        double cutoff = _model.AngularCutoffMax;
        double energy = 0;
        for (int e = first; e < last; e++)
        {
            double d = list.Distance[e];
            if (d >= cutoff)
                continue;
            int j = list.Index[e];
            var (v, dv) = zbl.Evaluate(ti, Types[j], d);
            if (v == 0 && dv == 0)
                continue;
            energy += 0.5 * v;
            Accumulate(j, list.X[e], list.Y[e], list.Z[e], 0.5 * dv / d, ref fix, ref fiy, ref fiz);
        }
        return energy;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Accumulate(int j, double rx, double ry, double rz, double scale, ref double fix, ref double fiy, ref double fiz) =>
        AccumulateVector(j, rx, ry, rz, scale * rx, scale * ry, scale * rz, ref fix, ref fiy, ref fiz);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void AccumulateVector(int j, double rx, double ry, double rz, double fx, double fy, double fz, ref double fix, ref double fiy, ref double fiz)
    {
        fix += fx;
        fiy += fy;
        fiz += fz;
        var forces = Forces;
        forces[3 * j] -= fx;
        forces[3 * j + 1] -= fy;
        forces[3 * j + 2] -= fz;
        var w = Virials.AsSpan(9 * j, 9);
        w[0] -= rx * fx;
        w[1] -= rx * fy;
        w[2] -= rx * fz;
        w[3] -= ry * fx;
        w[4] -= ry * fy;
        w[5] -= ry * fz;
        w[6] -= rz * fx;
        w[7] -= rz * fy;
        w[8] -= rz * fz;
    }
}
