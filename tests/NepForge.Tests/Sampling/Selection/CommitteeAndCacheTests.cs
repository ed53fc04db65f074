using NepForge.Formats;
using NepForge.Nep;
using NepForge.Sampling.Selection;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Sampling.Selection;

public class CommitteeAndCacheTests
{
    [Theory]
    [InlineData(0.02, 0.0, "Accurate")]    // both below their lows
    [InlineData(0.10, 0.0, "Candidate")]   // f in [0.05, 0.15)
    [InlineData(0.15, 0.0, "Failed")]      // f = f_hi: the window is half-open
    [InlineData(0.10, 0.50, "Candidate")]  // f in the window, v ≥ v_hi: the candidate test runs first
    [InlineData(0.02, 0.50, "Failed")]     // v ≥ v_hi only
    [InlineData(0.02, 0.012, "Candidate")] // v in [0.01, 0.3)
    [InlineData(0.30, 0.012, "Candidate")] // f ≥ f_hi but v in its window: still a candidate (DP-GEN order)
    public void Trust_levels_follow_dpgen_order(double f, double v, string expected)
    {
        var t = new TrustLevels(0.05, 0.15, 0.01, 0.3);
        Assert.Equal(expected, t.Classify(f, v).ToString());
    }

    [Fact]
    public void Virial_levels_default_to_unused()
    {
        var t = new TrustLevels(0.05, 0.15);
        Assert.Equal(TrustClass.Accurate, t.Classify(0.01, 1e9));
        Assert.Equal(TrustClass.Failed, t.Classify(0.2, 0));
    }

    [FixtureFact]
    public void Model_deviation_equals_a_direct_computation_from_each_models_forces()
    {
        var frame = StructureReader.Read(Fixtures.Path("nep/structures/si_random40_triclinic.xyz")).First();
        var models = new[] { "Si_2022_NEP4_5body", "Si_2022_NEP4_3body" }
            .Select(m => new NepCalculator(NepModelReader.Read(Fixtures.Path($"nep/potentials/{m}.txt")), 1)).ToArray();
        var results = models.Select(c => c.Compute(frame)).ToArray();
        var dev = ModelDeviation.Of(results, frame.AtomCount);
        // Two models: the population std of each component is |a − b| / 2, so ε_i = ‖F_a − F_b‖ / 2.
        double max = 0, sum = 0;
        for (int i = 0; i < frame.AtomCount; i++)
        {
            double s = 0;
            for (int c = 0; c < 3; c++)
                s += Math.Pow(results[0].Forces[3 * i + c] - results[1].Forces[3 * i + c], 2);
            max = Math.Max(max, Math.Sqrt(s) / 2);
            sum += Math.Sqrt(s) / 2;
        }
        Assert.True(max > 1e-3, "the two Si models should disagree");
        Assert.Equal(max, dev.MaxForce, 12);
        Assert.Equal(sum / frame.AtomCount, dev.MeanForce, 12);
        Assert.Equal(Math.Abs(results[0].Energy - results[1].Energy) / 2 / frame.AtomCount, dev.EnergyPerAtom, 12);
        double vxx = Math.Abs(results[0].Virial.ToArray()[0] - results[1].Virial.ToArray()[0]) / 2 / frame.AtomCount;
        Assert.True(dev.MaxVirial >= vxx - 1e-15);
    }

    [Fact]
    public void Cache_round_trips_and_rejects_a_truncated_or_corrupt_file()
    {
        using var dir = new CliRunner();
        string path = dir.PathOf("train.xyz.nfdesc");
        var cache = DescriptorCache.Load(path);
        Assert.Null(cache.Rejected);
        cache.Put("a:b:Mean", [1.5, -2, 3e-300]);
        cache.Save(path);
        var back = DescriptorCache.Load(path);
        Assert.True(back.TryGet("a:b:Mean", out var f));
        Assert.Equal(new[] { 1.5, -2, 3e-300 }, f);
        Assert.False(back.TryGet("a:b:PerElement", out _));
        Assert.Equal((1, 1), (back.Hits, back.Misses));

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);          // a crash of a writer that did not rename
        Assert.NotNull(DescriptorCache.Load(path).Rejected);
        bytes[20] ^= 1;
        File.WriteAllBytes(path, bytes);                                  // one flipped bit
        var bad = DescriptorCache.Load(path);
        Assert.Contains("checksum", bad.Rejected);
        Assert.Equal(0, bad.Count);
    }

    [Fact]
    public void A_writer_killed_mid_write_leaves_the_old_cache_intact_and_no_temporary_file()
    {
        using var dir = new CliRunner();
        string path = dir.PathOf("train.xyz.nfdesc");
        var cache = DescriptorCache.Load(path);
        cache.Put("old", [1.0]);
        cache.Save(path);
        cache.Put("new", [2.0]);
        Assert.Throws<IOException>(() => cache.Save(path, _ => throw new IOException("killed")));
        var back = DescriptorCache.Load(path);
        Assert.Null(back.Rejected);
        Assert.Equal(1, back.Count);
        Assert.True(back.TryGet("old", out _));
        Assert.Single(Directory.GetFiles(dir.Dir));
    }

    [Fact]
    public void Active_frames_map_to_rows_above_the_threshold_not_to_row_numbers()
    {
        using var dir = new CliRunner();
        File.WriteAllText(dir.PathOf("active.out"), "0 0.01\n1 0.30\n2 0.02\n3 0.50\n4 0.05\n");
        File.WriteAllText(dir.PathOf("run.in"), "potential nep.txt\nactive 1000 0 0 0 0.1 # δ\nrun 5000\n");
        const string frame = "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 pbc=\"T T T\" tag={0}\nSi 0 0 0\n";
        File.WriteAllText(dir.PathOf("active.xyz"), string.Format(frame, 1) + string.Format(frame, 3));
        Assert.Equal(0.1, ActiveFrames.ThresholdFromRunIn(dir.PathOf("run.in")));
        var frames = ActiveFrames.Read(dir.Dir, null);
        Assert.Equal(new[] { 1, 3 }, frames.Select(f => f.Row));
        Assert.Equal(new[] { 0.30, 0.50 }, frames.Select(f => f.Uncertainty));
        Assert.Equal(new long?[] { 0, 1 }, frames.Select(f => f.Frame.Info.SourceIndex));
        Assert.Throws<InvalidOperationException>(() => ActiveFrames.Read(dir.Dir, 0.02)); // 3 rows above 0.02, 2 frames
    }

    [Fact]
    public void Per_element_reduction_gives_mean_and_std_per_species_and_zeros_when_absent()
    {
        // 3 atoms, dim 2, types 0, 0, 2 of 3 species.
        double[] q = [1, 2, 3, 6, 10, 20];
        var r = StructureFeatures.Reduce(q, [0, 0, 2], 2, 3, FeatureReduction.PerElement);
        Assert.Equal(new double[] { 2, 4, 1, 2, 0, 0, 0, 0, 10, 20, 0, 0 }, r);
        Assert.Equal(new double[] { 14 / 3.0, 28 / 3.0 }, StructureFeatures.Reduce(q, [0, 0, 2], 2, 3, FeatureReduction.Mean));
    }
}
