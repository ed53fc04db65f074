using NepForge.Formats;
using NepForge.Structures;

namespace NepForge.Tests.Structures;

public class BoxBuilderTests
{
    static double Angle(Vec3 a, Vec3 centre, Vec3 b)
    {
        Vec3 u = a - centre, v = b - centre;
        return Math.Acos(Vec3.Dot(u, v) / (u.Length * v.Length)) * 180 / Math.PI;
    }

    static Molecule Builtin(string name)
    {
        Assert.True(Molecule.TryGetBuiltin(name, out var m));
        return m;
    }

    // Checks what any packed box must satisfy: cell, composition, whole rigid molecules, and (by brute force over
    // minimum images, independent of NeighborSearch) the intermolecular distances.
    static void AssertValidBox(BoxBuildResult result, IReadOnlyList<BoxSpecies> species, double tolerance, double fraction = 0.7)
    {
        var f = result.Frame;
        var lattice = Assert.IsType<Lattice>(f.Lattice);
        Assert.Equal(Pbc.All, lattice.Pbc);
        Assert.Equal(species.Sum(s => s.Count * s.Molecule.AtomCount), f.AtomCount);
        int atom = 0;
        foreach (var s in species)
        {
            var m = s.Molecule;
            for (int c = 0; c < s.Count; c++, atom += m.AtomCount)
            {
                for (int i = 0; i < m.AtomCount; i++)
                {
                    Assert.Equal(m.Elements[i], f.Elements[atom + i]);
                    // Rigid body: every intramolecular distance as in the template (packmol writes 6 decimals).
                    for (int j = i + 1; j < m.AtomCount; j++)
                    {
                        double want = (m.Position(j) - m.Position(i)).Length;
                        double got = (f.Position(atom + j) - f.Position(atom + i)).Length;
                        Assert.Equal(want, got, 1e-4);
                    }
                }
            }
        }
        double min = double.MaxValue;
        for (int i = 0; i < f.AtomCount; i++)
            for (int j = i + 1; j < f.AtomCount; j++)
                if (result.MoleculeOf[i] != result.MoleculeOf[j])
                    min = Math.Min(min, lattice.Distance(f.Position(i), f.Position(j)));
        Assert.True(min >= fraction * tolerance, $"closest intermolecular pair {min} Å < {fraction} × {tolerance} Å");
        Assert.NotNull(result.MinIntermolecularDistance);
        Assert.True(result.MinIntermolecularDistance <= min + 1e-9);
    }

    [Fact]
    public void Builtin_geometries_are_the_experimental_ones()
    {
        var w = Builtin("H2O");
        Assert.Equal(["O", "H", "H"], w.Elements.Select(e => e.Symbol));
        Assert.Equal(0.9572, (w.Position(1) - w.Position(0)).Length, 1e-12);
        Assert.Equal(0.9572, (w.Position(2) - w.Position(0)).Length, 1e-12);
        Assert.Equal(104.52, Angle(w.Position(1), w.Position(0), w.Position(2)), 1e-9);
        Assert.Equal(18.015, w.Mass, 1e-9);

        var nh3 = Builtin("nh3"); // case-insensitive
        Assert.Equal("NH3", nh3.Name);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Equal(1.012, (nh3.Position(i) - nh3.Position(0)).Length, 1e-12);
            Assert.Equal(106.7, Angle(nh3.Position(i), nh3.Position(0), nh3.Position(i % 3 + 1)), 1e-9);
        }

        var ch4 = Builtin("CH4");
        Assert.Equal(5, ch4.AtomCount);
        for (int i = 1; i <= 4; i++)
        {
            Assert.Equal(1.087, (ch4.Position(i) - ch4.Position(0)).Length, 1e-12);
            for (int j = i + 1; j <= 4; j++)
                Assert.Equal(Math.Acos(-1.0 / 3) * 180 / Math.PI, Angle(ch4.Position(i), ch4.Position(0), ch4.Position(j)), 1e-9);
        }

