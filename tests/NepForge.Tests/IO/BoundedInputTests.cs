using System.IO.Compression;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Tests.Cli;

namespace NepForge.Tests.IO;

/// <summary>
/// Issue 14 (4): readers bound their allocations by what they have read, and every error is one line with file:line
/// (atom-count headers of 2^31, 2^40, 1e8; a line longer than 64 MiB; a flipped gzip CRC bit; a damaged journal).
/// </summary>
public sealed class BoundedInputTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    const string Atom = "Si 0 0 0\n";
    const string Comment = "Lattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n";

    [Theory]
    [InlineData("2147483648")]
    [InlineData("1099511627776")]
    [InlineData("2147483647")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    public void Huge_atom_counts_are_errors_naming_the_line(string count)
    {
        string text = "1\n" + Comment + Atom + count + "\n" + Comment + Atom;
        var e = Assert.Throws<ParseException>(() => ExtXyzReader.ReadString(text, "big.xyz"));
        Assert.Equal(4, e.Line);
        Assert.StartsWith("big.xyz:4 (frame 2):", e.Message);
    }

    [Fact]
    public void A_1e8_header_allocates_by_the_atom_lines_present()
    {
        string text = "100000000\n" + Comment + string.Concat(Enumerable.Repeat(Atom, 1000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var diagnostics = new List<ParseDiagnostic>();
        var frames = ExtXyzReader.ReadString(text, "big.xyz", new ExtXyzReadOptions { OnDiagnostic = diagnostics.Add });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(frames);
        Assert.Contains(diagnostics, d => d.Message.Contains("100000000 atoms declared", StringComparison.Ordinal) && d.Message.Contains("1000 atom lines found", StringComparison.Ordinal));
        Assert.True(allocated < 64L << 20, $"{allocated >> 20} MB allocated for a 1000-atom file");
    }

    [Fact]
    public void A_line_longer_than_64_MiB_is_an_error_not_a_huge_buffer()
    {
        string path = _cli.PathOf("noline.xyz");
        using (var f = File.Create(path))
        {
            var chunk = new byte[1 << 20];
            Array.Fill(chunk, (byte)'7');
            for (int i = 0; i < 65; i++)
                f.Write(chunk);
        }
        var e = Assert.Throws<ParseException>(() => ExtXyzReader.ReadFrames(path).ToList());
        Assert.Equal(1, e.Line);
        Assert.Contains("longer than 64 MiB", e.Message);
        var (code, _, err) = _cli.Run("info", path);
        Assert.Equal(1, code);
        Assert.Contains("noline.xyz:1: line 1 is longer than 64 MiB", err);
        Assert.DoesNotContain("   at ", err);
    }

    static void GzipWithFlippedCrc(string source, string target)
    {
        using (var output = File.Create(target))
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        using (var input = File.OpenRead(source))
            input.CopyTo(gz);
        var bytes = File.ReadAllBytes(target);
        bytes[^8] ^= 0x01; // the CRC-32 of the trailer
        File.WriteAllBytes(target, bytes);
    }

    [FixtureFact]
    public void A_flipped_gzip_crc_bit_is_one_line_in_extract_info_and_sample()
    {
        string outcar = _cli.PathOf("OUTCAR.gz");
        GzipWithFlippedCrc(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"), outcar);
        var (code, _, err) = _cli.Run("extract", outcar, "-o", _cli.PathOf("out.xyz"));
        Assert.Equal(1, code);
        Assert.Matches(@"OUTCAR\.gz:\d+: corrupt gzip data", err);
        Assert.DoesNotContain("   at ", err);

        string xyz = _cli.PathOf("train.xyz");
        File.WriteAllText(xyz, string.Concat(Enumerable.Repeat("1\n" + Comment + Atom, 50)));
        string xyzGz = _cli.PathOf("train.xyz.gz");
        GzipWithFlippedCrc(xyz, xyzGz);
        foreach (var args in new[] { new[] { "info", xyzGz }, new[] { "sample", xyzGz, "-o", _cli.PathOf("s.xyz"), "--every", "2" } })
        {
            (code, _, err) = _cli.Run(args);
            Assert.Equal(1, code);
            Assert.Matches(@"train\.xyz\.gz:\d+: corrupt gzip data", err);
            Assert.Single(err.Trim().Split('\n'));
        }
        Assert.False(File.Exists(_cli.PathOf("s.xyz")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"stages\": {\"extract\": {\"status\": \"do")]
    [InlineData("{\"stages\": null}")]
    [InlineData("[1, 2]")]
    public void A_damaged_workflow_journal_is_one_line_in_run_and_status(string journal)
    {
        string dir = _cli.PathOf("wf");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "start.xyz"), "1\n" + Comment + Atom);
        string wf = Path.Combine(dir, "wf.yaml");
        File.WriteAllText(wf, "engine:\n  kind: cp2k\nstages:\n  extract:\n    from: [start.xyz]\n");
        File.WriteAllText(Path.Combine(dir, "workflow.state.json"), journal);
        foreach (var verb in new[] { "run", "status" })
        {
            var (code, _, err) = _cli.Run(verb, wf);
            Assert.Equal(1, code);
            Assert.Contains("workflow.state.json:", err);
            Assert.Contains("workflow journal", err);
            Assert.Single(err.Trim().Split('\n'));
        }
    }
}
