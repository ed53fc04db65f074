using NepForge.Dft.Vasp;
using NepForge.Formats.Vasp;
using NepForge.Structures;

namespace NepForge.Tests.Dft.Vasp;

public sealed class VaspInputWriterTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "nepforge-vaspin-" + Guid.NewGuid().ToString("N"));

    public VaspInputWriterTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string FakePotcar(string setup, string element, string valence) =>
        $"  PAW_PBE {setup} 07Sep2000\n 10.0000000000000000\n parameters from PSCTR are:\n   VRHFIN ={element}: {valence}\n   TITEL  = PAW_PBE {setup} 07Sep2000\n End of Dataset\n";

    string MakeLibrary()
    {
        string lib = Path.Combine(_dir, "potpaw_PBE");
        foreach (var (setup, element, valence) in new[] { ("Ti_pv", "Ti", "3p3d4s"), ("O", "O", "s2p4"), ("Sr_sv", "Sr", "4s4p5s"), ("Ti", "Ti", "3d4s") })
        {
            Directory.CreateDirectory(Path.Combine(lib, setup));
            File.WriteAllText(Path.Combine(lib, setup, "POTCAR"), FakePotcar(setup, element, valence));
        }
        return lib;
    }

    /// <summary>SrTiO3-like, atoms interleaved, in a skewed cell.</summary>
    static Frame Skewed()
    {
        var lattice = new Lattice(new Vec3(3.9, 0, 0), new Vec3(0.4, 3.8, 0), new Vec3(0.3, -0.2, 4.1));
        Element[] e = [Elements.Get("O"), Elements.Get("Ti"), Elements.Get("O"), Elements.Get("Sr"), Elements.Get("O")];
        double[] p = [1.9, 0, 0, 2, 1.9, 2, 0, 1.9, 2, 0.1, 0.1, 0.1, 2, 2, 0];
        return new Frame(e, p, lattice);
    }

    const string Template = """
        # single point for NEP labels
        SYSTEM = test
        ENCUT = 520   ! cutoff
        ISMEAR = 0; SIGMA = 0.05

        EDIFF = 1E-6
        """;

    [Fact]
    public void Writes_poscar_potcar_in_the_same_species_order()
    {
        string lib = MakeLibrary();
        string job = Path.Combine(_dir, "job");
        var result = VaspInputWriter.Write(job, Skewed(), new VaspInputSet
        {
            IncarTemplate = Incar.Parse(Template),
            KPoints = VaspKPoints.FromSpacing(0.25),
            Potcar = new PotcarLibrary(lib, new Dictionary<string, string> { ["Ti"] = "Ti_pv", ["Sr"] = "Sr_sv" }),
        });

        Assert.Equal(["O", "Ti", "Sr"], result.Species);
        Assert.Equal([0, 2, 4, 1, 3], result.Permutation);
        var poscarLines = File.ReadAllLines(Path.Combine(job, "POSCAR"));
        Assert.Equal(["O", "Ti", "Sr"], poscarLines[5].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["3", "1", "1"], poscarLines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        string potcar = File.ReadAllText(Path.Combine(job, "POTCAR"));
        Assert.Equal(FakePotcar("O", "O", "s2p4") + FakePotcar("Ti_pv", "Ti", "3p3d4s") + FakePotcar("Sr_sv", "Sr", "4s4p5s"), potcar);
        Assert.Equal(["PAW_PBE O 07Sep2000", "PAW_PBE Ti_pv 07Sep2000", "PAW_PBE Sr_sv 07Sep2000"], result.PotcarTitles);

        // The POSCAR reads back as the grouped frame.
        var back = PoscarReader.Read(Path.Combine(job, "POSCAR"));
        Assert.True(back.Positions.AsSpan().SequenceEqual(Skewed().SelectAtoms(result.Permutation).Positions));

        // KPOINTS: VASP's rule, checked against plane spacings d_i = V / |a_j × a_k|.
        var lat = Skewed().Lattice!;
        int Expected(Vec3 a, Vec3 b) => (int)Math.Ceiling(2 * Math.PI * Cross(a, b).Length / lat.Volume / 0.25);
        var mesh = (Expected(lat[1], lat[2]), Expected(lat[2], lat[0]), Expected(lat[0], lat[1]));
        Assert.Equal(mesh, result.Mesh);
        var k = File.ReadAllLines(Path.Combine(job, "KPOINTS"));
        Assert.Equal("0", k[1]);
        Assert.Equal("Gamma", k[2]);
        Assert.Equal($"{mesh.Item1} {mesh.Item2} {mesh.Item3}", k[3].Trim());
        Assert.Null(Incar.Load(Path.Combine(job, "INCAR"))["KSPACING"]);
    }

    static Vec3 Cross(Vec3 a, Vec3 b) => new(a.Y * b.Z - a.Z * b.Y, a.Z * b.X - a.X * b.Z, a.X * b.Y - a.Y * b.X);

    [Fact]
    public void Kspacing_mesh_follows_vasp_rule()
    {
        Assert.Equal((5, 5, 5), VaspKPoints.MeshFromSpacing(Lattice.Orthorhombic(5.43, 5.43, 5.43), 0.25)); // ceil(4.63)
        Assert.Equal((5, 5, 2), VaspKPoints.MeshFromSpacing(Lattice.Orthorhombic(5.43, 5.43, 20), 0.25)); // ceil(1.26)
        Assert.Equal((1, 1, 1), VaspKPoints.MeshFromSpacing(Lattice.Orthorhombic(30, 30, 30), 0.5)); // ceil(0.42)
        // fcc primitive cell of Si (a = 5.43): |b_i| = √3/a·... → 2π·√3/(5.43·0.25·... ) computed independently
        double a = 5.43;
        var fcc = new Lattice(new Vec3(0, a / 2, a / 2), new Vec3(a / 2, 0, a / 2), new Vec3(a / 2, a / 2, 0));
        int n = (int)Math.Ceiling(2 * Math.PI * Math.Sqrt(3) / a / 0.25);
        Assert.Equal((n, n, n), VaspKPoints.MeshFromSpacing(fcc, 0.25));
        Assert.Equal(9, n);
        Assert.Throws<ArgumentOutOfRangeException>(() => VaspKPoints.FromSpacing(0));
    }

    [Fact]
    public void Incar_template_and_overrides_are_deterministic()
    {
        var template = Incar.Parse(Template);
        var a = template.With([new("encut", "600"), new("NELM", "120"), new("ALGO", "Normal"), new("system", null), new("Nelm", "200")]);
        var b = template.With(new Dictionary<string, string?> { ["ALGO"] = "Normal", ["NELM"] = "200", ["ENCUT"] = "600", ["SYSTEM"] = null });
        const string Expected = """
            # single point for NEP labels
            ENCUT = 600
            ISMEAR = 0
            SIGMA = 0.05

            EDIFF = 1E-6
            ALGO = Normal
            NELM = 200

            """;
        Assert.Equal(Expected.ReplaceLineEndings("\n"), a.ToString());
        Assert.Equal(a.ToString(), b.ToString());
        Assert.Equal("200", a["nelm"]);
        Assert.Contains("ENCUT = 520  ! cutoff", template.ToString());
        Assert.Throws<FormatException>(() => Incar.Parse("ENCUT = 400\nencut = 500"));
        Assert.Throws<FormatException>(() => Incar.Parse("this is not an assignment"));
        Assert.Throws<ArgumentException>(() => template.With([new("EN CUT", "1")]));
    }

    [Fact]
    public void Incar_spacing_goes_into_incar_and_removes_a_stale_kpoints()
    {
        string job = Path.Combine(_dir, "job");
        Directory.CreateDirectory(job);
        File.WriteAllText(Path.Combine(job, "KPOINTS"), "stale");
        var r = VaspInputWriter.Write(job, Skewed(), new VaspInputSet { KPoints = VaspKPoints.InIncar(0.2), Direct = true });
        Assert.Null(r.Mesh);
        Assert.False(File.Exists(Path.Combine(job, "KPOINTS")));
        Assert.False(File.Exists(Path.Combine(job, "POTCAR")));
        var incar = Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Equal("0.2", incar["KSPACING"]);
        Assert.Equal(".TRUE.", incar["KGAMMA"]);
        Assert.Contains("Direct", File.ReadAllLines(Path.Combine(job, "POSCAR")));

        VaspInputWriter.Write(job, Skewed(), new VaspInputSet { KPoints = VaspKPoints.Gamma });
        Assert.Equal("1 1 1", File.ReadAllLines(Path.Combine(job, "KPOINTS"))[3].Trim());
        VaspInputWriter.Write(job, Skewed(), new VaspInputSet { KPoints = VaspKPoints.Explicit(4, 4, 2, gammaCentred: false) });
        Assert.Equal("Monkhorst-Pack", File.ReadAllLines(Path.Combine(job, "KPOINTS"))[2]);
    }

    [Fact]
    public void Swapped_potcar_map_fails_and_writes_nothing()
    {
        string lib = MakeLibrary();
        string job = Path.Combine(_dir, "bad");
        var inputs = new VaspInputSet
        {
            Potcar = new PotcarLibrary(lib, new Dictionary<string, string> { ["Ti"] = "Sr_sv", ["Sr"] = "Ti_pv" }),
        };
        var ex = Assert.Throws<InvalidOperationException>(() => VaspInputWriter.Write(job, Skewed(), inputs));
        Assert.Contains("POTCAR part 2", ex.Message);
        Assert.Contains("is for Sr", ex.Message);
        Assert.Contains("species 2 is Ti", ex.Message);
        Assert.False(Directory.Exists(job));

        var missing = new VaspInputSet { Potcar = new PotcarLibrary(lib, new Dictionary<string, string> { ["Ti"] = "Ti_sv" }) };
        Assert.Contains("not found", Assert.Throws<InvalidOperationException>(() => VaspInputWriter.Write(job, Skewed(), missing)).Message);
    }

    [Fact]
    public void Aimd_preset_sets_md_tags()
    {
        var nvt = Incar.Empty.With(VaspAimd.Overrides(new VaspAimdSettings { Temperature = 300, Steps = 2000, TimeStepFs = 0.5 }));
        Assert.Equal("0", nvt["IBRION"]);
        Assert.Equal("2", nvt["MDALGO"]);
        Assert.Equal("2", nvt["ISIF"]);
        Assert.Equal("300", nvt["TEEND"]);
        Assert.Equal("0.5", nvt["POTIM"]);
        Assert.Equal("2000", nvt["NSW"]);

        var settings = new VaspAimdSettings { Temperature = 600, EndTemperature = 900, Steps = 100, Ensemble = VaspAimdEnsemble.NptLangevin };
        var npt = Incar.Empty.With(VaspAimd.Overrides(settings, Skewed()));
        Assert.Equal("3", npt["ISIF"]);
        Assert.Equal("10 10 10", npt["LANGEVIN_GAMMA"]);
        Assert.Equal("900", npt["TEEND"]);

        var slab = Skewed();
        slab.Lattice = slab.Lattice!.WithPbc(new Pbc(true, true, false));
        Assert.Contains("slabs", Assert.Throws<ArgumentException>(() => VaspAimd.Overrides(settings, slab)).Message);
        Assert.Throws<ArgumentException>(() => VaspAimd.Overrides(settings with { Ensemble = VaspAimdEnsemble.NvtLangevin }));
    }
}
