using System.Text;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Workflow;

namespace NepForge.Tests.Workflow;

/// <summary>Issue 14 (8): the smaller items.</summary>
public sealed class SmallHardeningTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-small").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [FixtureTheory]
    [InlineData("200")]
    [InlineData("1e6")]
    public void Nep_txt_cutoffs_above_gpumds_limit_are_errors(string cutoff)
    {
        var lines = File.ReadAllLines(Fixtures.Path("nep/potentials/Si_2022_NEP3_5body.txt"));
        int i = Array.FindIndex(lines, l => l.StartsWith("cutoff", StringComparison.Ordinal));
        var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        parts[1] = cutoff;
        lines[i] = string.Join(' ', parts);
        var e = Assert.Throws<ParseException>(() => NepModelReader.Read(new StringReader(string.Join('\n', lines)), "nep.txt"));
        Assert.Equal(i + 1, e.Line);
        Assert.Contains("above GPUMD's limit of 100 Å", e.Problem);
    }

    [Fact]
    public void Negative_skip_first_is_refused_like_negative_every()
    {
        File.WriteAllText(Path.Combine(_dir, "start.xyz"), "1\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n");
        string wf = Path.Combine(_dir, "wf.yaml");
        File.WriteAllText(wf, "engine:\n  kind: cp2k\nstages:\n  extract:\n    from: [start.xyz]\n    skip_first: -3\n");
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(wf));
        Assert.Contains("wf.yaml:6", e.Message);
        Assert.Contains("skip_first", e.Message);
    }

    [Fact]
    public void A_utf8_bom_is_accepted_by_the_line_readers_as_elsewhere()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var xyz = bom.Concat("1\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n"u8.ToArray()).ToArray();
        using (var r = new ExtXyzReader(new MemoryStream(xyz), "bom.xyz"))
            Assert.Single(r.ReadAll());
        var loss = bom.Concat(Encoding.ASCII.GetBytes("100 1 0.1 0.1 0.5 0.2 0.3 0.4 0.5 0.6\n200 1 0.1 0.1 0.4 0.2 0.3 0.4 0.5 0.6\n")).ToArray();
        var table = NumericTable.Read(new MemoryStream(loss), "loss.out");
        Assert.Equal(2, LossFile.From(table).Rows);
    }

    [Fact]
    public void Info_json_with_an_infinite_force_magnitude_is_valid_json()
    {
        string input = Path.Combine(_dir, "huge.xyz");
        // A finite force of 1e200 eV/Å has an infinite magnitude.
        File.WriteAllText(input, "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:force:R:3 energy=-1 pbc=\"T T T\"\nSi 0 0 0 1e200 1e200 0\n");
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NepForge.Cli.NepForgeCommand.Run(["info", input, "--json"], o, e);
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(o.ToString());
        // JSON has no ∞: the shared report writer (JsonReport.Finite) writes the bound as null, as every other report does.
        var range = doc.RootElement[0].GetProperty("force_magnitude_ev_per_a");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, range[0].ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, range[1].ValueKind);
    }
}
