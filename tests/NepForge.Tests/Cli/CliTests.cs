using System.Text.RegularExpressions;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;

namespace NepForge.Tests.Cli;

public sealed class CliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static string TrainXyz => Fixtures.Path("gpumd/nep_train/train.xyz");

    [Theory]
    [InlineData("convert")]
    [InlineData("info")]
    [InlineData("sample")]
    [InlineData("merge")]
    [InlineData("split")]
    [InlineData("extract")]
    [InlineData("perturb")]
    [InlineData("rattle")]
    [InlineData("filter")]
    [InlineData("validate")]
    [InlineData("dedup")]
    [InlineData("supercell")]
    [InlineData("build")]
    [InlineData("rdf")]
    public void Every_verb_has_help(string verb)
    {
        var (code, output, _) = _cli.Run(verb, "--help");
        Assert.Equal(0, code);
        // The usage line itself names the verb (not just some description mentioning it).
        Assert.Matches(new Regex($@"Usage:\s*\n\s*\S+ {verb}( |$)", RegexOptions.Multiline), output);
    }

    [Fact]
    public void Root_help_lists_the_verbs_and_version_works()
    {
        var (code, output, _) = _cli.Run("--help");
        Assert.Equal(0, code);
        foreach (var verb in new[] { "extract", "convert", "info", "sample", "merge", "split", "perturb", "rattle", "filter", "validate", "dedup", "supercell", "build", "rdf" })
            Assert.Matches(new Regex($@"^  {verb}[ ,]", RegexOptions.Multiline), output); // the first word of a command row
        var (vcode, version, _) = _cli.Run("--version");
        Assert.Equal(0, vcode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Trim());
    }

    [FixtureFact]
    public void Sample_every_keeps_every_nth_frame_with_provenance()
    {
        var (code, _, err) = _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("s.xyz"), "--every", "5");
        Assert.Equal(0, code);
        Assert.Contains("kept 5 frame(s)", err);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("s.xyz")).ToList();
        Assert.Equal([0L, 5, 10, 15, 20], frames.Select(f => f.Info.SourceIndex!.Value));
        Assert.All(frames, f => Assert.Equal(TrainXyz, f.Info.SourceFile));
        Assert.Equal(-937.191, frames[0].Energy);
    }

    [FixtureFact]
    public void Sample_skip_first_count_range_and_random()
    {
        Assert.Equal(0, _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("a.xyz"), "--every", "10", "--skip-first", "3").Code);
        Assert.Equal([3L, 13, 23], Indices("a.xyz"));
        Assert.Equal(0, _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("b.xyz"), "--count", "4").Code);
        Assert.Equal([0L, 8, 16, 24], Indices("b.xyz"));
        Assert.Equal(0, _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("c.xyz"), "--range", "-3:").Code);
        Assert.Equal([22L, 23, 24], Indices("c.xyz"));
        Assert.Equal(0, _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("d.xyz"), "--range", "2:12:4").Code);
        Assert.Equal([2L, 6, 10], Indices("d.xyz"));
        var (code, _, err) = _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("r1.xyz"), "--random", "6", "--seed", "42");
        Assert.Equal(0, code);
        Assert.Contains("seed 42", err);
        Assert.Equal(0, _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("r2.xyz"), "--random", "6", "--seed", "42").Code);
        var r1 = Indices("r1.xyz");
        Assert.Equal(6, r1.Count);
        Assert.Equal(r1, Indices("r2.xyz"));
        Assert.Equal(r1.Order(), r1);
        Assert.All(ExtXyzReader.ReadFrames(_cli.PathOf("r1.xyz")), f => Assert.Equal("42", f.Info.GetExtra("sample_seed")));
    }

    List<long> Indices(string name) => ExtXyzReader.ReadFrames(_cli.PathOf(name)).Select(f => f.Info.SourceIndex!.Value).ToList();

    [FixtureFact]
    public void Convert_extxyz_to_poscar_folder_and_back()
    {
        Assert.Equal(0, _cli.Run("sample", TrainXyz, "-o", _cli.PathOf("s.xyz"), "--count", "3").Code);
        var (code, _, err) = _cli.Run("convert", _cli.PathOf("s.xyz"), "-o", _cli.PathOf("poscars") + "/");
        Assert.Equal(0, code);
        Assert.Contains("POSCAR-1 … POSCAR-3", err);
        Assert.Equal(["POSCAR-1", "POSCAR-2", "POSCAR-3"], Directory.GetFiles(_cli.PathOf("poscars")).Select(Path.GetFileName).Order());
        var poscar = PoscarReader.Read(_cli.PathOf("poscars/POSCAR-2"));
        var original = ExtXyzReader.ReadFrames(_cli.PathOf("s.xyz")).ElementAt(1);
        Assert.Equal(original.Lattice!.Matrix, poscar.Lattice!.Matrix);
        // train.xyz lists all Te, then all Pb: VASP's grouping keeps the order, so positions match exactly.
        Assert.Equal(original.Elements, poscar.Elements);
        Assert.Equal(original.Positions, poscar.Positions);
        Assert.DoesNotContain("grouped by species", err);

        Assert.Equal(0, _cli.Run("convert", _cli.PathOf("poscars"), "-o", _cli.PathOf("back.xyz")).Code);
        var back = ExtXyzReader.ReadFrames(_cli.PathOf("back.xyz")).ToList();
        Assert.Equal(3, back.Count);
        Assert.False(back[0].HasLabels);
        Assert.Equal(poscar.Positions, back[1].Positions);
    }

    [FixtureFact]
    public void Convert_many_frames_to_one_poscar_is_refused_and_writes_nothing()
    {
        var (code, _, err) = _cli.Run("convert", TrainXyz, "-o", _cli.PathOf("POSCAR"));
        Assert.Equal(1, code);
        Assert.Contains("more than one frame", err);
        Assert.False(File.Exists(_cli.PathOf("POSCAR")));
        Assert.Empty(Directory.GetFiles(_cli.Dir));
    }

    [FixtureFact]
    public void Convert_single_poscar_to_extxyz_with_vasp4_species()
    {
        var (code, _, _) = _cli.Run("convert", Fixtures.Path("vasp/pymatgen-core/POSCAR"), "-o", _cli.PathOf("fepo.xyz"));
        Assert.Equal(0, code);
        var f = ExtXyzReader.ReadFrames(_cli.PathOf("fepo.xyz")).Single();
        Assert.Equal("Fe4P4O16", f.Formula);
        Assert.Equal(300.65685512, f.Lattice!.Volume, 6);
    }

    [FixtureFact]
    public void Info_reports_counts_labels_and_ranges()
    {
        var (code, output, _) = _cli.Run("info", Fixtures.Path("gpumd/outcar2xyz/NEP-dataset-multiple_frames.xyz"));
        Assert.Equal(0, code);
        Assert.Contains("frames        7", output);
        Assert.Contains("atoms         1199 (2…391 per frame)", output);
        Assert.Contains("W 669, H 504, Cu 2, C 24", output);
        Assert.Contains("energy 7/7, forces 7/7, virial 7/7", output);
        Assert.Contains("WH-AIMD 3, Cu_single-point 1, diamond_relax 3", output);
        // -6.48938252 eV for the 2-atom Cu cell is the highest energy per atom: -3.24469126 eV/atom.
        Assert.Contains("… -3.24469 eV/atom", output);
    }

    [FixtureFact]
    public void Info_json()
    {
        var (code, output, _) = _cli.Run("info", TrainXyz, "--json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var s = doc.RootElement[0];
        Assert.Equal(25, s.GetProperty("frames").GetInt32());
        Assert.Equal(3125, s.GetProperty("species").GetProperty("Te").GetInt32());
        Assert.Equal(0, s.GetProperty("frames_with_virial").GetInt32());
    }

    [FixtureFact]
    public void Split_is_stratified_seeded_and_merge_restores_every_frame()
    {
        string data = Fixtures.Path("gpumd/outcar2xyz/NEP-dataset-multiple_frames.xyz");
        var (code, _, err) = _cli.Run("split", data, "--test", "0.34", "--seed", "7", "-o", _cli.PathOf("sp"));
        Assert.Equal(0, code);
        Assert.Contains("seed 7", err);
        var train = ExtXyzReader.ReadFrames(_cli.PathOf("sp/train.xyz")).ToList();
        var test = ExtXyzReader.ReadFrames(_cli.PathOf("sp/test.xyz")).ToList();
        // 3 WH-AIMD -> 1 test, 1 Cu -> 0 test, 3 diamond -> 1 test
        Assert.Equal(2, test.Count);
        Assert.Equal(5, train.Count);
        Assert.Single(test, f => f.Info.ConfigType == "WH-AIMD");
        Assert.Single(test, f => f.Info.ConfigType == "diamond_relax");
        Assert.Equal(0, _cli.Run("split", data, "--test", "0.34", "--seed", "7", "-o", _cli.PathOf("sp2")).Code);
        Assert.Equal(File.ReadAllText(_cli.PathOf("sp/test.xyz")), File.ReadAllText(_cli.PathOf("sp2/test.xyz")));

        Assert.Equal(0, _cli.Run("merge", _cli.PathOf("sp/train.xyz"), _cli.PathOf("sp/test.xyz"), "-o", _cli.PathOf("all.xyz")).Code);
        var merged = ExtXyzReader.ReadFrames(_cli.PathOf("all.xyz")).Select(f => f.Info.SourceIndex!.Value).Order();
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], merged);
    }

    [Fact]
    public void Bad_input_names_file_and_line_and_leaves_no_output()
    {
        string bad = _cli.PathOf("bad.xyz");
        File.WriteAllText(bad, "1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n2\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3\nSi 0 0 0\nXx 1 1 1\n");
        var (code, _, err) = _cli.Run("convert", bad, "-o", _cli.PathOf("out.xyz"));
        Assert.Equal(1, code);
        Assert.Contains("bad.xyz:7 (frame 2): unknown element 'Xx'", err);
        Assert.False(File.Exists(_cli.PathOf("out.xyz")));
        Assert.Single(Directory.GetFiles(_cli.Dir)); // no temporary file left behind

        var (code2, _, err2) = _cli.Run("convert", bad, "-o", _cli.PathOf("out.xyz"), "--skip-bad");
        Assert.Equal(0, code2);
        Assert.Contains("warning: ", err2);
        Assert.Contains("skipped", err2);
        Assert.Single(ExtXyzReader.ReadFrames(_cli.PathOf("out.xyz")));
    }

    [Fact]
    public void Contradictory_options_are_a_usage_error()
    {
        File.WriteAllText(_cli.PathOf("x.xyz"), "1\nProperties=species:S:1:pos:R:3\nH 0 0 0\n");
        var (code, _, err) = _cli.Run("sample", _cli.PathOf("x.xyz"), "-o", _cli.PathOf("y.xyz"), "--every", "2", "--count", "3");
        Assert.Equal(2, code);
        Assert.Contains("only one of", err);
    }
}
