using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

public sealed class PoscarReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-poscar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Frame ReadText(string text, PoscarReadOptions? options = null) =>
        PoscarReader.Read(new StringReader(text), "test.vasp", options);

    static string Lines(params string[] lines) => string.Join('\n', lines) + "\n";

    const string Cubic = "4.0 0 0\n0 4.0 0\n0 0 4.0";

    [Fact]
    public void Vasp5_cartesian_scale_and_metadata()
    {
        var f = ReadText(Lines("NaCl", "1.5", Cubic, "Na Cl", "1 1", "Cartesian", "0 0 0", "1 1 1"));
        Assert.Equal(Mat3.Diagonal(6, 6, 6), f.Lattice!.Matrix);
        Assert.Equal(["Na", "Cl"], f.Elements.Select(e => e.Symbol));
        Assert.Equal(new Vec3(1.5, 1.5, 1.5), f.Position(1));
        Assert.Equal("test.vasp", f.Info.SourceFile);
        Assert.Equal(0, f.Info.SourceIndex);
        Assert.Null(f.Info.GetExtra(Poscar.TitleKey)); // "NaCl" is the formula
        Assert.Empty(f.Arrays);
    }

    [Theory]
    [InlineData("Cartesian", true)]
    [InlineData("cart", true)]
    [InlineData("c", true)]
    [InlineData("K", true)]
    [InlineData("kartesisch", true)]
    [InlineData("Direct", false)]
    [InlineData("d", false)]
    [InlineData("Fractional", false)]
    public void Coordinate_mode_by_first_letter(string mode, bool cartesian)
    {
        var f = ReadText(Lines("x", "2.0", Cubic, "Si", "1", mode, "0.25 0.5 0.125"));
        var expected = cartesian ? new Vec3(0.5, 1.0, 0.25) : new Vec3(2.0, 4.0, 1.0);
        Assert.Equal(expected, f.Position(0));
    }

    [Fact]
    public void Negative_scale_is_the_target_volume()
    {
        var f = ReadText(Lines("x", "-125.0", "1 0 0", "0 2 0", "0 0 3", "Si", "1", "Cartesian", "1 1 1"));
        Assert.Equal(125.0, f.Lattice!.Volume, 1e-10);
        double s = Math.Cbrt(125.0 / 6.0);
        Assert.Equal(2 * s, f.Lattice.Matrix.M11, 1e-14);
        Assert.Equal(new Vec3(s, s, s), f.Position(0)); // Cartesian positions scale too
    }

    [Fact]
    public void Three_scale_factors_scale_the_cartesian_axes()
    {
        var f = ReadText(Lines("x", "2 3 4", "1 0 0", "1 1 0", "0 0 1", "Si", "1", "Cartesian", "1 1 1"));
        Assert.Equal(new Mat3(2, 0, 0, 2, 3, 0, 0, 0, 4), f.Lattice!.Matrix);
        Assert.Equal(new Vec3(2, 3, 4), f.Position(0));
    }

    [Fact]
    public void Vasp6_hashes_potcar_names_and_comments()
    {
        var f = ReadText(Lines(
            "x", "1.0", Cubic, "Si/4f2e1a7c Fe_pv/0123abcd   # species", "1 2 ! counts", "Direct ! mode",
            "0 0 0 # first", "0.5 0.5 0.5 ! second", "0.25 0.25 0.25 Fe"));
        Assert.Equal(["Si", "Fe", "Fe"], f.Elements.Select(e => e.Symbol));
        Assert.Equal(new Vec3(1, 1, 1), f.Position(2));
    }

    [Fact]
    public void Species_and_counts_wrapped_over_lines()
    {
        var f = ReadText(Lines("x", "1.0", Cubic, "O H", "O", "H", "1 1", "1", "1", "Cartesian",
            "0 0 0", "0 0 1", "0 0 2", "0 0 3"));
        Assert.Equal(["O", "H", "O", "H"], f.Elements.Select(e => e.Symbol));
        Assert.Equal(3.0, f.Position(3).Z);
    }

    [Fact]
    public void Selective_dynamics_flags_in_fortran_spellings()
    {
        var f = ReadText(Lines("x", "1.0", Cubic, "Si", "2", "selective", "Direct",
            "0 0 0 T F t", "0 0 0 .FALSE. .TRUE. f"));
        Assert.Equal([true, false, true, false, true, false], f.GetArray(Poscar.SelectiveDynamicsArray)!.Logicals!);
    }

    [Fact]
    public void Vasp4_species_from_options()
    {
        var f = ReadText(Lines("whatever", "1.0", Cubic, "1 2", "Direct", "0 0 0", "0.5 0 0", "0 0.5 0"),
            new PoscarReadOptions { Species = ["Ga_d", "As"] });
        Assert.Equal(["Ga", "As", "As"], f.Elements.Select(e => e.Symbol));
        Assert.Equal("whatever", f.Info.GetExtra(Poscar.TitleKey));
    }

    [Fact]
    public void Vasp4_species_from_title_symbols()
    {
        var f = ReadText(Lines("Ga As", "1.0", Cubic, "1 2", "Direct", "0 0 0", "0.5 0 0", "0 0.5 0"));
        Assert.Equal(["Ga", "As", "As"], f.Elements.Select(e => e.Symbol));
        Assert.Equal("Ga As", f.Info.GetExtra(Poscar.TitleKey)); // not the formula GaAs2
    }

    [Fact]
    public void Vasp4_title_with_wrong_counts_is_not_used()
    {
        var ex = Assert.Throws<ParseException>(() =>
            ReadText(Lines("Ga2As2", "1.0", Cubic, "1 2", "Direct", "0 0 0", "0.5 0 0", "0 0.5 0")));
        Assert.Equal(6, ex.Line);
        Assert.Contains("PoscarReadOptions.Species", ex.Message, StringComparison.Ordinal);
        Assert.Contains("POTCAR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vasp4_species_from_potcar_titel_lines()
    {
        File.WriteAllText(Path.Combine(_dir, "POTCAR"),
            "  PAW_PBE Fe_pv 06Sep2000\n   VRHFIN =Fe: 3p4s3d\n   TITEL  = PAW_PBE Fe_pv 06Sep2000\n End of Dataset\n" +
            "  PAW_PBE O 08Apr2002\n   VRHFIN =O: s2p4\n   TITEL  = PAW_PBE O 08Apr2002\n End of Dataset\n");
        string path = Path.Combine(_dir, "POSCAR");
        File.WriteAllText(path, Lines("Cubic BN", "1.0", Cubic, "1 1", "Direct", "0 0 0", "0.5 0.5 0.5"));
        var f = PoscarReader.Read(path);
        Assert.Equal(["Fe", "O"], f.Elements.Select(e => e.Symbol));
        Assert.Equal(path, f.Info.SourceFile);

        // Without it (or with UsePotcar off) there is nothing to go on.
        var ex = Assert.Throws<ParseException>(() => PoscarReader.Read(path, new PoscarReadOptions { UsePotcar = false }));
        Assert.Contains($"{path}:6:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vasp4_species_from_potcar_vrhfin_lines_and_count_mismatch()
    {
        File.WriteAllText(Path.Combine(_dir, "POTCAR"), "  US Si\n   VRHFIN =Si: s2p2\n End of Dataset\n");
        string path = Path.Combine(_dir, "POSCAR");
        File.WriteAllText(path, Lines("x", "1.0", Cubic, "2", "Direct", "0 0 0", "0.5 0.5 0.5"));
        Assert.Equal(["Si", "Si"], PoscarReader.Read(path).Elements.Select(e => e.Symbol));

        File.WriteAllText(path, Lines("x", "1.0", Cubic, "1 1", "Direct", "0 0 0", "0.5 0.5 0.5"));
        var ex = Assert.Throws<ParseException>(() => PoscarReader.Read(path));
        Assert.Equal(6, ex.Line);
        Assert.Contains("POTCAR", ex.Problem, StringComparison.Ordinal);
        Assert.Contains("lists 1 species", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Velocities_after_a_mode_line()
    {
        var cart = ReadText(Lines("x", "1.0", Cubic, "Si", "2", "Direct", "0 0 0", "0.5 0.5 0.5",
            "Cartesian", "0.1 0.2 0.3", "-0.1 -0.2 -0.3"));
        Assert.Equal([0.1, 0.2, 0.3, -0.1, -0.2, -0.3], cart.Velocities!);

        var direct = ReadText(Lines("x", "1.0", Cubic, "Si", "2", "Direct", "0 0 0", "0.5 0.5 0.5",
            "", "Direct", "0.01 0.02 0.03", "0 0 0"));
        Assert.Null(direct.Velocities);
        var dv = direct.GetArray(Poscar.DirectVelocitiesArray);
        Assert.Equal([0.01, 0.02, 0.03, 0, 0, 0], dv!.Reals!);

        // Written back after a 'Direct' line and read again unchanged.
        var w = new StringWriter();
        PoscarWriter.Write(w, direct);
        Assert.Contains("\nDirect\n", w.ToString(), StringComparison.Ordinal);
        Assert.True(ReadText(w.ToString()).ContentEquals(direct));
    }

    [Fact]
    public void Xdatcar_is_refused()
    {
        var ex = Assert.Throws<ParseException>(() => ReadText(Lines("x", "1.0", Cubic, "Si", "1",
            "Direct configuration=     1", "0 0 0", "Direct configuration=     2", "0 0 0")));
        Assert.Equal(8, ex.Line);
        Assert.Contains("XDATCAR", ex.Problem, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, string> Malformed => new()
    {
        { "", 1, "empty file" },
        { Lines("x", "abc", Cubic, "Si", "1", "Direct", "0 0 0"), 2, "expected the scale factor (1 or 3 numbers), found 'abc'" },
        { Lines("x", "1 2", Cubic, "Si", "1", "Direct", "0 0 0"), 2, "expected 1 or 3 scale factors" },
        { Lines("x", "1 -2 3", Cubic, "Si", "1", "Direct", "0 0 0"), 2, "must all be positive" },
        { Lines("x", "1.0", "4 0 0", "0.45 abc 0.5", "0 0 4", "Si", "1", "Direct", "0 0 0"), 4, "expected 3 numbers for lattice vector b, found '0.45 abc 0.5'" },
        { Lines("x", "1.0", "4 0 0", "0 4 0", "0 0", "Si", "1", "Direct", "0 0 0"), 5, "expected 3 numbers for lattice vector c, found '0 0'" },
        { Lines("x", "1.0", "4 0 0", "8 0 0", "0 0 4", "Si", "1", "Direct", "0 0 0"), 3, "degenerate" },
        { Lines("x", "1.0", Cubic, "O Xx", "1 1", "Direct", "0 0 0", "0 0 0"), 6, "unknown element 'Xx'" },
        { Lines("x", "1.0", Cubic, "O H", "1 1 1", "Direct", "0 0 0", "0 0 0", "0 0 0"), 7, "species line has 2 symbols but counts line has 3 numbers" },
        { Lines("x", "1.0", Cubic, "O H Si", "1 1", "Direct", "0 0 0", "0 0 0"), 7, "species line has 3 symbols but counts line has 2 numbers" },
        { Lines("x", "1.0", Cubic, "O H", "1 x", "Direct", "0 0 0", "0 0 0"), 7, "expected atom counts (integers), found '1 x'" },
        { Lines("x", "1.0", Cubic, "O H", "1 -1", "Direct", "0 0 0"), 7, "negative" },
        { Lines("x", "1.0", Cubic, "O H", "0 0", "Direct"), 7, "add up to 0" },
        { Lines("x", "1.0", Cubic, "O H", "5 3", "Direct", "0 0 0", "0 0 0", "0 0 0", "0 0 0", "0 0 0"), 13, "expected 8 coordinate lines, file ended after 5" },
        { Lines("x", "1.0", Cubic, "O H", "1 1", "Direct", "0 0 0", "0 0.x 0"), 10, "expected 3 numbers for the coordinates of atom 2, found '0 0.x 0'" },
        { Lines("x", "1.0", Cubic, "O H", "1 1", "Direct", "0 0 0", ""), 10, "coordinates of atom 2, found an empty line" },
        { Lines("x", "1.0", Cubic, "O H", "1 1", "0 0 0", "0 0 0"), 8, "expected 'Direct' or 'Cartesian' coordinate-mode line, found '0 0 0'" },
        { Lines("x", "1.0", Cubic, "O H", "1 1", "Selective dynamics", "Direct", "0 0 0 T T", "0 0 0 T T T"), 10, "expected 3 selective-dynamics flags (T or F) after the coordinates of atom 1" },
        { Lines("x", "1.0", Cubic, "O H", "1 1", "Selective dynamics", "Direct", "0 0 0 T T T", "0 0 0 T X T"), 11, "flags (T or F) after the coordinates of atom 2" },
        { Lines("x", "1.0", Cubic, "O H", "Direct", "0 0 0", "0 0 0"), 7, "expected the atom counts (integers) after the species line, found 'Direct'" },
        { Lines("x", "1.0", Cubic, "O H", "Si Qq", "1 1 1 1", "Direct"), 7, "unknown element 'Qq'" },
        { Lines("x", "1.0", Cubic, "O H"), 6, "expected the atom counts, file ended after line 6" },
        { Lines("x", "1.0", Cubic, "1 1", "Direct", "0 0 0", "0 0 0"), 6, "pass the species (PoscarReadOptions.Species) or put the POTCAR beside the file" },
        { Lines("x", "1.0", Cubic, "Si", "2", "Direct", "0 0 0", "0 0 0", "", "0.1 0.2 0.3"), 12, "expected 2 velocity lines, file ended after 1" },
        { Lines("x", "1.0", Cubic, "Si", "1", "Direct", "0 0 0", "", "0.1 0.2"), 10, "predictor" },
        { Lines("x", "1.0", Cubic, "Si", "1", "Direct", "0 0 0", "Mystery", "0.1 0.2 0.3"), 10, "expected velocities (or a 'Cartesian'/'Direct' line before them) after the coordinates, found 'Mystery'" },
        { Lines("x", "1.0", Cubic, "Si", "1", "Direct", "0 0 0", "Lattice velocities and vectors", "1", "0 0 0", "0 0 0"), 13, "expected lattice velocity c, file ended after line 13" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_names_file_line_expected_and_found(string text, int line, string fragment)
    {
        if (fragment == "predictor")
        {
            // Not an error when read: a short trailing block is kept verbatim, and refused when parsed.
            var f = ReadText(text);
            Assert.Equal("0.1 0.2", f.Info.GetExtra(Poscar.PredictorCorrectorKey));
            Assert.Throws<FormatException>(() => Poscar.GetPredictorCorrector(f));
            return;
        }
        var ex = Assert.Throws<ParseException>(() => ReadText(text));
        Assert.Equal(line, ex.Line);
        Assert.Equal("test.vasp", ex.File);
        Assert.Null(ex.Frame);
        Assert.StartsWith($"test.vasp:{line}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_from_a_path_names_the_path()
    {
        string path = Path.Combine(_dir, "POSCAR");
        File.WriteAllText(path, Lines("x", "1.0", Cubic, "O Xx", "1 1", "Direct", "0 0 0", "0 0 0"));
        var ex = Assert.Throws<ParseException>(() => PoscarReader.Read(path));
        Assert.StartsWith($"{path}:6: unknown element 'Xx'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_folder_in_natural_order()
    {
        foreach (var (name, symbol) in new[] { ("POSCAR-10", "Cu"), ("POSCAR-2", "Ag"), ("POSCAR-1", "Au"), ("CONTCAR", "Pt"), ("a.vasp", "Pd"), ("notes.txt", "Ni"), (".POSCAR-3", "Fe") })
            File.WriteAllText(Path.Combine(_dir, name), Lines("x", "1.0", Cubic, symbol, "1", "Direct", "0 0 0"));
        var frames = PoscarReader.ReadFolder(_dir).ToList();
        Assert.Equal(["Pd", "Pt", "Au", "Ag", "Cu"], frames.Select(f => f.Elements[0].Symbol));
        Assert.Equal(
            ["a.vasp", "CONTCAR", "POSCAR-1", "POSCAR-2", "POSCAR-10"],
            frames.Select(f => Path.GetFileName(f.Info.SourceFile!)));
        Assert.All(frames, f => Assert.Equal(0, f.Info.SourceIndex));
        Assert.Throws<DirectoryNotFoundException>(() => PoscarReader.ReadFolder(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void Natural_order_compares_digit_runs_as_numbers()
    {
        string[] names = ["POSCAR-10", "POSCAR-2", "POSCAR-1", "poscar-3", "POSCAR-02", "POSCAR-100", "POSCAR"];
        Assert.Equal(
            ["POSCAR", "POSCAR-1", "POSCAR-02", "POSCAR-2", "poscar-3", "POSCAR-10", "POSCAR-100"],
            names.Order(NaturalOrderComparer.Instance));
    }
}
