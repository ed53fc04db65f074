using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NepForge.Nep;

namespace NepForge.Training.Cpu;

/// <summary>
/// The per-structure work of the CPU trainer for one thread: the forward pass (descriptors, network, forces, virial)
/// and the exact parameter gradient of the GPUMD loss by the directional-derivative route of nep_training.md §15:
/// with the residual coefficients a (energy), π (forces) and K (virial) frozen, ∂L/∂θ = ∂Φ/∂θ where
/// Φ = Σ_i a·U_i + Σ_entries f_ij·u_ij, u_ij = π_i − π_j + v_ij. A tangent pass gives δq (the descriptor's
/// directional derivative), then the network's gradient and Hessian–vector product, then the c gradients from
/// per-atom sums. No second derivatives in the positions, and scratch is allocated once per thread.
/// </summary>
sealed class NepTrainingKernel
{
    readonly NepTrainingSettings _s;
    readonly NepParameterLayout _layout;
    readonly int _types, _dim, _neurons, _radialDim, _channels, _comps, _nbR, _nbA, _lMax;
    readonly NepInvariant[] _invariants;
    readonly double[] _qs, _dq, _dqs, _g, _hdq, _m, _lambda, _ds, _wR, _pR, _gn, _gpn, _hB, _hpB, _tmp;
    double[] _rho = new double[64], _beta = [];
    readonly double[] _gradient;
    readonly double[][] _gradR, _gradA;

    public NepTrainingKernel(NepTrainingSettings s, NepParameterLayout layout)
    {
        _s = s;
        _layout = layout;
        _types = s.Types;
        _dim = s.Dimension;
        _neurons = s.Neurons;
        _radialDim = s.NMaxRadial + 1;
        _channels = s.NMaxAngular + 1;
        _nbR = s.RadialBasisCount;
        _nbA = s.AngularBasisCount;
        _lMax = s.LMax;
        _invariants = s.Invariants;
        _comps = (s.LMax + 1) * (s.LMax + 1) - 1;
        _qs = new double[_dim];
        _dq = new double[_dim];
        _dqs = new double[_dim];
        _g = new double[_dim];
        _hdq = new double[_dim];
        _m = new double[_channels * _comps];
        _lambda = new double[_channels * _comps];
        _ds = new double[_channels * _comps];
        _wR = new double[_types * _nbR];
        _pR = new double[_types * _nbR];
        _gn = new double[_channels];
        _gpn = new double[_channels];
        _hB = new double[_comps];
        _hpB = new double[_comps];
        _tmp = new double[_comps];
        _beta = new double[64 * _comps];
        _gradient = new double[layout.Count];
        int pairs = _types * _types;
        _gradR = new double[pairs][];
        _gradA = new double[pairs][];
        for (int p = 0; p < pairs; p++)
        {
            _gradR[p] = new double[_radialDim * _nbR];
            _gradA[p] = new double[_channels * _nbA];
        }
    }

    /// <summary>Number of angular harmonics per channel.</summary>
    public int Components => _comps;

