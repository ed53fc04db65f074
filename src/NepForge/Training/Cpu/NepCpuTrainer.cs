using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Nep;

namespace NepForge.Training.Cpu;

/// <summary>How to run the CPU trainer in a training folder (nep.in, train.xyz, optional test.xyz).</summary>
public sealed record NepCpuTrainingOptions
{
    /// <summary>The training folder; outputs go there.</summary>
    public required string Directory { get; init; }

    /// <summary>Seed of the initial parameters (the only random choice); drawn by the caller when the user gives none.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Threads (0 = one per processor). Results do not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Stop cleanly after this much wall time, keeping the best model so far.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Adam's initial learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Learning rate at the last generation (exponential decay in between).</summary>
    public double FinalLearningRate { get; init; } = 2e-4;

    /// <summary>Overrides nep.in's <c>generation</c> when set.</summary>
    public int? Generations { get; init; }

    /// <summary>Ignore (and replace) a checkpoint left by an earlier run.</summary>
    public bool Fresh { get; init; }
}

/// <summary>Where a CPU training run stands.</summary>
public sealed record NepTrainingProgress(int Generation, int Generations, TimeSpan Elapsed, TimeSpan? Remaining, double Loss, NepRmse? Train, NepRmse? Test);

/// <summary>What a CPU training run produced.</summary>
public sealed record NepCpuTrainingResult(
    string ModelPath, long Seed, int Generation, int Generations, int BestGeneration, bool Resumed, bool StoppedEarly,
    NepRmse Train, NepRmse? Test, int Parameters, TimeSpan Elapsed, IReadOnlyList<string> Notes, IReadOnlyList<string> Produced);

/// <summary>
/// Trains a NEP4 model on the CPU with exact gradients of GPUMD's loss (nep_training.md §10, §15) and Adam, and writes
/// what GPUMD's <c>nep</c> writes (nep.txt, loss.out, *_train.out, *_test.out) in its layouts, plus a checkpoint
/// (<see cref="CheckpointFile"/>) from which a killed run continues exactly where it was. One generation is one
/// optimiser step on one batch (GPUMD's batching: energy-sorted, interleaved). q_scaler is GPUMD's (c = initial_para),
/// b1 is fixed from the training set's mean energy error when a model is written, and nep.txt always holds the best
/// model so far (lowest λ-weighted train RMSE), so a time limit or a kill never loses it.
/// </summary>
public static class NepCpuTrainer
{
    /// <summary>The checkpoint file in the training folder.</summary>
    public const string CheckpointFile = "nepforge-train.checkpoint";

    /// <summary>loss.out's numbers with the wall time of each row (loss.out keeps GPUMD's 10 columns).</summary>
    public const string TimeLogFile = "nepforge-train.csv";

    const string TimeLogHeader = "generation,elapsed_s,loss,rmse_e_train,rmse_f_train,rmse_v_train,rmse_e_test,rmse_f_test,rmse_v_test";

    const int CheckpointVersion = 1;

