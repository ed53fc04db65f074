using System.Collections.Concurrent;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Evaluates a <see cref="NepModel"/> on structures: descriptors, energies, forces and virials in double precision,
/// matching NEP_CPU to round-off. A structure is split over threads by atom; a batch of structures is split by
/// structure. Thread-safe: scratch buffers are pooled per thread and reused.
/// </summary>
public sealed class NepCalculator
{
    readonly ConcurrentBag<NepAtomKernel> _kernels = [];

    /// <summary>Creates a calculator using up to <paramref name="threads"/> threads (0 = one per processor).</summary>
    public NepCalculator(NepModel model, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        Model = model;
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>The model.</summary>
    public NepModel Model { get; }

    /// <summary>Largest number of threads used.</summary>
    public int Threads { get; }

    /// <summary>Energy, forces and virials of one structure.</summary>
    public NepResult Compute(Frame frame) => Compute(frame, Threads);

    /// <summary>Energies, forces and virials of many structures, in order (structures in parallel).</summary>
    public NepResult[] Compute(IReadOnlyList<Frame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var results = new NepResult[frames.Count];
        if (frames.Count < 2 * Threads)
        {
            for (int f = 0; f < frames.Count; f++)
                results[f] = Compute(frames[f], Threads);
            return results;
        }
        Parallel.For(0, frames.Count, new ParallelOptions { MaxDegreeOfParallelism = Threads }, f => results[f] = Compute(frames[f], 1));
        return results;
    }

    /// <summary>
    /// Descriptors of every atom, flat [N × <see cref="NepModel.Dimension"/>], in atom order: scaled by q_scaler (the
    /// network input, what NEP_CPU and GPUMD report) unless <paramref name="scaled"/> is false.
    /// </summary>
    public double[] Descriptors(Frame frame, bool scaled = true) => Descriptors(frame, scaled, Threads);

    /// <summary>Descriptors of many structures, in order (structures in parallel).</summary>
    public double[][] Descriptors(IReadOnlyList<Frame> frames, bool scaled = true)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var results = new double[frames.Count][];
        if (frames.Count < 2 * Threads)
        {
            for (int f = 0; f < frames.Count; f++)
                results[f] = Descriptors(frames[f], scaled, Threads);
            return results;
        }
        Parallel.For(0, frames.Count, new ParallelOptions { MaxDegreeOfParallelism = Threads }, f => results[f] = Descriptors(frames[f], scaled, 1));
        return results;
    }

    NepResult Compute(Frame frame, int threads)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int n = frame.AtomCount;
        var types = Model.TypesOf(frame);
        var list = BuildList(frame, threads);
        var energies = new double[n];
        var forces = new double[3 * n];
        var virials = new double[9 * n];
        int workers = Workers(n, threads);
        var kernels = Rent(workers, list, types);
        try
        {
            for (int w = 0; w < workers; w++)
            {
                var k = kernels[w];
                if (w == 0)
                {
                    k.Forces = forces;
                    k.Virials = virials;
                }
                else
                {
                    // Each thread scatters F_j and W_j into its own arrays; summed in thread order below (deterministic).
                    k.Forces = Cleared(k.Forces, 3 * n);
                    k.Virials = Cleared(k.Virials, 9 * n);
                }
            }
            Run(workers, n, w =>
            {
                var k = kernels[w];
                for (int i = w * n / workers, end = (w + 1) * n / workers; i < end; i++)
                    energies[i] = k.Atom(i, NepPass.EnergyForces);
            });
            for (int w = 1; w < workers; w++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(forces, kernels[w].Forces.AsSpan(0, 3 * n), forces);
                System.Numerics.Tensors.TensorPrimitives.Add(virials, kernels[w].Virials.AsSpan(0, 9 * n), virials);
            }
        }
        finally
        {
            Return(kernels, workers);
        }
        return new NepResult(energies, forces, virials);
    }

    double[] Descriptors(Frame frame, bool scaled, int threads)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int n = frame.AtomCount, dim = Model.Dimension;
        var types = Model.TypesOf(frame);
        var list = BuildList(frame, threads);
        var result = new double[n * dim];
        int workers = Workers(n, threads);
        var kernels = Rent(workers, list, types);
        var scaler = Model.QScaler;
        try
        {
            Run(workers, n, w =>
            {
                var k = kernels[w];
                for (int i = w * n / workers, end = (w + 1) * n / workers; i < end; i++)
                {
                    k.Atom(i, NepPass.Descriptors);
                    var row = result.AsSpan(i * dim, dim);
                    k.Descriptor.CopyTo(row);
                    if (scaled)
                    {
                        for (int d = 0; d < dim; d++)
                            row[d] *= scaler[d];
                    }
                }
            });
        }
        finally
        {
            Return(kernels, workers);
        }
        return result;
    }

    NepNeighborList BuildList(Frame frame, int threads) =>
        NepNeighborList.Build(frame.Positions, frame.Lattice, Math.Max(Model.RadialCutoffMax, Model.AngularCutoffMax), threads);

    // Fewer than ~32 atoms per thread is not worth a thread.
    static int Workers(int atoms, int threads) => Math.Max(1, Math.Min(threads, atoms / 32));

    static void Run(int workers, int atoms, Action<int> body)
    {
        if (workers == 1)
            body(0);
        else
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, body);
        _ = atoms;
    }

    static double[] Cleared(double[] buffer, int length)
    {
        if (buffer.Length < length)
            return new double[length];
        Array.Clear(buffer, 0, length);
        return buffer;
    }

    NepAtomKernel[] Rent(int count, NepNeighborList list, int[] types)
    {
        var kernels = new NepAtomKernel[count];
        for (int w = 0; w < count; w++)
        {
            if (!_kernels.TryTake(out var k))
                k = new NepAtomKernel(Model);
            k.List = list;
            k.Types = types;
            kernels[w] = k;
        }
        return kernels;
    }

    void Return(NepAtomKernel[] kernels, int count)
    {
        for (int w = 0; w < count; w++)
        {
            var k = kernels[w];
            k.List = null!;
            k.Types = null!;
            if (w == 0)
            {
                // Worker 0 wrote into the result arrays: do not keep them.
                k.Forces = [];
                k.Virials = [];
            }
            _kernels.Add(k);
        }
    }
}
