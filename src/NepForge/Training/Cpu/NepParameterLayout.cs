namespace NepForge.Training.Cpu;

/// <summary>
/// Where each trainable parameter lives in GPUMD's NEP4 vector θ (nep_training.md §4.1), the order of nep.txt and
/// nep.restart: per species [w0 (neuron-major, N_neu × dim) | b0 | w1], then the shared output bias b1, then c_R and
/// c_A with index (n·(N_bas+1) + k)·T² + t1·T + t2.
/// </summary>
internal sealed class NepParameterLayout
{
    /// <summary>Creates the layout of a model.</summary>
    public NepParameterLayout(NepTrainingSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        Types = s.Types;
        Dimension = s.Dimension;
        Neurons = s.Neurons;
        NetworkSize = (Dimension + 2) * Neurons;
        OutputBias = NetworkSize * Types;
        RadialOffset = OutputBias + 1;
        RadialCount = Types * Types * (s.NMaxRadial + 1) * s.RadialBasisCount;
        AngularOffset = RadialOffset + RadialCount;
        AngularCount = Types * Types * (s.NMaxAngular + 1) * s.AngularBasisCount;
        Count = AngularOffset + AngularCount;
    }

    /// <summary>Species T.</summary>
    public int Types { get; }

    /// <summary>Descriptor dimension.</summary>
    public int Dimension { get; }

    /// <summary>Hidden neurons.</summary>
    public int Neurons { get; }

    /// <summary>Parameters of one species' network, (dim + 2)·N_neu.</summary>
    public int NetworkSize { get; }

    /// <summary>Index of b1.</summary>
    public int OutputBias { get; }

    /// <summary>First c_R.</summary>
    public int RadialOffset { get; }

    /// <summary>Number of c_R.</summary>
    public int RadialCount { get; }

    /// <summary>First c_A.</summary>
    public int AngularOffset { get; }

    /// <summary>Number of c_A.</summary>
    public int AngularCount { get; }

    /// <summary>N_par.</summary>
    public int Count { get; }

    /// <summary>First w0 of species t.</summary>
    public int W0(int t) => t * NetworkSize;

    /// <summary>First b0 of species t.</summary>
    public int B0(int t) => t * NetworkSize + Neurons * Dimension;

    /// <summary>First w1 of species t.</summary>
    public int W1(int t) => t * NetworkSize + Neurons * (Dimension + 1);

    /// <summary>Copies c of one family (radial or angular) from θ into per-pair blocks [pair][n·nb + k].</summary>
    public void Regroup(ReadOnlySpan<double> theta, bool angular, int channels, int basis, double[][] into)
    {
        int offset = angular ? AngularOffset : RadialOffset, pairs = Types * Types;
        for (int pair = 0; pair < pairs; pair++)
        {
            var c = into[pair];
            for (int nk = 0; nk < channels * basis; nk++)
                c[nk] = theta[offset + nk * pairs + pair];
        }
    }

    /// <summary>Adds per-pair blocks back into a θ-shaped gradient.</summary>
    public void Scatter(double[][] from, bool angular, int channels, int basis, Span<double> gradient)
    {
        int offset = angular ? AngularOffset : RadialOffset, pairs = Types * Types;
        for (int pair = 0; pair < pairs; pair++)
        {
            var c = from[pair];
            for (int nk = 0; nk < channels * basis; nk++)
                gradient[offset + nk * pairs + pair] += c[nk];
        }
    }
}
