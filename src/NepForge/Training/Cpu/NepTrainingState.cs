namespace NepForge.Training.Cpu;

/// <summary>
/// The parameters as the kernels read them during one step: θ (file layout), c regrouped per type pair, and q_scaler.
/// </summary>
sealed class NepParameterView
{
    public NepParameterView(NepTrainingSettings s, NepParameterLayout layout)
    {
        Settings = s;
        Layout = layout;
        int pairs = s.Types * s.Types;
        Radial = new double[pairs][];
        Angular = new double[pairs][];
        for (int p = 0; p < pairs; p++)
        {
            Radial[p] = new double[(s.NMaxRadial + 1) * s.RadialBasisCount];
            Angular[p] = new double[(s.NMaxAngular + 1) * s.AngularBasisCount];
        }
        QScaler = new double[s.Dimension];
        Theta = new double[layout.Count];
    }

    public NepTrainingSettings Settings { get; }
    public NepParameterLayout Layout { get; }
    public double[] Theta { get; private set; }
    public double[][] Radial { get; }
    public double[][] Angular { get; }
    public double[] QScaler { get; }

    /// <summary>Points the view at θ and regroups its c.</summary>
    public void Load(double[] theta)
    {
        Theta = theta;
        var s = Settings;
        Layout.Regroup(theta, false, s.NMaxRadial + 1, s.RadialBasisCount, Radial);
        Layout.Regroup(theta, true, s.NMaxAngular + 1, s.AngularBasisCount, Angular);
    }

    /// <summary>Every c equal to <paramref name="value"/> (GPUMD's q_scaler pass, nep_training.md §8).</summary>
    public void LoadConstantCoefficients(double value)
    {
        foreach (var c in Radial)
            Array.Fill(c, value);
        foreach (var c in Angular)
            Array.Fill(c, value);
    }
}

/// <summary>What the forward pass keeps of one structure for the loss and the backward pass.</summary>
sealed class NepStructureState
{
    public NepStructureState(NepTrainingStructure structure, NepTrainingSettings s, int components)
    {
        int n = structure.Atoms;
        Q = new double[n * s.Dimension];
        H = new double[n * s.Neurons];
        Fp = new double[n * s.Dimension];
        S = new double[n * (s.NMaxAngular + 1) * components];
        U = new double[n];
        F = new double[3 * n];
    }

    /// <summary>Raw descriptors [i][dim].</summary>
    public double[] Q { get; }

    /// <summary>Hidden activations tanh(z) [i][neuron].</summary>
    public double[] H { get; }

    /// <summary>∂U_i/∂q (raw q) [i][dim].</summary>
    public double[] Fp { get; }

    /// <summary>Angular sums s_{n,b} [i][n][b].</summary>
    public double[] S { get; }

    /// <summary>Site energies U_i (network − b1 + ZBL), eV.</summary>
    public double[] U { get; }

    /// <summary>Forces, eV/Å.</summary>
    public double[] F { get; }

    /// <summary>Virial xx yy zz xy yz zx, eV per cell.</summary>
    public double[] W { get; } = new double[6];

    /// <summary>Energy per atom, eV/atom.</summary>
    public double EnergyPerAtom { get; set; }
}
