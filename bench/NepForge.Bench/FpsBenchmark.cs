using System.Diagnostics;
using System.Globalization;
using NepForge.Sampling.Selection;

namespace NepForge.Bench;

/// <summary>
/// <c>fps DIR [--candidates N] [--base M] [--dim D] [--picks K] [--seed S] [--threads T] [--generate-only]</c>:
/// farthest-point selection of K candidates out of N with M base rows already selected (float64), as
/// <c>nepforge select</c> runs it. The data are written once to DIR (cand.f64, base.f64: raw little-endian float64,
/// row-major) so bench/fps_numpy.py reads the very same numbers; picks go to DIR/picks_nepforge.txt.
/// Data: descriptor-like clusters (64 centres the base covers, 16 only candidates reach), each cluster spread along
/// 8 random directions plus small isotropic noise.
/// </summary>
public static class FpsBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: fps DIR [--candidates N] [--base M] [--dim D] [--picks K] [--seed S] [--threads T] [--generate-only]");
            return 2;
        }
        string dir = args[0];
        int n = 200_000, m = 20_000, dim = 80, picks = 1000, seed = 1, threads = 0;
        bool generateOnly = false;
        for (int a = 1; a < args.Length; a++)
        {
            string V() => args[++a];
            switch (args[a])
            {
                case "--candidates": n = int.Parse(V(), CultureInfo.InvariantCulture); break;
                case "--base": m = int.Parse(V(), CultureInfo.InvariantCulture); break;
                case "--dim": dim = int.Parse(V(), CultureInfo.InvariantCulture); break;
                case "--picks": picks = int.Parse(V(), CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(V(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(V(), CultureInfo.InvariantCulture); break;
                case "--generate-only": generateOnly = true; break;
                default: Console.Error.WriteLine($"unknown option {args[a]}"); return 2;
            }
        }
        Directory.CreateDirectory(dir);
        string candPath = Path.Combine(dir, "cand.f64"), basePath = Path.Combine(dir, "base.f64");
        string stamp = Path.Combine(dir, "params.txt"), wanted = $"{n} {m} {dim} {seed}";
        if (!File.Exists(stamp) || File.ReadAllText(stamp) != wanted)
        {
            Generate(n, m, dim, seed, out var cand, out var bas);
            File.WriteAllBytes(candPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(cand.AsSpan()).ToArray());
            File.WriteAllBytes(basePath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(bas.AsSpan()).ToArray());
            File.WriteAllText(stamp, wanted);
        }
        if (generateOnly)
            return 0;
        GC.Collect();
        long baseline = Process.GetCurrentProcess().WorkingSet64;
        var sw = Stopwatch.StartNew();
        var candidates = new FeatureMatrix(Load(candPath), n, dim);
        var baseSet = new FeatureMatrix(Load(basePath), m, dim);
        double load = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var outcome = FpsSelection.Select(candidates, baseSet, new SelectionRules { Max = picks, MinDistance = 0, Threads = threads });
        double select = sw.Elapsed.TotalSeconds;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        File.WriteAllLines(Path.Combine(dir, "picks_nepforge.txt"),
            outcome.Picks.Select(p => $"{p.Index} {p.Distance.ToString("R", CultureInfo.InvariantCulture)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"impl=nepforge candidates={n} base={m} dim={dim} picks={outcome.Picks.Count} threads={(threads == 0 ? Environment.ProcessorCount : threads)} " +
            $"load_s={load:F3} select_s={select:F3} first_distance={outcome.Picks[0].Distance:R} last_distance={outcome.Picks[^1].Distance:R} " +
            $"remaining={outcome.RemainingLargest:R} exact_base_searches={outcome.BaseSearches} input_MB={(n + m) * (long)dim * 8 / 1e6:F1} " +
            $"peak_working_set_MB={peak / 1e6:F1} baseline_MB={baseline / 1e6:F1}"));
        return 0;
    }

    static double[] Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var data = new double[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
        return data;
    }

    static void Generate(int n, int m, int dim, int seed, out double[] cand, out double[] bas)
    {
        var rnd = new Random(seed);
        const int covered = 64, novel = 16, spread = 8;
        var centre = new double[covered + novel][];
        var axes = new double[covered + novel][];
        for (int c = 0; c < centre.Length; c++)
        {
            centre[c] = new double[dim];
            axes[c] = new double[spread * dim];
            for (int k = 0; k < dim; k++)
                centre[c][k] = 2 * Gauss(rnd);
            for (int k = 0; k < spread * dim; k++)
                axes[c][k] = 0.15 * Gauss(rnd);
        }
        bas = new double[m * dim];
        cand = new double[n * dim];
        for (int i = 0; i < m; i++)
            Point(rnd.Next(covered), bas.AsSpan(i * dim, dim));
        for (int i = 0; i < n; i++)
            Point(rnd.NextDouble() < 0.9 ? rnd.Next(covered) : covered + rnd.Next(novel), cand.AsSpan(i * dim, dim));

        void Point(int c, Span<double> x)
        {
            centre[c].CopyTo(x);
            for (int s = 0; s < spread; s++)
            {
                double t = Gauss(rnd);
                for (int k = 0; k < dim; k++)
                    x[k] += t * axes[c][s * dim + k];
            }
            for (int k = 0; k < dim; k++)
                x[k] += 0.02 * Gauss(rnd);
        }
    }

    static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