    /// <summary>Runs (or continues) training in <see cref="NepCpuTrainingOptions.Directory"/>.</summary>
    public static NepCpuTrainingResult Train(NepCpuTrainingOptions options, IProgress<NepTrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        string dir = Path.GetFullPath(options.Directory);
        string nepIn = Path.Combine(dir, "nep.in"), trainPath = Path.Combine(dir, "train.xyz"), testPath = Path.Combine(dir, "test.xyz");
        if (!File.Exists(nepIn))
            throw new FileNotFoundException($"{nepIn} does not exist");
        if (!File.Exists(trainPath))
            throw new FileNotFoundException($"{trainPath} does not exist");
        var settings = NepTrainingSettings.FromInput(NepInput.Read(nepIn), nepIn);
        var notes = new List<string>(settings.Unused);
        int generations = options.Generations ?? settings.Generations;
        if (generations < 1)
            throw new ArgumentException($"{nepIn}: generation must be at least 1");
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;

        NepZbl? zbl = settings.ZblOuter > 0
            ? new NepZbl(settings.ZblTypewiseFactor > 0 ? NepZblKind.Typewise : NepZblKind.Universal, settings.ZblOuter / 2, settings.ZblOuter, settings.ZblTypewiseFactor, [], settings.Species)
            : null;
        var train = Load(trainPath, settings, zbl, threads);
        var test = File.Exists(testPath) ? Load(testPath, settings, zbl, threads) : [];
        var engine = new NepTrainingEngine(settings, train, test, threads);
        var layout = engine.Layout;
        var scaler = engine.QScaler();
        scaler.CopyTo(engine.View.QScaler, 0);
        var neighbors = engine.NeighborMaxima();
        var batches = Batches(train, settings.Batch);
        string fingerprint = Fingerprint(nepIn, trainPath, testPath, options, generations);

        int n = layout.Count;
        var theta = new double[n];
        var m1 = new double[n];
        var m2 = new double[n];
        var best = new double[n];
        double bestScore = double.PositiveInfinity;
        int start = 0, bestGeneration = 0;
        double elapsedBefore = 0;
        bool resumed = false;
        string checkpoint = Path.Combine(dir, CheckpointFile);
        if (File.Exists(checkpoint) && !options.Fresh)
        {
            var cp = ReadCheckpoint(checkpoint, n);
            if (cp.Fingerprint != fingerprint)
            {
                throw new InvalidOperationException($"{checkpoint} belongs to another run (nep.in, train.xyz, test.xyz, seed or learning rates differ): " +
                                                    "restore them, or give --fresh to start again (the checkpoint is then replaced)");
            }
            (start, elapsedBefore, bestScore, bestGeneration) = (cp.Generation, cp.Elapsed, cp.BestScore, cp.BestGeneration);
            cp.Theta.CopyTo(theta, 0);
            cp.M1.CopyTo(m1, 0);
            cp.M2.CopyTo(m2, 0);
            cp.Best.CopyTo(best, 0);
            resumed = true;
            notes.Add($"continuing from {CheckpointFile} at generation {start}");
            TrimLoss(Path.Combine(dir, "loss.out"), start, ' ');
            TrimLoss(Path.Combine(dir, TimeLogFile), start, ',');
        }
        else
        {
            Initialize(theta, layout, settings, options.Seed);
            File.Delete(Path.Combine(dir, "loss.out"));
            File.Delete(Path.Combine(dir, TimeLogFile));
        }

        var gradient = new double[n];
        bool stoppedEarly = false;
        int generation = start;
        var lastReport = Stopwatch.StartNew();
        double lastLoss = double.NaN;
        NepRmse lastTrain = default;
        NepRmse? lastTest = null;
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        double decay = generations > 1 ? Math.Log(options.FinalLearningRate / options.LearningRate) / (generations - 1) : 0;
        while (generation < generations)
        {
            if (cancel.IsCancellationRequested || (options.TimeLimit is { } limit && clock.Elapsed >= limit))
            {
                stoppedEarly = true;
                break;
            }
            var batch = batches[generation % batches.Count];
            var rmse = engine.Gradient(batch, theta, gradient);
            NepLoss.AddRegularizationGradient(settings, layout, theta, gradient);
            var (l1, l2) = NepLoss.Regularization(settings, layout, theta);
            lastLoss = engine.DataLoss(rmse) + l1 + l2;
            gradient[layout.OutputBias] = 0;
            double lr = options.LearningRate * Math.Exp(decay * generation);
            int t = generation + 1;
            double c1 = 1 - Math.Pow(beta1, t), c2 = 1 - Math.Pow(beta2, t);
            for (int v = 0; v < n; v++)
            {
                double g = gradient[v];
                m1[v] = beta1 * m1[v] + (1 - beta1) * g;
                m2[v] = beta2 * m2[v] + (1 - beta2) * g * g;
                theta[v] -= lr * (m1[v] / c1) / (Math.Sqrt(m2[v] / c2) + epsilon);
            }
            generation++;
            bool output = generation % settings.OutputInterval == 0 || generation == generations;
            if (output)
            {
                (lastTrain, lastTest) = Output(dir, engine, settings, neighbors, theta, scaler, batches, generation, elapsedBefore + clock.Elapsed.TotalSeconds, lastLoss, l1, l2, ref bestScore, ref bestGeneration, best);
                WriteCheckpoint(checkpoint, fingerprint, generation, elapsedBefore + clock.Elapsed.TotalSeconds, theta, m1, m2, best, bestScore, bestGeneration);
                if (settings.SavePotential > 0 && generation % settings.SavePotential == 0)
                    File.Copy(Path.Combine(dir, "nep.txt"), Path.Combine(dir, $"nep_gen{generation}.txt"), overwrite: true);
            }
            if (output || lastReport.Elapsed.TotalSeconds >= 2)
            {
                lastReport.Restart();
                double rate = (generation - start) / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                TimeSpan? remaining = rate > 0 ? TimeSpan.FromSeconds((generations - generation) / rate) : null;
                if (options.TimeLimit is { } tl && remaining > tl - clock.Elapsed)
                    remaining = tl - clock.Elapsed;
                progress?.Report(new NepTrainingProgress(generation, generations, TimeSpan.FromSeconds(elapsedBefore) + clock.Elapsed, remaining, lastLoss,
                    output ? lastTrain : null, output ? lastTest : null));
            }
        }
        if (stoppedEarly && generation > start && generation % settings.OutputInterval != 0)
        {
            var (l1, l2) = NepLoss.Regularization(settings, layout, theta);
            (lastTrain, lastTest) = Output(dir, engine, settings, neighbors, theta, scaler, batches, generation, elapsedBefore + clock.Elapsed.TotalSeconds, lastLoss, l1, l2, ref bestScore, ref bestGeneration, best);
            WriteCheckpoint(checkpoint, fingerprint, generation, elapsedBefore + clock.Elapsed.TotalSeconds, theta, m1, m2, best, bestScore, bestGeneration);
        }
        if (double.IsPositiveInfinity(bestScore))
            throw new InvalidOperationException("training stopped before its first step: no model was written");
        // The outputs describe the model in nep.txt (the best one).
        var trainStates = engine.Evaluate(false, best);
        var finalTrain = NepLoss.Rmse(settings, train, trainStates, weighted: false, shift: false, out _);
        NepRmse? finalTest = null;
        if (test.Count > 0)
            finalTest = NepLoss.Rmse(settings, test, engine.Evaluate(true, best), weighted: false, shift: false, out _);
        var produced = new[] { "nep.txt", "loss.out", TimeLogFile, "energy_train.out", "force_train.out", "virial_train.out", "stress_train.out", "energy_test.out", "force_test.out", "virial_test.out", "stress_test.out", CheckpointFile }
            .Where(f => File.Exists(Path.Combine(dir, f))).ToList();
        return new NepCpuTrainingResult(Path.Combine(dir, "nep.txt"), options.Seed, generation, generations, bestGeneration, resumed, stoppedEarly,
            finalTrain, finalTest, n, TimeSpan.FromSeconds(elapsedBefore) + clock.Elapsed, notes, produced);
    }

