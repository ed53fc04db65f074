using System.Text.Json;
using NepForge.Dft.Vasp;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Cli;

/// <summary>
/// Issue 13, points 1 and 2: the user's INCAR is sacred. A KSPACING in it means no KPOINTS file; an AIMD template's
/// NSW, TEBEG/TEEND and SMASS stay unless the flag is given on the command line; each replacement is recorded.
/// </summary>
public sealed class DftPrepareVaspCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // Two-atom fcc Cu primitive cell (a = 3.61 Å): Γ only would give wrong reference labels.
    string Cu2()
    {
        var f = new Frame([Elements.Get("Cu"), Elements.Get("Cu")], [0, 0, 0, 1.2, 1.2, 0.9],
            new Lattice(new Vec3(0, 1.805, 1.805), new Vec3(1.805, 0, 1.805), new Vec3(1.805, 1.805, 0)));
        string path = _cli.PathOf("cu.xyz");
        ExtXyzWriter.WriteFile(path, [f]);
        return path;
    }

    static List<string> Overrides(string job)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(job, "job.json")));
        return [.. doc.RootElement.GetProperty("input_overrides").EnumerateArray().Select(e => e.GetString()!)];
    }

    [Fact]
    public void Kspacing_in_the_incar_means_no_kpoints_file_and_the_value_is_kept()
    {
        string incar = _cli.PathOf("INCAR");
        File.WriteAllText(incar, "ENCUT = 500\nKSPACING = 0.2\nKGAMMA = .TRUE.\nISMEAR = 1; SIGMA = 0.2\n");
        var (code, _, err) = _cli.Run("dft", "prepare", Cu2(), "-o", _cli.PathOf("jobs"), "--engine", "vasp", "--incar", incar);
        Assert.True(code == 0, err);
        string job = Path.Combine(_cli.PathOf("jobs"), "000001");
        var written = Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Equal("0.2", written["KSPACING"]);
        Assert.Equal(".TRUE.", written["KGAMMA"]);
        Assert.Equal("500", written["ENCUT"]);
        Assert.False(File.Exists(Path.Combine(job, "KPOINTS")));
        Assert.Empty(Overrides(job));
        Assert.DoesNotContain("replaced", err, StringComparison.Ordinal);

        // KSPACING given with --set and no template: the same.
        (code, _, err) = _cli.Run("dft", "prepare", Cu2(), "-o", _cli.PathOf("jobs2"), "--engine", "vasp", "--set", "KSPACING=0.25", "ENCUT=450");
        Assert.True(code == 0, err);
        job = Path.Combine(_cli.PathOf("jobs2"), "000001");
        Assert.Equal("0.25", Incar.Load(Path.Combine(job, "INCAR"))["KSPACING"]);
        Assert.False(File.Exists(Path.Combine(job, "KPOINTS")));

        // --kspacing given explicitly: the matching KPOINTS, the template's KSPACING removed and the removal recorded.
        (code, _, err) = _cli.Run("dft", "prepare", Cu2(), "-o", _cli.PathOf("jobs3"), "--engine", "vasp", "--incar", incar, "--kspacing", "0.2");
        Assert.True(code == 0, err);
        job = Path.Combine(_cli.PathOf("jobs3"), "000001");
        written = Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Null(written["KSPACING"]);
        // fcc primitive cell, a = 3.61 Å: |b_i| = 2π·√3/a = 3.0146 Å⁻¹, and VASP's rule N = max(1, ceil(|b|/0.2)) = 16.
        var mesh = VaspKPoints.FromSpacing(0.2).MeshFor(new Lattice(new Vec3(0, 1.805, 1.805), new Vec3(1.805, 0, 1.805), new Vec3(1.805, 1.805, 0)));
        Assert.Equal((16, 16, 16), mesh);
        Assert.Equal("16 16 16", File.ReadAllLines(Path.Combine(job, "KPOINTS"))[3].Trim());
        Assert.Equal(["KSPACING = 0.2 removed (--kspacing)", "KGAMMA = .TRUE. removed (--kspacing)"], Overrides(job));
        Assert.Contains("template value replaced: KSPACING = 0.2 removed (--kspacing) in 1 folder(s)", err, StringComparison.Ordinal);

        // Neither: Γ only, as before.
        (code, _, _) = _cli.Run("dft", "prepare", Cu2(), "-o", _cli.PathOf("jobs4"), "--engine", "vasp", "--set", "ENCUT=450");
        Assert.Equal(0, code);
        Assert.Equal("1 1 1", File.ReadAllLines(Path.Combine(_cli.PathOf("jobs4"), "000001", "KPOINTS"))[3].Trim());
    }

    [Fact]
    public void Aimd_template_values_are_kept_unless_a_flag_is_given_and_each_replacement_is_recorded()
    {
        string incar = _cli.PathOf("INCAR.aimd");
        File.WriteAllText(incar, "ENCUT = 400\nIBRION = 0\nNSW = 3000\nPOTIM = 2\nTEBEG = 800\nTEEND = 800\nMDALGO = 2\nSMASS = 0\nKSPACING = 0.3\n");
        var (code, _, err) = _cli.Run("dft", "prepare", Cu2(), "-o", _cli.PathOf("jobs"), "--engine", "vasp", "--incar", incar, "--aimd");
        Assert.True(code == 0, err);
        string job = Path.Combine(_cli.PathOf("jobs"), "000001");
        var written = Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Equal("3000", written["NSW"]);
        Assert.Equal("800", written["TEBEG"]);
        Assert.Equal("800", written["TEEND"]);
        Assert.Equal("0", written["SMASS"]);
        Assert.Equal("2", written["POTIM"]);
        Assert.Equal("0", written["IBRION"]);
        // Missing keys are filled: ISYM and ISIF (fixed cell) were not in the template.
        Assert.Equal("0", written["ISYM"]);
        Assert.Equal("2", written["ISIF"]);
        Assert.False(File.Exists(Path.Combine(job, "KPOINTS")));
        Assert.Empty(Overrides(job));

        (code, _, err) = _cli.Run("dft", "prepare", Cu2(), "-o", _cli.PathOf("jobs2"), "--engine", "vasp", "--incar", incar, "--aimd", "--steps", "500", "--temperature", "600");
        Assert.True(code == 0, err);
        job = Path.Combine(_cli.PathOf("jobs2"), "000001");
        written = Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Equal("500", written["NSW"]);
        Assert.Equal("600", written["TEBEG"]);
        Assert.Equal("600", written["TEEND"]);
        Assert.Equal("0", written["SMASS"]);
        Assert.Equal("2", written["POTIM"]);
        Assert.Equal(["NSW = 3000 → 500 (--steps)", "TEBEG = 800 → 600 (--temperature)", "TEEND = 800 → 600 (--temperature)"], Overrides(job));
        Assert.Contains("template value replaced: NSW = 3000 → 500 (--steps) in 1 folder(s)", err, StringComparison.Ordinal);
    }
}
