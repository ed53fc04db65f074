using System.Text.Json;
using NepForge.Formats.Vasp;

namespace NepForge.Tests.Cli;

/// <summary>
/// Issue 16: info, validate and extract write their --json through the one JSON report writer, so a path with
/// quotes, backslashes and non-ASCII letters comes back unchanged through System.Text.Json.
/// </summary>
public sealed class JsonReportCliTests : IDisposable
{
    const string OddName = "Pb\"Te\\Å 晶体 'x'.xyz";
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string WriteOddFile()
    {
        string path = _cli.PathOf(OddName);
        File.WriteAllText(path, "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:force:R:3 energy=-8 pbc=\"T T T\"\n"
            + "Pb 0 0 0 0.1 0 0\nTe 2.5 2.5 2.5 -0.1 0 0\n");
        return path;
    }

    [Fact]
    public void Info_json_round_trips_an_odd_path()
    {
        string path = WriteOddFile();
        var (code, output, err) = _cli.Run("info", path, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var s = doc.RootElement[0];
        Assert.Equal(path, s.GetProperty("file").GetString());
        Assert.Equal(1, s.GetProperty("frames").GetInt32());
        Assert.Equal(-4.0, s.GetProperty("energy_per_atom_ev")[0].GetDouble());
        Assert.Equal(1, s.GetProperty("species").GetProperty("Te").GetInt32());
        Assert.Contains("晶体", output); // not \u-escaped: the writer keeps non-ASCII readable
    }

    [Fact]
    public void Validate_json_round_trips_an_odd_path()
    {
        string path = WriteOddFile();
        var (code, output, err) = _cli.Run("validate", path, "--json", "--types", "Pb", "Te");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(path, doc.RootElement.GetProperty("file").GetString());
        Assert.True(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(2, doc.RootElement.GetProperty("atoms").GetInt32());
    }

    [Fact]
    public void Extract_json_round_trips_odd_paths_and_null_fields()
    {
        var f = new VaspFileSummary { Path = "/runs/a\"b\\c/Å/OUTCAR", Format = "outcar", Steps = 4, Kept = 3, Unconverged = 1, Error = "bad \"line\"\n" };
        string json = VaspFileSummary.ToJson("out \"x\".xyz", 3, [f]);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("out \"x\".xyz", doc.RootElement.GetProperty("output").GetString());
        var file = doc.RootElement.GetProperty("files")[0];
        Assert.Equal(f.Path, file.GetProperty("path").GetString());
        Assert.Equal(f.Error, file.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, file.GetProperty("vasp_version").ValueKind);
        Assert.Equal(1, file.GetProperty("unconverged").GetInt32());
        Assert.Equal(0, file.GetProperty("warnings").GetArrayLength());
    }
}
