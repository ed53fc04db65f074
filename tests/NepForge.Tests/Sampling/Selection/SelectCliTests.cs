using System.Text.Json;
using NepForge.Formats;
using NepForge.Nep;
using NepForge.Sampling.Selection;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Sampling.Selection;

public class SelectCliTests
{
    static string Model => Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt");

    // Rattled copies of the fixture Si structures: base = some, candidates = two files (two "temperatures").
    static (string Base, string A, string B) Files(CliRunner cli)
    {
        var src = new[] { "si_diamond8_rattled", "si_random40_triclinic", "si_prim2_triclinic", "si_cluster10" }
            .Select(n => StructureReader.Read(Fixtures.Path($"nep/structures/{n}.xyz")).First()).ToArray();
        var rnd = new Random(5);
        NepForge.Structures.Frame Rattle(NepForge.Structures.Frame f, double s)
        {
            var c = f.Clone();
            for (int i = 0; i < c.Positions.Length; i++)
                c.Positions[i] += s * (rnd.NextDouble() - 0.5);
            c.Info = new();
            return c;
        }
        string Write(string name, IEnumerable<NepForge.Structures.Frame> frames)
        {
            string p = cli.PathOf(name);
            NepForge.Formats.ExtXyz.ExtXyzWriter.WriteFile(p, frames);
            return p;
        }
        return (Write("train.xyz", src.Take(2).SelectMany(f => Enumerable.Range(0, 3).Select(_ => Rattle(f, 0.02)))),
            Write("md300.xyz", src.SelectMany(f => Enumerable.Range(0, 4).Select(_ => Rattle(f, 0.1)))),
            Write("md900.xyz", src.SelectMany(f => Enumerable.Range(0, 4).Select(_ => Rattle(f, 0.3)))));
    }

    [FixtureFact]
    public void Select_on_real_structures_matches_brute_force_and_uses_the_cache_the_second_time()
    {
        using var cli = new CliRunner();
        var (bas, a, b) = Files(cli);
        string outPath = cli.PathOf("selected.xyz");
        var run = cli.Run("select", a, b, "--model", Model, "--base", bas, "--max", "6", "--min-distance", "0.001", "-o", outPath, "--per-source-max", "4");
        Assert.True(run.Code == 0, run.Err);
        using var rep = JsonDocument.Parse(File.ReadAllText(cli.PathOf("selected.report.json")));
        var root = rep.RootElement;
        Assert.Equal(32, root.GetProperty("candidates_read").GetInt32());
        Assert.Equal(6, root.GetProperty("base_cache_misses").GetInt32());
        Assert.Equal(0, root.GetProperty("base_cache_hits").GetInt32());
        Assert.True(File.Exists(bas + ".nfdesc"));
        Assert.Contains("selected (6)", File.ReadAllText(cli.PathOf("selected.pca.svg")));

        // Brute-force reference on features computed directly.
        var calc = new NepCalculator(NepModelReader.Read(Model), 1);
        double[][] Feats(string p) => StructureReader.Read(p).Select(f => StructureFeatures.Of(calc, f, FeatureReduction.Mean)).ToArray();
        var cand = Feats(a).Concat(Feats(b)).ToArray();
        var source = Enumerable.Range(0, cand.Length).Select(i => i < 16 ? 0 : 1).ToArray();
        var reference = BruteForceFps.Run(cand, Feats(bas), 6, 0.001, source: source, perSourceMax: 4);
        var picks = root.GetProperty("picks").EnumerateArray().ToArray();
        Assert.Equal(reference.Picks.Select(p => (p.Index < 16 ? a : b, p.Index % 16)),
            picks.Select(p => (p.GetProperty("file").GetString()!, p.GetProperty("index").GetInt32())));
        for (int k = 0; k < picks.Length; k++)
            Assert.Equal(reference.Picks[k].Distance, picks[k].GetProperty("distance").GetDouble(), 10);
        var written = StructureReader.Read(outPath).ToList();
        Assert.Equal(picks.Length, written.Count);
        Assert.Equal(picks[0].GetProperty("index").GetInt64(), written[0].Info.SourceIndex);

        var again = cli.Run("select", a, b, "--model", Model, "--base", bas, "--max", "6", "--min-distance", "0.001", "--dry-run", "--per-source-max", "4");
        Assert.True(again.Code == 0, again.Err);
        using var rep2 = JsonDocument.Parse(again.Out);
        Assert.Equal(6, rep2.RootElement.GetProperty("base_cache_hits").GetInt32());
        Assert.Equal(0, rep2.RootElement.GetProperty("base_cache_misses").GetInt32());
        Assert.Equal(picks.Select(p => p.GetProperty("index").GetInt32()),
            rep2.RootElement.GetProperty("picks").EnumerateArray().Select(p => p.GetProperty("index").GetInt32()));
    }

    [FixtureFact]
    public void Exclude_list_and_committee_filter_remove_frames_before_fps()
    {
        using var cli = new CliRunner();
        var (bas, a, _) = Files(cli);
        File.WriteAllText(cli.PathOf("bad.txt"), $"# unhealthy\n{a} 0-9\n");
        var run = cli.Run("select", a, "--model", Model, "--base", bas, "--max", "50", "--min-distance", "0", "--exclude", cli.PathOf("bad.txt"), "--dry-run",
            "--committee", Model, Fixtures.Path("nep/potentials/Si_2022_NEP4_3body.txt"), "--f-lo", "0", "--f-hi", "1e9");
        Assert.True(run.Code == 0, run.Err);
        using var rep = JsonDocument.Parse(run.Out);
        Assert.Equal(10, rep.RootElement.GetProperty("excluded").GetInt32());
        Assert.Equal(6, rep.RootElement.GetProperty("classified").GetProperty("candidate").GetInt32());
        // All six committee candidates (frames 10-15) are picked: the count makes the checks below able to fail.
        var picks = rep.RootElement.GetProperty("picks").EnumerateArray().ToList();
        Assert.Equal(6, picks.Count);
        Assert.Equal([10, 11, 12, 13, 14, 15], picks.Select(p => p.GetProperty("index").GetInt32()).Order());
        Assert.All(picks, p => Assert.True(p.GetProperty("max_devi_f").GetDouble() > 0));
        Assert.False(File.Exists(bas + ".nfdesc")); // dry run writes nothing

        var strict = cli.Run("select", a, "--model", Model, "--max", "50", "--dry-run", "--seed", "3",
            "--committee", Model, Fixtures.Path("nep/potentials/Si_2022_NEP4_3body.txt"), "--f-lo", "1e8", "--f-hi", "1e9");
        using var rep2 = JsonDocument.Parse(strict.Out);
        Assert.Equal(16, rep2.RootElement.GetProperty("classified").GetProperty("accurate").GetInt32());
        Assert.Equal(0, rep2.RootElement.GetProperty("selected").GetInt32());
    }

    [Fact]
    public void Help_lists_select()
    {
        using var cli = new CliRunner();
        var run = cli.Run("--help");
        // A command row, not a word in another verb's description.
        Assert.Matches(new System.Text.RegularExpressions.Regex("^  select ", System.Text.RegularExpressions.RegexOptions.Multiline), run.Out);
    }
}
