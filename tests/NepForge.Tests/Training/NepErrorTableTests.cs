using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.Tests.Cli;
using NepForge.Training;

namespace NepForge.Tests.Training;

public sealed class NepErrorTableTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static string P(string name) => Fixtures.Path("gpumd/nep_train/" + name);

    [FixtureFact]
    public void FullBatchRunMapsRowsToTrainXyzFrames()
    {
        var frames = ExtXyzReader.ReadFrames(P("train.xyz")).ToList();
        var rows = NepErrorTable.Build(frames, PredictionFile.Read(P("energy_train.out")), PredictionFile.Read(P("force_train.out")), PredictionFile.Read(P("virial_train.out")));
        Assert.Equal(25, rows.Count);
        Assert.Equal(-3.74744, rows[0].EnergyNep);
        Assert.Equal(-3.74876, rows[0].EnergyTarget);
        Assert.Equal(0.00132, rows[0].EnergyError, 9);
        Assert.Equal(250, rows[0].Atoms);
        Assert.True(double.IsNaN(rows[0].VirialRmse)); // no virial targets in this set
        // The per-structure force RMSEs combine to the overall one.
        var f = PredictionFile.Read(P("force_train.out"));
        double overall = ParityStatistics.Of(f.Predicted, f.Target).Rmse;
        Assert.Equal(overall, Math.Sqrt(rows.Average(r => r.ForceRmse * r.ForceRmse)), 12);
    }

    [FixtureFact]
    public void ReorderedFramesAreDetectedNotMismapped()
    {
        var frames = ExtXyzReader.ReadFrames(P("train.xyz")).ToList();
        (frames[3], frames[4]) = (frames[4], frames[3]);
        var e = Assert.Throws<NepOrderMismatchException>(() =>
            NepErrorTable.Build(frames, PredictionFile.Read(P("energy_train.out")), PredictionFile.Read(P("force_train.out")), null));
        Assert.Contains("frame 3 (0-based)", e.Message, StringComparison.Ordinal);
        Assert.Contains("NEP evaluator", e.Message, StringComparison.Ordinal);
        frames.RemoveAt(0);
        var c = Assert.Throws<NepOrderMismatchException>(() =>
            NepErrorTable.Build(frames, PredictionFile.Read(P("energy_train.out")), PredictionFile.Read(P("force_train.out")), null));
        Assert.Contains("energy_train.out has 25 rows but train.xyz has 24 frames", c.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutliersAreThoseFarAboveTheRmse()
    {
        var rows = Enumerable.Range(1, 20).Select(i => new StructureError(i, null, 10, -3 + 0.001, -3, 0.05, 0.1, double.NaN)).ToList();
        rows[7] = rows[7] with { EnergyNep = -3 + 0.02 };
        rows[12] = rows[12] with { ForceRmse = 0.5 };
        var o = NepErrorTable.Outliers(rows, 3); // ΔE is 4.4 × its RMSE, the force RMSE 4.1 × its own
        Assert.Equal([8, 13], o.Select(x => x.Row.Index));
        Assert.Contains("F RMSE = 500 meV/Å", o[1].Why, StringComparison.Ordinal);
        Assert.Contains("|ΔE| = 20 meV/atom", o[0].Why, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void CliWritesTheTableAndSaysWhenItCannotMap()
    {
        string dir = _cli.PathOf("run");
        Directory.CreateDirectory(dir);
        foreach (var f in new[] { "train.xyz", "energy_train.out", "force_train.out", "virial_train.out" })
            File.Copy(P(f), Path.Combine(dir, f));
        string csv = _cli.PathOf("errors.csv");
        var (code, _, err) = _cli.Run("nep", "errors", dir, "-o", csv);
        Assert.Equal(0, code);
        Assert.Contains("25 structure(s) mapped to train.xyz", err, StringComparison.Ordinal);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(26, lines.Length);
        // Frames are numbered from 0, as in every other verb (the first data row is train.xyz frame 0).
        Assert.StartsWith("frame,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("0,nep2xyz,250,-3.74744,-3.74876,1.32,", lines[1], StringComparison.Ordinal);

        // The same files as a test set.
        foreach (var f in new[] { "train.xyz", "energy_train.out", "force_train.out" })
            File.Copy(P(f), Path.Combine(dir, f.Replace("train", "test", StringComparison.Ordinal)));
        (code, _, err) = _cli.Run("nep", "errors", dir, "--set", "test", "-o", csv);
        Assert.Equal(0, code);
        Assert.Contains("25 structure(s) mapped to test.xyz", err, StringComparison.Ordinal);

        // A run with several batches: nep reordered the structures.
        var frames = ExtXyzReader.ReadFrames(P("train.xyz")).ToList();
        frames.Reverse();
        ExtXyzWriter.WriteFile(Path.Combine(dir, "train.xyz"), frames);
        (code, _, err) = _cli.Run("nep", "errors", dir, "-o", csv);
        Assert.Equal(1, code);
        Assert.Contains("nep reordered the structures", err, StringComparison.Ordinal);
    }
}
