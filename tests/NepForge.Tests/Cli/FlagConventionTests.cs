using System.Text.RegularExpressions;

namespace NepForge.Tests.Cli;

/// <summary>One meaning per short flag, seeds drawn and printed the same way, outputs not replaced silently.</summary>
public sealed partial class FlagConventionTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Xyz(int frames = 4)
    {
        string path = _cli.PathOf("x.xyz");
        using var w = new StreamWriter(path);
        for (int i = 0; i < frames; i++)
            w.Write($"2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 energy={-1.0 - i} config_type=a pbc=\"T T T\"\nSi 0 0 0\nSi 1.3 1.3 1.3\n");
        return path;
    }

    static string Help(CliRunner cli, params string[] verb) => cli.Run([.. verb, "--help"]).Out;

    [Fact]
    public void Short_flags_mean_one_thing_in_every_verb()
    {
        // -t is threads, -j parallel jobs, -m the model, -T the temperature, wherever they appear.
        foreach (var verb in new[] { new[] { "md" }, ["nep", "eval"], ["nep", "descriptors"], ["select"], ["nep", "train"] })
            Assert.Matches(@"-t, --threads", Help(_cli, verb));
        foreach (var verb in new[] { new[] { "dft", "run" }, ["dft", "submit"] })
        {
            string help = Help(_cli, verb);
            Assert.Contains("-j, --jobs", help, StringComparison.Ordinal);
            Assert.DoesNotContain("--parallel", help, StringComparison.Ordinal);
        }
        Assert.Contains("-m, --model", Help(_cli, "select"), StringComparison.Ordinal);
        foreach (var verb in new[] { new[] { "md" }, ["gpumd", "prepare"], ["dft", "prepare"] })
            Assert.Contains("-T, --temperature", Help(_cli, verb), StringComparison.Ordinal);
        Assert.DoesNotContain("--temperatures", Help(_cli, "gpumd", "prepare"), StringComparison.Ordinal);
        Assert.Contains("--worst", Help(_cli, "nep", "errors"), StringComparison.Ordinal);
        Assert.DoesNotContain("--top", Help(_cli, "nep", "errors"), StringComparison.Ordinal);
        Assert.DoesNotContain("--copies", Help(_cli, "rattle"), StringComparison.Ordinal);
        string split = Help(_cli, "split");
        Assert.Contains("-d, --output-dir", split, StringComparison.Ordinal);
        Assert.DoesNotContain("-o,", split, StringComparison.Ordinal);
    }

    [Fact]
    public void Threads_given_as_the_old_minus_j_are_an_error_that_says_where_j_went()
    {
        var (code, _, err) = _cli.Run("md", Xyz(), "-m", "nep.txt", "-o", _cli.PathOf("md.xyz"), "-T", "300", "--steps", "2", "-j", "2");
        Assert.Equal(2, code);
        Assert.Contains("-j is --jobs (parallel jobs); threads are -t/--threads", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_keeps_existing_outputs_unless_forced_and_old_minus_o_still_works()
    {
        string x = Xyz();
        string dir = _cli.PathOf("sp");
        var (code, _, err) = _cli.Run("split", x, "--test", "0.5", "--seed", "3", "-d", dir);
        Assert.Equal(0, code);
        string train = File.ReadAllText(Path.Combine(dir, "train.xyz"));
        File.WriteAllText(Path.Combine(dir, "train.xyz"), "curated by hand");
        (code, _, err) = _cli.Run("split", x, "--test", "0.5", "--seed", "3", "-d", dir);
        Assert.Equal(2, code);
        Assert.Contains("train.xyz' exists; give --force", err, StringComparison.Ordinal);
        Assert.Equal("curated by hand", File.ReadAllText(Path.Combine(dir, "train.xyz")));
        (code, _, _) = _cli.Run("split", x, "--test", "0.5", "--seed", "3", "-o", dir, "--force"); // the old spelling
        Assert.Equal(0, code);
        Assert.Equal(train, File.ReadAllText(Path.Combine(dir, "train.xyz")));
    }

    [Fact]
    public void Dft_prepare_draws_prints_and_writes_an_aimd_seed_when_none_is_given()
    {
        string x = Xyz(1);
        var (code, _, err) = _cli.Run("dft", "prepare", x, "-o", _cli.PathOf("jobs"), "--aimd", "--steps", "2");
        Assert.Equal(0, code);
        var m = SeedLine().Match(err);
        Assert.True(m.Success, err);
        string input = File.ReadAllText(Path.Combine(_cli.PathOf("jobs"), "000001", "in.inp"));
        Assert.Contains("SEED " + m.Groups[1].Value, input, StringComparison.Ordinal);
        Assert.DoesNotContain("SEED 1\n", input, StringComparison.Ordinal); // no longer a fixed 1 (drawn from [0, 2^31))
    }

    [Fact]
    public void Dft_status_says_what_it_expected_in_a_folder_it_does_not_recognise()
    {
        Directory.CreateDirectory(_cli.PathOf("notjobs/sub"));
        var (code, _, err) = _cli.Run("dft", "status", _cli.PathOf("notjobs"));
        Assert.Equal(1, code);
        Assert.Contains("holds no job folder: expected folders made by `dft prepare`", err, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"dft prepare: seed (\d+) \(give --seed \1 to repeat this run\)")]
    private static partial Regex SeedLine();
}
