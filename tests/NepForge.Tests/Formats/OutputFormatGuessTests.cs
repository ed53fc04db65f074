using NepForge.Formats;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Formats;

/// <summary>Issue 16: the one guess of the format to write from an output name (convert, perturb, build, nep eval).</summary>
public sealed class OutputFormatGuessTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("out.xyz")]
    [InlineData("runs/out.extxyz")]
    [InlineData("OUT.XYZ.gz")]
    [InlineData("-")]
    public void Xyz_names_and_stdout_are_extxyz(string path) => Assert.Equal(StructureFormat.ExtXyz, StructureFormats.DetectOutput(path));

    [Theory]
    [InlineData("POSCAR")]
    [InlineData("a/CONTCAR_relaxed")]
    [InlineData("si.vasp")]
    public void Poscar_names_are_a_poscar(string path) => Assert.Equal(StructureFormat.Poscar, StructureFormats.DetectOutput(path));

    [Fact]
    public void A_trailing_slash_or_an_existing_folder_is_a_poscar_folder()
    {
        Assert.Equal(StructureFormat.PoscarFolder, StructureFormats.DetectOutput("new-set/"));
        Assert.Equal(StructureFormat.PoscarFolder, StructureFormats.DetectOutput(_cli.Dir));
    }

    [Fact]
    public void A_name_that_says_nothing_is_an_error_unless_a_fallback_is_given()
    {
        var e = Assert.Throws<ArgumentException>(() => StructureFormats.DetectOutput("frames.dat"));
        Assert.Contains("cannot tell the output format from 'frames.dat'", e.Message);
        Assert.Equal(StructureFormat.ExtXyz, StructureFormats.DetectOutput("frames.dat", StructureFormat.ExtXyz));
    }

    [Theory]
    [InlineData("x/OUTCAR")]
    [InlineData("vasprun.xml")]
    [InlineData("XDATCAR")]
    public void Names_of_formats_nepforge_only_reads_are_refused(string path)
    {
        var e = Assert.Throws<ArgumentException>(() => StructureFormats.DetectOutput(path, StructureFormat.ExtXyz));
        Assert.Contains("does not write", e.Message);
    }

    [Fact]
    public void Convert_to_an_outcar_name_is_a_usage_error_not_a_folder_of_poscars()
    {
        string input = _cli.PathOf("in.xyz");
        File.WriteAllText(input, "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nSi 0 0 0\n");
        var (code, _, err) = _cli.Run("convert", input, "-o", _cli.PathOf("OUTCAR"));
        Assert.Equal(2, code);
        Assert.Contains("does not write", err);
        Assert.False(Directory.Exists(_cli.PathOf("OUTCAR")));
        (code, _, err) = _cli.Run("convert", input, "-o", _cli.PathOf("frames.dat"));
        Assert.Equal(2, code);
        Assert.Contains("cannot tell the output format", err);
        Assert.Equal(0, _cli.Run("convert", input, "-o", _cli.PathOf("POSCAR")).Code);
        Assert.True(File.Exists(_cli.PathOf("POSCAR")));
    }
}
