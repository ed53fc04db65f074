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
        Assert.Contains("no targets (nep wrote its missing-value marker)", html, StringComparison.Ordinal); // virial_train.out
        Assert.Contains("25 frames, 6250 atoms, species Pb Te; with energy 25, forces 25, virial 0.", html, StringComparison.Ordinal);
        // Clip-path ids are unique across the inline SVGs of one page.
        var ids = Regex.Matches(html, "clipPath id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void EmptyFolderHasNothingToReport()
    {
        var (code, _, err) = _cli.Run("report", _cli.Dir);
        Assert.Equal(1, code);
        Assert.Contains("has nothing to report", err, StringComparison.Ordinal);
    }
}
