using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>How a model's ZBL repulsion chooses its switching radii (nep_spec.md §2.3, §9).</summary>
public enum NepZblKind
{
    /// <summary>Universal ZBL, switched off between rc_inner and rc_outer.</summary>
    Universal,

    /// <summary>Universal ZBL with a per-pair outer radius min((R_cov,i + R_cov,j)·factor, rc_outer) and no inner radius.</summary>
    Typewise,

    /// <summary>Per-pair radii and screening coefficients read from the file ("zbl 0 0").</summary>
    Flexible,
}

/// <summary>The ZBL short-range repulsion of a <c>*_zbl</c> model, with everything per type pair precomputed.</summary>
public sealed class NepZbl
{
    readonly PairTerms[] _pairs;
    readonly int _types;

    internal NepZbl(NepZblKind kind, double innerCutoff, double outerCutoff, double typewiseFactor, double[] flexible, IReadOnlyList<Element> species)
    {
        Kind = kind;
        InnerCutoff = innerCutoff;
        OuterCutoff = outerCutoff;
        TypewiseFactor = typewiseFactor;
        FlexibleParameters = flexible;
        _types = species.Count;
        _pairs = new PairTerms[_types * _types];
        for (int ti = 0; ti < _types; ti++)
        {
            for (int tj = 0; tj < _types; tj++)
            {
                int zi = species[ti].Z, zj = species[tj].Z;
                var terms = new PairTerms
                {
                    ChargeProduct = NepConstants.CoulombConstant * zi * zj,
                    InverseScreening = (Math.Pow(zi, 0.23) + Math.Pow(zj, 0.23)) * NepConstants.ZblScreening,
                    Phi = new double[8],
                };
                switch (kind)
                {
                    case NepZblKind.Universal:
                        (terms.Inner, terms.Outer) = (innerCutoff, outerCutoff);
                        NepConstants.UniversalZbl.CopyTo(terms.Phi);
                        break;
                    case NepZblKind.Typewise:
                        double covalent = NepConstants.CovalentRadius[zi - 1] + NepConstants.CovalentRadius[zj - 1];
                        (terms.Inner, terms.Outer) = (0, Math.Min(covalent * typewiseFactor, outerCutoff));
                        NepConstants.UniversalZbl.CopyTo(terms.Phi);
                        break;
                    default:
                        int a = Math.Min(ti, tj), b = Math.Max(ti, tj);
                        int index = a * _types - a * (a - 1) / 2 + (b - a);
                        (terms.Inner, terms.Outer) = (flexible[10 * index], flexible[10 * index + 1]);
                        flexible.AsSpan(10 * index + 2, 8).CopyTo(terms.Phi);
                        break;
                }
                _pairs[ti * _types + tj] = terms;
            }
        }
    }

    /// <summary>How the switching radii are chosen.</summary>
    public NepZblKind Kind { get; }

    /// <summary>rc_inner of the zbl line, Å (0 for flexible).</summary>
    public double InnerCutoff { get; }

    /// <summary>rc_outer of the zbl line, Å (0 for flexible).</summary>
    public double OuterCutoff { get; }

    /// <summary>The typewise factor (4th token of the zbl line), or 0.</summary>
    public double TypewiseFactor { get; }

    /// <summary>Flexible ZBL: 10 values per unordered type pair (r_inner, r_outer, a1..a8); empty otherwise.</summary>
    public IReadOnlyList<double> FlexibleParameters { get; }

    /// <summary>
    /// Pair energy V(d) (eV) and its derivative dV/dd (eV/Å) for a (central, neighbour) type pair at distance d.
    /// </summary>
    public (double Energy, double Derivative) Evaluate(int centralType, int neighborType, double distance)
    {
        ref readonly var p = ref _pairs[centralType * _types + neighborType];
        if (distance >= p.Outer)
            return (0, 0);
        double inverse = 1.0 / distance;
        double x = distance * p.InverseScreening;
        double phi = 0, phiPrime = 0;
        for (int k = 0; k < 8; k += 2)
        {
            double term = p.Phi[k] * Math.Exp(-p.Phi[k + 1] * x);
            phi += term;
            phiPrime -= p.Phi[k + 1] * term;
        }
        double f = phi * p.ChargeProduct;
        double fp = phiPrime * p.ChargeProduct * p.InverseScreening;
        fp = fp * inverse - f * inverse * inverse;
        f *= inverse;
        double fc, fcp;
        if (distance < p.Inner)
        {
            (fc, fcp) = (1, 0);
        }
        else
        {
            double piFactor = NepConstants.Pi / (p.Outer - p.Inner);
            fc = Math.Cos(piFactor * (distance - p.Inner)) * 0.5 + 0.5;
            fcp = -Math.Sin(piFactor * (distance - p.Inner)) * piFactor * 0.5;
        }
        return (f * fc, fp * fc + f * fcp);
    }

    struct PairTerms
    {
        public double ChargeProduct;
        public double InverseScreening;
        public double Inner;
        public double Outer;
        public double[] Phi;
    }
}
