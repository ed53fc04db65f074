using NepForge.Formats.ExtXyz;
using NepForge.Nep;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Nep;

public sealed class NepInitCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string Dataset(double energyPerAtom)
    {
        var f = new Frame([Elements.Get("O"), Elements.Get("H"), Elements.Get("H")], [0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0], Lattice.Orthorhombic(10, 10, 10))
        {
            Energy = 3 * energyPerAtom,
            Forces = new double[9],
        };
        string path = _cli.PathOf("train.xyz");
        ExtXyzWriter.WriteFile(path, [f, f.Clone()]);
        return path;
    }

    [FixtureFact]
    public void InitFromFixtureTrainingSetListsItsSpecies()
    {
        string outPath = _cli.PathOf("nep.in");
        var (code, _, err) = _cli.Run("nep", "init", Fixtures.Path("gpumd/nep_train/train.xyz"), "-o", outPath, "--set", "generation 20000");
        Assert.Equal(0, code);
        Assert.Contains("25 frame(s), 6250 atoms", err, StringComparison.Ordinal);
        var nep = NepInput.Read(outPath);
        Assert.Equal(["Te", "Pb"], nep.Types);
        Assert.Equal(20000, nep.Number("generation"));
    }

    [Fact]
    public void PresetAndSetAreWritten()
    {
        string outPath = _cli.PathOf("nep.in");
        var (code, _, err) = _cli.Run("nep", "init", Dataset(-5), "--preset", "fast", "--set", "cutoff 5 3.5", "-o", outPath);
        Assert.Equal(0, code);
        Assert.Contains("type O H", err, StringComparison.Ordinal);
        var nep = NepInput.Read(outPath);
        Assert.Equal(["5", "3.5"], nep.Get("cutoff")!.Values);
        Assert.Equal(20, nep.Number("neuron"));
    }

    [Fact]
    public void InvalidSetIsRejectedAndNothingWritten()
    {
        string outPath = _cli.PathOf("nep.in");
        var (code, _, err) = _cli.Run("nep", "init", Dataset(-5), "--set", "neuron 500", "-o", outPath);
        Assert.Equal(1, code);
        Assert.Contains("error: neuron: number of neurons should be <= 120, found 500", err, StringComparison.Ordinal);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void VeryLowEnergiesGetGpumdsWarning()
    {
        string outPath = _cli.PathOf("nep.in");
        var (code, _, err) = _cli.Run("nep", "init", Dataset(-150), "-o", outPath);
        Assert.Equal(0, code);
        Assert.Contains("warning: type: 2 frame(s)", err, StringComparison.Ordinal);
        Assert.Contains("below -100 eV/atom", err, StringComparison.Ordinal);
    }
}
