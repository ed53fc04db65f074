using System.Text;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Nep;

namespace NepForge.Tests.Formats;

/// <summary>Issue 14: what the mutation fuzzer found after the listed findings were fixed, each from its case.</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void A_huge_properties_column_count_is_an_error_not_an_overflow()
    {
        var e = Assert.Throws<ParseException>(() => ExtXyzReader.ReadString(
            "1\nProperties=species:S:1:pos:R:3:charge:R:2147483647\nSi 0 0 0 1\n", "x.xyz"));
        Assert.Equal(2, e.Line);
        Assert.Contains("up to 1000", e.Problem);
    }

    [Fact]
    public void Poscar_counts_beyond_the_lines_left_are_an_error_without_a_big_allocation()
    {
        string poscar = "Si\n1.0\n5 0 0\n0 5 0\n0 0 5\nSi\n100000000\nDirect\n0 0 0\n";
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ParseException>(() => PoscarReader.Read(new StringReader(poscar), "POSCAR"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Equal(9, e.Line);
        Assert.Contains("expected 100000000 coordinate lines, file ended after 1", e.Problem);
    }

    [Fact]
    public void Xdatcar_huge_counts_allocate_by_the_lines_read()
    {
        string xdatcar = "Si\n1.0\n5 0 0\n0 5 0\n0 0 5\nSi\n100000000\nDirect configuration=     1\n0 0 0\n0.5 0.5 0.5\n";
        long before = GC.GetAllocatedBytesForCurrentThread();
        var frames = XdatcarReader.ReadFrames(new MemoryStream(Encoding.ASCII.GetBytes(xdatcar)), "XDATCAR").ToList();
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20);
        Assert.Empty(frames); // the configuration is incomplete: dropped with a warning
    }

    [FixtureFact]
    public void The_outcar_reader_itself_refuses_non_finite_steps()
    {
        // dft status/collect read OUTCARs without the extractor: a NaN position must not become a converged label.
        var lines = File.ReadAllLines(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"));
        int table = Array.FindIndex(lines, l => l.Contains("TOTAL-FORCE", StringComparison.Ordinal));
        lines[table + 2] = "      -Infinity      4.20903      5.20000        -0.141986     -0.573729      0.356515";
        var bytes = Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");
        using var reader = new OutcarReader(new MemoryStream(bytes), "OUTCAR");
        var e = Assert.Throws<ParseException>(() =>
        {
            while (reader.TryRead(out _))
            {
            }
        });
        Assert.Contains("ionic step 1: the position of atom 1 (", e.Problem);

        var warnings = new List<ParseDiagnostic>();
        using var skipping = new OutcarReader(new MemoryStream(bytes), "OUTCAR", new OutcarReadOptions { SkipBad = true, OnDiagnostic = warnings.Add });
        int steps = 0;
        while (skipping.TryRead(out _))
            steps++;
        Assert.Equal(9, steps);
        Assert.Contains(warnings, w => w.Message.StartsWith("ionic step 1 skipped:", StringComparison.Ordinal));
    }

    [Fact]
    public void An_extxyz_file_without_a_final_line_end_is_reported()
    {
        const string Frame = "1\nProperties=species:S:1:pos:R:3\nSi 0 0 0.42831313\n";
        var warnings = new List<ParseDiagnostic>();
        ExtXyzReader.ReadString((Frame + Frame)[..^5], "cut.xyz", new ExtXyzReadOptions { OnDiagnostic = warnings.Add });
        Assert.Contains(warnings, w => w.Message.Contains("may be cut", StringComparison.Ordinal));
        warnings.Clear();
        ExtXyzReader.ReadString(Frame + Frame, "whole.xyz", new ExtXyzReadOptions { OnDiagnostic = warnings.Add });
        Assert.Empty(warnings);
    }

    [FixtureFact]
    public void A_degenerate_outcar_cell_is_a_parse_error()
    {
        // Fuzz case outcar/14/1443: a duplicated lattice-vector line makes the cell degenerate.
        var lines = File.ReadAllLines(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10")).ToList();
        int first = lines.FindIndex(l => l.Contains("direct lattice vectors", StringComparison.Ordinal));
        int block = lines.FindIndex(first + 1, l => l.Contains("direct lattice vectors", StringComparison.Ordinal)); // step 1's cell
        lines.Insert(block + 3, lines[block + 2]); // b printed twice: the cell read is a, b, b
        var bytes = Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");
        using var reader = new OutcarReader(new MemoryStream(bytes), "OUTCAR");
        var e = Assert.Throws<ParseException>(() =>
        {
            while (reader.TryRead(out _))
            {
            }
        });
        Assert.Contains("bad cell: lattice vectors are degenerate", e.Problem);
    }

    // Fuzz cases outcar/14/7190, 9278, 8042 and 39570 of the 100,000-case run: a deleted line inside one step of
    // a 10-step OUTCAR used to give that step without its stress, or no step at all, with no word.
    [FixtureTheory]
    [InlineData("  in kB", 2, "has no 'in kB' line")]
    [InlineData("  FORCE on cell =-STRESS", 2, "has no 'FORCE on cell' header")]
    [InlineData("  energy  without entropy=", 2, "no 'energy  without entropy' line before the next step")]
    [InlineData("  free  energy   TOTEN", 2, "no 'free  energy TOTEN' line before the next step")]
    [InlineData("  energy  without entropy=", 10, "no 'energy  without entropy' line before the next step")]
    public void A_line_deleted_inside_an_outcar_step_skips_that_step_with_a_warning(string start, int occurrence, string warning)
    {
        var lines = File.ReadAllLines(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10")).ToList();
        var at = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith(start, StringComparison.Ordinal)).Select(x => x.i).ToList();
        Assert.Equal(10, at.Count);
        lines.RemoveAt(at[occurrence - 1]);
        var bytes = Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");
        using var reader = new OutcarReader(new MemoryStream(bytes), "OUTCAR");
        var steps = new List<VaspStep>();
        while (reader.TryRead(out var step))
            steps.Add(step);
        Assert.Equal(9, steps.Count);
        Assert.DoesNotContain(steps, s => s.IonicStep == occurrence);
        Assert.All(steps, s => Assert.NotNull(s.Frame.Virial)); // no step came through without its stress
        var d = Assert.Single(reader.Diagnostics, d => d.Message.Contains(warning, StringComparison.Ordinal));
        Assert.StartsWith($"ionic step {occurrence} skipped", d.Message, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void A_huge_outcar_ions_per_type_is_an_error_not_an_overflow()
    {
        // Fuzz case outcar/14/39570: "ions per type = 2 2147483647" overflowed the sum (a stack trace).
        string text = File.ReadAllText(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"));
        text = text.Replace("   ions per type =               2   4", "   ions per type =               2   2147483647", StringComparison.Ordinal);
        using var reader = new OutcarReader(new MemoryStream(Encoding.ASCII.GetBytes(text)), "OUTCAR");
        var e = Assert.Throws<ParseException>(() => reader.TryRead(out _));
        Assert.Contains("'ions per type' adds up to 2147483649 but NIONS = 6", e.Problem, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void A_nep_txt_with_a_huge_line_is_refused_without_reading_it_whole()
    {
        // The 100,000-case nep.txt run peaked at 3 GB: a 65 MiB line of one character was read whole (twice, as a
        // growing buffer and as a string) before the model was refused.
        string text = File.ReadAllText(Fixtures.Path("nep/potentials/Si_2022_NEP3_5body.txt"));
        text = text.Insert(text.IndexOf("ANN", StringComparison.Ordinal), new string('7', 64 << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ParseException>(() => NepModelReader.Read(new StringReader(text), "nep.txt"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated beyond the line limit");
        Assert.Equal(6, e.Line);
        Assert.Contains("line 6 is longer than 65,536 characters", e.Problem, StringComparison.Ordinal);
    }
}
