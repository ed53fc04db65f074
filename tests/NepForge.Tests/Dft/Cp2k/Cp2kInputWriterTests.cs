using System.Globalization;
using NepForge.Dft.Cp2k;
using NepForge.Structures;

namespace NepForge.Tests.Dft.Cp2k;

public sealed class Cp2kInputWriterTests
{
    internal static Frame Si8(double a = 5.431)
    {
        double[] frac =
        [
            0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0,
            0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.25, 0.75, 0.75, 0.75, 0.25,
        ];
        var si = Elements.Get("Si");
        return new Frame([si, si, si, si, si, si, si, si], [.. frac.Select(f => f * a)], Lattice.Orthorhombic(a, a, a));
    }

    internal static Frame H2Box()
    {
        var h = Elements.Get("H");
        double[] p =
        [
            1.13, 1.5, 1.5, 1.87, 1.5, 1.5, 4.5, 4.13, 1.5, 4.5, 4.87, 1.5,
            4.5, 1.5, 4.13, 4.5, 1.5, 4.87, 1.26906, 4.26906, 4.26906, 1.73094, 4.73094, 4.73094,
        ];
        return new Frame([h, h, h, h, h, h, h, h], p, Lattice.Orthorhombic(6, 6, 6));
    }

    static Frame Triclinic()
    {
        var lattice = new Lattice(new Vec3(5.1, 0, 0), new Vec3(0.3333333333333333, 4.9, 0), new Vec3(-0.1, 0.2, 6.123456789012345));
        Element[] el = [Elements.Get("Si"), Elements.Get("O"), Elements.Get("O"), Elements.Get("H"), Elements.Get("Si")];
        double[] p = [0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 1e-9, -0.0, 4.99999999999, 3.14159265358979, 2.5, 2.5, 2.5, 1.1, 1.2, 1.3];
        return new Frame(el, p, lattice);
    }

    /// <summary>The &amp;CELL vectors and &amp;COORD atoms of a CP2K input.</summary>
    internal static (Mat3 Cell, string[] Symbols, double[] Positions) ReadGeometry(string input)
    {
        var lines = input.Split('\n').Select(l => l.Trim()).ToArray();
        var cell = new double[9];
        int c0 = Array.IndexOf(lines, "&CELL");
        for (int r = 0; r < 3; r++)
        {
            var cols = lines[c0 + 1 + r].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("ABC"[r].ToString(), cols[0]);
            for (int k = 0; k < 3; k++)
                cell[3 * r + k] = double.Parse(cols[1 + k], CultureInfo.InvariantCulture);
        }
        int k0 = Array.IndexOf(lines, "&COORD");
        var symbols = new List<string>();
        var positions = new List<double>();
        for (int i = k0 + 1; lines[i] != "&END COORD"; i++)
        {
            var cols = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            symbols.Add(cols[0]);
            positions.AddRange(cols.Skip(1).Select(s => double.Parse(s, CultureInfo.InvariantCulture)));
        }
        return (Mat3.FromRowMajor(cell), [.. symbols], [.. positions]);
    }

    [Fact]
    public void SameFrameGivesByteIdenticalInput()
    {
        var a = Cp2kInputWriter.Render(Triclinic());
        var b = Cp2kInputWriter.Render(Triclinic().Clone());
        Assert.Equal(a, b);
        Assert.DoesNotContain("\r", a, StringComparison.Ordinal);
        Assert.EndsWith("&END FORCE_EVAL\n", a, StringComparison.Ordinal);
    }

    [Fact]
    public void CellAndCoordinatesRoundTripExactly()
    {
        var frame = Triclinic();
        var (cell, symbols, positions) = ReadGeometry(Cp2kInputWriter.Render(frame));
        Assert.Equal(frame.Lattice!.Matrix, cell);
        Assert.Equal(frame.Elements.Select(e => e.Symbol), symbols);
        Assert.Equal(frame.Positions, positions);
    }

    [Fact]
    public void DefaultsAreTheFastExampleSettings()
    {
        string text = Cp2kInputWriter.Render(Si8());
        foreach (string line in new[]
        {
            "RUN_TYPE ENERGY_FORCE", "STRESS_TENSOR ANALYTICAL", "CUTOFF 250", "REL_CUTOFF 40", "EPS_SCF 1E-06", "MAX_SCF 40",
            "ELECTRONIC_TEMPERATURE 500", "ADDED_MOS 8", "FILENAME =forces.out", "FILENAME =stress.out", "EPS_DEFAULT 1E-08",
            "BASIS_SET SZV-MOLOPT-SR-GTH", "POTENTIAL GTH-PBE-q4", "PROJECT nepforge", "&XC_FUNCTIONAL PBE",
        })
        {
            Assert.Contains("\n" + line + "\n", "\n" + string.Join("\n", text.Split('\n').Select(l => l.Trim())) + "\n", StringComparison.Ordinal);
        }
        Assert.DoesNotContain("UKS", text, StringComparison.Ordinal);
        Assert.DoesNotContain("CHARGE", text, StringComparison.Ordinal);
        Assert.Contains("CUTOFF 150\n", Cp2kInputWriter.Render(Si8(), Cp2kSettings.FastSilicon), StringComparison.Ordinal);
    }

