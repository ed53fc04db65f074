using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Cli;

/// <summary>
/// Output for GPUMD: labelled extxyz carries <c>virial=</c> only (GPUMD's nep warns "Structure has both defined
/// virials and stresses" once per structure when both are present); <c>--stress</c> adds ASE's <c>stress=</c>.
/// </summary>
public sealed class StressOptionCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // One labelled Si2 frame in a 2 × 2.5 × 4 = 20 Å³ cell with a virial that has distinct components.
    string Input()
    {
        var f = new Frame([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 1, 1.2, 2], Lattice.Orthorhombic(2, 2.5, 4))
        {
            Energy = -10.5,
            Forces = [0.1, 0, -0.2, -0.1, 0, 0.2],
            Virial = new Mat3(2, 0.4, -0.6, 0.4, 1, 0.2, -0.6, 0.2, -3),
        };
        string path = _cli.PathOf("in.xyz");
        File.WriteAllText(path, ExtXyzWriter.WriteString([f], new ExtXyzWriteOptions { WriteStress = true }));
        return path;
    }

    [Theory]
    [InlineData("convert")]
    [InlineData("merge")]
    [InlineData("sample")]
    [InlineData("supercell")]
    public void Labelled_output_has_virial_only_unless_stress_is_asked_for(string verb)
    {
        string input = Input();
        string[] Args(string output, bool stress)
        {
            var args = new List<string> { verb, input, "-o", output };
            if (verb == "supercell")
                args.AddRange(["--size", "1", "1", "1"]);
            if (stress)
                args.Add("--stress");
            return [.. args];
        }
        var (code, _, stderr) = _cli.Run(Args(_cli.PathOf("plain.xyz"), stress: false));
        Assert.True(code == 0, stderr);
        string header = File.ReadAllLines(_cli.PathOf("plain.xyz"))[1];
        Assert.Contains("virial=\"2 0.4 -0.6 0.4 1 0.2 -0.6 0.2 -3\"", header, StringComparison.Ordinal);
        Assert.DoesNotContain("stress=", header, StringComparison.Ordinal);

        (code, _, stderr) = _cli.Run(Args(_cli.PathOf("stress.xyz"), stress: true));
        Assert.True(code == 0, stderr);
        header = File.ReadAllLines(_cli.PathOf("stress.xyz"))[1];
        Assert.Contains("virial=\"2 0.4 -0.6 0.4 1 0.2 -0.6 0.2 -3\"", header, StringComparison.Ordinal);
        // stress = −virial / V with V = 20 Å³.
        int at = header.IndexOf("stress=\"", StringComparison.Ordinal);
        Assert.True(at >= 0, header);
        var stress = header[(at + 8)..header.IndexOf('"', at + 8)].Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal([-0.1, -0.02, 0.03, -0.02, -0.05, -0.01, 0.03, -0.01, 0.15], stress.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void Writer_default_is_virial_only()
    {
        var f = new Frame([Elements.Get("H")], [0, 0, 0], Lattice.Orthorhombic(2, 2, 2)) { Energy = -1, Virial = 8 * Mat3.Identity };
        string text = ExtXyzWriter.WriteString([f]);
        Assert.Contains("virial=\"8 0 0 0 8 0 0 0 8\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stress", text, StringComparison.Ordinal);
        Assert.Contains("stress=\"-1 -0 -0 -0 -1 -0 -0 -0 -1\"", ExtXyzWriter.WriteString([f], new ExtXyzWriteOptions { WriteStress = true }), StringComparison.Ordinal);
    }
}