        var co2 = Builtin("CO2");
        Assert.Equal(180, Angle(co2.Position(1), co2.Position(0), co2.Position(2)), 1e-9);
        Assert.Equal(1.16, (co2.Position(1) - co2.Position(0)).Length, 1e-12);
        Assert.Equal(0.7414, Builtin("H2").Diameter, 1e-12);
        Assert.Equal(1.0977, Builtin("N2").Diameter, 1e-12);
        Assert.Equal(1.2075, Builtin("O2").Diameter, 1e-12);
        Assert.Equal(7, Molecule.BuiltinNames.Count);
        Assert.False(Molecule.TryGetBuiltin("C6H6", out _));
    }

    [Fact]
    public void Molecule_from_a_plain_xyz_file_and_unknown_names()
    {
        string dir = Directory.CreateTempSubdirectory("nepforge-mol-").FullName;
        try
        {
            string path = Path.Combine(dir, "methanol.xyz");
            File.WriteAllText(path, "6\nmethanol, any comment\nC -0.046 0.663 0\nO -0.046 -0.757 0\nH -1.086 0.975 0\nH 0.434 1.080 0.892\nH 0.434 1.080 -0.892\nH 0.865 -1.057 0\n");
            var m = MoleculeFile.Resolve(path);
            Assert.Equal("methanol", m.Name);
            Assert.Equal(["C", "O", "H", "H", "H", "H"], m.Elements.Select(e => e.Symbol));
            Assert.Equal(1.42, (m.Position(1) - m.Position(0)).Length, 1e-9);
            Assert.Throws<FileNotFoundException>(() => MoleculeFile.Resolve(Path.Combine(dir, "nothing.xyz")));
            Assert.Throws<FileNotFoundException>(() => MoleculeFile.Resolve("Benzene"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Packmol_input_shrinks_the_box_by_the_margin_and_sets_the_seed()
    {
        var job = new PackmolJob
        {
            Structures = [new PackmolStructure(Builtin("H2O"), 32, new Vec3(1, 1, 1), new Vec3(19, 19, 14)), new PackmolStructure(Builtin("CO2"), 4, new Vec3(1, 1, 1), new Vec3(19, 19, 14))],
            Tolerance = 2.0,
            Seed = 1234,
            Nloop = 80,
        };
        string input = Packmol.Input(job);
        Assert.Equal(
            "tolerance 2\nfiletype xyz\noutput out.xyz\nseed 1234\nnloop 80\n\n" +
            "structure mol1.xyz\n  number 32\n  inside box 1 1 1 19 19 14\nend structure\n\n" +
            "structure mol2.xyz\n  number 4\n  inside box 1 1 1 19 19 14\nend structure\n", input);
        Assert.StartsWith("3\nH2O\nO 0 0 0\nH 0.7569", Packmol.MoleculeXyz(Builtin("H2O")), StringComparison.Ordinal);
        Assert.Equal("20.14.0", Packmol.ParseVersion("  PACKMOL - Packing optimization\n      Version 20.14.0 \n"));
        Assert.Null(Packmol.ParseVersion("no banner"));
    }

    [Fact]
    public void Density_gives_a_cubic_box_from_the_total_mass()
    {
        // 64 waters at 1 g/cm³: V = 64 × 18.015 × 1.66054 Å³ = 1914.5 Å³, edge 12.4171 Å.
        double edge = BoxBuilder.CubicEdgeForDensity(64 * 18.015, 1.0);
        Assert.Equal(Math.Cbrt(64 * 18.015 * 1.66053906660), edge, 1e-12);
        Assert.Equal(12.4171, edge, 1e-4);
        Assert.Equal("box_H2O32_CO24", BoxBuilder.DefaultConfigType([new(Builtin("H2O"), 32), new(Builtin("CO2"), 4)]));
    }

    [Fact]
    public void Intermolecular_distance_counts_periodic_images_but_not_bonds()
    {
        // Two H2 molecules along z, 0.5 Å from opposite faces of a 10 Å cube: 1 Å apart through the boundary.
        var h = Elements.Get("H");
        var f = new Frame([h, h, h, h], [5, 5, 0.5, 5, 5, 1.2414, 5, 5, 8.7586, 5, 5, 9.5], Lattice.Orthorhombic(10, 10, 10));
        Assert.Equal(1.0, BoxBuilder.MinIntermolecularDistance(f, [0, 0, 1, 1], 4.0)!.Value, 1e-9);
        // One molecule in a thin cell meets its own image: 2 Å − 0.7414 Å through the boundary.
        var g = new Frame([h, h], [1, 1, 0.2, 1, 1, 0.9414], Lattice.Orthorhombic(2, 2, 2));
        Assert.Equal(2 - 0.7414, BoxBuilder.MinIntermolecularDistance(g, [0, 0], 1.5)!.Value, 1e-9);
        Assert.Null(BoxBuilder.MinIntermolecularDistance(f, [0, 0, 1, 1], 0.9));
    }

    [Fact]
    public void Bad_options_fail_before_packmol_runs()
    {
        var h2 = new BoxSpecies(Builtin("H2"), 5);
        Assert.Throws<ArgumentException>(() => BoxBuilder.Build(new BoxBuildOptions { Species = [h2] }));
        Assert.Throws<ArgumentException>(() => BoxBuilder.Build(new BoxBuildOptions { Species = [h2], Box = new Vec3(10, 10, 10), Density = 1 }));
        Assert.Throws<ArgumentException>(() => BoxBuilder.Build(new BoxBuildOptions { Species = [h2], Box = new Vec3(10, 10, 10), Tolerance = 0 }));
        Assert.Throws<ArgumentException>(() => BoxBuilder.Build(new BoxBuildOptions { Species = [new(Builtin("H2"), 0)], Box = new Vec3(10, 10, 10) }));
        // 2.5 Å box less 2 × 1 Å margin leaves 0.5 Å for a 1.16 Å molecule.
        var e = Assert.Throws<ArgumentException>(() => BoxBuilder.Build(new BoxBuildOptions { Species = [new(Builtin("CO2"), 1)], Box = new Vec3(10, 10, 2.5) }));
        Assert.Contains("largest molecule", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_packmol_says_how_to_install_it()
    {
        var e = Assert.Throws<PackmolNotFoundException>(() => BoxBuilder.Build(new BoxBuildOptions
        {
            Species = [new(Builtin("H2"), 5)],
            Box = new Vec3(10, 10, 10),
            PackmolExecutable = "/nonexistent/bin/packmol",
        }));
        Assert.Contains("apt-get install packmol", e.Message, StringComparison.Ordinal);
        Assert.Contains("conda-forge", e.Message, StringComparison.Ordinal);
    }

    [PackmolFact]
    public void Hydrogen_box_with_margin_for_periodic_images()
    {
        var species = new List<BoxSpecies> { new(Builtin("H2"), 50) };
        var r = BoxBuilder.Build(new BoxBuildOptions { Species = species, Box = new Vec3(20, 20, 15), Seed = 1234 });
        AssertValidBox(r, species, 2.0);
        Assert.Equal(Lattice.Orthorhombic(20, 20, 15), r.Frame.Lattice);
        Assert.Equal(100, r.Frame.Elements.Count(e => e.Symbol == "H"));
        Assert.Equal("box_H250", r.Frame.Info.ConfigType);
        Assert.Equal(1234, r.Frame.Info.Seed);
        Assert.Equal("2", r.Frame.Info.GetExtra("packmol_tolerance"));
        Assert.True(r.Packmol.PerfectPacking);
        Assert.Matches(@"^\d+\.\d+", r.Packmol.Version); // 20.14.0 from Debian 12
        // Packed inside [1, L − 1] (margin = tolerance/2), up to packmol's soft-constraint slack.
        for (int i = 0; i < r.Frame.AtomCount; i++)
        {
            var p = r.Frame.Position(i);
            Assert.InRange(p.X, 0.8, 19.2);
            Assert.InRange(p.Y, 0.8, 19.2);
            Assert.InRange(p.Z, 0.8, 14.2);
        }
        // The infra probe's figure for this input: 2.18 Å.
        Assert.True(r.MinIntermolecularDistance >= 2.0 * 0.9);
    }

    [PackmolFact]
    public void Water_at_a_density_has_intact_molecules_and_the_right_mass_per_volume()
    {
        var species = new List<BoxSpecies> { new(Builtin("H2O"), 64) };
        var r = BoxBuilder.Build(new BoxBuildOptions { Species = species, Density = 1.0, Seed = 7 });
        AssertValidBox(r, species, 2.0);
        var f = r.Frame;
        Assert.Equal(128, f.Elements.Count(e => e.Symbol == "H"));
        Assert.Equal(64, f.Elements.Count(e => e.Symbol == "O"));
        double mass = f.Elements.Sum(e => e.Mass) * BoxBuilder.AmuPerA3ToGPerCm3 / f.Lattice!.Volume;
        Assert.Equal(1.0, mass, 0.01);
        Assert.Equal(1.0, r.Density, 1e-9);
        var lengths = f.Lattice.Lengths;
        Assert.Equal(lengths.X, lengths.Y);
        Assert.Equal(lengths.X, lengths.Z);
        for (int m = 0; m < 64; m++)
        {
            Vec3 o = f.Position(3 * m), h1 = f.Position(3 * m + 1), h2 = f.Position(3 * m + 2);
            Assert.Equal(0.957, (h1 - o).Length, 1e-3);
            Assert.Equal(0.957, (h2 - o).Length, 1e-3);
            Assert.Equal(104.52, Angle(h1, o, h2), 0.01);
        }
    }

    [PackmolFact]
    public void Same_seed_same_box_other_seed_other_box()
    {
        var species = new List<BoxSpecies> { new(Builtin("CH4"), 20) };
        var a = BoxBuilder.Build(new BoxBuildOptions { Species = species, Box = new Vec3(15, 15, 15), Seed = 42 });
        var b = BoxBuilder.Build(new BoxBuildOptions { Species = species, Box = new Vec3(15, 15, 15), Seed = 42 });
        var c = BoxBuilder.Build(new BoxBuildOptions { Species = species, Box = new Vec3(15, 15, 15), Seed = 43 });
        Assert.True(a.Frame.ContentEquals(b.Frame));
        Assert.False(a.Frame.Positions.AsSpan().SequenceEqual(c.Frame.Positions));
        AssertValidBox(c, species, 2.0);
    }

    [PackmolFact]
    public void Mixture_of_several_species_keeps_order_and_molecules()
    {
        var species = new List<BoxSpecies> { new(Builtin("H2O"), 32), new(Builtin("CO2"), 4), new(Builtin("NH3"), 3) };
        var r = BoxBuilder.Build(new BoxBuildOptions { Species = species, Box = new Vec3(14, 14, 14), Seed = 3, Tolerance = 2.2 });
        AssertValidBox(r, species, 2.2);
        var f = r.Frame;
        Assert.Equal("box_H2O32_CO24_NH33", f.Info.ConfigType);
        Assert.Equal(32 * 2 + 3 * 3, f.Elements.Count(e => e.Symbol == "H"));
        Assert.Equal(32 + 4 * 2, f.Elements.Count(e => e.Symbol == "O"));
        Assert.Equal(4, f.Elements.Count(e => e.Symbol == "C"));
        Assert.Equal(3, f.Elements.Count(e => e.Symbol == "N"));
        Assert.Equal(32 + 4 + 3, r.MoleculeOf.Distinct().Count());
        for (int m = 0; m < 4; m++)
        {
            int c = 96 + 3 * m;
            Assert.Equal("C", f.Elements[c].Symbol);
            Assert.Equal(1.16, (f.Position(c + 1) - f.Position(c)).Length, 1e-3);
            Assert.Equal(180, Angle(f.Position(c + 1), f.Position(c), f.Position(c + 2)), 0.01);
        }
        Assert.True(r.MinIntermolecularDistance >= 0.7 * 2.2);
    }

    [PackmolFact]
    public void Molecule_file_is_packed_as_is()
    {
        string dir = Directory.CreateTempSubdirectory("nepforge-mol-").FullName;
        try
        {
            string path = Path.Combine(dir, "ethane.xyz");
            File.WriteAllText(path,
                "8\nethane\nC 0 0 0.7680\nC 0 0 -0.7680\nH 1.0192 0 1.1573\nH -0.5096 0.8826 1.1573\nH -0.5096 -0.8826 1.1573\n" +
                "H -1.0192 0 -1.1573\nH 0.5096 -0.8826 -1.1573\nH 0.5096 0.8826 -1.1573\n");
            var species = new List<BoxSpecies> { new(MoleculeFile.Resolve(path), 10) };
            var r = BoxBuilder.Build(new BoxBuildOptions { Species = species, Box = new Vec3(14, 14, 14), Seed = 11 });
            AssertValidBox(r, species, 2.0);
            Assert.Equal("box_ethane10", r.Frame.Info.ConfigType);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [PackmolFact]
    public void Imperfect_packing_is_reported_and_overlaps_are_refused()
    {
        // 100 waters in a 10 Å cube with 2 optimisation loops: packmol gives up quickly with overlaps.
        var options = new BoxBuildOptions { Species = [new(Builtin("H2O"), 100)], Box = new Vec3(10, 10, 10), Seed = 1, Nloop = 2 };
        var e = Assert.Throws<InvalidOperationException>(() => BoxBuilder.Build(options));
        Assert.Contains("ended without a perfect packing", e.Message, StringComparison.Ordinal);
        var r = BoxBuilder.Build(options with { MinDistanceFraction = 0 });
        Assert.False(r.Packmol.PerfectPacking);
        Assert.Contains("ENDED WITHOUT PERFECT PACKING", r.Packmol.Log, StringComparison.Ordinal);
        Assert.True(r.MinIntermolecularDistance < 1.4);
        Assert.Equal(300, r.Frame.AtomCount);
    }
}