    [Fact]
    public void KindsInOrderOfFirstAppearanceWithOverrides()
    {
        var settings = new Cp2kSettings
        {
            Basis = new Dictionary<string, string> { ["O"] = "DZVP-MOLOPT-SR-GTH" },
            Potentials = new Dictionary<string, string> { ["H"] = "GTH-BLYP-q1" },
            Charge = -1,
            Multiplicity = 2,
        };
        string text = Cp2kInputWriter.Render(Triclinic(), settings);
        int si = text.IndexOf("&KIND Si\n", StringComparison.Ordinal);
        int o = text.IndexOf("&KIND O\n", StringComparison.Ordinal);
        int h = text.IndexOf("&KIND H\n", StringComparison.Ordinal);
        Assert.True(si > 0 && si < o && o < h);
        Assert.Contains("&KIND O\n      BASIS_SET DZVP-MOLOPT-SR-GTH\n      POTENTIAL GTH-PBE-q6\n", text, StringComparison.Ordinal);
        Assert.Contains("&KIND H\n      BASIS_SET SZV-MOLOPT-SR-GTH\n      POTENTIAL GTH-BLYP-q1\n", text, StringComparison.Ordinal);
        Assert.Contains("    CHARGE -1\n    UKS\n    MULTIPLICITY 2\n", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Split("&KIND Si").Length - 1);
    }

    [Fact]
    public void ValenceChargesOfCommonElements()
    {
        Assert.Equal(1, Cp2kKinds.ValenceCharges["H"]);
        Assert.Equal(4, Cp2kKinds.ValenceCharges["C"]);
        Assert.Equal(5, Cp2kKinds.ValenceCharges["N"]);
        Assert.Equal(6, Cp2kKinds.ValenceCharges["O"]);
        Assert.Equal(4, Cp2kKinds.ValenceCharges["Si"]);
        Assert.Equal(16, Cp2kKinds.ValenceCharges["Fe"]);
        Assert.Equal(4, Cp2kKinds.ValenceCharges["Pb"]);
        var u = new Frame([Elements.Get("U")], [0, 0, 0], Lattice.Orthorhombic(5, 5, 5));
        var e = Assert.Throws<ArgumentException>(() => Cp2kInputWriter.Render(u));
        Assert.Contains("no default GTH pseudopotential for U", e.Message, StringComparison.Ordinal);
        Assert.Contains("POTENTIAL GTH-PBE-q14",
            Cp2kInputWriter.Render(u, new Cp2kSettings { Potentials = new Dictionary<string, string> { ["U"] = "GTH-PBE-q14" } }),
            StringComparison.Ordinal);
    }

    [Fact]
    public void TemplatePlaceholdersAreFilledWithTheirIndentation()
    {
        string template = "&GLOBAL\n  PROJECT {PROJECT}\n&END GLOBAL\n&SUBSYS\n  &CELL\n    {CELL}\n  &END CELL\n  &COORD\n\t{COORD}\n  &END COORD\n  {KINDS}\n&END SUBSYS\n";
        var frame = Triclinic();
        string text = Cp2kInputWriter.Render(frame, new Cp2kSettings { Template = template, Project = "t1" });
        Assert.Contains("  PROJECT t1\n", text, StringComparison.Ordinal);
        Assert.Contains("  &CELL\n    A 5.1 0 0\n    B 0.3333333333333333 4.9 0\n    C -0.1 0.2 6.123456789012345\n  &END CELL\n", text, StringComparison.Ordinal);
        Assert.Contains("\tO 0.3333333333333333 0.6666666666666666 1E-09\n", text, StringComparison.Ordinal);
        Assert.Contains("  &KIND Si\n    BASIS_SET SZV-MOLOPT-SR-GTH\n", text, StringComparison.Ordinal);
        Assert.EndsWith("&END SUBSYS\n", text, StringComparison.Ordinal);
        var (cell, _, positions) = ReadGeometry(text);
        Assert.Equal(frame.Lattice!.Matrix, cell);
        Assert.Equal(frame.Positions, positions);

        var e = Assert.Throws<ArgumentException>(() => Cp2kInputWriter.Render(frame, new Cp2kSettings { Template = "{CELL} {KINDS}" }));
        Assert.Contains("{COORD}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TemplateFileIsReadAndChecked()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nepforge-cp2k-template-{Guid.NewGuid():N}.inp");
        try
        {
            File.WriteAllText(path, "{CELL}\n{COORD}\n");
            var e = Assert.Throws<ArgumentException>(() => Cp2kInputWriter.ReadTemplate(path));
            Assert.Contains("{KINDS}", e.Message, StringComparison.Ordinal);
            File.WriteAllText(path, "{CELL}\n{COORD}\n{KINDS}\n");
            Assert.Equal("{CELL}\n{COORD}\n{KINDS}\n", Cp2kInputWriter.ReadTemplate(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RefusesFramesCp2kCannotTake()
    {
        var noCell = new Frame([Elements.Get("H")], [0, 0, 0], null);
        Assert.Throws<ArgumentException>(() => Cp2kInputWriter.Render(noCell));
        var slab = new Frame([Elements.Get("H")], [0, 0, 0], new Lattice(Mat3.Diagonal(5, 5, 5), new Pbc(true, true, false)));
        Assert.Throws<ArgumentException>(() => Cp2kInputWriter.Render(slab));
        var nan = new Frame([Elements.Get("H")], [double.NaN, 0, 0], Lattice.Orthorhombic(5, 5, 5));
        Assert.Throws<ArgumentException>(() => Cp2kInputWriter.Render(nan));
    }
}
