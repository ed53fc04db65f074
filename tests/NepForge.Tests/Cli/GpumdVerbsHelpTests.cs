namespace NepForge.Tests.Cli;

/// <summary>The GPUMD/NEP-training verbs are listed by --help and each has its own help.</summary>
public sealed class GpumdVerbsHelpTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("nep", "init")]
    [InlineData("nep", "train")]
    [InlineData("nep", "errors")]
    [InlineData("gpumd", "prepare")]
    [InlineData("trajectory", "clean")]
    [InlineData("plot", "loss")]
    [InlineData("plot", "parity")]
    [InlineData("plot", "thermo")]
    [InlineData("plot", "rdf")]
    [InlineData("plot", "hist")]
    public void SubcommandHasHelp(string verb, string sub)
    {
        var (code, output, _) = _cli.Run(verb, sub, "--help");
        Assert.Equal(0, code);
        Assert.Contains($" {verb} {sub} ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RootHelpListsTheVerbs()
    {
        var (code, output, _) = _cli.Run("--help");
        Assert.Equal(0, code);
        foreach (var verb in new[] { "nep", "gpumd", "trajectory", "plot", "report" })
            Assert.Matches($@"\n\s+{verb}\s", output);
        var (rc, report, _) = _cli.Run("report", "--help");
        Assert.Equal(0, rc);
        Assert.Contains("report <dir>", report, StringComparison.Ordinal);
    }
}
