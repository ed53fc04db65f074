using System.Text.Json;
using NepForge.Dft.Vasp;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Cli;

/// <summary><c>dft prepare --aimd -T START:END</c>: VASP's own TEBEG/TEEND ramp, CP2K's chain, and what is refused.</summary>
public sealed class DftAimdRampCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Si2()
    {
        var f = new Frame([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 1.3575, 1.3575, 1.3575],
            new Lattice(new Vec3(0, 2.715, 2.715), new Vec3(2.715, 0, 2.715), new Vec3(2.715, 2.715, 0)));
        string path = _cli.PathOf("si2.xyz");
        ExtXyzWriter.WriteFile(path, [f]);
        return path;
    }

    static List<string> Overrides(string job)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(job, "job.json")));
        return [.. doc.RootElement.GetProperty("input_overrides").EnumerateArray().Select(e => e.GetString()!)];
    }

    [Fact]
    public void Vasp_ramp_is_tebeg_teend_and_replacing_the_template_is_recorded()
    {
        string incar = _cli.PathOf("INCAR.aimd");
        File.WriteAllText(incar, "ENCUT = 400\nIBRION = 0\nNSW = 3000\nTEBEG = 800\nTEEND = 800\n");
        var (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("jobs"), "--engine", "vasp", "--incar", incar, "--aimd", "-T", "10:300");
        Assert.True(code == 0, err);
        string job = Path.Combine(_cli.PathOf("jobs"), "000001");
        var written = Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Equal(("10", "300", "3000"), (written["TEBEG"], written["TEEND"], written["NSW"]));
        Assert.Equal(["TEBEG = 800 → 10 (--temperature)", "TEEND = 800 → 300 (--temperature)"], Overrides(job));

        // --end-temperature is the older spelling of the same end, and is recorded as such.
        (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("jobs2"), "--engine", "vasp", "--incar", incar, "--aimd", "-T", "10", "--end-temperature", "300");
        Assert.True(code == 0, err);
        job = Path.Combine(_cli.PathOf("jobs2"), "000001");
        written = Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Equal(("10", "300"), (written["TEBEG"], written["TEEND"]));
        Assert.Equal(["TEBEG = 800 → 10 (--temperature)", "TEEND = 800 → 300 (--end-temperature)"], Overrides(job));
    }

    [Fact]
    public void Two_end_temperatures_a_vasp_hold_and_a_bad_range_are_usage_errors()
    {
        var (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("a"), "--engine", "vasp", "--aimd", "-T", "10:300", "--end-temperature", "600");
        Assert.Equal(2, code);
        Assert.Contains("two end temperatures", err, StringComparison.Ordinal);
        (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("b"), "--engine", "vasp", "--aimd", "-T", "10:300", "--hold-steps", "100");
        Assert.Equal(2, code);
        Assert.Contains("VASP ramps TEBEG → TEEND over NSW in one run", err, StringComparison.Ordinal);
        (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("c"), "--engine", "cp2k", "--aimd", "-T", "10:300:600");
        Assert.Equal(2, code);
        Assert.Contains("START:END", err, StringComparison.Ordinal);
        (code, _, _) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("d"), "--engine", "cp2k", "-T", "300", "--hold-steps", "10");
        Assert.Equal(2, code);
        Assert.False(Directory.Exists(_cli.PathOf("d")));
    }

    [Fact]
    public void Cp2k_ramp_writes_the_chain_and_a_constant_temperature_stays_one_input()
    {
        var (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("ramp"), "--engine", "cp2k", "--aimd", "-T", "10:300", "--steps", "120", "--hold-steps", "30", "--seed", "3");
        Assert.True(code == 0, err);
        string job = Path.Combine(_cli.PathOf("ramp"), "000001");
        Assert.Equal(["in.inp", "job.json", "md-00.inp", "md-01.inp", "md-02.inp", "md-hold.inp", "structure.xyz"],
            Directory.GetFiles(job).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("  PROGRAM_NAME FARMING", File.ReadAllLines(Path.Combine(job, "in.inp")));
        Assert.Equal("Prepared", NepForge.Dft.DftJobs.Describe(job).State.ToString());
        // The old --end-temperature spelling gives the same chain for CP2K (it was VASP-only before).
        (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("alias"), "--engine", "cp2k", "--aimd", "-T", "10", "--end-temperature", "300", "--steps", "120", "--hold-steps", "30", "--seed", "3");
        Assert.True(code == 0, err);
        foreach (string name in new[] { "in.inp", "md-00.inp", "md-01.inp", "md-hold.inp" })
            Assert.Equal(File.ReadAllText(Path.Combine(job, name)), File.ReadAllText(Path.Combine(_cli.PathOf("alias"), "000001", name)));

        (code, _, err) = _cli.Run("dft", "prepare", Si2(), "-o", _cli.PathOf("plain"), "--engine", "cp2k", "--aimd", "-T", "300", "--steps", "120", "--seed", "3");
        Assert.True(code == 0, err);
        string plain = Path.Combine(_cli.PathOf("plain"), "000001");
        Assert.Equal(["in.inp", "job.json", "structure.xyz"], Directory.GetFiles(plain).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var lines = File.ReadAllLines(Path.Combine(plain, "in.inp"));
        Assert.Contains("  RUN_TYPE MD", lines);
        Assert.Contains("    TEMPERATURE 300", lines);
        Assert.Contains("    STEPS 120", lines);
        Assert.DoesNotContain(lines, l => l.Contains("EXT_RESTART", StringComparison.Ordinal) || l.Contains("FARMING", StringComparison.Ordinal) || l.Contains("BACKUP_COPIES", StringComparison.Ordinal));
    }
}
