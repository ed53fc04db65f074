namespace NepForge.Tests.Cli;

/// <summary>Unknown options, missing inputs and parser errors: exit 2 before any work, with a "did you mean".</summary>
public sealed class UsageConventionTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Xyz()
    {
        string path = _cli.PathOf("x.xyz");
        File.WriteAllText(path, "1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3 energy=-1.0\nH 0 0 0\n");
        return path;
    }

    [Fact]
    public void A_mistyped_option_in_a_many_input_verb_is_not_read_as_a_file()
    {
        // Before: "--evry" became one more input and failed only after the real inputs were parsed.
        var (code, _, err) = _cli.Run("extract", _cli.Dir, "-o", _cli.PathOf("x.xyz"), "--evry", "2");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '--evry'", err, StringComparison.Ordinal);
        Assert.Contains("did you mean --every?", err, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.PathOf("x.xyz")));
    }

    [Fact]
    public void A_single_dash_long_option_gets_the_double_dash_suggestion()
    {
        string x = Xyz();
        var (code, _, err) = _cli.Run("merge", x, "-o", _cli.PathOf("m.xyz"), "-skip-bad");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '-skip-bad' for 'merge'; did you mean --skip-bad?", err, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.PathOf("m.xyz")));
    }

    [Fact]
    public void An_unknown_option_in_a_single_input_verb_exits_2_not_the_parsers_1()
    {
        string x = Xyz();
        var (code, _, err) = _cli.Run("sample", x, "-o", _cli.PathOf("s.xyz"), "--evrey", "2");
        Assert.Equal(2, code);
        Assert.Contains("did you mean --every?", err, StringComparison.Ordinal);
        // A value the parser cannot convert is a usage error too.
        (code, _, err) = _cli.Run("sample", x, "-o", _cli.PathOf("s.xyz"), "--every", "two");
        Assert.Equal(2, code);
        Assert.Contains("two", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_numbers_and_stdin_dash_are_values_not_options()
    {
        Assert.False(NepForge.Cli.UsageCheck.LooksLikeOption("-0.5"));
        Assert.False(NepForge.Cli.UsageCheck.LooksLikeOption("-1e-3"));
        Assert.False(NepForge.Cli.UsageCheck.LooksLikeOption("-"));
        Assert.False(NepForge.Cli.UsageCheck.LooksLikeOption("-3:"));
        Assert.True(NepForge.Cli.UsageCheck.LooksLikeOption("-max"));
        Assert.Equal("--max", NepForge.Cli.UsageCheck.Nearest("-max", ["--max", "--min", "-m", "--model"]));
        Assert.Null(NepForge.Cli.UsageCheck.Nearest("--zzzzzz", ["--max", "--every"]));
    }

    [Fact]
    public void A_long_option_with_one_dash_is_not_read_as_a_short_option_and_its_value()
    {
        // select has -m: "-max 100" was "-m ax" plus a candidate file "100".
        string x = Xyz();
        var (code, _, err) = _cli.Run("select", x, "-max", "100", "-o", _cli.PathOf("s.xyz"));
        Assert.Equal(2, code);
        Assert.Contains("unknown option '-max' for 'select'; did you mean --max?", err, StringComparison.Ordinal);
        Assert.DoesNotContain("no such file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistyped_verb_exits_2_and_names_the_nearest_verb()
    {
        var (code, _, err) = _cli.Run("extrct", "x", "-o", "y.xyz");
        Assert.Equal(2, code);
        Assert.Contains("did you mean 'extract'?", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_inputs_are_named_before_any_work()
    {
        string x = Xyz();
        var (code, _, err) = _cli.Run("merge", x, _cli.PathOf("nope.xyz"), "-o", _cli.PathOf("m.xyz"));
        Assert.Equal(2, code);
        Assert.Contains("no such file or folder: " + _cli.PathOf("nope.xyz"), err, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.PathOf("m.xyz")));
    }

    [Fact]
    public void Root_help_documents_exit_codes_and_numbering()
    {
        var (code, o, _) = _cli.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("0 ok, 1 data or run failure, 2 usage", o, StringComparison.Ordinal);
        Assert.Contains("numbered from 0", o, StringComparison.Ordinal);
        // Help still works on a verb whose required options are missing.
        (code, o, _) = _cli.Run("extract", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--every", o, StringComparison.Ordinal);
    }
}
