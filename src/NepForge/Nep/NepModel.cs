using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>NEP file generation: how the network parameters are laid out (nep_spec.md §1, §2.6).</summary>
public enum NepVersion
{
    /// <summary>NEP3: one network shared by all species.</summary>
    Nep3 = 3,

    /// <summary>NEP4: one network per species.</summary>
    Nep4 = 4,

    /// <summary>NEP5: NEP4 plus one output bias per species.</summary>
    Nep5 = 5,
}

/// <summary>The higher-order angular invariants a model may switch on, in descriptor order (nep_spec.md §5.5).</summary>
public enum NepInvariant
{
    /// <summary>4-body q_222.</summary>
    Q222,

    /// <summary>5-body q_1111.</summary>
    Q1111,

    /// <summary>4-body q_112.</summary>
    Q112,

    /// <summary>4-body q_123.</summary>
    Q123,

    /// <summary>4-body q_233.</summary>
    Q233,

    /// <summary>4-body q_134.</summary>
    Q134,
}

/// <summary>
/// An energy/force NEP model (nep3, nep4, nep5, with or without ZBL) as read from nep.txt: species, cutoffs, descriptor
/// sizes, network weights, descriptor coefficients and the q_scaler. Immutable once read.
/// </summary>
public sealed class NepModel
{
    internal NepModel(NepModelData data)
    {
        Token = data.Token;
        Version = data.Version;
        Species = data.Species;
        RadialCutoffs = data.RadialCutoffs;
        AngularCutoffs = data.AngularCutoffs;
        NMaxRadial = data.NMaxRadial;
        NMaxAngular = data.NMaxAngular;
        BasisRadial = data.BasisRadial;
        BasisAngular = data.BasisAngular;
        LMax = data.LMax;
        Invariants = data.Invariants;
        Neurons = data.Neurons;
        Parameters = data.Parameters;
        QScaler = data.QScaler;
        Zbl = data.Zbl;
        RadialCutoffMax = RadialCutoffs.Max();
        AngularCutoffMax = AngularCutoffs.Max();
        Network = new NepNetwork(this);
        Coefficients = new NepCoefficients(this);
    }

    /// <summary>The model token of line 1, e.g. "nep4_zbl".</summary>
    public string Token { get; }

    /// <summary>Parameter layout generation.</summary>
    public NepVersion Version { get; }

    /// <summary>Species in type order (type index = position).</summary>
    public IReadOnlyList<Element> Species { get; }

    /// <summary>Number of species T.</summary>
    public int TypeCount => Species.Count;

    /// <summary>Radial cutoff per species, Å (all equal for a single-cutoff file).</summary>
    public IReadOnlyList<double> RadialCutoffs { get; }

    /// <summary>Angular cutoff per species, Å.</summary>
    public IReadOnlyList<double> AngularCutoffs { get; }

    /// <summary>Largest radial cutoff, Å: the reach of the radial neighbour list.</summary>
    public double RadialCutoffMax { get; }

    /// <summary>Largest angular cutoff, Å: the reach of the angular (and ZBL) neighbour list.</summary>
    public double AngularCutoffMax { get; }

    /// <summary>n_max of the radial descriptors (n_max_R + 1 components).</summary>
    public int NMaxRadial { get; }

    /// <summary>n_max of the angular channels (n_max_A + 1 channels).</summary>
    public int NMaxAngular { get; }

    /// <summary>Chebyshev basis size of the radial functions (N_bas_R + 1 functions).</summary>
    public int BasisRadial { get; }

    /// <summary>Chebyshev basis size of the angular functions.</summary>
    public int BasisAngular { get; }

    /// <summary>Largest degree of the 3-body angular terms.</summary>
    public int LMax { get; }

    /// <summary>Higher-order invariants switched on, in descriptor order.</summary>
    public IReadOnlyList<NepInvariant> Invariants { get; }

    /// <summary>Hidden neurons of the (single-layer) network.</summary>
    public int Neurons { get; }

    /// <summary>Number of angular blocks: L_max plus the invariants switched on.</summary>
    public int AngularBlocks => LMax + Invariants.Count;

    /// <summary>Number of radial descriptor components, n_max_R + 1.</summary>
    public int RadialDimension => NMaxRadial + 1;

    /// <summary>Descriptor dimension: radial components plus (n_max_A + 1) per angular block.</summary>
    public int Dimension => RadialDimension + (NMaxAngular + 1) * AngularBlocks;

    /// <summary>All parameters of the num_para block in file order (network, then c_R, then c_A).</summary>
    public IReadOnlyList<double> Parameters { get; }

    /// <summary>Number of network and descriptor parameters (the num_para block).</summary>
    public int ParameterCount => Parameters.Count;

    /// <summary>Per-component descriptor scale: the network input is q ⊙ q_scaler.</summary>
    public IReadOnlyList<double> QScaler { get; }

    /// <summary>Short-range ZBL repulsion, or null for a model without it.</summary>
    public NepZbl? Zbl { get; }

    /// <summary>The network weights, unpacked.</summary>
    internal NepNetwork Network { get; }

    /// <summary>The descriptor coefficients, regrouped per type pair.</summary>
    internal NepCoefficients Coefficients { get; }

    /// <summary>Radial cutoff of a (central, neighbour) type pair: the mean of the two species' cutoffs.</summary>
    public double RadialCutoff(int centralType, int neighborType) =>
        (RadialCutoffs[centralType] + RadialCutoffs[neighborType]) * 0.5;

    /// <summary>Angular cutoff of a (central, neighbour) type pair.</summary>
    public double AngularCutoff(int centralType, int neighborType) =>
        (AngularCutoffs[centralType] + AngularCutoffs[neighborType]) * 0.5;

    /// <summary>Type index of <paramref name="element"/>, or −1 when the model does not know it.</summary>
    public int TypeOf(Element element)
    {
        for (int t = 0; t < Species.Count; t++)
        {
            if (Species[t].Z == element.Z)
                return t;
        }
        return -1;
    }

    /// <summary>Type index of every atom of a frame; throws naming the first species the model lacks.</summary>
    public int[] TypesOf(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var types = new int[frame.AtomCount];
        for (int i = 0; i < types.Length; i++)
        {
            int t = TypeOf(frame.Elements[i]);
            if (t < 0)
            {
                throw new ArgumentException(
                    $"atom {i + 1} is {frame.Elements[i].Symbol}, which the model ({string.Join(' ', Species)}) does not cover");
            }
            types[i] = t;
        }
        return types;
    }
}

/// <summary>What the reader hands to <see cref="NepModel"/>.</summary>
sealed record NepModelData(
    string Token,
    NepVersion Version,
    Element[] Species,
    double[] RadialCutoffs,
    double[] AngularCutoffs,
    int NMaxRadial,
    int NMaxAngular,
    int BasisRadial,
    int BasisAngular,
    int LMax,
    NepInvariant[] Invariants,
    int Neurons,
    double[] Parameters,
    double[] QScaler,
    NepZbl? Zbl);
