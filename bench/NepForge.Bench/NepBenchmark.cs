using System.Diagnostics;
using System.Globalization;
using NepForge.Formats;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Bench;

/// <summary>
/// <c>nep MODEL N [--threads T] [--repeat R] [--xyz OUT.xyz]</c>: wall-clock time of one NEP evaluation
/// (neighbour list + descriptors + network + forces + virials) and of descriptors alone on a rattled crystal of about
/// N atoms built for the model's species (diamond Si or C, otherwise an fcc alloy of its species), best of R, plus
/// allocated bytes and peak working set. <c>--xyz</c> writes the structure so that another code can time the same one.
/// </summary>
public static class NepBenchmark
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: nep MODEL.txt N_ATOMS [--threads T] [--repeat R] [--xyz OUT.xyz]");
            return 2;
        }
        var model = NepModelReader.Read(args[0]);
        int target = int.Parse(args[1], CultureInfo.InvariantCulture);
        int threads = 1, repeat = 3;
        string? xyz = null;
        for (int a = 2; a + 1 < args.Length; a += 2)
        {
            switch (args[a])
            {
                case "--threads": threads = int.Parse(args[a + 1], CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[a + 1], CultureInfo.InvariantCulture); break;
                case "--xyz": xyz = args[a + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[a]}"); return 2;
            }
        }
        var frame = Crystal(model, target);
        if (xyz is not null)
            StructureWriter.Write(xyz, StructureFormat.ExtXyz, [frame]);
        var calculator = new NepCalculator(model, threads);
        calculator.Compute(frame); // warm-up: JIT and scratch buffers
        calculator.Descriptors(frame);
        double best = double.MaxValue, bestDescriptors = double.MaxValue;
        double energy = 0, fx0 = 0;
        long allocated = 0;
        for (int r = 0; r < repeat; r++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            var result = calculator.Compute(frame);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            energy = result.Energy;
            fx0 = result.Forces[0];
            sw.Restart();
            calculator.Descriptors(frame);
            bestDescriptors = Math.Min(bestDescriptors, sw.Elapsed.TotalSeconds);
        }
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"nepforge model={Path.GetFileName(args[0])} N={frame.AtomCount} threads={threads} compute_best_s={best:F4} descriptor_best_s={bestDescriptors:F4} " +
            $"us_per_atom={1e6 * best / frame.AtomCount:F1} energy={energy:F10} fx0={fx0:F10} allocated_per_call_MB={allocated / 1048576.0:F1} peak_working_set_MB={peak / 1048576.0:F1}"));
        return 0;
    }

    /// <summary>A rattled (σ 0.05 Å, fixed seed) crystal of about <paramref name="target"/> atoms.</summary>
    static Frame Crystal(NepModel model, int target)
    {
        string first = model.Species[0].Symbol;
        bool diamond = model.TypeCount == 1 && first is "Si" or "C" or "Ge";
        double a = first switch
        {
            "Si" => 5.431,
            "C" => 3.567,
            "Ge" => 5.658,
            _ => 4.0,
        };
        Vec3[] basis = diamond
            ? [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0), new(0.25, 0.25, 0.25), new(0.25, 0.75, 0.75), new(0.75, 0.25, 0.75), new(0.75, 0.75, 0.25)]
            : [new(0, 0, 0), new(0, 0.5, 0.5), new(0.5, 0, 0.5), new(0.5, 0.5, 0)];
        // Near-cubic repeats n1 ≤ n2 ≤ n3 with n1·n2·n3·|basis| as close to the target as possible.
        int cells = Math.Max(1, (int)Math.Round(target / (double)basis.Length));
        int n = Math.Max(1, (int)Math.Round(Math.Cbrt(cells)));
        (int, int, int) repeats = (n, n, n);
        int bestGap = int.MaxValue;
        for (int n1 = Math.Max(1, n - 2); n1 <= n + 2; n1++)
        {
            for (int n2 = n1; n2 <= n + 3; n2++)
            {
                int n3 = Math.Max(1, (int)Math.Round(cells / (double)(n1 * n2)));
                int gap = Math.Abs(n1 * n2 * n3 - cells);
                if (gap < bestGap)
                    (bestGap, repeats) = (gap, (n1, n2, n3));
            }
        }
        var (na, nb, nc) = repeats;
        var rng = new Random(2024);
        var elements = new List<Element>();
        var positions = new List<double>();
        for (int i = 0; i < na; i++)
            for (int j = 0; j < nb; j++)
                for (int k = 0; k < nc; k++)
                    foreach (var b in basis)
                    {
                        elements.Add(model.Species[rng.Next(Math.Min(model.TypeCount, 8))]);
                        positions.Add(a * (i + b.X) + Gaussian(rng, 0.05));
                        positions.Add(a * (j + b.Y) + Gaussian(rng, 0.05));
                        positions.Add(a * (k + b.Z) + Gaussian(rng, 0.05));
                    }
        return new Frame([.. elements], [.. positions], Lattice.Orthorhombic(a * na, a * nb, a * nc));
    }

    static double Gaussian(Random rng, double sigma) =>
        sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
