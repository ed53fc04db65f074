using NepForge.Dft.Cp2k;
using NepForge.Structures;

namespace NepForge.Tests.Dft.Cp2k;

/// <summary>An AIMD input says it is one: its header used to keep the single point's text once that text named its quality.</summary>
public sealed class Cp2kMdHeaderTests
{
    static Frame Si2() => new([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 1.3575, 1.3575, 1.3575],
        new Lattice(new Vec3(0, 2.715, 2.715), new Vec3(2.715, 0, 2.715), new Vec3(2.715, 2.715, 0)));

    [Fact]
    public void The_aimd_input_header_names_the_run_and_keeps_the_quality()
    {
        var settings = new Cp2kSettings();
        string single = Cp2kInputWriter.Render(Si2(), settings);
        string aimd = Cp2kMd.Render(Si2(), settings, new Cp2kMdSettings { Temperature = 300, Steps = 4, Seed = 1 });
        string quality = single.Split('\n')[0].Split(" written by NepForge", 2)[1].TrimEnd('.');
        Assert.StartsWith(", quality ", quality, StringComparison.Ordinal);
        Assert.Equal($"! CP2K NVT AIMD (CSVR) written by NepForge{quality}: positions and forces every step, electronic stress every step.", aimd.Split('\n')[0]);
        Assert.DoesNotContain("single point", aimd, StringComparison.Ordinal);
        Assert.Contains("RUN_TYPE MD", aimd, StringComparison.Ordinal);
    }
}
