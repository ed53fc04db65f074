using System.Diagnostics;
using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Nep;
using NepForge.Training.Cpu;

namespace NepForge.Bench;

/// <summary>
/// <c>train NEP.IN TRAIN.XYZ [--steps N] [--threads T…]</c>: time of one CPU training step (forward + loss + exact
/// gradient on one batch) and of a forward pass alone, per thread count, with the process CPU time and the load
/// average, so a run on the shared machine can be read honestly.
/// </summary>
static class TrainBenchmark
{
    public static int Run(string[] args)
    {
        string nepIn = args[0], trainPath = args[1];
        int steps = 20;
        var threads = new List<int>();
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "--steps")
                steps = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--threads")
                while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    threads.Add(int.Parse(args[++i], CultureInfo.InvariantCulture));
        }
        if (threads.Count == 0)
            threads = [1, 2];
        var s = NepTrainingSettings.FromInput(NepInput.Read(nepIn), nepIn);
        var frames = ExtXyzReader.ReadFrames(trainPath).ToList();
        var structures = frames.Select((f, i) => NepTrainingStructure.Build(f, i, trainPath, s, null)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{frames.Count} structures, {frames.Sum(f => f.AtomCount)} atoms, dim {s.Dimension}, {s.Neurons} neurons; cache {structures.Sum(x => x.Bytes) / 1e6:F1} MB"));
        Console.WriteLine("threads  step ms (best, median)  forward ms (best)  CPU s  load avg");
        // Interleave thread counts so that load changes hit both alike.
        var results = threads.ToDictionary(t => t, _ => (Step: new List<double>(), Forward: new List<double>(), Cpu: 0.0));
        var engines = threads.ToDictionary(t => t, t => new NepTrainingEngine(s, structures, [], t));
        var theta = new double[engines[threads[0]].Layout.Count];
        NepCpuTrainer.Initialize(theta, engines[threads[0]].Layout, s, 1);
        var gradient = new double[theta.Length];
        var batch = Enumerable.Range(0, structures.Count).ToArray();
        foreach (var e in engines.Values)
        {
            e.QScaler().CopyTo(e.View.QScaler, 0);
            e.Gradient(batch, theta, gradient); // warm-up
            e.Gradient(batch, theta, gradient);
        }
        var process = Process.GetCurrentProcess();
        for (int round = 0; round < steps; round++)
        {
            foreach (int t in threads)
            {
                var e = engines[t];
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                e.Gradient(batch, theta, gradient);
                results[t].Step.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                e.Evaluate(false, theta);
                results[t].Forward.Add(sw.Elapsed.TotalMilliseconds);
                process.Refresh();
                var r = results[t];
                results[t] = (r.Step, r.Forward, r.Cpu + (process.TotalProcessorTime - cpu0).TotalSeconds);
            }
        }
        string load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        foreach (int t in threads)
        {
            var (step, forward, cpu) = results[t];
            step.Sort();
            forward.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t,7}  {step[0],8:F1} {step[step.Count / 2],8:F1}          {forward[0],8:F1}      {cpu,6:F2}  {load}"));
        }
        return 0;
    }
}
