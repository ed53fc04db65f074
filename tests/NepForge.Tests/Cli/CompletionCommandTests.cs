using System.Diagnostics;

namespace NepForge.Tests.Cli;

public sealed class CompletionCommandTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // Runs the generated script in bash as the shell would on TAB and returns the candidates.
    string Complete(string script, params string[] words)
    {
        string file = _cli.PathOf("nepforge.bash");
        File.WriteAllText(file, script);
        string array = string.Join(' ', words.Select(w => $"'{w}'"));
        var psi = new ProcessStartInfo("bash", ["-c", $"source '{file}'; COMP_WORDS=({array}); COMP_CWORD={words.Length - 1}; _nepforge; echo \"${{COMPREPLY[*]}}\""])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output.Trim();
    }

    [Fact]
    public void Bash_completes_verbs_sub_verbs_and_each_verbs_own_options()
    {
        var (code, script, _) = _cli.Run("completion", "bash");
        Assert.Equal(0, code);
        Assert.Equal("extract", Complete(script, "nepforge", "extr"));
        Assert.Equal("descriptors", Complete(script, "nepforge", "nep", "desc"));
        Assert.Equal("--every", Complete(script, "nepforge", "extract", "big/OUTCAR", "--ev"));
        Assert.Equal("--jobs", Complete(script, "nepforge", "dft", "run", "--jo"));
        Assert.DoesNotContain("--parallel", Complete(script, "nepforge", "dft", "run", "--"), StringComparison.Ordinal); // hidden old names are not offered
    }

    [Fact]
    public void Zsh_gets_the_same_completer_through_bashcompinit()
    {
        var (code, script, _) = _cli.Run("completion", "zsh");
        Assert.Equal(0, code);
        Assert.StartsWith("#compdef nepforge", script, StringComparison.Ordinal);
        Assert.Contains("bashcompinit", script, StringComparison.Ordinal);
        Assert.Contains("complete -o default -o bashdefault -F _nepforge nepforge", script, StringComparison.Ordinal);
        Assert.Equal(2, _cli.Run("completion", "fish").Code);
    }
}
