using NepForge.Cli;

namespace NepForge.Tests.Cli;

/// <summary>
/// Issue 18: a command line naming a verb builds only that verb (start-up), and what it parses and prints is what the
/// whole tree gives.
/// </summary>
public sealed class StartupTreeTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static CliContext Context() => new(TextWriter.Null, TextWriter.Null);

    [Fact]
    public void Every_verb_is_found_by_its_name_and_built_alone()
    {
        var all = NepForgeCommand.Create(Context()).Subcommands.Select(c => c.Name).ToList();
        Assert.True(all.Count >= 27, $"only {all.Count} verbs");
        foreach (string verb in all.Where(v => v != "completion"))
        {
            var root = NepForgeCommand.CreateFor([verb, "--help"], Context());
            Assert.Equal(verb, Assert.Single(root.Subcommands).Name);
        }
    }

    [Fact]
    public void Typos_root_help_and_completion_get_the_whole_tree()
    {
        int all = NepForgeCommand.Create(Context()).Subcommands.Count;
        foreach (var args in new[] { [], ["--help"], ["inf"], ["completion", "bash"], new[] { "[suggest:3]", "inf" } })
            Assert.Equal(all, NepForgeCommand.CreateFor(args, Context()).Subcommands.Count);
        Assert.Empty(NepForgeCommand.CreateFor(["--version"], Context()).Subcommands);
        Assert.Matches(@"^\d+\.\d+\.\d+", _cli.Run("--version").Out);
        var (code, _, err) = _cli.Run("inf", "x.xyz");
        Assert.Equal(2, code);
        Assert.Contains("info", err, StringComparison.Ordinal); // "did you mean" still sees every verb
    }

    [Fact]
    public void A_verb_built_alone_prints_the_same_help_as_in_the_whole_tree()
    {
        foreach (var verb in new[] { new[] { "info" }, ["nep", "eval"], ["dft", "prepare"], ["run"] })
        {
            var alone = NepForgeCommand.CreateFor([.. verb, "--help"], Context());
            var whole = NepForgeCommand.Create(Context());
            // The whole tree's RootCommand takes its name from the running executable ("testhost" here, "nepforge"
            // when installed); a one-verb line's plain root is always named nepforge.
            string expected = Help(whole, verb).Replace($"  {System.CommandLine.RootCommand.ExecutableName} ", "  nepforge ", StringComparison.Ordinal);
            Assert.Equal(expected, Help(alone, verb));
            Assert.Contains("-?, -h, --help", Help(alone, verb), StringComparison.Ordinal);
        }
    }

    static string Help(System.CommandLine.Command root, string[] verb)
    {
        var o = new StringWriter();
        root.Parse([.. verb, "--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = o, Error = TextWriter.Null });
        return o.ToString();
    }
}
