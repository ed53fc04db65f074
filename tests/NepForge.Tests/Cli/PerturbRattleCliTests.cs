using System.CommandLine;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.Sampling.Generation;
using NepForge.Tests.Sampling.Generation;

namespace NepForge.Tests.Cli;

public sealed class PerturbRattleCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string PathOf(string name) => _cli.PathOf(name);

    (int Code, string Out, string Err) Run(params string[] args) => _cli.Run(args);


    string ThreeFrames()
    {
        string path = PathOf("in.xyz");
        var frames = new[] { PerturbTestFrames.DiamondSi(1), PerturbTestFrames.SkewedSiC(), PerturbTestFrames.DiamondSi(1) };
        frames[2].Info.ConfigType = null;
        ExtXyzWriter.WriteFile(path, frames);
        return path;
    }

    [Fact]
    public void Perturb_same_seed_gives_identical_bytes_and_another_seed_differs()
    {
        string input = ThreeFrames();
        string[] common = ["perturb", input, "--count", "4", "--cell", "0.06", "--disp", "0.1", "--min-ratio", "0.6"];
        var (c1, _, err) = Run([.. common, "-o", PathOf("a.xyz"), "--seed", "42"]);
        Assert.True(c1 == 0, err);
        var (c2, _, _) = Run([.. common, "-o", PathOf("b.xyz"), "--seed", "42"]);
        var (c3, _, _) = Run([.. common, "-o", PathOf("c.xyz"), "--seed", "43"]);
        Assert.Equal(0, c2);
        Assert.Equal(0, c3);
        Assert.Equal(File.ReadAllBytes(PathOf("a.xyz")), File.ReadAllBytes(PathOf("b.xyz")));
        Assert.NotEqual(File.ReadAllBytes(PathOf("a.xyz")), File.ReadAllBytes(PathOf("c.xyz")));
        Assert.Contains("12 structure(s) from 3 frame(s)", err);
        Assert.Matches(@"\d+ draw\(s\) in all under the distance guard .*, at most \d+ for one structure", err);

        var frames = ExtXyzReader.ReadFrames(PathOf("a.xyz")).ToList();
        Assert.Equal(12, frames.Count);
        Assert.All(frames, f => Assert.False(f.HasLabels));
        Assert.Equal("diamond_perturbed", frames[0].Info.ConfigType);
        Assert.Equal("skewed_perturbed", frames[4].Info.ConfigType);
        Assert.Equal("perturbed", frames[8].Info.ConfigType);
        for (int i = 0; i < 12; i++)
            Assert.Equal(PerturbRandom.DeriveSeed(42, i / 4, i % 4), frames[i].Info.Seed);
        Assert.Equal(9, frames[5].Info.GetExtra(Perturber.CellKey)!.Split(' ').Length);
        Assert.Equal("skewed.xyz", frames[5].Info.SourceFile);
    }

    [Fact]
    public void Perturb_without_a_seed_prints_the_one_it_used_and_that_seed_repeats_the_run()
    {
        string input = ThreeFrames();
        var (code, _, err) = Run("perturb", input, "-o", PathOf("a.xyz"), "--count", "2");
        Assert.Equal(0, code);
        var m = System.Text.RegularExpressions.Regex.Match(err, @"give --seed (\d+) to repeat");
        Assert.True(m.Success, err);
        Assert.Equal(0, Run("perturb", input, "-o", PathOf("b.xyz"), "--count", "2", "--seed", m.Groups[1].Value).Code);
        Assert.Equal(File.ReadAllBytes(PathOf("a.xyz")), File.ReadAllBytes(PathOf("b.xyz")));
    }

    [Fact]
    public void Perturb_cell_only_axes_xy_on_a_slab()
    {
        string input = PathOf("slab.xyz");
        var slab = PerturbTestFrames.Slab();
        ExtXyzWriter.WriteFile(input, [slab]);
        var (code, _, err) = Run("perturb", input, "-o", PathOf("out.xyz"), "--count", "10", "--cell-only", "--axes", "xy", "--cell", "0.05", "--seed", "1");
        Assert.True(code == 0, err);
        foreach (var f in ExtXyzReader.ReadFrames(PathOf("out.xyz")))
        {
            Assert.Equal(slab.Lattice![2], f.Lattice![2]);
            for (int i = 0; i < f.AtomCount; i++)
                Assert.Equal(slab.Positions[3 * i + 2], f.Positions[3 * i + 2]);
            Assert.Equal("none", f.Info.GetExtra(Perturber.DisplacementDistributionKey));
        }
    }

    [Fact]
    public void Perturb_layout_folders_writes_frame_folders_and_a_flat_all_folder()
    {
        string input = ThreeFrames();
        string outDir = PathOf("dft");
        var (code, _, err) = Run("perturb", input, "-o", outDir, "--layout", "folders", "--count", "3", "--seed", "5");
        Assert.True(code == 0, err);
        Assert.Equal(["all", "frame-1", "frame-2", "frame-3"], Directory.GetDirectories(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        for (int k = 1; k <= 3; k++)
        {
            Assert.Equal(["POSCAR", "POSCAR-1", "POSCAR-2", "POSCAR-3"],
                Directory.GetFiles(Path.Combine(outDir, $"frame-{k}")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        var all = Directory.GetFiles(Path.Combine(outDir, "all")).Select(Path.GetFileName).ToList();
        Assert.Equal(9, all.Count);
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, "frame-2", "POSCAR-3")), File.ReadAllBytes(Path.Combine(outDir, "all", "POSCAR-6")));
        // frame-k/POSCAR is the input frame; its copies carry their seeds in the title.
        var original = PoscarReader.Read(Path.Combine(outDir, "frame-2", "POSCAR"));
        var skewed = PerturbTestFrames.SkewedSiC();
        Assert.Equal(skewed.Lattice!.Matrix, original.Lattice!.Matrix);
        var copy = PoscarReader.Read(Path.Combine(outDir, "all", "POSCAR-4"));
        Assert.Equal(PerturbRandom.DeriveSeed(5, 1, 0), copy.Info.Seed);
        Assert.Equal("skewed_perturbed", copy.Info.ConfigType);
        Assert.Empty(Directory.GetFileSystemEntries(_cli.Dir, ".*")); // no staging folder left
        Assert.Contains("frame-1 … frame-3", err);

        // A second run into the same, now non-empty folder refuses rather than mixing old and new.
        var (again, _, err2) = Run("perturb", input, "-o", outDir, "--layout", "folders", "--seed", "5");
        Assert.Equal(1, again);
        Assert.Contains("not empty", err2);
    }

    [FixtureFact]
    public void Perturb_the_SiC_POSCAR_fixture_respects_the_guard()
    {
        string poscar = Fixtures.Path("vasp/dpdata/POSCAR.SiC");
        var (code, _, err) = Run("perturb", poscar, "-o", PathOf("sic/"), "--count", "20", "--cell", "0.06", "--disp", "0.3",
            "--min-distance", "1.6", "--seed", "11");
        Assert.True(code == 0, err);
        var files = Directory.GetFiles(PathOf("sic"));
        Assert.Equal(20, files.Length);
        foreach (var file in files)
        {
            var f = PoscarReader.Read(file);
            Assert.True(PerturbTestFrames.MinDistance(f) >= 1.6);
        }
        Assert.Contains("20 structure(s) from 1 frame(s)", err);
    }

    [FixtureFact]
    public void Perturb_an_impossible_guard_names_the_frame()
    {
        string poscar = Fixtures.Path("vasp/dpdata/POSCAR.SiC");
        var (code, _, err) = Run("perturb", poscar, "-o", PathOf("x.xyz"), "--min-distance", "3", "--max-tries", "10", "--seed", "1");
        Assert.Equal(1, code);
        Assert.Contains("frame 1", err);
        Assert.Contains("10 draw(s)", err);
        Assert.False(File.Exists(PathOf("x.xyz")));
    }

    [Theory]
    [InlineData("--cell-only", "--disp", "0.2")]
    [InlineData("--axes", "xw")]
    [InlineData("--cell-dist", "cauchy")]
    [InlineData("--disp-dist", "cube")]
    [InlineData("--count", "0")]
    [InlineData("--cell", "0", "--disp", "0")]
    [InlineData("--pair-distance", "SiC=1")]
    public void Perturb_usage_errors(params string[] extra)
    {
        string input = ThreeFrames();
        var (code, _, err) = Run(["perturb", input, "-o", PathOf("o.xyz"), .. extra]);
        Assert.True(code == 2, err);
        Assert.StartsWith("nepforge: ", err);
    }

    [Fact]
    public void Rattle_keep_first_then_copies_same_seed_same_bytes()
    {
        string input = ThreeFrames();
        string[] args = ["rattle", input, "--std", "0.03", "--d-min", "1.5", "--keep-first", "1", "--copies", "3", "--seed", "9"];
        var (code, _, err) = Run([.. args, "-o", PathOf("r1.xyz")]);
        Assert.True(code == 0, err);
        Assert.Equal(0, Run([.. args, "-o", PathOf("r2.xyz")]).Code);
        Assert.Equal(0, Run(["rattle", input, "--std", "0.03", "--d-min", "1.5", "--keep-first", "1", "--copies", "3", "--seed", "10", "-o", PathOf("r3.xyz")]).Code);
        Assert.Equal(File.ReadAllBytes(PathOf("r1.xyz")), File.ReadAllBytes(PathOf("r2.xyz")));
        Assert.NotEqual(File.ReadAllBytes(PathOf("r1.xyz")), File.ReadAllBytes(PathOf("r3.xyz")));
        Assert.Contains("kept 1 frame(s) as they are, rattled 2 frame(s) into 6 structure(s)", err);
        Assert.Contains("trial move(s) per accepted move", err);

        var frames = ExtXyzReader.ReadFrames(PathOf("r1.xyz")).ToList();
        var originals = ExtXyzReader.ReadFrames(input).ToList();
        Assert.Equal(7, frames.Count);
        Assert.True(frames[0].ContentEquals(originals[0])); // the kept frame passes through, labels and all
        Assert.True(frames[0].HasLabels);
        for (int i = 1; i < 7; i++)
        {
            var f = frames[i];
            Assert.False(f.HasLabels);
            long frameIndex = 1 + (i - 1) / 3;
            Assert.Equal(PerturbRandom.DeriveSeed(9, frameIndex, (i - 1) % 3), f.Info.Seed);
            Assert.Equal(frameIndex == 1 ? "skewed_rattled" : "rattled", f.Info.ConfigType);
            Assert.True(PerturbTestFrames.MinDistance(f) > 1.5 - 0.4);
        }
    }

    [Fact]
    public void Rattle_layout_folders_puts_kept_frames_into_all_too()
    {
        string input = ThreeFrames();
        string outDir = PathOf("rattled");
        var (code, _, err) = Run("rattle", input, "-o", outDir, "--layout", "folders", "--std", "0.02", "--d-min", "1.5", "--width", "0",
            "--keep-first", "1", "--count", "2", "--seed", "3");
        Assert.True(code == 0, err);
        Assert.Equal(["POSCAR"], Directory.GetFiles(Path.Combine(outDir, "frame-1")).Select(Path.GetFileName));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(outDir, "frame-2")).Length);
        Assert.Equal(5, Directory.GetFiles(Path.Combine(outDir, "all")).Length);
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, "frame-1", "POSCAR")), File.ReadAllBytes(Path.Combine(outDir, "all", "POSCAR-1")));
    }

    [Fact]
    public void Rattle_with_a_hard_wall_respects_d_min()
    {
        string input = PathOf("si.xyz");
        ExtXyzWriter.WriteFile(input, [PerturbTestFrames.DiamondSi(2)]);
        var (code, _, err) = Run("rattle", input, "-o", PathOf("out.xyz"), "--std", "0.08", "--d-min", "2.2", "--width", "0", "--count", "5", "--seed", "1");
        Assert.True(code == 0, err);
        foreach (var f in ExtXyzReader.ReadFrames(PathOf("out.xyz")))
            Assert.True(PerturbTestFrames.MinDistance(f) >= 2.2);
    }

    [Theory]
    [InlineData("--std", "0.1")] // no d_min
    [InlineData("--std", "0.1", "--d-min", "-2")]
    [InlineData("--std", "0", "--d-min", "2")]
    [InlineData("--std", "0.1", "--d-min", "2", "--keep-first", "-1")]
    [InlineData("--std", "0.1", "--d-min", "2", "--layout", "piles")]
    public void Rattle_usage_errors(params string[] extra)
    {
        string input = ThreeFrames();
        var (code, _, err) = Run(["rattle", input, "-o", PathOf("o.xyz"), .. extra]);
        Assert.True(code == 2, err);
    }

    [Fact]
    public void Rattle_an_impossible_d_min_fails_with_a_clear_error()
    {
        string input = ThreeFrames();
        var (code, _, err) = Run("rattle", input, "-o", PathOf("o.xyz"), "--std", "0.05", "--d-min", "4", "--max-attempts", "20", "--seed", "1");
        Assert.Equal(1, code);
        Assert.Contains("frame 1", err);
        Assert.Contains("20 attempts", err);
        Assert.False(File.Exists(PathOf("o.xyz")));
    }

    [Fact]
    public void Both_verbs_have_help()
    {
        foreach (var verb in new[] { "perturb", "rattle" })
        {
            var (code, output, _) = Run(verb, "--help");
            Assert.Equal(0, code);
            Assert.Contains("Usage:", output);
            Assert.Contains("--seed", output);
        }
    }
}
