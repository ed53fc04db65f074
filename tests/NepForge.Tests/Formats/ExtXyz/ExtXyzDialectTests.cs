using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Formats.ExtXyz;

/// <summary>Files as ASE, dpdata and GPUMD write them, and what NepForge writes.</summary>
public class ExtXyzDialectTests
{
    [Fact]
    public void Ase_stress_becomes_virial_with_the_pressure_sign()
    {
        // The line ASE 3.22 wrote for an OUTCAR frame (research notes, section 2.12), with two atoms.
        const string text = "2\nLattice=\"10.0 0.0 0.0 -0.011409 10.0 0.0 0.1411083 -0.0595569 10.0\" Properties=species:S:1:pos:R:3:forces:R:3 " +
            "energy=-28.38622624 stress=\"0.0013470050504933695 -0.00022123029096693205 -0.0014985551335789408 -0.00022123029096693205 0.001 0 -0.0014985551335789408 0 0.002\" " +
            "free_energy=-28.38622624 pbc=\"T T T\"\nO 4.34854 4.20903 5.2 -0.141986 -0.573729 0.356515\nH 1 2 3 0 0 0\n";
        var f = ExtXyzReader.ReadString(text).Single();
        double v = f.Lattice!.Volume;
        Assert.Equal(1000.0, v, 9);
        // dpdata expected.h2o.md virial.raw row 1 starts -1.347005492224069 0.2212303092893528 1.498554783867366 (eV).
        Assert.Equal(-1.347005492224069, f.Virial!.Value.M00, 6);
        Assert.Equal(0.2212303092893528, f.Virial.Value.M01, 6);
        Assert.Equal(1.498554783867366, f.Virial.Value.M02, 6);
        Assert.Equal(-28.38622624, f.Energy);
        Assert.Equal("-28.38622624", f.Info.GetExtra("free_energy"));
    }

    [Fact]
    public void Voigt_stress_six_values_in_ase_order()
    {
        const string text = "1\nLattice=\"2 0 0 0 2 0 0 0 2\" Properties=species:S:1:pos:R:3 stress=\"1 2 3 4 5 6\"\nH 0 0 0\n";
        var w = ExtXyzReader.ReadString(text).Single().Virial!.Value;
        // Voigt xx yy zz yz xz xy, virial = -stress * V (V = 8)
        Assert.Equal(new Mat3(-8, -48, -40, -48, -16, -32, -40, -32, -24), w);
    }

    [Fact]
    public void Dpdata_style_with_Z_and_virial_and_stress()
    {
        const string text = "2\nenergy=-1.000000000000e+01 virial=\"8 0 0 0 8 0 0 0 8\" stress=\"-1 0 0 0 -1 0 0 0 -1\" Lattice=\"2 0 0 0 2 0 0 0 2\" pbc=\"T T T\" " +
            "Properties=species:S:1:pos:R:3:Z:I:1:forces:R:3\nSi 0 0 0 14 1 0 0\nSi 1 1 1 14 -1 0 0\n";
        using var r = new ExtXyzReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "dp.xyz");
        var f = r.ReadAll().Single();
        Assert.Empty(r.Diagnostics);
        Assert.Equal(Mat3.Diagonal(8, 8, 8), f.Virial);
        Assert.Equal(new long[] { 14, 14 }, f.GetArray("Z")!.Integers);
    }

    [Fact]
    public void Inconsistent_virial_and_stress_warn()
    {
        const string text = "1\nLattice=\"2 0 0 0 2 0 0 0 2\" Properties=species:S:1:pos:R:3 virial=\"8 0 0 0 8 0 0 0 8\" stress=\"1 0 0 0 1 0 0 0 1\"\nH 0 0 0\n";
        using var r = new ExtXyzReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "x.xyz");
        var f = r.ReadAll().Single();
        Assert.Contains("disagree", Assert.Single(r.Diagnostics).Message);
        Assert.Equal(Mat3.Diagonal(8, 8, 8), f.Virial);
    }

    [Fact]
    public void Quoted_values_any_case_keys_spaces_around_equals_and_extra_columns()
    {
        const string text = "2\nLATTICE = \"3 0 0 0 3 0 0 0 3\" properties=species:S:1:pos:R:3:tag:I:1:flag:L:1:name:S:1:vel:R:3 " +
            "Energy=2.5 Config_Type=\"my cell\" note='a b' nested={1,2} bare\nC 0 0 0 7 T first 1 2 3\nC 1 1 1 8 F second 4 5 6\n";
        var f = ExtXyzReader.ReadString(text).Single();
        Assert.Equal(2.5, f.Energy);
        Assert.Equal("my cell", f.Info.ConfigType);
        Assert.Equal("a b", f.Info.GetExtra("note"));
        Assert.Equal("1 2", f.Info.GetExtra("nested"));
        Assert.Equal("T", f.Info.GetExtra("bare"));
        Assert.Equal(new long[] { 7, 8 }, f.GetArray("tag")!.Integers);
        Assert.Equal(new[] { true, false }, f.GetArray("flag")!.Logicals);
        Assert.Equal(new[] { "first", "second" }, f.GetArray("name")!.Strings);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, f.Velocities);
        var again = ExtXyzReader.ReadString(ExtXyzWriter.WriteString([f])).Single();
        Assert.True(f.ContentEquals(again));
    }

    [Fact]
    public void Writer_emits_the_style_every_consumer_reads()
    {
        var f = new Frame([Elements.Get("Si"), Elements.Get("O")], [0, 0, 0, 1.25, 0.5, 1e-5], Lattice.Orthorhombic(4, 4, 5))
        {
            Energy = -12.5,
            Forces = [0.1, -0.2, 0.3, -0.1, 0.2, -0.3],
            Virial = Mat3.Diagonal(8, 8, 8),
        };
        f.Info.ConfigType = "aimd 300K";
        f.Info.Weight = 2;
        f.Info.EnergyKind = "free_energy";
        f.Info.SourceFile = "OUTCAR";
        f.Info.SourceIndex = 7;
        string text = ExtXyzWriter.WriteString([f]);
        Assert.Equal(
            "2\n" +
            "Lattice=\"4 0 0 0 4 0 0 0 5\" Properties=species:S:1:pos:R:3:forces:R:3 energy=-12.5 virial=\"8 0 0 0 8 0 0 0 8\" " +
            "pbc=\"T T T\" config_type=\"aimd 300K\" weight=2 energy_kind=free_energy " +
            "source_file=OUTCAR source_index=7\n" +
            "Si 0 0 0 0.1 -0.2 0.3\n" +
            "O 1.25 0.5 0.00001 -0.1 0.2 -0.3\n", text);
    }

    [Fact]
    public void Strip_labels_drops_energy_forces_virial()
    {
        var f = new Frame([Elements.Get("H")], [0, 0, 0], Lattice.Orthorhombic(3, 3, 3)) { Energy = 1, Forces = [1, 2, 3], Virial = Mat3.Identity };
        string text = ExtXyzWriter.WriteString([f], new ExtXyzWriteOptions { StripLabels = true });
        var back = ExtXyzReader.ReadString(text).Single();
        Assert.False(back.HasLabels);
        Assert.DoesNotContain("energy", text);
    }
}
