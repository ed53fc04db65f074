using System.Globalization;
using NepForge.Formats.Vasp;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

/// <summary>
/// Every POSCAR/CONTCAR under shared/fixtures/vasp (see its PROVENANCE.md): species, counts, cells, positions and
/// MD extras against the values the source projects' tests assert, and exact round trips through the writer.
/// </summary>
public class PoscarFixtureTests
{
    /// <summary>Each fixture with its species groups as written in the file (symbol, count).</summary>
    static readonly Dictionary<string, (string Symbol, int Count)[]> Expected = new()
    {
        ["dpdata/POSCAR.oh.c"] = [("O", 1), ("H", 1)],
        ["dpdata/POSCAR.oh.d"] = [("O", 1), ("H", 1)],
        ["dpdata/POSCAR.h4o3"] = [("H", 4), ("O", 3)],
        ["dpdata/POSCAR.SiC"] = [("C", 4), ("Si", 4)],
        ["dpdata/POSCAR.h2o.md"] = [("O", 2), ("H", 4)],
        ["dpdata/CONTCAR.h2o.md"] = [("O", 2), ("H", 4)],
        ["pymatgen-core/POSCAR"] = [("Fe", 4), ("P", 4), ("O", 16)],
        ["pymatgen-core/POSCAR_symbols_natoms_multilines"] =
        [
            ("Fe", 1), ("Cr", 1), ("Fe", 2), ("Cr", 4), ("Fe", 2), ("Cr", 1), ("Fe", 1), ("Cr", 1), ("Fe", 2), ("Cr", 1),
            ("Fe", 1), ("Cr", 1), ("Fe", 4), ("Cr", 1), ("Fe", 1), ("Ni", 1), ("Fe", 5), ("Cr", 3), ("Fe", 6), ("Cr", 1),
            ("Fe", 2), ("Ni", 1), ("Fe", 3), ("Cr", 2), ("Fe", 5),
        ],
        ["pymatgen-core/CONTCAR.MD"] = [("Li", 20), ("Ge", 2), ("P", 4), ("S", 24)],
        ["pymatgen-core/CONTCAR.MD.npt"] = [("Si", 8)],
    };

    public static TheoryData<string> AllFixtures => [.. Expected.Keys];

    static string Vasp(string relative) => Fixtures.Path(Path.Combine("vasp", relative));

    static Frame Read(string relative) => PoscarReader.Read(Vasp(relative));