    static List<NepTrainingStructure> Load(string path, NepTrainingSettings settings, NepZbl? zbl, int threads)
    {
        var frames = ExtXyzReader.ReadFrames(path).ToList();
        if (frames.Count == 0)
            throw new ArgumentException($"{path}: no structures");
        var structures = new NepTrainingStructure[frames.Count];
        Parallel.For(0, frames.Count, new ParallelOptions { MaxDegreeOfParallelism = threads },
            i => structures[i] = NepTrainingStructure.Build(frames[i], i, path, settings, zbl));
        return [.. structures];
    }

    /// <summary>
    /// GPUMD's batches (nep_training.md §6): B = ⌈N/batch⌉; with more than one, structures sorted by energy per atom
    /// (stable) and dealt round-robin, so every batch spans the energy range.
    /// </summary>
    internal static List<int[]> Batches(IReadOnlyList<NepTrainingStructure> train, int batchSize)
    {
        int count = train.Count;
        int b = (count + Math.Max(1, batchSize) - 1) / Math.Max(1, batchSize);
        if (b <= 1)
            return [[.. Enumerable.Range(0, count)]];
        var sorted = Enumerable.Range(0, count).OrderBy(i => train[i].EnergyPerAtom).ToArray();
        var batches = new List<int[]>();
        for (int k = 0; k < b; k++)
            batches.Add([.. sorted.Where((_, r) => r % b == k)]);
        return batches;
    }

