using NepForge.Formats.Gpumd;

namespace NepForge.Tests.Cli;

/// <summary>Issue 16's small findings: init's companion files, thermo time from run.in, report on thermo1.out.</summary>
public sealed class CliRoughEdgesTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Init_vasp_slurm_writes_the_files_its_workflow_names()
    {
        string wf = _cli.PathOf("workflow.yaml");
        var (code, _, err) = _cli.Run("init", "--case", "vasp-slurm", "-o", wf);
        Assert.Equal(0, code);
        string text = File.ReadAllText(wf);
        foreach (var name in new[] { "INCAR.sp", "INCAR.aimd", "slurm-header.sh" })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
            Assert.True(File.Exists(_cli.PathOf(name)), name);
        }
        Assert.Contains("start.vasp", err, StringComparison.Ordinal); // what is still the user's to provide is said
        Assert.Contains("EDIFF = 1E-6", File.ReadAllText(_cli.PathOf("INCAR.sp")), StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Thermo_rows_are_timed_by_the_run_in_beside_them()
    {
        // run.in: time_step 2; two runs of 10000 steps without dump_thermo, then dump_thermo 100, run 100000.
        string runIn = Fixtures.Path("gpumd/old_08_Silicon_melt/run.in");
        var t = ThermoTimes.FromRunIn(runIn, 1000);
        Assert.NotNull(t);
        Assert.Equal(40.2, t[0], 9);   // (20000 + 100) steps × 2 fs
        Assert.Equal(240.0, t[^1], 9); // (20000 + 100000) steps × 2 fs
        Assert.Null(ThermoTimes.FromRunIn(runIn, 999)); // rows run.in does not account for: no guessed axis

        string svg = _cli.PathOf("thermo.svg");
        var (code, _, err) = _cli.Run("plot", "thermo", Fixtures.Path("gpumd/old_08_Silicon_melt/thermo.out"), "-o", svg);
        Assert.Equal(0, code);
        Assert.Contains("time axis from", err, StringComparison.Ordinal);
        string text = File.ReadAllText(svg);
        Assert.Contains("time (ps)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("thermo.out row", text, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Report_takes_thermo1_out_and_its_folder()
    {
        string run = _cli.PathOf("run");
        Directory.CreateDirectory(run);
        File.Copy(Fixtures.Path("gpumd/old_08_Silicon_melt/thermo.out"), Path.Combine(run, "thermo1.out"));
        File.Copy(Fixtures.Path("gpumd/old_08_Silicon_melt/run.in"), Path.Combine(run, "run.in"));
        var (code, _, err) = _cli.Run("report", Path.Combine(run, "thermo1.out"), "-o", _cli.PathOf("r.html"));
        Assert.Equal(0, code);
        string html = File.ReadAllText(_cli.PathOf("r.html"));
        Assert.Contains("<h2>MD run (thermo1.out)</h2>", html, StringComparison.Ordinal);
        Assert.Contains("time (ps)", html, StringComparison.Ordinal);
        Assert.Contains("report: thermo1.out", err, StringComparison.Ordinal);
    }
}
