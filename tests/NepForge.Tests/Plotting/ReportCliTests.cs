using System.Text.RegularExpressions;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Plotting;

public sealed class ReportCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [FixtureFact]
    public void TrainingFolderReportHasEverySection()
    {
        string dir = _cli.PathOf("run");
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(Fixtures.Path("gpumd/nep_train")))
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        File.Copy(Fixtures.Path("gpumd/tests_carbon/thermo1.out"), Path.Combine(dir, "thermo.out"));
        var (code, _, err) = _cli.Run("report", dir);
        Assert.True(code == 0, err);
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        foreach (var h in new[] { "<h2>nep.in</h2>", "<h2>Training curves</h2>", "<h2>Parity (train set)</h2>", "<h2>Per-structure errors (training set)</h2>", "<h2>MD run (thermo.out)</h2>", "<h2>Dataset train.xyz</h2>" })
            Assert.Contains(h, html, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(html, "<svg ")); // loss, parity, thermo, histograms (no test set)
        Assert.Contains("25 structures mapped to train.xyz", html, StringComparison.Ordinal);
        Assert.Contains("<th>frame (0-based)</th>", html, StringComparison.Ordinal);
        Assert.Contains("no targets (nep wrote its missing-value marker)", html, StringComparison.Ordinal); // virial_train.out
        Assert.Contains("25 frames, 6250 atoms, species Pb Te; with energy 25, forces 25, virial 0.", html, StringComparison.Ordinal);
        // Clip-path ids are unique across the inline SVGs of one page.
        var ids = Regex.Matches(html, "clipPath id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void ParityUsesVirialWhenItHasTargetsAndSkipsStress()
    {
        string dir = _cli.PathOf("run");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "virial_train.out"), "1 2 3 0.1 0.2 0.3 1.1 2 3 0.1 0.2 0.3\n0.5 0.5 0.5 0 0 0 0.5 0.4 0.5 0 0 0\n");
        File.WriteAllText(Path.Combine(dir, "stress_train.out"), "1 2 3 0.1 0.2 0.3 1.1 2 3 0.1 0.2 0.3\n");
        var fig = NepForge.Plotting.ParityPlot.Create(dir);
        var c = Assert.Single(fig.Charts);
        Assert.Equal("Virial (train)", c.Title);
        Assert.Equal("N = 12", c.Notes[2]);
        Assert.Equal("RMSE = 40.82 meV/atom", c.Notes[0]); // √(0.01 + 0.01) / 12) eV/atom
    }

    [Fact]
    public void DatasetFolderReportShowsItsDatasets()
    {
        var f = new NepForge.Structures.Frame([NepForge.Structures.Elements.Get("Si")], [0, 0, 0], NepForge.Structures.Lattice.Orthorhombic(3, 3, 3)) { Energy = -5, Forces = [0.1, 0, 0] };
        NepForge.Formats.ExtXyz.ExtXyzWriter.WriteFile(_cli.PathOf("a.xyz"), [f, f.Clone()]);
        var (code, _, err) = _cli.Run("report", _cli.Dir, "-o", _cli.PathOf("r.html"));
        Assert.True(code == 0, err);
        string html = File.ReadAllText(_cli.PathOf("r.html"));
        Assert.Contains("<h2>Dataset a.xyz</h2>", html, StringComparison.Ordinal);
        Assert.Contains("2 frames, 2 atoms, species Si; with energy 2, forces 2, virial 0.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Training curves", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFolderHasNothingToReport()
    {
        var (code, _, err) = _cli.Run("report", _cli.Dir);
        Assert.Equal(1, code);
        Assert.Contains("has nothing to report", err, StringComparison.Ordinal);
    }
}
