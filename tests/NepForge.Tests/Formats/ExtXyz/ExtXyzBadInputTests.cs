using NepForge.Formats.ExtXyz;
using NepForge.IO;

namespace NepForge.Tests.Formats.ExtXyz;

/// <summary>Every reader error names file, line and frame and says what was expected and found.</summary>
public class ExtXyzBadInputTests
{
    const string Good = "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3:force:R:3 energy=-1.5\nSi 0 0 0 0.1 0.2 0.3\nSi 2.5 2.5 2.5 -0.1 -0.2 -0.3\n";

    static ParseException Fails(string text)
    {
        var e = Assert.Throws<ParseException>(() => ExtXyzReader.ReadString(text, "bad.xyz"));
        Assert.StartsWith("bad.xyz:", e.Message);
        return e;
    }

    [Fact]
    public void Blank_line_between_frames_is_an_error_naming_the_line()
    {
        var e = Fails(Good + "\n" + Good);
        Assert.Equal(5, e.Line);
        Assert.Equal(2, e.Frame);
        Assert.Contains("blank line", e.Problem);
        Assert.Contains("nep", e.Problem);
    }

    [Fact]
    public void Trailing_blank_lines_are_fine()
    {
        Assert.Equal(2, ExtXyzReader.ReadString(Good + Good + "\n\n  \n").Count);
    }

    [Fact]
    public void Too_few_atoms_reports_the_next_frame_header()
    {
        var text = Good.Replace("2\nLattice", "3\nLattice", StringComparison.Ordinal) + Good;
        var e = Fails(text);
        Assert.Equal(5, e.Line);
        Assert.Equal(1, e.Frame);
        Assert.Contains("declares 3 atoms", e.Problem);
    }

    [Fact]
    public void Missing_column_says_expected_and_found()
    {
        var e = Fails(Good.Replace("Si 0 0 0 0.1 0.2 0.3", "Si 0 0 0 0.1", StringComparison.Ordinal));
        Assert.Equal(3, e.Line);
        Assert.Contains("expected 7 columns (species:S:1 pos:R:3 force:R:3), found 5", e.Problem);
    }

    [Fact]
    public void Non_numeric_field()
    {
        var e = Fails(Good.Replace("2.5 2.5 2.5", "2.5 abc 2.5", StringComparison.Ordinal));
        Assert.Equal(4, e.Line);
        Assert.Contains("non-numeric value 'abc' in column 'pos'", e.Problem);
    }

    [Fact]
    public void Non_numeric_energy()
    {
        var e = Fails(Good.Replace("energy=-1.5", "energy=oops", StringComparison.Ordinal));
        Assert.Equal(2, e.Line);
        Assert.Contains("'oops'", e.Problem);
    }

    [Fact]
    public void Missing_lattice_when_periodic()
    {
        var e = Fails("1\nProperties=species:S:1:pos:R:3 pbc=\"T T T\"\nH 0 0 0\n");
        Assert.Equal(2, e.Line);
        Assert.Contains("missing lattice", e.Problem);
    }

    [Fact]
    public void No_lattice_and_no_pbc_is_a_molecule()
    {
        var f = ExtXyzReader.ReadString("1\nProperties=species:S:1:pos:R:3\nH 0 0 0\n").Single();
        Assert.Null(f.Lattice);
    }

    [Fact]
    public void Unknown_element()
    {
        var e = Fails(Good.Replace("Si 2.5", "Qq 2.5", StringComparison.Ordinal));
        Assert.Equal(4, e.Line);
        Assert.Contains("unknown element 'Qq'", e.Problem);
    }

    [Fact]
    public void Bad_atom_count_line()
    {
        var e = Fails("two\nProperties=species:S:1:pos:R:3\nH 0 0 0\n");
        Assert.Equal(1, e.Line);
        Assert.Contains("found 'two'", e.Problem);
    }

    [Fact]
    public void Truncated_file_yields_complete_frames_and_a_warning()
    {
        var text = Good + Good[..^30];
        using var reader = new ExtXyzReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "cut.xyz");
        var frames = reader.ReadAll();
        Assert.Single(frames);
        var w = Assert.Single(reader.Diagnostics);
        Assert.Contains("truncated", w.Message);
        Assert.Equal(2, w.Frame);
    }

    [Fact]
    public void Skip_bad_keeps_going_and_reports()
    {
        var bad = Good.Replace("Si 2.5", "Qq 2.5", StringComparison.Ordinal);
        var seen = new List<ParseDiagnostic>();
        var options = new ExtXyzReadOptions { SkipBad = true, OnDiagnostic = seen.Add };
        var frames = ExtXyzReader.ReadString(Good + bad + Good, "bad.xyz", options);
        Assert.Equal(2, frames.Count);
        var skipped = Assert.Single(seen);
        Assert.Contains("skipped", skipped.Message);
        Assert.Contains("unknown element 'Qq'", skipped.Message);
        Assert.Equal(8, skipped.Line);
        Assert.Equal(2, skipped.Frame);
        Assert.Equal(2, frames[1].Info.SourceIndex); // the third frame of the file
    }

    [Fact]
    public void Skip_bad_steps_over_a_blank_line_with_a_warning()
    {
        var seen = new List<ParseDiagnostic>();
        var frames = ExtXyzReader.ReadString(Good + "\n" + Good, "gap.xyz", new ExtXyzReadOptions { SkipBad = true, OnDiagnostic = seen.Add });
        Assert.Equal(2, frames.Count);
        Assert.Contains("blank line 5", Assert.Single(seen).Message);
    }
}
