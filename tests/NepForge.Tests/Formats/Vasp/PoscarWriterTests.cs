using NepForge.Formats.Vasp;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

public sealed class PoscarWriterTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-poscar-w-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly Lattice Cell = new(new Mat3(5.1, 0.2, -0.3, 0.1, 4.9, 0.05, -0.2, 0.3, 5.3));

    static Frame Oho() => new(
        [Elements.Get("O"), Elements.Get("H"), Elements.Get("O")],
        [0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, Math.PI, -1e-17, 4.999999999999999, 1e5 + 0.1],
        Cell);

    static (string Text, PoscarWriteResult Result) WriteText(Frame f, PoscarWriteOptions? options = null)
    {
        var w = new StringWriter();
        var r = PoscarWriter.Write(w, f, options);
        return (w.ToString(), r);
    }

    static Frame ReadText(string text) => PoscarReader.Read(new StringReader(text), "test.vasp");

    [Fact]
    public void Groups_atoms_by_species_and_reports_the_permutation()
    {
        var f = Oho();
        var (text, result) = WriteText(f);
        var lines = text.Split('\n');
        Assert.Equal("O2H", lines[0]);
        Assert.Equal("1.0", lines[1]);
        Assert.Equal(["O", "H"], lines[5].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2", "1"], lines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Cartesian", lines[7]);
        Assert.True(result.Reordered);
        Assert.Equal([0, 2, 1], result.Permutation);

        var back = ReadText(text);
        Assert.Equal(["O", "O", "H"], back.Elements.Select(e => e.Symbol));
        Assert.Equal(f.Position(2), back.Position(1)); // bit-exact, moved
        Assert.Equal(f.Position(1), back.Position(2));
        Assert.Equal(Cell, back.Lattice);
        back.Info.SourceFile = null;
        back.Info.SourceIndex = null;
        Assert.True(back.ContentEquals(f.SelectAtoms(result.Permutation)));
    }

    [Fact]
    public void Keep_atom_order_writes_runs_as_groups()
    {
        var (text, result) = WriteText(Oho(), new PoscarWriteOptions { KeepAtomOrder = true });
        var lines = text.Split('\n');
        Assert.Equal(["O", "H", "O"], lines[5].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1", "1", "1"], lines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(result.Reordered);
        Assert.Equal([0, 1, 2], result.Permutation);
        Assert.Equal(["O", "H", "O"], ReadText(text).Elements.Select(e => e.Symbol));
    }

    [Fact]
    public void Many_groups_wrap_at_twenty_per_line_and_read_back()
    {
        var elements = Enumerable.Range(0, 45).Select(i => Elements.Get(i % 2 == 0 ? "Fe" : "Cr")).ToArray();
        var positions = Enumerable.Range(0, 135).Select(i => i * 0.01).ToArray();
        var f = new Frame(elements, positions, Cell);
        var (text, _) = WriteText(f, new PoscarWriteOptions { KeepAtomOrder = true });
        var lines = text.Split('\n');
        Assert.Equal(20, lines[5].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(20, lines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(5, lines[7].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(20, lines[8].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        var back = ReadText(text);
        Assert.Equal(f.Elements, back.Elements);
        Assert.Equal(f.Positions, back.Positions);
    }

    [Fact]
    public void Round_trip_is_exact_with_title_flags_velocities_and_md_blocks()
    {
        var f = Oho();
        f.Info.SetExtra(Poscar.TitleKey, "water-ish  slab");
        f.SetArray(PerAtomArray.Logical(Poscar.SelectiveDynamicsArray, 3, [true, false, true, false, false, false, true, true, true]));
        f.SetArray(PerAtomArray.Real(Poscar.VelocitiesArray, 3, [1e-3, -2e-3, 3e-3, 0.1, 0.2, 0.3, -0.0, 1.0 / 7.0, 5e-310]));
        f.Info.SetExtra(Poscar.LatticeVelocitiesKey, "0.1 0 0 0 0.2 0 0 0 -0.3");
        f.Info.SetExtra(Poscar.LatticeVectorsKey, "5 0 0 0 5 0 0 0 5");
        f.Info.SetExtra(Poscar.LatticeInitKey, "0");
        f.Info.SetExtra(Poscar.PredictorCorrectorKey, string.Join('\n',
            "           1", "   1.0", "  0.1E+01  0.0E+00  0.0E+00  0.0E+00",
            "  0.1 0.1 0.1", "  0.2 0.2 0.2", "  0.3 0.3 0.3",
            "  1.1 1.1 1.1", "  1.2 1.2 1.2", "  1.3 1.3 1.3",
            "  2.1 2.1 2.1", "  2.2 2.2 2.2", "  2.3 2.3 2.3"));

        // Already grouped: exact round trip of everything.
        var grouped = f.SelectAtoms([0, 2, 1]);
        grouped.Info.SourceFile = "test.vasp";
        grouped.Info.SourceIndex = 0;
        var (text, result) = WriteText(grouped);
        Assert.False(result.Reordered);
        var back = ReadText(text);
        Assert.True(back.ContentEquals(grouped));
        Assert.Equal(text, WriteText(back).Text);
        Assert.Contains("\nSelective dynamics\nCartesian\n", text, StringComparison.Ordinal);
        Assert.StartsWith("water-ish  slab source_file=test.vasp source_index=0\n", text, StringComparison.Ordinal);

        // Reordered on the way out: the predictor-corrector rows move with their atoms.
        var (text2, result2) = WriteText(f);
        Assert.True(result2.Reordered);
        var back2 = ReadText(text2);
        var pc = Poscar.GetPredictorCorrector(back2)!;
        Assert.Equal([0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2], pc.GetSet(0));
        Assert.Equal(2.3, pc[2, 1, 0]);
        Assert.Equal(["           1", "   1.0", "  0.1E+01  0.0E+00  0.0E+00  0.0E+00"], pc.Preamble);
        Assert.Equal([1e-3, -2e-3, 3e-3, -0.0, 1.0 / 7.0, 5e-310, 0.1, 0.2, 0.3], back2.Velocities!);
        Assert.Equal("0", back2.Info.GetExtra(Poscar.LatticeInitKey));
        Assert.Equal(new Mat3(0.1, 0, 0, 0, 0.2, 0, 0, 0, -0.3), Poscar.GetLatticeVelocities(back2));
    }

    [Fact]
    public void Lattice_velocity_block_uses_fixed_16_character_fields()
    {
        var f = new Frame([Elements.Get("Si")], [0, 0, 0], new Lattice(new Mat3(5.602919675883916, 0, 0, 0, 5, 0, 0, 0, 5)));
        f.Info.SetExtra(Poscar.LatticeVelocitiesKey, "0.1 0 0 0 0.2 0 0 0 -0.123456789012345");
        var lines = WriteText(f).Text.Split('\n');
        Assert.Equal("Lattice velocities and vectors", lines[9]);
        Assert.Equal("             0.1               0               0", lines[11]);
        // Too long for a field: cut to 8 significant digits, as VASP writes them.
        Assert.Equal("               0               0  -1.2345679E-01", lines[13]);
        Assert.Equal("   5.6029197E+00               0               0", lines[14]);
        Assert.Equal(-0.12345679, Poscar.GetLatticeVelocities(ReadText(string.Join('\n', lines)))!.Value.M22);
    }

    [Fact]
    public void Title_defaults_to_the_formula_and_is_one_line()
    {
        var f = Oho();
        Assert.StartsWith("O2H\n", WriteText(f).Text, StringComparison.Ordinal);
        f.Info.SetExtra(Poscar.TitleKey, "two\nlines ");
        Assert.StartsWith("two lines\n", WriteText(f).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_without_a_lattice_cannot_be_written()
    {
        var f = new Frame([Elements.Get("H")], [0, 0, 0], null);
        var ex = Assert.Throws<InvalidOperationException>(() => PoscarWriter.Write(new StringWriter(), f));
        Assert.Contains("no lattice", ex.Message, StringComparison.Ordinal);
        string path = Path.Combine(_dir, "POSCAR");
        Assert.Throws<InvalidOperationException>(() => PoscarWriter.Write(path, f));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void Malformed_md_extras_are_refused_with_a_clear_message()
    {
        var f = Oho();
        f.Info.SetExtra(Poscar.LatticeVelocitiesKey, "1 2 3");
        var ex = Assert.Throws<InvalidOperationException>(() => PoscarWriter.Write(new StringWriter(), f));
        Assert.Contains("lattice_velocities", ex.Message, StringComparison.Ordinal);

        var g = Oho();
        g.Info.SetExtra(Poscar.PredictorCorrectorKey, "1\n2\n3\n0 0 0");
        // Reordering needs the rows per atom; this block does not have them.
        Assert.Throws<InvalidOperationException>(() => PoscarWriter.Write(new StringWriter(), g));
        // Kept in order it is written verbatim.
        var (text, _) = WriteText(g, new PoscarWriteOptions { KeepAtomOrder = true });
        Assert.EndsWith("\n\n1\n2\n3\n0 0 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_overload_writes_atomically_the_same_bytes()
    {
        var f = Oho();
        string path = Path.Combine(_dir, "sub", "POSCAR");
        var result = PoscarWriter.Write(path, f);
        Assert.True(result.Reordered);
        Assert.Equal(WriteText(f).Text, File.ReadAllText(path));
        Assert.Equal([path], Directory.EnumerateFiles(Path.Combine(_dir, "sub")));
        var back = PoscarReader.Read(path);
        Assert.Equal(path, back.Info.SourceFile);
        Assert.Equal(f.SelectAtoms(result.Permutation).Positions, back.Positions);
    }

    [Fact]
    public void Direct_option_writes_fractional_coordinates()
    {
        var f = new Frame([Elements.Get("Si")], [1, 2, 3], Lattice.Orthorhombic(2, 4, 8));
        var (text, _) = WriteText(f, new PoscarWriteOptions { Direct = true });
        var lines = text.Split('\n');
        Assert.Equal("Direct", lines[7]);
        Assert.Equal(["0.5", "0.5", "0.375"], lines[8].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
