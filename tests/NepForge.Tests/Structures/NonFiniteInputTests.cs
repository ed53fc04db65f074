using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Structures;

/// <summary>
/// Issue 14 (3): NaN, Infinity and 1e400 in positions, cells, energies, forces or virials are errors naming file and
/// line in every reader (or, with --skip-bad, skipped frames with the reason), never labels or coordinates.
/// </summary>
public sealed class NonFiniteInputTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    const string Si2 = "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:force:R:3 energy=-10.5 pbc=\"T T T\"\n" +
                       "Si 0 0 0 0.1 0 0\nSi 1.3 1.3 1.3 -0.1 0 0\n";

    [Fact]
    public void Frame_checks_name_the_first_non_finite_value()
    {
        var f = ExtXyzReader.ReadString(Si2)[0];
        Assert.Null(FrameChecks.NonFinite(f));
        f.Positions[4] = double.NaN;
        Assert.Equal("the position of atom 2 (Si) is not finite (NaN)", FrameChecks.NonFinite(f, out int atom));
        Assert.Equal(1, atom);
        f.Positions[4] = 0;
        f.Virial = new Mat3(1, 0, 0, 0, double.PositiveInfinity, 0, 0, 0, 1);
        Assert.Contains("virial", FrameChecks.NonFinite(f, out atom));
        Assert.Equal(-1, atom);
    }

    [Theory]
    [InlineData("energy=-10.5", "energy=NaN", 2, "the energy is not finite (NaN)")]
    [InlineData("energy=-10.5", "energy=1e400", 2, "the energy is not finite (Infinity")]
    [InlineData("Si 1.3 1.3 1.3", "Si 1.3 nan 1.3", 4, "the position of atom 2 (Si) is not finite (NaN)")]
    [InlineData("Si 0 0 0 0.1", "Si 0 0 0 -Infinity", 3, "the force on atom 1 (Si) is not finite (-Infinity")]
    [InlineData("energy=-10.5", "energy=-10.5 virial=\"1 0 0 0 1 0 0 0 NaN\"", 2, "the virial has a non-finite value (NaN)")]
    public void Extxyz_non_finite_values_are_errors_with_the_line(string from, string to, int line, string problem)
    {
        string text = Si2 + Si2.Replace(from, to, StringComparison.Ordinal);
        var e = Assert.Throws<ParseException>(() => ExtXyzReader.ReadString(text, "bad.xyz"));
        Assert.Equal(line + 4, e.Line);
        Assert.Equal(2, e.Frame);
        Assert.StartsWith(problem, e.Problem);

        // --skip-bad skips that frame with the reason and keeps the others.
        var diagnostics = new List<ParseDiagnostic>();
        var kept = ExtXyzReader.ReadString(text + Si2, "bad.xyz", new ExtXyzReadOptions { SkipBad = true, OnDiagnostic = diagnostics.Add });
        Assert.Equal(2, kept.Count);
        Assert.Contains(diagnostics, d => d.Message.StartsWith("skipped: " + problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Convert_and_sample_refuse_nan_coordinates_and_skip_bad_skips_them()
    {
        string input = _cli.PathOf("in.xyz");
        File.WriteAllText(input, Si2 + Si2.Replace("Si 1.3 1.3 1.3", "Si 1.3 NaN 1.3", StringComparison.Ordinal));
        var convert = _cli.Run("convert", input, "-o", _cli.PathOf("POSCAR"));
        Assert.Equal(1, convert.Code);
        Assert.Contains("in.xyz:8 (frame 2): the position of atom 2 (Si) is not finite (NaN)", convert.Err);
        Assert.False(File.Exists(_cli.PathOf("POSCAR")));

        var sample = _cli.Run("sample", input, "-o", _cli.PathOf("s.xyz"), "--every", "1", "--skip-bad");
        Assert.Equal(0, sample.Code);
        Assert.Single(ExtXyzReader.ReadFrames(_cli.PathOf("s.xyz")));
        Assert.Contains("skipped: the position of atom 2", sample.Err);
    }

    [Theory]
    [InlineData("   0.0000000000   0.0000000000   0.0000000000", "   0.0000000000   NaN   0.0000000000", 9)]
    [InlineData("   0.0000000000   0.0000000000   0.0000000000", "   0.0000000000   1e400   0.0000000000", 9)]
    [InlineData("     5.43     0.00     0.00", "     5.43     Infinity     0.00", 3)]
    public void Poscar_non_finite_numbers_are_errors(string from, string to, int line)
    {
        string poscar = "Si\n1.0\n     5.43     0.00     0.00\n     0.00     5.43     0.00\n     0.00     0.00     5.43\nSi\n2\nDirect\n" +
                        "   0.0000000000   0.0000000000   0.0000000000\n   0.25 0.25 0.25\n";
        string path = _cli.PathOf("POSCAR");
        File.WriteAllText(path, poscar.Replace(from, to, StringComparison.Ordinal));
        var e = Assert.Throws<ParseException>(() => NepForge.Formats.Vasp.PoscarReader.Read(path));
        Assert.Equal(line, e.Line);
        Assert.Contains("expected 3 numbers", e.Problem);
    }

    static string[] Outcar() => File.ReadAllLines(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"));

    [FixtureTheory]
    [InlineData("NaN", "the energy is not finite (NaN)")]
    [InlineData("1e400", "the energy is not finite (Infinity")]
    public void Outcar_nan_energy_is_an_error_and_skip_bad_skips_the_step(string value, string problem)
    {
        var lines = Outcar();
        int toten = Array.FindIndex(lines, 1700, l => l.Contains("free  energy   TOTEN", StringComparison.Ordinal)); // step 2
        lines[toten] = "  free  energy   TOTEN  =       " + value + " eV";
        string path = _cli.PathOf("OUTCAR");
        File.WriteAllLines(path, lines);

        var (code, _, err) = _cli.Run("extract", path, "-o", _cli.PathOf("out.xyz"));
        Assert.NotEqual(0, code);
        Assert.Matches(@"OUTCAR:\d+: ionic step 2: " + System.Text.RegularExpressions.Regex.Escape(problem), err);

        (code, _, err) = _cli.Run("extract", path, "-o", _cli.PathOf("skip.xyz"), "--skip-bad");
        Assert.Equal(0, code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("skip.xyz")).ToList();
        Assert.Equal(9, frames.Count);
        Assert.All(frames, f => Assert.True(double.IsFinite(f.Energy!.Value)));
        Assert.Contains("ionic step 2 skipped: " + problem, err);
    }

    [FixtureFact]
    public void Outcar_overflowing_force_is_an_error()
    {
        var lines = Outcar();
        int table = Array.FindIndex(lines, l => l.Contains("TOTAL-FORCE", StringComparison.Ordinal));
        lines[table + 2] = "      4.34854      4.20903      5.20000        -0.141986     1e400      0.356515";
        string path = _cli.PathOf("OUTCAR");
        File.WriteAllLines(path, lines);
        var (code, _, err) = _cli.Run("extract", path, "-o", _cli.PathOf("out.xyz"));
        Assert.NotEqual(0, code);
        Assert.Contains("ionic step 1: the force on atom 1 (", err);
    }

    [FixtureFact]
    public void Nep_eval_refuses_a_nan_coordinate()
    {
        string input = _cli.PathOf("in.xyz");
        File.WriteAllText(input, Si2.Replace("Si 1.3 1.3 1.3", "Si 1.3 NaN 1.3", StringComparison.Ordinal));
        var (code, _, err) = _cli.Run("nep", "eval", "--model", Fixtures.Path("nep/potentials/Si_2022_NEP3_5body.txt"), input, "-o", _cli.PathOf("out.xyz"));
        Assert.Equal(1, code);
        Assert.Contains("in.xyz:4 (frame 1): the position of atom 2 (Si) is not finite (NaN)", err);
        Assert.False(File.Exists(_cli.PathOf("out.xyz")));
    }
}
