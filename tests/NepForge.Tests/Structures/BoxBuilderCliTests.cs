using NepForge.Cli;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Structures;

public sealed class BoxBuilderCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string PathOf(string name) => _cli.PathOf(name);

    (int Code, string Out, string Err) Run(params string[] args) => _cli.Run(args);

    [PackmolFact]
    public void Build_box_writes_a_periodic_extxyz_with_seed_and_config_type()
    {
        string outPath = PathOf("h2.xyz");
        var (code, _, err) = Run("build", "box", "--molecule", "H2", "--count", "50", "--box", "20", "20", "15", "--seed", "1234", "-o", outPath);
        Assert.True(code == 0, err);
        var f = Assert.Single(ExtXyzReader.ReadFrames(outPath));
        Assert.Equal(100, f.AtomCount);
        Assert.Equal(Lattice.Orthorhombic(20, 20, 15), f.Lattice);
        Assert.Equal("box_H250", f.Info.ConfigType);
        Assert.Equal(1234, f.Info.Seed);
        Assert.Matches(@"packmol \d+\.\d+[0-9.]*: Success!", err);
        Assert.Contains("closest atoms of different molecules (periodic images included): 2.", err, StringComparison.Ordinal);
        for (int m = 0; m < 50; m++)
            Assert.Equal(0.7414, (f.Position(2 * m + 1) - f.Position(2 * m)).Length, 1e-4);

        // Same seed, same file, byte for byte.
        string again = PathOf("h2-again.xyz");
        Assert.Equal(0, Run("build", "box", "-m", "H2", "-n", "50", "--box", "20", "20", "15", "--seed", "1234", "-o", again).Code);
        Assert.Equal(File.ReadAllBytes(outPath), File.ReadAllBytes(again));
    }

    [PackmolFact]
    public void Mixture_at_a_density_to_a_poscar()
    {
        string outPath = PathOf("POSCAR");
        var (code, _, err) = Run("build", "box", "--molecule", "H2O", "--count", "32", "--molecule", "CO2", "--count", "4",
            "--density", "0.9", "--seed", "5", "--config-type", "mix", "-o", outPath);
        Assert.True(code == 0, err);
        var f = Assert.Single(StructureReader.Read(outPath));
        Assert.Equal(32 * 3 + 4 * 3, f.AtomCount);
        Assert.Equal(64, f.Elements.Count(e => e.Symbol == "H"));
        Assert.Equal(40, f.Elements.Count(e => e.Symbol == "O"));
        Assert.Equal(4, f.Elements.Count(e => e.Symbol == "C"));
        Assert.Equal(0.9, BoxBuilder.DensityOf(f), 0.009);
        Assert.Contains("0.9 g/cm³", err, StringComparison.Ordinal);
    }

    [PackmolFact]
    public void Seed_is_chosen_printed_and_recorded_when_not_given()
    {
        string outPath = PathOf("n2.xyz");
        var (code, _, err) = Run("build", "box", "-m", "N2", "-n", "10", "--box", "12", "-o", outPath, "--tolerance", "2.5");
        Assert.True(code == 0, err);
        var f = Assert.Single(ExtXyzReader.ReadFrames(outPath));
        Assert.NotNull(f.Info.Seed);
        Assert.Contains($"seed {f.Info.Seed}", err, StringComparison.Ordinal);
        Assert.Contains("margin 1.25 Å", err, StringComparison.Ordinal);
        Assert.Equal(Lattice.Orthorhombic(12, 12, 12), f.Lattice);
    }

    [Fact]
    public void Missing_packmol_fails_with_install_hint()
    {
        var (code, _, err) = Run("build", "box", "-m", "H2", "-n", "5", "--box", "10", "--packmol", "/nonexistent/bin/packmol", "-o", PathOf("x.xyz"));
        Assert.Equal(CliContext.Failure, code);
        Assert.Contains("apt-get install packmol", err, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("x.xyz")));
    }

    [Theory]
    [InlineData("--molecule H2 --count 5 --count 3 --box 10", "one --count per --molecule")]
    [InlineData("--molecule H2 --count 5 --box 10 --density 1", "either --box")]
    [InlineData("--molecule H2 --count 5", "either --box")]
    [InlineData("--molecule H2 --count 5 --box 10 10", "1 (cubic) or 3")]
    [InlineData("--molecule H2 --count 0 --box 10", "--count must be")]
    [InlineData("--molecule H2 --count 5 --box 10 --seed -3", "--seed must be")]
    public void Usage_errors(string args, string message)
    {
        var (code, _, err) = Run(["build", "box", .. args.Split(' '), "-o", PathOf("x.xyz")]);
        Assert.Equal(CliContext.UsageError, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_molecule_is_an_error()
    {
        var (code, _, err) = Run("build", "box", "-m", "C60", "-n", "5", "--box", "10", "-o", PathOf("x.xyz"));
        Assert.Equal(CliContext.Failure, code);
        Assert.Contains("neither a built-in molecule", err, StringComparison.Ordinal);
    }
}