    [FixtureFact]
    public void The_table_lists_every_POSCAR_and_CONTCAR_fixture()
    {
        string root = Fixtures.Path("vasp");
        var found = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith("POSCAR", StringComparison.Ordinal) ||
                        Path.GetFileName(f).StartsWith("CONTCAR", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), found);
    }

    [FixtureTheory]
    [MemberData(nameof(AllFixtures))]
    public void Reads_species_counts_and_metadata(string relative)
    {
        var frame = Read(relative);
        var groups = new List<(string, int)>();
        foreach (var e in frame.Elements)
        {
            if (groups.Count > 0 && groups[^1].Item1 == e.Symbol)
                groups[^1] = (e.Symbol, groups[^1].Item2 + 1);
            else
                groups.Add((e.Symbol, 1));
        }
        Assert.Equal(Expected[relative], groups);
        Assert.Equal(Vasp(relative), frame.Info.SourceFile);
        Assert.Equal(0, frame.Info.SourceIndex);
        Assert.NotNull(frame.Lattice);
        Assert.Equal(Pbc.All, frame.Lattice!.Pbc);
        Assert.All(frame.Positions, x => Assert.True(double.IsFinite(x)));
    }

    [FixtureTheory]
    [MemberData(nameof(AllFixtures))]
    public void Round_trip_is_bit_exact_and_the_second_write_is_byte_identical(string relative)
    {
        string path = Vasp(relative);
        var first = PoscarReader.Read(path);

        var text1 = new StringWriter();
        var result = PoscarWriter.Write(text1, first);
        var second = PoscarReader.Read(new StringReader(text1.ToString()), path);
        var expected = result.Reordered ? first.SelectAtoms(result.Permutation) : first;
        Assert.True(second.ContentEquals(expected), $"{relative}: re-read frame differs from the written one");
        Assert.Equal(relative.EndsWith("multilines", StringComparison.Ordinal), result.Reordered);

        var text2 = new StringWriter();
        var result2 = PoscarWriter.Write(text2, second);
        Assert.False(result2.Reordered);
        Assert.Equal(text1.ToString(), text2.ToString());

        // Keeping the file's atom order round-trips the original frame itself.
        var kept = new StringWriter();
        var keptResult = PoscarWriter.Write(kept, first, new PoscarWriteOptions { KeepAtomOrder = true });
        Assert.False(keptResult.Reordered);
        Assert.True(PoscarReader.Read(new StringReader(kept.ToString()), path).ContentEquals(first));
    }

    [FixtureTheory]
    [MemberData(nameof(AllFixtures))]
    public void Direct_write_round_trips_positions_to_rounding(string relative)
    {
        string path = Vasp(relative);
        var first = PoscarReader.Read(path);
        var text = new StringWriter();
        var result = PoscarWriter.Write(text, first, new PoscarWriteOptions { Direct = true });
        Assert.Contains("\nDirect\n", text.ToString(), StringComparison.Ordinal);
        var second = PoscarReader.Read(new StringReader(text.ToString()), path);
        var expected = first.SelectAtoms(result.Permutation);
        Assert.Equal(expected.Elements, second.Elements);
        Assert.Equal(expected.Lattice, second.Lattice);
        for (int i = 0; i < expected.Positions.Length; i++)
            Assert.Equal(expected.Positions[i], second.Positions[i], 1e-12);
    }

    [FixtureFact]
    public void Oh_cartesian_with_selective_dynamics()
    {
        var f = Read("dpdata/POSCAR.oh.c");
        const double s = 3.57;
        var expectedCell = new Mat3(0 * s, 0.5 * s, 0.5 * s, 0.45 * s, 0 * s, 0.5 * s, 0.55 * s, 0.51 * s, 0 * s);
        Assert.Equal(expectedCell, f.Lattice!.Matrix);
        Assert.Equal(new Vec3(0, 0, 0), f.Position(0));
        Assert.Equal(new Vec3(s * 0.25, s * 0.25, s * 0.25), f.Position(1));
        var sd = f.GetArray(Poscar.SelectiveDynamicsArray);
        Assert.NotNull(sd);
        Assert.Equal(ColumnType.Logical, sd!.Type);
        Assert.Equal(3, sd.Width);
        Assert.Equal([true, true, false, false, false, false], sd.Logicals!);
        Assert.Equal("Cubic BN", f.Info.GetExtra(Poscar.TitleKey));

        // dpdata's reference (after its rotation to a lower-triangular cell): lengths and |r2 - r1| are invariant.
        Assert.Equal(2.5243712, f.Lattice.Lengths.X, 6);
        Assert.Equal(Math.Sqrt(1.2621856 * 1.2621856 + 2.0430257 * 2.0430257), f.Lattice.Lengths.Y, 6);
        Assert.Equal(Math.Sqrt(1.2874292 * 1.2874292 + 0.7485898 * 0.7485898 + 2.2254033 * 2.2254033), f.Lattice.Lengths.Z, 6);
        Assert.Equal(Math.Sqrt(1.2621856 * 1.2621856 + 0.7018028 * 0.7018028 + 0.5513885 * 0.5513885), f.Position(1).Length, 6);
    }

    [FixtureFact]
    public void Oh_direct_converts_with_the_cell()
    {
        var d = Read("dpdata/POSCAR.oh.d");
        var c = Read("dpdata/POSCAR.oh.c");
        Assert.Equal(c.Lattice, d.Lattice);
        Assert.Equal(c.Elements, d.Elements);
        Assert.Null(d.GetArray(Poscar.SelectiveDynamicsArray));
        var expected = d.Lattice!.ToCartesian(new Vec3(0.24727453, 0.25272547, 0.24777007));
        Assert.Equal(expected, d.Position(1));
        // Hand-computed f·M with M = 3.57 × rows.
        const double s = 3.57;
        double x = 0.24727453 * 0 * s + 0.25272547 * 0.45 * s + 0.24777007 * 0.55 * s;
        double y = 0.24727453 * 0.5 * s + 0.25272547 * 0 * s + 0.24777007 * 0.51 * s;
        double z = 0.24727453 * 0.5 * s + 0.25272547 * 0.5 * s + 0.24777007 * 0 * s;
        Assert.Equal(x, d.Position(1).X, 1e-14);
        Assert.Equal(y, d.Position(1).Y, 1e-14);
        Assert.Equal(z, d.Position(1).Z, 1e-14);
        // Same structure as the Cartesian file to the 8 digits given.
        Assert.True((d.Position(1) - c.Position(1)).Length < 1e-6);
    }

    [FixtureFact]
    public void Pymatgen_vasp4_negative_scale_and_trailing_symbols()
    {
        var f = Read("pymatgen-core/POSCAR");
        Assert.Equal("Fe4P4O16", f.Formula);
        Assert.Equal(300.65685512, f.Lattice!.Volume, 1e-8);
        double s = Math.Cbrt(300.65685512 / (10.4117668700 * 6.0671718800 * 4.7594895400));
        Assert.Equal(10.4117668700 * s, f.Lattice.Matrix.M00, 1e-13);
        Assert.Equal(10.4117668699494264, f.Lattice.Matrix.M00, 1e-13); // pymatgen's own output
        Assert.Equal(0.0, f.Lattice.Matrix.M01);
        Assert.Equal(f.Lattice.ToCartesian(new Vec3(0.21872822, 0.75, 0.47486711)), f.Position(0));
        Assert.Null(f.Info.GetExtra(Poscar.TitleKey)); // the title is just the formula
    }

    [FixtureFact]
    public void Pymatgen_vasp4_title_gives_the_species_when_coordinates_carry_none()
    {
        var lines = File.ReadAllLines(Vasp("pymatgen-core/POSCAR"));
        for (int i = 7; i < lines.Length; i++)
            lines[i] = string.Join(' ', lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));
        var f = PoscarReader.Read(new StringReader(string.Join('\n', lines)), "POSCAR");
        Assert.Equal("Fe4P4O16", f.Formula);
    }

    [FixtureFact]
    public void Symbols_and_counts_wrapped_over_two_lines()
    {
        var f = Read("pymatgen-core/POSCAR_symbols_natoms_multilines");
        Assert.Equal(53, f.AtomCount);
        // pymatgen tests/io/vasp/test_inputs.py (test_from_file): the per-site order.
        string[] pymatgen =
        [
            "Fe", "Cr", "Fe", "Fe", "Cr", "Cr", "Cr", "Cr", "Fe", "Fe", "Cr", "Fe", "Cr", "Fe", "Fe", "Cr", "Fe", "Cr",
            "Fe", "Fe", "Fe", "Fe", "Cr", "Fe", "Ni", "Fe", "Fe", "Fe", "Fe", "Fe", "Cr", "Cr", "Cr", "Fe", "Fe", "Fe",
            "Fe", "Fe", "Fe", "Cr", "Fe", "Fe", "Ni", "Fe", "Fe", "Fe", "Cr", "Cr", "Fe", "Fe", "Fe", "Fe", "Fe",
        ];
        Assert.Equal(pymatgen, f.Elements.Select(e => e.Symbol));
        Assert.Equal(["Fe", "Cr", "Fe", "Fe", "Cr", "Cr", "Cr", "Cr", "Fe", "Fe"], f.Elements.Take(10).Select(e => e.Symbol));
        var composition = f.Composition().ToDictionary(c => c.Element.Symbol, c => c.Count);
        Assert.Equal(new Dictionary<string, int> { ["Fe"] = 35, ["Cr"] = 16, ["Ni"] = 2 }, composition);
        Assert.Null(f.Info.GetExtra(Poscar.TitleKey)); // "Cr16 Fe35 Ni2" is the formula

        // Direct → Cartesian with the triclinic cell, by hand.
        double[] a = [8.5415010000000002, -0.0077670000000000, -0.0007960000000000];
        double[] b = [-0.0077730000000000, 8.5224019999999996, 0.0105580000000000];
        double[] c = [-0.0007970000000000, 0.0105720000000000, 8.5356889999999996];
        double[] fr = [0.9965215052224874, 0.0062947006283242, 0.9939517794385151];
        for (int k = 0; k < 3; k++)
            Assert.Equal(fr[0] * a[k] + fr[1] * b[k] + fr[2] * c[k], f.Positions[k], 1e-13);

        // VASP wrote zero velocities: kept as such.
        var v = f.Velocities;
        Assert.NotNull(v);
        Assert.Equal(3 * 53, v!.Length);
        Assert.All(v, x => Assert.Equal(0.0, x));
    }

    [FixtureFact]
    public void Contcar_md_velocities_and_predictor_corrector()
    {
        var f = Read("pymatgen-core/CONTCAR.MD");
        Assert.Equal(50, f.AtomCount);
        Assert.Equal("form=[Ge2.000    Li20.000    P4.000", f.Info.GetExtra(Poscar.TitleKey));
        var v = f.Velocities;
        Assert.NotNull(v);
        Assert.Equal(0.0065417961324, v!.Sum(), 1e-9);
        Assert.Equal(-0.83844199E-02, v[0]);
        Assert.Equal(0.78748075E-02, v[^1]);
        Assert.Null(Poscar.GetLatticeVelocities(f));

        var pc = Poscar.GetPredictorCorrector(f);
        Assert.NotNull(pc);
        Assert.Equal(50, pc!.AtomCount);
        Assert.Equal(["           1", "   2.00000000000000     ", "  0.12919715E+01  0.98376628E-02  0.00000000E+00  0.00000000E+00"], pc.Preamble);
        Assert.Equal(0.33387820, pc[0, 0, 0]);
        Assert.Equal(-0.10583589e-02, pc[1, 0, 1]);
        Assert.Equal(0.15997023E-01, pc[0, 49, 0]);
        Assert.All(pc.GetSet(2), x => Assert.Equal(0.0, x));
        Assert.Equal(3 + 3 * 50, f.Info.GetExtra(Poscar.PredictorCorrectorKey)!.Split('\n').Length);
    }

    [FixtureFact]
    public void Contcar_npt_lattice_velocities()
    {
        var f = Read("pymatgen-core/CONTCAR.MD.npt");
        Assert.Equal("Si8", f.Formula);
        Assert.Null(f.Info.GetExtra(Poscar.TitleKey));
        Assert.Equal(-0.06193299494, f.Velocities!.Sum(), 1e-11);
        Assert.Equal(0.63981833, Poscar.GetPredictorCorrector(f)![0, 0, 0]);

        var lv = Poscar.GetLatticeVelocities(f);
        Assert.NotNull(lv);
        Assert.Equal(new Mat3(
            0.11376865E-02, -0.20054010E-02, 0.10745440E-02,
            -0.80980926E-03, -0.54988058E-03, -0.11593411E-02,
            0.40755213E-03, -0.91838934E-03, 0.10978311E-02), lv!.Value);
        var vectors = Poscar.GetBlockLatticeVectors(f)!.Value;
        Assert.Equal(0.56062799E+01, vectors.M00);
        Assert.Equal(0.54725901E+01, vectors.M22);
        // pymatgen's lattice_velocities is the 6×3 block (3 velocity rows and 3 lattice rows): its sum 16.49411358474
        // includes the vectors; the 9 lattice velocities alone add up to −0.00172520755.
        double velocitySum = lv.Value.ToArray().Sum();
        Assert.Equal(-0.00172520755, velocitySum, 1e-12);
        Assert.Equal(16.49411358474, velocitySum + vectors.ToArray().Sum(), 1e-9);
        Assert.Equal(
            string.Join(' ', lv.Value.ToArray().Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
            f.Info.GetExtra(Poscar.LatticeVelocitiesKey));
        Assert.Null(f.Info.GetExtra(Poscar.LatticeInitKey)); // the state is "1"

        // The header lattice is the cell; the block's vectors are kept separately.
        Assert.Equal(5.6029196758839159, f.Lattice!.Matrix.M00);
        // Written back in VASP's fixed 16-character fields (VASP reads this block with a fixed format).
        var written = new StringWriter();
        PoscarWriter.Write(written, f);
        var lines = written.ToString().Split('\n');
        int header = Array.IndexOf(lines, "Lattice velocities and vectors");
        Assert.Equal(16, header); // 8 header lines, 8 atoms
        Assert.Equal("           1", lines[header + 1]);
        Assert.Equal("    0.0011376865    -0.002005401     0.001074544", lines[header + 2]);
        Assert.Equal("       5.6062799    -0.068862342      0.11555075", lines[header + 5]);
        for (int r = 2; r <= 7; r++)
            Assert.Equal(48, lines[header + r].Length);
    }

    [FixtureFact]
    public void Dpdata_ovito_abbreviated_direct_and_leading_dot_numbers()
    {
        var f = Read("dpdata/POSCAR.h2o.md");
        Assert.Equal("POSCAR file written by OVITO", f.Info.GetExtra(Poscar.TitleKey));
        var m = f.Lattice!.Matrix;
        Assert.Equal(new Mat3(10, 0, 0, -0.011409, 10, 0, 0.1411083, -0.0595569, 10), m);
        Assert.Equal(.428 * 10 + .424 * -0.011409 + .520 * 0.1411083, f.Positions[0], 1e-13);
        Assert.Equal(.424 * 10 + .520 * -0.0595569, f.Positions[1], 1e-13);
        Assert.Equal(.520 * 10, f.Positions[2], 1e-13);
        Assert.Equal(.021 * 10, f.Positions[^1], 1e-13);
        Assert.Null(f.Velocities);

        var h4o3 = Read("dpdata/POSCAR.h4o3");
        Assert.Equal(h4o3.Position(0), h4o3.Position(1)); // two atoms share a position
    }

    [FixtureFact]
    public void Dpdata_contcar_velocities_and_predictor()
    {
        var f = Read("dpdata/CONTCAR.h2o.md");
        Assert.Equal("POSCAR file written by OVITO", f.Info.GetExtra(Poscar.TitleKey));
        Assert.Equal([-0.77785652E-04, -0.14490846E-04, 0.23959390E-03], f.Velocities![..3]);
        var pc = Poscar.GetPredictorCorrector(f)!;
        Assert.Equal(0.42797015, pc[0, 0, 0]);
        Assert.Equal(-0.88064438E-03, pc[1, 5, 0]);
        Assert.Equal("   1.00000000000000     ", pc.Preamble[1]);
    }

    [FixtureFact]
    public void Dpdata_lower_case_cartesian()
    {
        var f = Read("dpdata/POSCAR.SiC");
        Assert.Equal(new Vec3(-0.0666948568, 0.0604660432, 2.1539831432), f.Position(0));
        Assert.Equal(new Vec3(0.0632185432, 1.9999431432, 2.0438931432), f.Position(7));
        Assert.Equal(0.13, f.Lattice!.Matrix.M10);
        Assert.Null(f.Info.GetExtra(Poscar.TitleKey)); // "C4 Si4"
    }
}
