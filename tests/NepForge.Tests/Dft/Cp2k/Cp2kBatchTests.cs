using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;
using Xunit.Abstractions;

namespace NepForge.Tests.Dft.Cp2k;

/// <summary>
/// Real CP2K single points (an H2 box, a displaced Si8 cell) and a short real CP2K AIMD of the same Si8 cell, prepared,
/// run and collected from the CLI through the local executor and through Slurm. The AIMD's step 0 must carry exactly
/// the single point's labels: same energy, forces and virial, so the trajectory reader's units and signs are those of
/// the single-point reader (itself checked against finite differences and a strained cell in Cp2kRunTests).
/// </summary>
public sealed class Cp2kBatchTests(ITestOutputHelper output) : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Cp2kFact]
    public void Single_points_and_aimd_through_the_local_executor() => RunAll("local");

    [Cp2kSlurmFact]
    public void Single_points_and_aimd_through_slurm() => RunAll("slurm");

    void RunAll(string executor)
    {
        string si8 = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        // Frame 20 of the example trajectory: displaced atoms, so forces are far from zero.
        Assert.Equal(0, _cli.Run("sample", si8, "-o", _cli.PathOf("si.xyz"), "--range", "20:21").Code);
        var h2 = new Frame([Elements.Get("H"), Elements.Get("H")], [4, 4, 4, 4.74, 4.1, 4.05], new Lattice(new Vec3(8, 0, 0), new Vec3(0, 8, 0), new Vec3(0, 0, 8)));
        h2.Info.ConfigType = "h2_box";
        ExtXyzWriter.WriteFile(_cli.PathOf("h2.xyz"), [h2]);

        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("h2.xyz"), "-o", _cli.PathOf("jobs/h2"), "--engine", "cp2k").Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("si.xyz"), "-o", _cli.PathOf("jobs/si-sp"), "--engine", "cp2k", "--cp2k-cutoff", "150").Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("si.xyz"), "-o", _cli.PathOf("jobs/si-md"), "--engine", "cp2k", "--cp2k-cutoff", "150",
            "--aimd", "--temperature", "600", "--steps", "2", "--seed", "11").Code);

        string[] run = executor == "local"
            ? ["dft", "run", _cli.PathOf("jobs"), "-j", "2", "--poll", "0.5"]
            : ["dft", "submit", _cli.PathOf("jobs"), "--wait", "--poll", "0.5"];
        var (code, _, err) = _cli.Run(run);
        output.WriteLine(err);
        Assert.Equal(0, code);
        Assert.Contains("done: 3 converged, 0 quarantined", err);
        var (_, status, _) = _cli.Run("dft", "status", _cli.PathOf("jobs"), "--json");
        Assert.Contains("\"frames\":3", status);

        Assert.Equal(0, _cli.Run("dft", "collect", _cli.PathOf("jobs"), "-o", _cli.PathOf("train.xyz")).Code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")).ToList();
        Assert.Equal(5, frames.Count); // H2, three AIMD steps (0, 1, 2), the Si single point
        string Folder(Frame f) => f.Info.GetExtra("dft_folder")!;
        var h = frames.Single(f => Folder(f).Contains("/h2/", StringComparison.Ordinal));
        var md = frames.Where(f => Folder(f).Contains("/si-md/", StringComparison.Ordinal)).ToList();
        var sp = frames.Single(f => Folder(f).Contains("/si-sp/", StringComparison.Ordinal));

        // H2: about -31 eV with GTH-PBE/SZV; the two forces are equal and opposite and point along the bond.
        Assert.InRange(h.Energy!.Value, -32.5, -29.5);
        Assert.Equal("h2_box", h.Info.ConfigType);
        var f0 = h.Force(0);
        var f1 = h.Force(1);
        // Up to the grid's egg-box error (a few meV/Å at 250 Ry).
        Assert.True((f0 + f1).Length < 0.01 * f0.Length, $"forces do not cancel: {f0} {f1}");
        var bond = h.Position(1) - h.Position(0);
        Assert.True(Math.Abs(Vec3.Dot(f0, bond) / (f0.Length * bond.Length)) > 0.999, "H2 force is not along the bond");
        Assert.NotNull(h.Virial);

        // The AIMD: three steps in order, each with its provenance and the seed of its velocities.
        Assert.Equal([0, 1, 2], md.Select(f => f.Info.SourceStep ?? -1));
        Assert.All(md, f =>
        {
            Assert.Equal("cp2k_free_energy", f.Info.EnergyKind);
            Assert.Equal(11, f.Info.Seed);
            Assert.Equal("si8_aimd_900K", f.Info.ConfigType);
            Assert.NotNull(f.Virial);
            Assert.InRange(f.EnergyPerAtom!.Value, -106, -104);
        });
        Assert.NotEqual(md[0].Positions, md[2].Positions);

        // Step 0 of the AIMD is the single point of the same structure.
        Assert.Equal(sp.Energy!.Value, md[0].Energy!.Value, 1e-4);
        Assert.True(sp.Forces!.Select(Math.Abs).Max() > 0.1, "the displaced cell should feel forces");
        for (int i = 0; i < sp.Forces!.Length; i++)
            Assert.Equal(sp.Forces[i], md[0].Forces![i], 2e-3);
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++)
                Assert.Equal(sp.Virial!.Value[r, c], md[0].Virial!.Value[r, c], 2e-3);
        }
    }
}

