using BenchmarkDotNet.Attributes;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Bench;

/// <summary>
/// The close-contact check of <c>nepforge filter --min-distance/--min-ratio</c> and <c>validate</c> on one
/// 100,000-atom frame: (a) random positions (a dense-liquid-like worst case: every pair within the cutoff is visited,
/// thousands of them violate) of Si at crystal density (0.04994 atoms/Å³, a 126 Å cube); (b) diamond Si
/// 25×25×20 rattled by 0.05 Å, which passes (the usual case: the whole frame is scanned). Target: &lt; 0.2 s each.
/// Run: <c>dotnet run -c Release --project bench/NepForge.Bench -- --filter *MinDistance*</c>.
/// </summary>
[MemoryDiagnoser]
public class MinDistanceBenchmarks
{
    Frame _liquid = null!;
    Frame _crystal = null!;
    FrameFilter _distance = null!;
    FrameFilter _ratio = null!;

    [GlobalSetup]
    public void Setup()
    {
        var si = Elements.Get("Si");
        const int n = 100_000;
        double density = 8 / Math.Pow(5.431, 3);
        double side = Math.Cbrt(n / density);
        var rng = new Random(42);
        var pos = new double[3 * n];
        for (int i = 0; i < pos.Length; i++)
            pos[i] = rng.NextDouble() * side;
        _liquid = new Frame(Enumerable.Repeat(si, n).ToArray(), pos, Lattice.Orthorhombic(side, side, side));

        var basis = new[] { (0.0, 0.0, 0.0), (0.0, 0.5, 0.5), (0.5, 0.0, 0.5), (0.5, 0.5, 0.0), (0.25, 0.25, 0.25), (0.25, 0.75, 0.75), (0.75, 0.25, 0.75), (0.75, 0.75, 0.25) };
        const int na = 25, nb = 25, nc = 20;
        const double a = 5.431;
        var cpos = new double[3 * 8 * na * nb * nc];
        int k = 0;
        for (int i = 0; i < na; i++)
            for (int j = 0; j < nb; j++)
                for (int l = 0; l < nc; l++)
                    foreach (var (x, y, z) in basis)
                    {
                        cpos[k++] = (i + x) * a + 0.05 * (rng.NextDouble() - 0.5);
                        cpos[k++] = (j + y) * a + 0.05 * (rng.NextDouble() - 0.5);
                        cpos[k++] = (l + z) * a + 0.05 * (rng.NextDouble() - 0.5);
                    }
        _crystal = new Frame(Enumerable.Repeat(si, cpos.Length / 3).ToArray(), cpos, Lattice.Orthorhombic(na * a, nb * a, nc * a));
        _distance = new FrameFilter(new FilterOptions { MinDistance = 1.5 });
        _ratio = new FrameFilter(new FilterOptions { MinRatio = 0.6 });
    }

    /// <summary>Random 100k-atom Si, --min-distance 1.5: the closest of the ~35,000 pairs below 1.5 Å.</summary>
    [Benchmark]
    public double LiquidMinDistance() => FrameFilter.FindCloseContact(_liquid, 1.5, null)!.Value.Distance;

    /// <summary>Random 100k-atom Si, --min-ratio 0.6 (1.33 Å for Si–Si) through the filter.</summary>
    [Benchmark]
    public string? LiquidMinRatioFilter() => _ratio.Check(_liquid)?.Code;

    /// <summary>Rattled diamond Si (100,000 atoms, nearest neighbours 2.35 Å), --min-distance 1.5: passes.</summary>
    [Benchmark]
    public string? CrystalMinDistanceFilter() => _distance.Check(_crystal)?.Code;
}
