using NepForge.Tests.Cli;

namespace NepForge.Tests.Workflow;

/// <summary>
/// Issue 14 (2): the workflow's extract stage reports what <c>nepforge extract</c> reports: a reader error stops the
/// stage (naming file and line), a truncated OUTCAR is a warning that <c>status</c> shows.
/// </summary>
public sealed class WorkflowExtractReportTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static string[] OutcarLines() => File.ReadAllLines(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"));

    string Workflow(string outcar)
    {
        string path = _cli.PathOf("wf.yaml");
        File.WriteAllText(path, $"""
            engine:
              kind: cp2k
            stages:
              extract:
                from: ['{outcar}']
            """);
        return path;
    }

    [FixtureFact]
    public void A_missing_force_row_fails_the_stage_like_the_extract_verb()
    {
        var lines = OutcarLines().ToList();
        int table = lines.FindIndex(lines.FindIndex(l => l.Contains("TOTAL-FORCE", StringComparison.Ordinal)) + 1, l => l.Contains("TOTAL-FORCE", StringComparison.Ordinal));
        lines.RemoveAt(table + 3); // the second step's table loses one atom row
        string outcar = _cli.PathOf("OUTCAR");
        File.WriteAllLines(outcar, lines);

        var verb = _cli.Run("extract", outcar, "-o", _cli.PathOf("verb.xyz"));
        Assert.Equal(1, verb.Code);

        string wf = Workflow(outcar);
        var run = _cli.Run("run", wf);
        Assert.Equal(1, run.Code);
        Assert.Matches(@"OUTCAR:\d+: the force table has 5 atoms", run.Err);
        Assert.DoesNotContain("01.extract: done", run.Err);

        var status = _cli.Run("status", wf);
        Assert.Equal(0, status.Code);
        Assert.Matches(@"01\.extract\s+failed", status.Out);
        Assert.Matches(@"error: .*OUTCAR:\d+: the force table has 5 atoms", status.Out);
    }

    [FixtureFact]
    public void A_truncated_outcar_is_a_warning_in_run_and_status()
    {
        var lines = OutcarLines();
        string outcar = _cli.PathOf("OUTCAR");
        File.WriteAllLines(outcar, lines.Take(lines.Length / 2));

        string wf = Workflow(outcar);
        var run = _cli.Run("run", wf);
        Assert.Equal(0, run.Code);
        Assert.Contains("01.extract: warning:", run.Err);
        Assert.Contains("without VASP's timing footer", run.Err);
        Assert.Contains("1 truncated file(s)", run.Err);

        var status = _cli.Run("status", wf);
        Assert.Matches(@"warning: .*OUTCAR:\d+: file ends at line \d+", status.Out);
        var json = _cli.Run("status", wf, "--json");
        Assert.Contains("\"warnings\":[", json.Out.Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains("timing footer", json.Out);
    }
}
