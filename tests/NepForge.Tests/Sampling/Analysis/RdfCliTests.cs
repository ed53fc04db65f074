using System.CommandLine;
using System.Globalization;
using NepForge.Cli;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Sampling.Analysis;

public sealed class RdfCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    string PathOf(string name) => _cli.PathOf(name);

    (int Code, string Out, string Err) Run(params string[] args) => _cli.Run(args);

    // Two frames of water molecules on a simple cubic lattice (3.3 Å and 3.4 Å spacing), 27 molecules each.
    string WaterFrames()
    {
        Assert.True(Molecule.TryGetBuiltin("H2O", out var w));
        var frames = new List<Frame>();
        foreach (double spacing in new[] { 3.3, 3.4 })
        {
            var elements = new List<Element>();
            var pos = new List<double>();
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 3; k++)
                        for (int a = 0; a < 3; a++)
                        {
                            elements.Add(w.Elements[a]);
                            var p = w.Position(a);
                            pos.AddRange([p.X + i * spacing, p.Y + j * spacing, p.Z + k * spacing]);
                        }
            frames.Add(new Frame([.. elements], [.. pos], Lattice.Orthorhombic(3 * spacing, 3 * spacing, 3 * spacing)));
        }
        string path = PathOf("water.xyz");
        ExtXyzWriter.WriteFile(path, frames);
        return path;
    }

    static List<double[]> ReadCsv(string path, out string[] header)
    {
        var lines = File.ReadAllLines(path);
        header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => l.Split(',').Select(v => v == "nan" ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
    }

    [Fact]
    public void Csv_layout_with_chosen_pairs()
    {
        string input = WaterFrames();
        string output = PathOf("rdf.csv");
        var (code, _, err) = Run("rdf", input, "-o", output, "--rmax", "3", "--bins", "60", "--pairs", "O-H,H-H");
        Assert.True(code == 0, err);
        var rows = ReadCsv(output, out var header);
        Assert.Equal(["r", "g_O-H", "g_H-H", "n_O-H", "n_H-H", "cn_O-H", "cn_H-H"], header);
        Assert.Equal(60, rows.Count);
        Assert.All(rows, r => Assert.Equal(7, r.Length));
        Assert.Equal(0.025, rows[0][0], 12);
        Assert.Equal(2.975, rows[^1][0], 12);
        // O–H bond bin [0.95, 1.0): 2 frames × 27 molecules × 2 bonds; running CN_OH = 2 right after it.
        Assert.Equal(108, rows[19][3]);
        Assert.Equal(2, rows[19][5], 12);
        // Intramolecular H–H at 1.514 Å in bin [1.5, 1.55): 2 × 27.
        Assert.Equal(54, rows[30][4]);
        Assert.Equal(1, rows[30][6], 12);
        Assert.True(rows[19][1] > 10);
        Assert.Contains("rdf: 2 frame(s)", err, StringComparison.Ordinal);
        Assert.Contains("O-H", err, StringComparison.Ordinal);
        Assert.Contains("closest 0.957 Å", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_pairs_are_every_pair_present_by_z()
    {
        string output = PathOf("all.csv");
        var (code, _, err) = Run("rdf", WaterFrames(), "-o", output);
        Assert.True(code == 0, err);
        var rows = ReadCsv(output, out var header);
        Assert.Equal(["r", "g_H-H", "g_H-O", "g_O-O", "n_H-H", "n_H-O", "n_O-O", "cn_H-H", "cn_H-O", "cn_O-O"], header);
        Assert.Equal(120, rows.Count);
        Assert.Equal(5.975, rows[^1][0], 12);
        // O–O within 6 Å of an O on a simple cubic lattice: 6 at d, 12 at d√2, 8 at d√3 (d = 3.3 and 3.4 Å).
        Assert.Equal(26, rows[^1][9], 12);
        Assert.Equal(6, rows[(int)(4.0 / 0.05) - 1][9], 12);
    }

    [Theory]
    [InlineData("--pairs", "OH")]
    [InlineData("--bins", "0")]
    [InlineData("--rmax", "0")]
    public void Usage_errors(string option, string value)
    {
        var (code, _, _) = Run("rdf", WaterFrames(), "-o", PathOf("x.csv"), option, value);
        Assert.Equal(CliContext.UsageError, code);
        Assert.False(File.Exists(PathOf("x.csv")));
    }
}
