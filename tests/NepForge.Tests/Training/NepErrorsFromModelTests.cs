using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Nep;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Training;

public sealed class NepErrorsFromModelTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [FixtureFact]
    public void Rows_that_do_not_follow_train_xyz_are_recomputed_with_the_runs_own_model()
    {
        string dir = _cli.PathOf("run");
        Directory.CreateDirectory(dir);
        string si8 = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        var frames = ExtXyzReader.ReadFrames(si8).Take(4).ToList();
        ExtXyzWriter.WriteFile(Path.Combine(dir, "train.xyz"), frames);
        File.Copy(Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt"), Path.Combine(dir, "nep.txt"));
        // As nep writes them after reordering into batches: the rows are in another order than train.xyz.
        var lines = frames.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.EnergyPerAtom! + 0.01:F6} {f.EnergyPerAtom:F6}")).Reverse();
        File.WriteAllLines(Path.Combine(dir, "energy_train.out"), lines);
        File.WriteAllLines(Path.Combine(dir, "force_train.out"), frames.Reverse<NepForge.Structures.Frame>().SelectMany(f =>
            Enumerable.Range(0, f.AtomCount).Select(i => string.Create(CultureInfo.InvariantCulture,
                $"0 0 0 {f.Forces![3 * i]:F6} {f.Forces[3 * i + 1]:F6} {f.Forces[3 * i + 2]:F6}"))));

        var (code, _, err) = _cli.Run("nep", "errors", dir, "-o", _cli.PathOf("errors.csv"));
        Assert.Equal(0, code);
        string csv = File.ReadAllText(_cli.PathOf("errors.csv"));
        Assert.Contains("recomputing with the CPU NEP evaluator", err);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(4, rows.Count);
        var calc = new NepCalculator(NepModelReader.Read(Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt")));
        for (int s = 0; s < 4; s++)
        {
            var r = calc.Compute(frames[s]);
            Assert.Equal(r.Energy / 8, double.Parse(rows[s][3], CultureInfo.InvariantCulture), 1e-4);
            Assert.Equal(frames[s].EnergyPerAtom!.Value, double.Parse(rows[s][4], CultureInfo.InvariantCulture), 1e-3); // written with 6 significant digits
            double rmse = Math.Sqrt(r.Forces.Zip(frames[s].Forces!).Average(p => (p.First - p.Second) * (p.First - p.Second)));
            Assert.Equal(1000 * rmse, double.Parse(rows[s][6], CultureInfo.InvariantCulture), 0.05);
        }
    }
}
