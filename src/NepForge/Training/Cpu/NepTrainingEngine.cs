using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace NepForge.Training.Cpu;

/// <summary>
/// The data side of CPU training: the cached structures, the per-structure forward states, the kernels (one per
/// worker) and the parallel passes: q_scaler, evaluation and loss + exact gradient of a batch. Results do not depend
/// on the thread count: a batch is cut into fixed chunks whose gradients are summed in chunk order.
/// </summary>
sealed class NepTrainingEngine
{
    const int MaxChunks = 32;
    readonly ConcurrentBag<NepTrainingKernel> _kernels = [];
    readonly NepStructureState?[] _trainStates;
    readonly NepStructureState?[] _testStates;
    double[][] _chunkGradients = [];

    public NepTrainingEngine(NepTrainingSettings settings, IReadOnlyList<NepTrainingStructure> train, IReadOnlyList<NepTrainingStructure> test, int threads)
    {
        Settings = settings;
        Layout = new NepParameterLayout(settings);
        View = new NepParameterView(settings, Layout);
        Train = train;
        Test = test;
        Threads = Math.Max(1, threads);
        Components = (settings.LMax + 1) * (settings.LMax + 1) - 1;
        _trainStates = new NepStructureState?[train.Count];
        _testStates = new NepStructureState?[test.Count];
    }

    public NepTrainingSettings Settings { get; }
    public NepParameterLayout Layout { get; }
    public NepParameterView View { get; }
    public IReadOnlyList<NepTrainingStructure> Train { get; }
    public IReadOnlyList<NepTrainingStructure> Test { get; }
    public int Threads { get; }
    int Components { get; }

    ParallelOptions Options => new() { MaxDegreeOfParallelism = Threads };

    NepTrainingKernel Rent() => _kernels.TryTake(out var k) ? k : new NepTrainingKernel(Settings, Layout);

    NepStructureState State(bool test, int index)
    {
        var states = test ? _testStates : _trainStates;
        return states[index] ??= new NepStructureState((test ? Test : Train)[index], Settings, Components);
    }

    /// <summary>
    /// GPUMD's q_scaler (nep_training.md §8): 1/(max − min) of every raw descriptor component over all training atoms,
    /// with every c equal to initial_para. A constant component is an error (GPUMD would divide by zero).
    /// </summary>
    public double[] QScaler()
    {
        int dim = Settings.Dimension;
        View.LoadConstantCoefficients(Settings.InitialParameter);
        var min = new double[Train.Count][];
        var max = new double[Train.Count][];
        Parallel.For(0, Train.Count, Options, m =>
        {
            var st = Train[m];
            var k = Rent();
            var q = new double[st.Atoms * dim];
            k.Descriptors(st, View, q, new double[st.Atoms * (Settings.NMaxAngular + 1) * Components]);
            _kernels.Add(k);
            var lo = new double[dim];
            var hi = new double[dim];
            Array.Fill(lo, double.MaxValue);
            Array.Fill(hi, double.MinValue);
            for (int i = 0; i < st.Atoms; i++)
            {
                for (int d = 0; d < dim; d++)
                {
                    lo[d] = Math.Min(lo[d], q[i * dim + d]);
                    hi[d] = Math.Max(hi[d], q[i * dim + d]);
                }
            }
            (min[m], max[m]) = (lo, hi);
        });
        var scaler = new double[dim];
        for (int d = 0; d < dim; d++)
        {
            double lo = min.Min(x => x[d]), hi = max.Max(x => x[d]);
            if (!(hi > lo))
            {
                string what = d <= Settings.NMaxRadial ? "radial" : "angular";
                throw new InvalidOperationException($"descriptor component {d} ({what}) is the same for every training atom, so q_scaler = 1/(max − min) is undefined: " +
                                                    $"the training set has no {what} neighbours within the cutoff, or all atoms are alike; check 'cutoff' in nep.in");
            }
            scaler[d] = 1.0 / (hi - lo);
        }
        return scaler;
    }

    /// <summary>Forward pass over a whole set with θ; returns the states in order.</summary>
    public NepStructureState[] Evaluate(bool test, double[] theta)
    {
        View.Load(theta);
        var set = test ? Test : Train;
        var states = new NepStructureState[set.Count];
        Parallel.For(0, set.Count, Options, m =>
        {
            var k = Rent();
            var state = State(test, m);
            k.Forward(set[m], state, View);
            states[m] = state;
            _kernels.Add(k);
        });
        return states;
    }

    /// <summary>
    /// Loss terms of the batch (training structure indices) at θ and the exact data gradient ∂L_data/∂θ into
    /// <paramref name="gradient"/> (overwritten; regularisation not included).
    /// </summary>
    public NepRmse Gradient(IReadOnlyList<int> batch, double[] theta, double[] gradient)
    {
        View.Load(theta);
        int count = batch.Count;
        var structures = new NepTrainingStructure[count];
        var states = new NepStructureState[count];
        for (int m = 0; m < count; m++)
        {
            structures[m] = Train[batch[m]];
            states[m] = State(false, batch[m]);
        }
        Parallel.For(0, count, Options, m =>
        {
            var k = Rent();
            k.Forward(structures[m], states[m], View);
            _kernels.Add(k);
        });
        var a = new double[count];
        var pi = new double[count][];
        var kv = new double[count][];
        for (int m = 0; m < count; m++)
        {
            pi[m] = new double[3 * structures[m].Atoms];
            kv[m] = new double[6];
        }
        var rmse = NepLoss.Coefficients(Settings, structures, states, a, pi, kv);
        int chunks = Math.Min(MaxChunks, count);
        if (_chunkGradients.Length < chunks)
        {
            _chunkGradients = new double[chunks][];
            for (int c = 0; c < chunks; c++)
                _chunkGradients[c] = new double[Layout.Count];
        }
        Parallel.For(0, chunks, Options, c =>
        {
            var k = Rent();
            var g = _chunkGradients[c];
            Array.Clear(g);
            for (int m = c * count / chunks, end = (c + 1) * count / chunks; m < end; m++)
                k.Backward(structures[m], states[m], View, a[m], pi[m], kv[m]);
            k.Flush(g);
            _kernels.Add(k);
        });
        Array.Clear(gradient);
        for (int c = 0; c < chunks; c++)
            TensorPrimitives.Add(gradient, _chunkGradients[c], gradient);
        return rmse;
    }

    /// <summary>The weighted data loss λ_e·E + λ_f·F + λ_v·V of <paramref name="rmse"/>.</summary>
    public double DataLoss(NepRmse rmse) =>
        Settings.LambdaE * rmse.Energy + Settings.LambdaF * rmse.Force + Settings.LambdaV * rmse.Virial;

    /// <summary>Largest radial and angular neighbour counts over the training and test sets (nep.txt's MN_R, MN_A).</summary>
    public (int Radial, int Angular) NeighborMaxima()
    {
        int r = 0, a = 0;
        foreach (var st in Train.Concat(Test))
        {
            r = Math.Max(r, st.MaxRadialNeighbors);
            a = Math.Max(a, st.MaxAngularNeighbors);
        }
        return (r, a);
    }
}
