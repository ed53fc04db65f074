using System.CommandLine;
using System.Text.Json;
using NepForge.Cli;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Cli;

/// <summary>filter, validate, dedup and supercell end to end, in process.</summary>
public sealed class CurationCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string PathOf(string name) => _cli.PathOf(name);

    (int Code, string Out, string Err) Run(params string[] args) => _cli.Run(args);

    // Eight labelled Si2 frames in a 5.43 Å cube; frame 2 has a close pair, frame 4 a 1.04 eV/Å force (components
    // 0.6), frame 6 an energy 0.5 eV/atom too high, frame 7 no forces; frames 5 and 3 repeat frames 1 and 0.
    string Dataset()
    {
        var frames = new List<Frame>();
        var lattice = Lattice.Orthorhombic(5.43, 5.43, 5.43);
        Frame Si2(double x, double energy, double[]? forces)
        {
            var f = new Frame([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, x, 1.3575, 1.3575], lattice) { Energy = energy, Forces = forces };
            f.Info.ConfigType = "md";
            return f;
        }
        double[] Small() => [0.1, 0, 0, -0.1, 0, 0];
        frames.Add(Si2(1.3575, -10.84, Small()));
        frames.Add(Si2(1.40, -10.83, Small()));
        frames.Add(Si2(0.30, -10.85, Small()));                             // 2: Si–Si √(0.3² + 2·1.3575²) = 1.943 Å
        frames.Add(Si2(1.3575 + 5.43, -10.84, Small()));                   // 3: frame 0 one cell over
        frames.Add(Si2(1.45, -10.82, [0.6, 0.6, 0.6, -0.6, -0.6, -0.6]));  // 4: |F| = 1.039
        frames.Add(Si2(1.40 + 0.0004, -10.83, Small()));                   // 5: frame 1 within 1e-3 Å
        frames.Add(Si2(1.50, -9.84, Small()));                             // 6: −4.92 eV/atom vs −5.42
        frames.Add(Si2(1.55, -10.81, null));                               // 7: no forces
        string path = PathOf("in.xyz");
        File.WriteAllText(path, ExtXyzWriter.WriteString(frames));
        return path;
    }

    [Fact]
    public void Filter_by_every_criterion_with_reasons()
    {
        string input = Dataset();
        var (code, _, err) = Run("filter", input, "-o", PathOf("kept.xyz"), "--rejected", PathOf("rej.xyz"),
            "--min-distance", "2.0", "--max-force", "1.0", "--energy-zscore", "5", "--require", "energy,forces");
        Assert.True(code == 0, err);
        var kept = ExtXyzReader.ReadFrames(PathOf("kept.xyz")).ToList();
        var rej = ExtXyzReader.ReadFrames(PathOf("rej.xyz")).ToList();
        Assert.Equal([0L, 1, 3, 5], kept.Select(f => f.Info.SourceIndex!.Value));
        Assert.Equal([2L, 4, 6, 7], rej.Select(f => f.Info.SourceIndex!.Value));
        Assert.All(kept, f => Assert.Null(f.Info.GetExtra("reject_reason")));
        Assert.StartsWith("min_distance: Si 0 – Si 1 at 1.94", rej[0].Info.GetExtra("reject_reason"));
        Assert.StartsWith("max_force: |F| = 1.03923 eV/Å", rej[1].Info.GetExtra("reject_reason"));
        Assert.StartsWith("energy_zscore: -4.92 eV/atom", rej[2].Info.GetExtra("reject_reason"));
        Assert.Equal("missing_forces: the frame has no forces", rej[3].Info.GetExtra("reject_reason"));
        Assert.Equal("md", rej[0].Info.ConfigType);
        Assert.Contains("kept 4 of 8 frame(s)", err);
        Assert.Contains("rejected 4: min_distance 1, max_force 1, energy_zscore 1, missing_forces 1", err);
    }

    [Fact]
    public void Filter_always_drops_non_finite_frames_and_checks_its_options()
    {
        string input = PathOf("nan.xyz");
        File.WriteAllText(input,
            "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:force:R:3 energy=-5 pbc=\"T T T\"\nSi 0 0 0 0 0 0\n" +
            "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:force:R:3 energy=NaN pbc=\"T T T\"\nSi 0 0 0 0 0 0\n");
        var (code, _, err) = Run("filter", input, "-o", PathOf("ok.xyz"));
        Assert.Equal(0, code);
        Assert.Single(ExtXyzReader.ReadFrames(PathOf("ok.xyz")));
        Assert.Contains("rejected 1: non_finite 1", err);

        Assert.Equal(CliContext.UsageError, Run("filter", input, "-o", PathOf("x.xyz"), "--max-force", "-1").Code);
        Assert.Equal(CliContext.UsageError, Run("filter", input, "-o", PathOf("x.xyz"), "--require", "charges").Code);
        Assert.Equal(CliContext.UsageError, Run("filter", "-", "-o", PathOf("x.xyz"), "--energy-zscore", "3").Code);
        Assert.False(File.Exists(PathOf("x.xyz")));
    }

    [Fact]
    public void Validate_reports_errors_and_warnings_with_exit_codes()
    {
        string input = Dataset();
        // Two warnings (frames 3 and 5 are duplicates; the 1.94 Å pair is 0.87 × the covalent sum, not a close
        // contact) and one error: frame 7 has no forces. Frame k starts at line 4k + 1.
        var (code, output, _) = Run("validate", input, "--types", "Si");
        Assert.Equal(1, code);
        Assert.Contains("error (line 29, frame 7) [missing-forces]", output);
        Assert.Contains("warning (line 13, frame 3) [duplicate]", output);
        Assert.Contains("warning (line 21, frame 5) [duplicate]", output);
        Assert.Contains("errors: 1 (missing-forces 1)", output);
        Assert.Contains("warnings: 2 (duplicate 2)", output);
        Assert.Contains("NOT ready for nep", output);

        // Clean after filtering and deduplication; --strict fails on warnings.
        Assert.Equal(0, Run("filter", input, "-o", PathOf("f.xyz"), "--require", "forces").Code);
        var (c2, out2, _) = Run("validate", PathOf("f.xyz"));
        Assert.Equal(0, c2);
        Assert.Contains("OK for nep (no errors); review the warnings", out2);
        Assert.Equal(1, Run("validate", PathOf("f.xyz"), "--strict").Code);
        Assert.Equal(0, Run("dedup", PathOf("f.xyz"), "-o", PathOf("fd.xyz")).Code);
        var (c3, out3, _) = Run("validate", PathOf("fd.xyz"), "--strict");
        Assert.Equal(0, c3);
        Assert.Contains("OK: ready for nep", out3);

        // Species outside the type list.
        var (c4, out4, _) = Run("validate", PathOf("fd.xyz"), "--types", "Pb", "Te");
        Assert.Equal(1, c4);
        Assert.Contains("[species-not-in-types]", out4);
    }

    [Fact]
    public void Validate_json_and_blank_lines()
    {
        string text = File.ReadAllText(Dataset());
        int third = IndexOfLine(text, 9); // start of frame 2 (line 9)
        File.WriteAllText(PathOf("blank.xyz"), text[..third] + "\n" + text[third..]);
        var (code, output, _) = Run("validate", PathOf("blank.xyz"), "--json", "--types", "Si");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("valid").GetBoolean());
        Assert.Equal(8, root.GetProperty("frames").GetInt32());
        Assert.Equal(2, root.GetProperty("frames_nep_reads").GetInt32());
        var blank = root.GetProperty("issues").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "blank-line");
        Assert.Equal("error", blank.GetProperty("severity").GetString());
        Assert.Equal(9, blank.GetProperty("line").GetInt32());
        Assert.Equal(2, blank.GetProperty("frame").GetInt32());
        Assert.Contains("silently drops every frame after it", blank.GetProperty("message").GetString());
        Assert.Equal(2, root.GetProperty("errors").GetInt32()); // + missing forces
        Assert.Equal(16, root.GetProperty("species").GetProperty("Si").GetInt32());

        static int IndexOfLine(string s, int line)
        {
            int at = 0;
            for (int l = 1; l < line; l++)
                at = s.IndexOf('\n', at) + 1;
            return at;
        }
    }

    [FixtureFact]
    public void Validate_the_gpumd_training_set_with_its_nep_in()
    {
        var (code, output, err) = Run("validate", Fixtures.Path("gpumd/nep_train/train.xyz"), "--nep-in", Fixtures.Path("gpumd/nep_train/nep.in"));
        Assert.True(code == 0, output + err);
        Assert.Contains("25 frame(s), 6250 atom(s) (Te 3125, Pb 3125)", output);
        Assert.Contains("OK: ready for nep", output);
        Assert.Equal(CliContext.UsageError, Run("validate", "x.xyz", "--nep-in", "nep.in", "--types", "Pb").Code);
    }

    [Fact]
    public void Dedup_drops_duplicates_and_reports_them()
    {
        string input = Dataset();
        var (code, _, err) = Run("dedup", input, "-o", PathOf("u.xyz"), "--dropped", PathOf("d.xyz"));
        Assert.True(code == 0, err);
        Assert.Equal([0L, 1, 2, 4, 6, 7], ExtXyzReader.ReadFrames(PathOf("u.xyz")).Select(f => f.Info.SourceIndex!.Value));
        var dropped = ExtXyzReader.ReadFrames(PathOf("d.xyz")).ToList();
        Assert.Equal([3L, 5], dropped.Select(f => f.Info.SourceIndex!.Value));
        Assert.Equal(["0", "1"], dropped.Select(f => f.Info.GetExtra("duplicate_of")!));
        Assert.Contains("kept 6 of 8 frame(s), dropped 2 duplicate(s) (tolerance 0.001 Å)", err);

        // A coarser tolerance merges more; a finer one keeps frame 5 (0.4 mÅ away from frame 1).
        Run("dedup", input, "-o", PathOf("fine.xyz"), "--tolerance", "1e-4");
        Assert.Equal(7, ExtXyzReader.ReadFrames(PathOf("fine.xyz")).Count());
        Run("dedup", input, "-o", PathOf("coarse.xyz"), "--tolerance", "0.045");
        Assert.Equal(5, ExtXyzReader.ReadFrames(PathOf("coarse.xyz")).Count()); // x = 1.3575, 1.40 and 1.4004 now match
        Assert.Equal(CliContext.UsageError, Run("dedup", input, "-o", PathOf("x.xyz"), "--tolerance", "0").Code);
    }

    [Fact]
    public void Supercell_by_size_and_matrix()
    {
        string input = Dataset();
        var (code, _, err) = Run("supercell", input, "-o", PathOf("s.xyz"), "--size", "2", "2", "1");
        Assert.True(code == 0, err);
        var original = ExtXyzReader.ReadFrames(input).ToList();
        var big = ExtXyzReader.ReadFrames(PathOf("s.xyz")).ToList();
        Assert.Equal(8, big.Count);
        for (int k = 0; k < 8; k++)
        {
            Assert.Equal(8, big[k].AtomCount);
            Assert.Equal(4 * original[k].Energy!.Value, big[k].Energy!.Value, 9);
            Assert.Equal(original[k].Info.SourceIndex, big[k].Info.SourceIndex);
            Assert.Equal("2 0 0 0 2 0 0 0 1", big[k].Info.GetExtra("supercell"));
            Assert.Equal(new Mat3(10.86, 0, 0, 0, 10.86, 0, 0, 0, 5.43), big[k].Lattice!.Matrix);
        }
        Assert.Equal(original[4].Force(1), big[4].Force(7));
        Assert.Contains("8 frame(s) × 4 copies (2×2×1), largest 8 atoms", err);

        Assert.Equal(0, Run("supercell", input, "-o", PathOf("m.xyz"), "--matrix", "1 1 0 -1 1 0 0 0 1").Code);
        var m = ExtXyzReader.ReadFrames(PathOf("m.xyz")).First();
        Assert.Equal(4, m.AtomCount);
        Assert.Equal(2 * 5.43 * 5.43 * 5.43, m.Lattice!.Volume, 6);

        var (c2, _, e2) = Run("supercell", input, "-o", PathOf("huge.xyz"), "--size", "10", "10", "10", "--max-atoms", "1000");
        Assert.Equal(CliContext.Failure, c2);
        Assert.Contains("would become 2000 atoms, more than --max-atoms 1000", e2);
        Assert.False(File.Exists(PathOf("huge.xyz")));
        Assert.Equal(CliContext.UsageError, Run("supercell", input, "-o", PathOf("x.xyz")).Code);
        Assert.Equal(CliContext.UsageError, Run("supercell", input, "-o", PathOf("x.xyz"), "--size", "2", "2", "1", "--matrix", "2 2 1").Code);
        Assert.Equal(CliContext.UsageError, Run("supercell", input, "-o", PathOf("x.xyz"), "--matrix", "1 0 0 1 0 0 0 0 1").Code);
        Assert.Equal(CliContext.UsageError, Run("supercell", input, "-o", PathOf("x.xyz"), "--size", "2", "0", "1").Code);
    }
}
