using NepForge.Dft.Cp2k;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Dft.Cp2k;

/// <summary>
/// Issue 13, point 6: CP2K presets (--quality fast|standard|accurate), k-points from --kspacing, and a warning for
/// small cells run at Γ only.
/// </summary>
public sealed class Cp2kQualityTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Presets_set_basis_cutoff_and_tolerances()
    {
        var fast = Cp2kSettings.Preset("fast");
        Assert.Equal(("SZV-MOLOPT-SR-GTH", 250.0, 1e-8, 1e-6), (fast.DefaultBasis, fast.Cutoff, fast.EpsDefault, fast.EpsScf));
        var standard = Cp2kSettings.Preset("standard");
        Assert.Equal(("DZVP-MOLOPT-SR-GTH", 400.0, 1e-12, 1e-7), (standard.DefaultBasis, standard.Cutoff, standard.EpsDefault, standard.EpsScf));
        var accurate = Cp2kSettings.Preset("accurate");
        Assert.Equal(("DZVP-MOLOPT-SR-GTH", 600.0, 1e-14, 1e-9), (accurate.DefaultBasis, accurate.Cutoff, accurate.EpsDefault, accurate.EpsScf));
        Assert.Throws<ArgumentException>(() => Cp2kSettings.Preset("ultra"));

        string text = Cp2kInputWriter.Render(Cp2kInputWriterTests.Si8(), accurate);
        Assert.Contains("BASIS_SET DZVP-MOLOPT-SR-GTH", text, StringComparison.Ordinal);
        Assert.Contains("EPS_DEFAULT 1E-14", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("EPS_SCF 1E-09", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("&KPOINTS", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Kspacing_gives_a_monkhorst_pack_mesh_and_gamma_only_small_cells_are_warned_about()
    {
        var si8 = Cp2kInputWriterTests.Si8(); // 5.431 Å cube: |b| = 2π/5.431 = 1.157 Å⁻¹
        var settings = Cp2kSettings.Preset("standard") with { KSpacing = 0.5 };
        Assert.Equal((3, 3, 3), Cp2kInputWriter.KPointMesh(si8.Lattice!, settings));
        Assert.Contains("SCHEME MONKHORST-PACK 3 3 3", Cp2kInputWriter.Render(si8, settings), StringComparison.Ordinal);
        Assert.Null(Cp2kInputWriter.GammaOnlyWarning(si8, settings));
        // A spacing coarser than the cell's reciprocal vectors is Γ only again.
        Assert.Null(Cp2kInputWriter.KPointMesh(si8.Lattice!, settings with { KSpacing = 2.0 }));

        string? warning = Cp2kInputWriter.GammaOnlyWarning(si8, Cp2kSettings.Preset("standard"));
        Assert.NotNull(warning);
        Assert.Contains("5.43 Å wide and runs at Γ only", warning, StringComparison.Ordinal);
        // A 12 Å box is wide enough for Γ.
        var box = new Frame([Elements.Get("H"), Elements.Get("H")], [0, 0, 0, 0.74, 0, 0], Lattice.Orthorhombic(12, 12, 12));
        Assert.Null(Cp2kInputWriter.GammaOnlyWarning(box, Cp2kSettings.Preset("standard")));
    }

    [Fact]
    public void Cli_quality_and_kspacing_reach_the_input_and_the_warnings_are_printed()
    {
        string input = _cli.PathOf("si8.xyz");
        ExtXyzWriter.WriteFile(input, [Cp2kInputWriterTests.Si8()]);
        var (code, _, err) = _cli.Run("dft", "prepare", input, "-o", _cli.PathOf("jobs"), "--engine", "cp2k", "--quality", "accurate", "--kspacing", "0.5");
        Assert.True(code == 0, err);
        string text = File.ReadAllText(Path.Combine(_cli.PathOf("jobs"), "000001", "in.inp"));
        Assert.Contains("quality accurate", text, StringComparison.Ordinal);
        Assert.Contains("CUTOFF 600", text, StringComparison.Ordinal);
        Assert.Contains("SCHEME MONKHORST-PACK 3 3 3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Γ only", err, StringComparison.Ordinal);

        (code, _, err) = _cli.Run("dft", "prepare", input, "-o", _cli.PathOf("jobs2"), "--engine", "cp2k");
        Assert.Equal(0, code);
        Assert.Contains("warning: Si8: the cell is 5.43 Å wide and runs at Γ only", err, StringComparison.Ordinal);
        Assert.Contains("--quality fast", err, StringComparison.Ordinal);

        (code, _, err) = _cli.Run("dft", "prepare", input, "-o", _cli.PathOf("jobs3"), "--engine", "cp2k", "--quality", "best");
        Assert.Equal(2, code);
        Assert.Contains("not a CP2K quality", err, StringComparison.Ordinal);
    }
}
