namespace NepForge.Nep;

/// <summary>
/// The single-hidden-layer network of a NEP model, unpacked from the parameter block (nep_spec.md §2.7, §6): per
/// network w0 (neuron-major, neurons × dim), b0, w1; NEP5 adds one output bias per species; b1 is shared.
/// NEP3 has one network for all species, NEP4/NEP5 one per species.
/// </summary>
sealed class NepNetwork
{
    public NepNetwork(NepModel model)
    {
        int dim = model.Dimension, neurons = model.Neurons, types = model.TypeCount;
        int networks = model.Version == NepVersion.Nep3 ? 1 : types;
        var p = model.Parameters;
        W0 = new double[networks][];
        B0 = new double[networks][];
        W1 = new double[networks][];
        TypeBias = new double[types];
        int offset = 0;
        for (int a = 0; a < networks; a++)
        {
            W0[a] = Take(p, ref offset, neurons * dim);
            B0[a] = Take(p, ref offset, neurons);
            W1[a] = Take(p, ref offset, neurons);
            if (model.Version == NepVersion.Nep5)
                TypeBias[a] = p[offset++];
        }
        OutputBias = p[offset++];
        CoefficientOffset = offset;
        Shared = networks == 1;
    }

    static double[] Take(IReadOnlyList<double> p, ref int offset, int count)
    {
        var a = new double[count];
        for (int i = 0; i < count; i++)
            a[i] = p[offset + i];
        offset += count;
        return a;
    }

    /// <summary>Input weights per network, w0[mu·dim + nu].</summary>
    public double[][] W0 { get; }

    /// <summary>Hidden biases per network (subtracted inside tanh).</summary>
    public double[][] B0 { get; }

    /// <summary>Output weights per network.</summary>
    public double[][] W1 { get; }

    /// <summary>NEP5 output bias per species (subtracted); zeros otherwise.</summary>
    public double[] TypeBias { get; }

    /// <summary>Common output bias b1 (subtracted).</summary>
    public double OutputBias { get; }

    /// <summary>Where the descriptor coefficients start in the parameter block.</summary>
    public int CoefficientOffset { get; }

    /// <summary>True for NEP3 (one network for every species).</summary>
    public bool Shared { get; }

    /// <summary>Index of the network a species uses.</summary>
    public int NetworkOf(int type) => Shared ? 0 : type;
}