    /// <summary>
    /// Raw descriptors of every atom of <paramref name="st"/> into <paramref name="q"/> [i][dim] with the c of
    /// <paramref name="p"/> (no network).
    /// </summary>
    public void Descriptors(NepTrainingStructure st, NepParameterView p, double[] q, double[] s)
    {
        for (int i = 0; i < st.Atoms; i++)
            Descriptor(st, p, i, q.AsSpan(i * _dim, _dim), s.AsSpan(i * _channels * _comps, _channels * _comps));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Descriptor(NepTrainingStructure st, NepParameterView p, int i, Span<double> q, Span<double> sI)
    {
        int ti = st.Types[i], nbR = _nbR, nbA = _nbA, comps = _comps;
        q.Clear();
        for (int tj = 0; tj < _types; tj++)
        {
            var sums = st.RadialSums.AsSpan((i * _types + tj) * nbR, nbR);
            var c = p.Radial[ti * _types + tj];
            for (int n = 0; n < _radialDim; n++)
                q[n] += SmallSpan.Dot(c.AsSpan(n * nbR, nbR), sums);
        }
        sI.Clear();
        for (int a = st.AngularStart[i]; a < st.AngularStart[i + 1]; a++)
        {
            var c = p.Angular[ti * _types + st.AngularType[a]];
            var fk = st.AngularFk.AsSpan(a * nbA, nbA);
            var y = st.AngularY.AsSpan(a * 4 * comps, comps);
            for (int n = 0; n < _channels; n++)
            {
                double g = SmallSpan.Dot(c.AsSpan(n * nbA, nbA), fk);
                var sn = sI.Slice(n * comps, comps);
                SmallSpan.MultiplyAdd(y, g, sn);
            }
        }
        for (int n = 0; n < _channels; n++)
        {
            var sn = sI.Slice(n * comps, comps);
            for (int b = 0; b < _lMax + _invariants.Length; b++)
                q[_radialDim + b * _channels + n] = Block(b, sn);
        }
    }

    double Block(int b, ReadOnlySpan<double> s) =>
        b < _lMax ? NepInvariants.ThreeBody(b + 1, s) : NepInvariants.Higher(_invariants[b - _lMax], s);

    void AddBlockGradient(int b, ReadOnlySpan<double> s, double weight, Span<double> into)
    {
        if (b < _lMax)
            NepInvariants.AddThreeBodyGradient(b + 1, s, weight, into);
        else
            NepInvariants.AddHigherGradient(_invariants[b - _lMax], s, weight, into);
    }

    void AddBlockHessianVector(int b, ReadOnlySpan<double> s, ReadOnlySpan<double> ds, double weight, Span<double> into)
    {
        // The 3-body gradient is linear in s, so its Hessian–vector product is the gradient evaluated at δs.
        if (b < _lMax)
            NepInvariants.AddThreeBodyGradient(b + 1, ds, weight, into);
        else
            NepInvariants.AddHigherHessianVector(_invariants[b - _lMax], s, ds, weight, into);
    }

    /// <summary>Forward pass: fills the state's descriptors, activations, Fp, U, F, W and energy per atom.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(NepTrainingStructure st, NepStructureState state, NepParameterView p)
    {
        int n = st.Atoms, dim = _dim, comps = _comps;
        var theta = p.Theta;
        var scaler = p.QScaler;
        double b1 = theta[_layout.OutputBias];
        st.ZblForces.CopyTo(state.F, 0);
        st.ZblVirial.CopyTo(state.W, 0);
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            int ti = st.Types[i];
            var q = state.Q.AsSpan(i * dim, dim);
            var sI = state.S.AsSpan(i * _channels * comps, _channels * comps);
            Descriptor(st, p, i, q, sI);
            var w0 = theta.AsSpan(_layout.W0(ti), _neurons * dim);
            var b0 = theta.AsSpan(_layout.B0(ti), _neurons);
            var w1 = theta.AsSpan(_layout.W1(ti), _neurons);
            var qs = _qs.AsSpan();
            SmallSpan.Multiply(q, scaler, qs);
            var fp = state.Fp.AsSpan(i * dim, dim);
            fp.Clear();
            var h = state.H.AsSpan(i * _neurons, _neurons);
            double u = 0;
            for (int mu = 0; mu < _neurons; mu++)
            {
                var row = w0.Slice(mu * dim, dim);
                double hm = Math.Tanh(SmallSpan.Dot(row, qs) - b0[mu]);
                h[mu] = hm;
                u += w1[mu] * hm;
                SmallSpan.MultiplyAdd(row, w1[mu] * (1 - hm * hm), fp);
            }
            SmallSpan.Multiply(fp, scaler, fp);
            u = u - b1 + st.ZblEnergy[i];
            state.U[i] = u;
            total += u;
            Forces(st, state, p, i, sI, fp);
        }
        state.EnergyPerAtom = total / n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Forces(NepTrainingStructure st, NepStructureState state, NepParameterView p, int i, ReadOnlySpan<double> sI, ReadOnlySpan<double> fp)
    {
        int ti = st.Types[i], nbR = _nbR, nbA = _nbA, comps = _comps;
        var f = state.F;
        var w = state.W;
        double fix = 0, fiy = 0, fiz = 0;
        // Radial: f_ij = (Σ_k wR_k f_k'(d)) r̂ with wR_k = Σ_n Fp_n c_nk of the pair.
        var wR = _wR.AsSpan();
        wR.Clear();
        for (int tj = 0; tj < _types; tj++)
        {
            var c = p.Radial[ti * _types + tj];
            var wt = wR.Slice(tj * nbR, nbR);
            for (int n = 0; n < _radialDim; n++)
                SmallSpan.MultiplyAdd(c.AsSpan(n * nbR, nbR), fp[n], wt);
        }
        var rr = st.RadialR;
        for (int e = st.RadialStart[i]; e < st.RadialStart[i + 1]; e++)
        {
            double x = rr[4 * e], y = rr[4 * e + 1], z = rr[4 * e + 2], d = rr[4 * e + 3];
            double scale = SmallSpan.Dot(wR.Slice(st.RadialType[e] * nbR, nbR), st.RadialFkp.AsSpan(e * nbR, nbR)) / d;
            double fx = scale * x, fy = scale * y, fz = scale * z;
            fix += fx;
            fiy += fy;
            fiz += fz;
            Reaction(f, w, st.RadialJ[e], x, y, z, fx, fy, fz);
        }
        // Angular: M = ∂U/∂s per channel, then f = r̂ (Σ g'·M·Y) + (I − r̂r̂ᵀ)(Σ g·M·∇Y)/d.
        int first = st.AngularStart[i], last = st.AngularStart[i + 1];
        if (first < last)
        {
            var m = _m.AsSpan();
            m.Clear();
            for (int n = 0; n < _channels; n++)
            {
                var sn = sI.Slice(n * comps, comps);
                var mn = m.Slice(n * comps, comps);
                for (int b = 0; b < _lMax + _invariants.Length; b++)
                    AddBlockGradient(b, sn, fp[_radialDim + b * _channels + n], mn);
            }
            var ar = st.AngularR;
            for (int a = first; a < last; a++)
            {
                var c = p.Angular[ti * _types + st.AngularType[a]];
                var fk = st.AngularFk.AsSpan(a * nbA, nbA);
                var fkp = st.AngularFkp.AsSpan(a * nbA, nbA);
                var hB = _hB.AsSpan();
                var hpB = _hpB.AsSpan();
                hB.Clear();
                hpB.Clear();
                for (int n = 0; n < _channels; n++)
                {
                    var cn = c.AsSpan(n * nbA, nbA);
                    var mn = m.Slice(n * comps, comps);
                    SmallSpan.MultiplyAdd(mn, SmallSpan.Dot(cn, fk), hB);
                    SmallSpan.MultiplyAdd(mn, SmallSpan.Dot(cn, fkp), hpB);
                }
                var yAll = st.AngularY.AsSpan(a * 4 * comps, 4 * comps);
                double radialPart = SmallSpan.Dot(hpB, yAll[..comps]);
                double vx = SmallSpan.Dot(hB, yAll.Slice(comps, comps));
                double vy = SmallSpan.Dot(hB, yAll.Slice(2 * comps, comps));
                double vz = SmallSpan.Dot(hB, yAll.Slice(3 * comps, comps));
                double x = ar[4 * a], y = ar[4 * a + 1], z = ar[4 * a + 2], d = ar[4 * a + 3];
                double inv = 1.0 / d;
                double ux = x * inv, uy = y * inv, uz = z * inv;
                double uv = ux * vx + uy * vy + uz * vz;
                double fx = ux * radialPart + (vx - ux * uv) * inv;
                double fy = uy * radialPart + (vy - uy * uv) * inv;
                double fz = uz * radialPart + (vz - uz * uv) * inv;
                fix += fx;
                fiy += fy;
                fiz += fz;
                Reaction(f, w, st.AngularJ[a], x, y, z, fx, fy, fz);
            }
        }
        f[3 * i] += fix;
        f[3 * i + 1] += fiy;
        f[3 * i + 2] += fiz;
    }

    /// <summary>The neighbour's share of an entry: F_j −= f, and the entry's virial −r ⊗ f.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Reaction(double[] f, double[] w, int j, double x, double y, double z, double fx, double fy, double fz)
    {
        f[3 * j] -= fx;
        f[3 * j + 1] -= fy;
        f[3 * j + 2] -= fz;
        NepTrainingStructure.AddVirial(w, x, y, z, fx, fy, fz);
    }

    /// <summary>
    /// Adds ∂Φ/∂θ of one structure to this kernel's accumulators, with Φ = a·Σ_i U_i + Σ_k π_k·F_k + Σ_c K_c·W_c
    /// (a per-atom energy coefficient, π per-atom force coefficients [3N], K virial coefficients xx yy zz xy yz zx).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(NepTrainingStructure st, NepStructureState state, NepParameterView p, double a, ReadOnlySpan<double> pi, ReadOnlySpan<double> k)
    {
        int dim = _dim, comps = _comps, nbR = _nbR, nbA = _nbA, blocks = _lMax + _invariants.Length;
        var theta = p.Theta;
        var scaler = p.QScaler;
        double kxx = k[0], kyy = k[1], kzz = k[2], kxy = k[3], kyz = k[4], kzx = k[5];
        for (int i = 0; i < st.Atoms; i++)
        {
            int ti = st.Types[i];
            var q = state.Q.AsSpan(i * dim, dim);
            var fp = state.Fp.AsSpan(i * dim, dim);
            var hI = state.H.AsSpan(i * _neurons, _neurons);
            var sI = state.S.AsSpan(i * _channels * comps, _channels * comps);
            double pix = pi[3 * i], piy = pi[3 * i + 1], piz = pi[3 * i + 2];
            var dq = _dq.AsSpan();
            dq.Clear();

            // Radial tangent: P[tj][k] = Σ_j f_k'(d)·ρ, ρ = r̂·u; δq_n = Σ c_nk P_k.
            var pR = _pR.AsSpan();
            pR.Clear();
            var rr = st.RadialR;
            for (int e = st.RadialStart[i]; e < st.RadialStart[i + 1]; e++)
            {
                double x = rr[4 * e], y = rr[4 * e + 1], z = rr[4 * e + 2], d = rr[4 * e + 3];
                int j = st.RadialJ[e];
                double ux = pix - pi[3 * j] - (kxx * x + kzx * z);
                double uy = piy - pi[3 * j + 1] - (kyy * y + kxy * x);
                double uz = piz - pi[3 * j + 2] - (kzz * z + kyz * y);
                double rho = (x * ux + y * uy + z * uz) / d;
                var pt = pR.Slice(st.RadialType[e] * nbR, nbR);
                SmallSpan.MultiplyAdd(st.RadialFkp.AsSpan(e * nbR, nbR), rho, pt);
            }
            for (int tj = 0; tj < _types; tj++)
            {
                var c = p.Radial[ti * _types + tj];
                var pt = pR.Slice(tj * nbR, nbR);
                for (int n = 0; n < _radialDim; n++)
                    dq[n] += SmallSpan.Dot(c.AsSpan(n * nbR, nbR), pt);
            }

            // Angular tangent: δs_{n,b} = Σ_j g_n'ρ Y_b + g_n β_b, β_b = ∇Y_b·(u − ρ r̂)/d.
            int first = st.AngularStart[i], count = st.AngularStart[i + 1] - first;
            if (_rho.Length < count)
            {
                _rho = new double[2 * count];
                _beta = new double[2 * count * comps];
            }
            var ds = _ds.AsSpan();
            ds.Clear();
            var ar = st.AngularR;
            for (int l = 0; l < count; l++)
            {
                int e = first + l;
                double x = ar[4 * e], y = ar[4 * e + 1], z = ar[4 * e + 2], d = ar[4 * e + 3];
                int j = st.AngularJ[e];
                double ux = pix - pi[3 * j] - (kxx * x + kzx * z);
                double uy = piy - pi[3 * j + 1] - (kyy * y + kxy * x);
                double uz = piz - pi[3 * j + 2] - (kzz * z + kyz * y);
                double inv = 1.0 / d;
                double rx = x * inv, ry = y * inv, rz = z * inv;
                double rho = rx * ux + ry * uy + rz * uz;
                _rho[l] = rho;
                double tx = (ux - rho * rx) * inv, ty = (uy - rho * ry) * inv, tz = (uz - rho * rz) * inv;
                var yAll = st.AngularY.AsSpan(e * 4 * comps, 4 * comps);
                var beta = _beta.AsSpan(l * comps, comps);
                SmallSpan.Multiply(yAll.Slice(comps, comps), tx, beta);
                SmallSpan.MultiplyAdd(yAll.Slice(2 * comps, comps), ty, beta);
                SmallSpan.MultiplyAdd(yAll.Slice(3 * comps, comps), tz, beta);
                var c = p.Angular[ti * _types + st.AngularType[e]];
                var fk = st.AngularFk.AsSpan(e * nbA, nbA);
                var fkp = st.AngularFkp.AsSpan(e * nbA, nbA);
                var yb = yAll[..comps];
                for (int n = 0; n < _channels; n++)
                {
                    var cn = c.AsSpan(n * nbA, nbA);
                    var dsn = ds.Slice(n * comps, comps);
                    SmallSpan.MultiplyAdd(yb, SmallSpan.Dot(cn, fkp) * rho, dsn);
                    SmallSpan.MultiplyAdd(beta, SmallSpan.Dot(cn, fk), dsn);
                }
            }
            if (count > 0)
            {
                var tmp = _tmp.AsSpan();
                for (int n = 0; n < _channels; n++)
                {
                    var sn = sI.Slice(n * comps, comps);
                    var dsn = ds.Slice(n * comps, comps);
                    for (int b = 0; b < blocks; b++)
                    {
                        tmp.Clear();
                        AddBlockGradient(b, sn, 1.0, tmp);
                        dq[_radialDim + b * _channels + n] = SmallSpan.Dot(tmp, dsn);
                    }
                }
            }

            // Network: gradients of a·U + Fp·δq and the pseudo descriptor gradient G = a·Fp + H·δq.
            var w0 = theta.AsSpan(_layout.W0(ti), _neurons * dim);
            var b0 = theta.AsSpan(_layout.B0(ti), _neurons);
            var w1 = theta.AsSpan(_layout.W1(ti), _neurons);
            var gW0 = _gradient.AsSpan(_layout.W0(ti), _neurons * dim);
            var gB0 = _gradient.AsSpan(_layout.B0(ti), _neurons);
            var gW1 = _gradient.AsSpan(_layout.W1(ti), _neurons);
            var qs = _qs.AsSpan();
            var dqs = _dqs.AsSpan();
            SmallSpan.Multiply(q, scaler, qs);
            SmallSpan.Multiply(dq, scaler, dqs);
            var hdq = _hdq.AsSpan();
            hdq.Clear();
            for (int mu = 0; mu < _neurons; mu++)
            {
                var row = w0.Slice(mu * dim, dim);
                double h = hI[mu], dD = 1 - h * h, wm = w1[mu];
                double dz = SmallSpan.Dot(row, dqs);
                gW1[mu] += a * h + dD * dz;
                gB0[mu] += -a * wm * dD + 2 * wm * h * dD * dz;
                var gRow = gW0.Slice(mu * dim, dim);
                SmallSpan.MultiplyAdd(qs, a * wm * dD - 2 * wm * h * dD * dz, gRow);
                SmallSpan.MultiplyAdd(dqs, wm * dD, gRow);
                SmallSpan.MultiplyAdd(row, -2 * wm * h * dD * dz, hdq);
            }
            var g = _g.AsSpan();
            SmallSpan.Multiply(hdq, scaler, g);
            SmallSpan.MultiplyAdd(fp, a, g);

            // Radial c: ∂Φ/∂c_nk = G_n Σ_j f_k + Fp_n Σ_j f_k'ρ.
            for (int tj = 0; tj < _types; tj++)
            {
                var gc = _gradR[ti * _types + tj];
                var sums = st.RadialSums.AsSpan((i * _types + tj) * nbR, nbR);
                var pt = pR.Slice(tj * nbR, nbR);
                for (int n = 0; n < _radialDim; n++)
                {
                    var gcn = gc.AsSpan(n * nbR, nbR);
                    SmallSpan.MultiplyAdd(sums, g[n], gcn);
                    SmallSpan.MultiplyAdd(pt, fp[n], gcn);
                }
            }

            if (count == 0)
                continue;
            // Angular c: M = Σ_B Fp·∂Q/∂s, Λ = Σ_B G·∂Q/∂s + Fp·∇²Q·δs, then per entry
            // ∂Φ/∂c_nk += (Λ_n·Y + M_n·β) f_k + (M_n·Y) ρ f_k'.
            var m = _m.AsSpan();
            var lam = _lambda.AsSpan();
            m.Clear();
            lam.Clear();
            for (int n = 0; n < _channels; n++)
            {
                var sn = sI.Slice(n * comps, comps);
                var dsn = ds.Slice(n * comps, comps);
                var mn = m.Slice(n * comps, comps);
                var ln = lam.Slice(n * comps, comps);
                for (int b = 0; b < blocks; b++)
                {
                    int idx = _radialDim + b * _channels + n;
                    AddBlockGradient(b, sn, fp[idx], mn);
                    AddBlockGradient(b, sn, g[idx], ln);
                    AddBlockHessianVector(b, sn, dsn, fp[idx], ln);
                }
            }
            for (int l = 0; l < count; l++)
            {
                int e = first + l;
                var gc = _gradA[ti * _types + st.AngularType[e]];
                var fk = st.AngularFk.AsSpan(e * nbA, nbA);
                var fkp = st.AngularFkp.AsSpan(e * nbA, nbA);
                var yb = st.AngularY.AsSpan(e * 4 * comps, comps);
                var beta = _beta.AsSpan(l * comps, comps);
                double rho = _rho[l];
                for (int n = 0; n < _channels; n++)
                {
                    var mn = m.Slice(n * comps, comps);
                    double coefF = SmallSpan.Dot(lam.Slice(n * comps, comps), yb) + SmallSpan.Dot(mn, beta);
                    double coefFp = SmallSpan.Dot(mn, yb) * rho;
                    var gcn = gc.AsSpan(n * nbA, nbA);
                    SmallSpan.MultiplyAdd(fk, coefF, gcn);
                    SmallSpan.MultiplyAdd(fkp, coefFp, gcn);
                }
            }
        }
    }

    /// <summary>Adds what <see cref="Backward"/> accumulated to <paramref name="gradient"/> (θ layout) and clears it.</summary>
    public void Flush(Span<double> gradient)
    {
        TensorPrimitives.Add(gradient[.._layout.RadialOffset], _gradient.AsSpan(0, _layout.RadialOffset), gradient[.._layout.RadialOffset]);
        Array.Clear(_gradient);
        _layout.Scatter(_gradR, false, _radialDim, _nbR, gradient);
        _layout.Scatter(_gradA, true, _channels, _nbA, gradient);
        foreach (var c in _gradR)
            Array.Clear(c);
        foreach (var c in _gradA)
            Array.Clear(c);
    }
}
