using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Tests.Cli;

namespace NepForge.Tests.IO;

/// <summary>
/// Issue 14 (6): an output never replaces its own input, a failed extract writes nothing, and temporary files of
/// killed runs are swept when the same output is written again.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    const string Si2 = "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:force:R:3 energy=-10.5 pbc=\"T T T\"\n" +
                       "Si 0 0 0 0.1 0 0\nSi 1.3 1.3 1.3 -0.1 0 0\n";

    [Theory]
    [InlineData("sample", "--every", "1")]
    [InlineData("convert")]
    [InlineData("dedup")]
    [InlineData("filter")]
    public void Verbs_refuse_to_write_over_their_input(string verb, params string[] extra)
    {
        string input = _cli.PathOf("data.xyz");
        string text = Si2 + Si2.Replace("1.3 1.3 1.3", "1.2 1.3 1.3", StringComparison.Ordinal);
        File.WriteAllText(input, text);
        var (code, _, err) = _cli.Run([verb, input, "-o", input, .. extra]);
        Assert.Equal(2, code);
        Assert.Contains("is also an input", err);
        Assert.Equal(text, File.ReadAllText(input));

        // Through a symlink too.
        string link = _cli.PathOf("link.xyz");
        File.CreateSymbolicLink(link, input);
        (code, _, _) = _cli.Run([verb, input, "-o", link, .. extra]);
        Assert.Equal(2, code);
        Assert.Equal(text, File.ReadAllText(input));
    }

    [FixtureFact]
    public void Nep_eval_refuses_to_write_over_its_input()
    {
        string input = _cli.PathOf("data.xyz");
        File.WriteAllText(input, Si2);
        var (code, _, err) = _cli.Run("nep", "eval", "--model", Fixtures.Path("nep/potentials/Si_2022_NEP3_5body.txt"), input, "-o", input);
        Assert.Equal(2, code);
        Assert.Contains("is also an input", err);
        Assert.Equal(Si2, File.ReadAllText(input));
    }

    [FixtureFact]
    public void Extract_refuses_its_input_as_output_and_writes_nothing_when_it_fails()
    {
        string outcar = _cli.PathOf("OUTCAR");
        File.Copy(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"), outcar);
        byte[] before = File.ReadAllBytes(outcar);
        var (code, _, err) = _cli.Run("extract", outcar, "-o", outcar);
        Assert.Equal(2, code);
        Assert.Contains("is also an input", err);
        Assert.Equal(before, File.ReadAllBytes(outcar));
        // A folder argument: its OUTCAR is an input as well.
        Assert.Equal(2, _cli.Run("extract", _cli.Dir, "-o", outcar).Code);
        Assert.Equal(before, File.ReadAllBytes(outcar));

        // A file that cannot be read: exit 1, and no output (an old one is left as it was).
        var lines = File.ReadAllLines(outcar).ToList();
        int table = lines.FindIndex(l => l.Contains("TOTAL-FORCE", StringComparison.Ordinal));
        lines.RemoveAt(table + 3);
        File.WriteAllLines(outcar, lines);
        string output = _cli.PathOf("out.xyz");
        (code, _, err) = _cli.Run("extract", outcar, "-o", output);
        Assert.Equal(1, code);
        Assert.False(File.Exists(output));
        Assert.Contains("nothing written", err);
        // The path once, not twice (issue 14, 8).
        Assert.Single(err.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.DoesNotContain($"{outcar}: {outcar}", err);
        File.WriteAllText(output, "old");
        Assert.Equal(1, _cli.Run("extract", outcar, "-o", output).Code);
        Assert.Equal("old", File.ReadAllText(output));
        Assert.Equal(["OUTCAR", "out.xyz"], Directory.GetFileSystemEntries(_cli.Dir).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal).ToArray());
    }

    static int DeadPid()
    {
        for (int pid = 4_000_000; ; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}"))
                return pid;
        }
    }

    [Fact]
    public void Temporary_files_of_killed_runs_are_swept_and_live_ones_kept()
    {
        Assert.True(OperatingSystem.IsLinux(), "process liveness is read from /proc: Linux only");
        string input = _cli.PathOf("in.xyz");
        File.WriteAllText(input, Si2);
        string dead = _cli.PathOf(string.Create(CultureInfo.InvariantCulture, $".out.xyz.{DeadPid()}.{Guid.NewGuid():N}.tmp"));
        string deadFolder = _cli.PathOf(string.Create(CultureInfo.InvariantCulture, $".poscars.{DeadPid()}.{Guid.NewGuid():N}.tmp"));
        string live = _cli.PathOf(string.Create(CultureInfo.InvariantCulture, $".out.xyz.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
        string other = _cli.PathOf(".out.xyz.notes.tmp");
        File.WriteAllText(dead, "half");
        Directory.CreateDirectory(deadFolder);
        File.WriteAllText(Path.Combine(deadFolder, "POSCAR-1"), "half");
        File.WriteAllText(live, "in progress");
        File.WriteAllText(other, "mine");

        Assert.Equal(0, _cli.Run("sample", input, "-o", _cli.PathOf("out.xyz"), "--every", "1").Code);
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.Equal(0, _cli.Run("convert", input, "-o", _cli.PathOf("poscars") + "/").Code);
        Assert.False(Directory.Exists(deadFolder));
    }

    [Fact]
    public void A_failing_write_leaves_no_temporary_file_and_names_the_output()
    {
        static IEnumerable<NepForge.Structures.Frame> Failing()
        {
            foreach (var f in ExtXyzReader.ReadString(Si2 + Si2))
                yield return f;
            throw new IOException("No space left on device");
        }
        string output = _cli.PathOf("out.xyz");
        Assert.Throws<IOException>(() => ExtXyzWriter.WriteFile(output, Failing()));
        Assert.Empty(Directory.GetFileSystemEntries(_cli.Dir));

        using (var f = AtomicFile.Create(output))
        {
            f.Stream.Write("x"u8);
            f.Commit();
        }
        Assert.Equal("x", File.ReadAllText(output));
        AtomicFile.FlushFolder(_cli.Dir); // fsync of a folder: no error on Linux
    }
}
