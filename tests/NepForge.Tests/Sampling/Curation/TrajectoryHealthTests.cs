using NepForge.Formats.ExtXyz;
using NepForge.Sampling.Curation;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Sampling.Curation;

public sealed class TrajectoryHealthTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // Four Si atoms in a 10 Å box; from frame k on, atom 2 moves towards atom 1: d = 2.35 − 0.2·k Å. With Si's
    // covalent radius 1.11 Å the ratio d / 2.22 first drops below 0.5 at k = 7 (d = 0.95 Å; k = 6 gives 1.15 Å, 0.52).
    static List<Frame> Collapsing(int frames = 10)
    {
        var si = Elements.Get("Si");
        var list = new List<Frame>();
        for (int k = 0; k < frames; k++)
        {
            double d = 2.35 - (0.2 * k);
            list.Add(new Frame([si, si, si, si], [1, 1, 1, 1 + d, 1, 1, 5, 5, 5, 5, 5, 7.5], Lattice.Orthorhombic(10, 10, 10))
            {
                Energy = -4.5 * 4,
                Forces = new double[12],
            });
        }
        return list;
    }

    [Fact]
    public void CutsAtTheFirstFrameWithAtomsTooClose()
    {
        var kept = new List<long>();
        var r = TrajectoryHealth.Clean(Collapsing(), new TrajectoryHealthOptions(), (_, i) => kept.Add(i));
        Assert.Equal(7, r.BadFrame);
        Assert.Equal("min-distance", r.Problem!.Check);
        Assert.Contains("atoms 1 (Si) and 2 (Si) are 0.95 Å apart", r.Problem.Message, StringComparison.Ordinal);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], kept);
        Assert.Equal(8, r.FramesRead); // stops reading at the bad frame
    }

    [Fact]
    public void MarginAndKeepTrimTheFramesBeforeTheCut()
    {
        var kept = new List<long>();
        TrajectoryHealth.Clean(Collapsing(), new TrajectoryHealthOptions { Margin = 2 }, (_, i) => kept.Add(i));
        Assert.Equal([0L, 1, 2, 3, 4], kept);
        kept.Clear();
        TrajectoryHealth.Clean(Collapsing(), new TrajectoryHealthOptions { Margin = 1, Keep = 3 }, (_, i) => kept.Add(i));
        Assert.Equal([3L, 4, 5], kept);
    }

    [Fact]
    public void HealthyTrajectoryKeepsEveryFrameEvenWithMargin()
    {
        var kept = new List<long>();
        var r = TrajectoryHealth.Clean(Collapsing(6), new TrajectoryHealthOptions { Margin = 3 }, (_, i) => kept.Add(i));
        Assert.Null(r.BadFrame);
        Assert.Equal(6, r.FramesKept);
        Assert.Equal([0L, 1, 2, 3, 4, 5], kept);
    }

    [Fact]
    public void VolumeForceAndNonFiniteChecks()
    {
        var o = new TrajectoryHealthOptions();
        var f = Collapsing(1)[0];
        Assert.Null(TrajectoryHealth.Check(f, 1000, o));
        Assert.Equal("volume", TrajectoryHealth.Check(f, 400, o)!.Check);  // 1000 / 400 = 2.5 × the start
        Assert.Equal("volume", TrajectoryHealth.Check(f, 2500, o)!.Check); // 0.4 ×
        f.Forces![4] = 80;
        var p = TrajectoryHealth.Check(f, 1000, o)!;
        Assert.Equal("max-force", p.Check);
        Assert.Contains("|F| = 80 eV/Å on atom 2 (Si)", p.Message, StringComparison.Ordinal);
        f.Forces[4] = 0;
        f.Positions[7] = double.NaN;
        Assert.Equal("non-finite", TrajectoryHealth.Check(f, 1000, o)!.Check);
    }

    [Fact]
    public void CliCutsTheRightFrameAndStripsLabels()
    {
        string inPath = _cli.PathOf("dump.xyz"), outPath = _cli.PathOf("frames.xyz");
        ExtXyzWriter.WriteFile(inPath, Collapsing());
        var (code, _, err) = _cli.Run("trajectory", "clean", inPath, "-o", outPath);
        Assert.Equal(0, code);
        Assert.Contains("frame 8 is unphysical [min-distance]", err, StringComparison.Ordinal);
        Assert.Contains("kept 7 frame(s) (frames 1–7), dump labels stripped", err, StringComparison.Ordinal);
        var frames = ExtXyzReader.ReadFrames(outPath).ToList();
        Assert.Equal(7, frames.Count);
        Assert.All(frames, f => Assert.False(f.HasLabels));
        Assert.Equal(6, frames[^1].Info.SourceIndex);
    }

    [FixtureFact]
    public void GpumdDumpOfHealthyWaterKeepsAllFramesWithoutLabels()
    {
        string outPath = _cli.PathOf("frames.xyz");
        var (code, _, err) = _cli.Run("trajectory", "clean", Fixtures.Path("gpumd/old_14-DP_water_msd/dump.xyz"), "-o", outPath);
        Assert.Equal(0, code);
        Assert.Contains("all 10 frame(s) look physical", err, StringComparison.Ordinal);
        var frames = ExtXyzReader.ReadFrames(outPath).ToList();
        Assert.Equal(10, frames.Count);
        Assert.All(frames, f => Assert.False(f.HasLabels));
        Assert.All(frames, f => Assert.Null(f.Info.GetExtra("gpumd_stress")));
        Assert.Equal(1536, frames[9].AtomCount);
    }

    [FixtureFact]
    public void GpumdStaticDumpWithForcesIsStripped()
    {
        string outPath = _cli.PathOf("frames.xyz");
        var (code, _, _) = _cli.Run("trajectory", "clean", Fixtures.Path("gpumd/gpumd_static/dump.xyz"), "-o", outPath);
        Assert.Equal(0, code);
        var f = Assert.Single(ExtXyzReader.ReadFrames(outPath));
        Assert.Null(f.Energy);
        Assert.Null(f.Forces);
        Assert.DoesNotContain("stress", File.ReadAllText(outPath), StringComparison.Ordinal);
    }
}
