using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Formats.Vasp;

/// <summary>Issue 14 (5): inputs that used to read "fine" into the wrong structures are errors now.</summary>
public sealed class SilentWrongReadTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static string Poscar(string counts, int atoms, string tail = "") =>
        "Si8\n1.0\n  5.43 0 0\n  0 5.43 0\n  0 0 5.43\nSi C\n" + counts + "\nDirect\n" +
        string.Concat(Enumerable.Range(0, atoms).Select(i => $"  0.{i}000000000000000  0.{i}500000000000000  0.2500000000000000\n")) + tail;

    [Fact]
    public void Poscar_counts_short_of_the_coordinates_are_an_error()
    {
        string path = _cli.PathOf("POSCAR");
        File.WriteAllText(path, Poscar("2 2", 8));
        var e = Assert.Throws<ParseException>(() => PoscarReader.Read(path));
        Assert.Equal(13, e.Line);
        Assert.Contains("the counts and the coordinates disagree", e.Problem);
        Assert.Contains("(2 2, line 7)", e.Problem);

        File.WriteAllText(path, Poscar("4 4", 8));
        Assert.Equal(8, PoscarReader.Read(path).AtomCount);
    }

    [FixtureFact]
    public void Xdatcar_counts_short_of_the_coordinates_are_an_error()
    {
        var lines = File.ReadAllLines(Fixtures.Path("vasp/pymatgen-core/XDATCAR_4"));
        Assert.Equal("   2   1", lines[6]);
        Assert.Equal(4, XdatcarReader.ReadFrames(Fixtures.Path("vasp/pymatgen-core/XDATCAR_4")).Count());
        lines[6] = "   0   1";
        string path = _cli.PathOf("XDATCAR");
        File.WriteAllLines(path, lines);
        var e = Assert.Throws<ParseException>(() => XdatcarReader.ReadFrames(path).ToList());
        Assert.Equal(10, e.Line);
        Assert.Contains("do the atom counts (0 1) match", e.Problem);
    }

    [Fact]
    public void A_contcar_cut_inside_its_last_number_is_an_error()
    {
        string velocities = "\n  0.12345678E-02  0.22345678E-02 -0.32345678E-02\n  0.52345678E-02  0.62345678E-02 -0.42831313E-02\n";
        string whole = Poscar("1 1", 2, velocities);
        string path = _cli.PathOf("CONTCAR");
        File.WriteAllText(path, whole.TrimEnd('\n')); // complete, only the final line end missing: fine
        var frame = PoscarReader.Read(path);
        Assert.Equal(-0.42831313E-02, frame.GetArray(NepForge.Formats.Vasp.Poscar.VelocitiesArray)!.Reals![5], 15);

        File.WriteAllText(path, whole[..whole.LastIndexOf("E-02", StringComparison.Ordinal)]); // -0.42831313E-02 → -0.42831313
        var e = Assert.Throws<ParseException>(() => PoscarReader.Read(path));
        Assert.Equal(13, e.Line);
        Assert.Contains("looks cut", e.Problem);
    }

    [Fact]
    public void Converting_into_a_used_poscar_folder_leaves_no_stale_poscars()
    {
        string Frames(int n) => string.Concat(Enumerable.Range(0, n).Select(i =>
            $"1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nSi 0.{i} 0 0\n"));
        File.WriteAllText(_cli.PathOf("seven.xyz"), Frames(7));
        File.WriteAllText(_cli.PathOf("three.xyz"), Frames(3));
        string dir = _cli.PathOf("poscars") + "/";
        Assert.Equal(0, _cli.Run("convert", _cli.PathOf("seven.xyz"), "-o", dir).Code);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        Assert.Equal(0, _cli.Run("convert", _cli.PathOf("three.xyz"), "-o", dir).Code);
        Assert.Equal<string>(["POSCAR-1", "POSCAR-2", "POSCAR-3", "notes.txt"],
            Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(0, _cli.Run("convert", _cli.PathOf("poscars"), "-o", _cli.PathOf("back.xyz")).Code);
        Assert.Equal(3, ExtXyzReader.ReadFrames(_cli.PathOf("back.xyz")).Count());
    }
}