    /// <summary>
    /// Initial θ: c ~ U(−1, 1) as GPUMD; network weights scaled by fan-in (U(−√(3/fan), √(3/fan))) so tanh starts
    /// unsaturated for gradient descent; b1 = 0 (fixed at output time).
    /// </summary>
    internal static void Initialize(double[] theta, NepParameterLayout layout, NepTrainingSettings s, long seed)
    {
        var random = new SplitMix64(seed);
        double a0 = Math.Sqrt(3.0 / s.Dimension), a1 = Math.Sqrt(3.0 / s.Neurons);
        for (int t = 0; t < s.Types; t++)
        {
            for (int v = layout.W0(t); v < layout.B0(t); v++)
                theta[v] = a0 * random.NextSigned();
            for (int v = layout.B0(t); v < layout.W1(t); v++)
                theta[v] = 0.5 * random.NextSigned();
            for (int v = layout.W1(t); v < layout.W1(t) + s.Neurons; v++)
                theta[v] = a1 * random.NextSigned();
        }
        theta[layout.OutputBias] = 0;
        for (int v = layout.RadialOffset; v < layout.Count; v++)
            theta[v] = random.NextSigned();
    }

    static (NepRmse Train, NepRmse? Test) Output(string dir, NepTrainingEngine engine, NepTrainingSettings settings, (int, int) neighbors,
        double[] theta, double[] scaler, List<int[]> batches, int generation, double elapsed, double loss, double l1, double l2,
        ref double bestScore, ref int bestGeneration, double[] best)
    {
        var layout = engine.Layout;
        var states = engine.Evaluate(false, theta);
        // b1 as GPUMD fixes it (§10.9), over the whole training set: the ω-weighted mean per-atom energy error.
        double shift = NepLoss.EnergyShift(engine.Train, states);
        var corrected = (double[])theta.Clone();
        corrected[layout.OutputBias] += shift;
        theta[layout.OutputBias] += shift; // b1 is not trained; keeping it corrected changes no gradient
        foreach (var s in states)
        {
            s.EnergyPerAtom -= shift;
            for (int i = 0; i < s.U.Length; i++)
                s.U[i] -= shift;
        }
        var train = NepLoss.Rmse(settings, engine.Train, states, weighted: false, shift: true, out _);
        NepRmse? test = null;
        NepStructureState[]? testStates = null;
        if (engine.Test.Count > 0)
        {
            testStates = engine.Evaluate(true, corrected);
            test = NepLoss.Rmse(settings, engine.Test, testStates, weighted: false, shift: false, out _);
        }
        using (var w = new StreamWriter(Path.Combine(dir, "loss.out"), append: true))
            w.Write(NepTrainingOutputs.LossRow(generation, loss, l1, l2, train, test));
        string log = Path.Combine(dir, TimeLogFile);
        bool header = !File.Exists(log);
        using (var w = new StreamWriter(log, append: true))
        {
            if (header)
                w.Write(TimeLogHeader + "\n");
            var t = test ?? default;
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"{generation},{elapsed:F3},{loss:G6},{train.Energy:G6},{train.Force:G6},{train.Virial:G6},{t.Energy:G6},{t.Force:G6},{t.Virial:G6}\n"));
        }
        double score = engine.DataLoss(train);
        if (score < bestScore || !double.IsFinite(bestScore))
        {
            bestScore = score;
            bestGeneration = generation;
            corrected.CopyTo(best, 0);
            AtomicFile.WriteAllText(Path.Combine(dir, "nep.txt"), NepTrainingOutputs.ModelText(settings, neighbors, corrected, scaler));
            var order = batches.SelectMany(b => b).ToArray();
            NepTrainingOutputs.Predictions(dir, "train", [.. order.Select(i => engine.Train[i])], [.. order.Select(i => states[i])]);
            if (testStates is not null)
                NepTrainingOutputs.Predictions(dir, "test", engine.Test, testStates);
        }
        return (train, test);
    }

    static string Fingerprint(string nepIn, string train, string test, NepCpuTrainingOptions o, int generations)
    {
        using var sha = SHA256.Create();
        foreach (string f in new[] { nepIn, train, test })
        {
            if (!File.Exists(f))
                continue;
            using var s = File.OpenRead(f);
            var h = SHA256.HashData(s);
            sha.TransformBlock(h, 0, h.Length, null, 0);
        }
        var extra = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{o.Seed}|{o.LearningRate:R}|{o.FinalLearningRate:R}|{generations}"));
        sha.TransformFinalBlock(extra, 0, extra.Length);
        return Convert.ToHexString(sha.Hash!);
    }

    sealed record Checkpoint(string Fingerprint, int Generation, double Elapsed, double[] Theta, double[] M1, double[] M2, double[] Best, double BestScore, int BestGeneration);

    static void WriteCheckpoint(string path, string fingerprint, int generation, double elapsed, double[] theta, double[] m1, double[] m2, double[] best, double bestScore, int bestGeneration)
    {
        AtomicFile.Write(path, s =>
        {
            using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            w.Write("NEPFORGE-CPU-TRAIN");
            w.Write(CheckpointVersion);
            w.Write(fingerprint);
            w.Write(generation);
            w.Write(elapsed);
            w.Write(theta.Length);
            foreach (var a in new[] { theta, m1, m2, best })
            {
                foreach (double v in a)
                    w.Write(v);
            }
            w.Write(bestScore);
            w.Write(bestGeneration);
        });
    }

    static Checkpoint ReadCheckpoint(string path, int count)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadString() != "NEPFORGE-CPU-TRAIN" || r.ReadInt32() != CheckpointVersion)
                throw new InvalidDataException("not a NepForge training checkpoint of this version");
            string fingerprint = r.ReadString();
            int generation = r.ReadInt32();
            double elapsed = r.ReadDouble();
            int n = r.ReadInt32();
            if (n != count)
                throw new InvalidDataException($"holds {n} parameters, this nep.in has {count}");
            var arrays = new double[4][];
            for (int a = 0; a < 4; a++)
            {
                arrays[a] = new double[n];
                for (int v = 0; v < n; v++)
                    arrays[a][v] = r.ReadDouble();
            }
            return new Checkpoint(fingerprint, generation, elapsed, arrays[0], arrays[1], arrays[2], arrays[3], r.ReadDouble(), r.ReadInt32());
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
        {
            throw new InvalidOperationException($"{path}: unreadable checkpoint ({e.Message}); give --fresh to start again");
        }
    }

    /// <summary>The wall time (minutes) of each loss.out generation, from the trainer's <see cref="TimeLogFile"/>.</summary>
    public static List<double> ElapsedMinutes(string timeLog, IReadOnlyList<double> generations)
    {
        ArgumentNullException.ThrowIfNull(generations);
        if (!File.Exists(timeLog))
            throw new FileNotFoundException($"{timeLog} does not exist: wall times are logged by the CPU trainer (nep train --engine cpu) only");
        var byGeneration = new Dictionary<double, double>();
        long line = 0;
        foreach (string l in File.ReadLines(timeLog))
        {
            line++;
            var parts = l.Split(',');
            if (line == 1 && parts[0] == "generation")
                continue;
            if (parts.Length < 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double g)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
                throw new ParseException(timeLog, line, null, $"expected 'generation,elapsed_s,…', found '{l}'");
            byGeneration[g] = seconds / 60;
        }
        return [.. generations.Select(g => byGeneration.TryGetValue(g, out double m) ? m
            : throw new InvalidOperationException($"{timeLog} has no row for loss.out's generation {g}"))];
    }

    /// <summary>Keeps the loss.out rows up to <paramref name="generation"/> (a killed run may have written more).</summary>
    static void TrimLoss(string path, int generation, char separator)
    {
        if (!File.Exists(path))
            return;
        var keep = File.ReadAllLines(path).Where(l =>
        {
            var first = l.Split(separator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return first is not null && (first == "generation" || (int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out int g) && g <= generation));
        });
        AtomicFile.WriteAllText(path, string.Concat(keep.Select(l => l + "\n")));
    }

    /// <summary>A small, fast, seedable generator whose sequence never changes between .NET versions.</summary>
    sealed class SplitMix64(long seed)
    {
        ulong _state = (ulong)seed;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [−1, 1).</summary>
        public double NextSigned() => 2.0 * ((Next() >> 11) * (1.0 / (1UL << 53))) - 1.0;
    }
}
