using System.Text.Json;
using NepForge.Formats.ExtXyz;

namespace NepForge.Tests.Cli;

public sealed class ExtractCommandTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // A folder tree like users have: runs/<temperature>/OUTCAR, copied from the fixtures.
    string Runs()
    {
        string runs = _cli.PathOf("runs");
        foreach (var (name, fixture) in new[] { ("h2o", "dpdata/OUTCAR.h2o.md.10"), ("ch4", "dpdata/OUTCAR.ch4.unconverged"), ("cut", "custodian/potim/OUTCAR") })
        {
            Directory.CreateDirectory(Path.Combine(runs, name));
            File.Copy(Fixtures.Path("vasp/" + fixture), Path.Combine(runs, name, "OUTCAR"));
        }
        return runs;
    }

    [FixtureFact]
    public void Extract_a_tree_of_runs_drops_unconverged_and_labels_frames()
    {
        string runs = Runs();
        var (code, _, err) = _cli.Run("extract", runs, "-o", _cli.PathOf("aimd.xyz"));
        Assert.Equal(0, code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("aimd.xyz")).ToList();
        // 3 (potim, truncated) + 1 converged of 3 (ch4) + 10 (h2o)
        Assert.Equal(14, frames.Count);
        Assert.Contains("dropped 2 electronically unconverged step(s)", err);
        Assert.Contains("truncated", err);
        var ch4 = Assert.Single(frames, f => f.Info.ConfigType == "ch4");
        Assert.Equal(-23.94708651, ch4.Energy);
        Assert.Equal(3, ch4.Info.SourceStep);
        Assert.Equal(Path.Combine("runs", "ch4", "OUTCAR"), ch4.Info.SourceFile);
        Assert.Equal("free_energy", ch4.Info.EnergyKind);
        Assert.Equal("5.4.4.18Apr17-6-g9f103f2a35", ch4.Info.GetExtra("vasp_version"));
        Assert.Equal(10, frames.Count(f => f.Info.ConfigType == "h2o"));
    }

    [FixtureFact]
    public void Every_skip_first_energy_keep_unconverged_and_json()
    {
        string runs = Runs();
        var (code, output, _) = _cli.Run("extract", Path.Combine(runs, "h2o"), "-o", _cli.PathOf("s.xyz"), "--skip-first", "1", "--every", "3",
            "--energy", "sigma0", "--json");
        Assert.Equal(0, code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("s.xyz")).ToList();
        Assert.Equal([2L, 5, 8], frames.Select(f => f.Info.SourceStep!.Value)); // dpdata: begin=1, step=3 → [1, 4, 7] 0-based
        Assert.All(frames, f => Assert.Equal("energy_sigma0", f.Info.EnergyKind));
        using var doc = JsonDocument.Parse(output);
        var file = doc.RootElement.GetProperty("files")[0];
        Assert.Equal(10, file.GetProperty("steps").GetInt32());
        Assert.Equal(3, file.GetProperty("kept").GetInt32());
        Assert.Equal(3, doc.RootElement.GetProperty("frames").GetInt32());

        Assert.Equal(0, _cli.Run("extract", Path.Combine(runs, "ch4", "OUTCAR"), "-o", _cli.PathOf("all.xyz"), "--keep-unconverged", "--config-type", "ch4_md").Code);
        var all = ExtXyzReader.ReadFrames(_cli.PathOf("all.xyz")).ToList();
        Assert.Equal(3, all.Count);
        Assert.Equal(["F", "F", null], all.Select(f => f.Info.GetExtra("scf_converged")));
        Assert.All(all, f => Assert.Equal("ch4_md", f.Info.ConfigType));
    }

    [FixtureFact]
    public void Strict_fails_on_dropped_steps_and_nothing_readable_fails()
    {
        string runs = Runs();
        Assert.Equal(1, _cli.Run("extract", Path.Combine(runs, "ch4"), "-o", _cli.PathOf("x.xyz"), "--strict").Code);
        Assert.Equal(0, _cli.Run("extract", Path.Combine(runs, "h2o"), "-o", _cli.PathOf("y.xyz"), "--strict").Code);
        var (code, _, err) = _cli.Run("extract", Fixtures.Path("vasp/dpdata/outcar.longit/OUTCAR"), "-o", _cli.PathOf("z.xyz"));
        Assert.Equal(1, code);
        Assert.Contains("at most 10", err);
    }

    [FixtureFact]
    public void Vasprun_and_outcar_of_the_same_run_give_the_same_frames()
    {
        Assert.Equal(0, _cli.Run("extract", Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md"), "-o", _cli.PathOf("o.xyz")).Code);
        Assert.Equal(0, _cli.Run("extract", Fixtures.Path("vasp/dpdata/vasprun.h2o.md.xml"), "-o", _cli.PathOf("x.xyz")).Code);
        var o = ExtXyzReader.ReadFrames(_cli.PathOf("o.xyz")).ToList();
        var x = ExtXyzReader.ReadFrames(_cli.PathOf("x.xyz")).ToList();
        Assert.Equal(o.Count, x.Count);
        for (int i = 0; i < o.Count; i++)
        {
            Assert.Equal(o[i].Energy!.Value, x[i].Energy!.Value, 6);
            for (int k = 0; k < o[i].Forces!.Length; k++)
                Assert.True(Math.Abs(o[i].Forces![k] - x[i].Forces![k]) <= 1e-6, $"force {k}: {o[i].Forces![k]} vs {x[i].Forces![k]}"); // OUTCAR prints 6 decimals
            Assert.Equal(o[i].Virial!.Value.M00, x[i].Virial!.Value.M00, 3);
        }
    }

    [FixtureFact]
    public void Convert_and_info_read_vasp_outputs()
    {
        Assert.Equal(0, _cli.Run("convert", Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"), "-o", _cli.PathOf("p") + "/").Code);
        Assert.Equal(10, Directory.GetFiles(_cli.PathOf("p")).Length);
        var (code, output, _) = _cli.Run("info", Fixtures.Path("vasp/pymatgen-core/XDATCAR_5"), Fixtures.Path("vasp/dpdata/vasprun.h2o.md.10.xml"));
        Assert.Equal(0, code);
        Assert.Contains("frames        4", output);
        Assert.Contains("frames        10", output);
    }

    [FixtureFact]
    public void A_folder_search_says_which_lookalike_files_it_skipped()
    {
        string runs = Runs();
        File.Copy(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"), Path.Combine(runs, "h2o", "OUTCAR.unfinished"));
        File.Copy(Fixtures.Path("vasp/dpdata/vasprun.h2o.md.10.xml"), Path.Combine(runs, "h2o", "vasprun.1.xml"));
        var (code, _, err) = _cli.Run("extract", runs, "-o", _cli.PathOf("aimd.xyz"));
        Assert.Equal(0, code);
        Assert.Equal(14, ExtXyzReader.ReadFrames(_cli.PathOf("aimd.xyz")).Count()); // the lookalikes are still not read
        Assert.Contains("extract: skipped 2 file(s) in the folder search not named OUTCAR or vasprun.xml", err, StringComparison.Ordinal);
        Assert.Contains("OUTCAR.unfinished", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_found_writes_nothing_and_exits_1()
    {
        string empty = _cli.PathOf("empty");
        Directory.CreateDirectory(empty);
        var (code, _, err) = _cli.Run("extract", empty, "-o", _cli.PathOf("none.xyz"));
        Assert.Equal(1, code);
        Assert.Contains("no OUTCAR or vasprun.xml found", err, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.PathOf("none.xyz")));
    }
}
