using NepForge.Formats;
using NepForge.Nep;
using NepForge.Progress;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Nep;

/// <summary>
/// The one evaluation pipeline: <c>nep eval</c> prints what the library computes, and the active-learning loop's
/// acquisition error is the same statistics' force RMSE.
/// </summary>
public sealed class NepEvaluationTests : IDisposable
{
    readonly CliRunner _cli = new();
    readonly NepModel _model;
    readonly string _modelPath;
    readonly List<Frame> _labelled;

    public NepEvaluationTests()
    {
        var kind = NepTestModels.Get("nep4_zbl universal");
        _modelPath = _cli.PathOf("nep.txt");
        File.WriteAllText(_modelPath, NepTestModels.Text(kind));
        _model = NepTestModels.Model(kind);
        var calculator = new NepCalculator(_model, 1);
        // "DFT" labels = the prediction shifted by 1 meV/atom and 2 meV/Å on every force component.
        _labelled = [.. Enumerable.Range(0, 5).Select(s =>
        {
            var f = NepTestModels.RandomFrame(_model.Species, atoms: 4 + s, seed: 40 + s, edge: 4.5, minDistance: 1.5);
            var r = calculator.Compute(f);
            f.Energy = r.Energy - 0.001 * f.AtomCount;
            f.Forces = [.. r.Forces.Select(v => v - 0.002)];
            f.Info.ConfigType = s < 2 ? "cold" : "hot";
            return f;
        })];
    }

    public void Dispose() => _cli.Dispose();

    sealed class Collect : IProgress<StepProgress>
    {
        public List<StepProgress> Reports { get; } = [];

        public void Report(StepProgress value) => Reports.Add(value);
    }

    [Fact]
    public void Library_run_verb_and_acquisition_error_share_one_statistics()
    {
        string input = _cli.PathOf("in.xyz");
        StructureWriter.Write(input, StructureFormat.ExtXyz, _labelled);
        var progress = new Collect();
        var result = NepEvaluation.Run(new NepCalculator(_model, 2), new NepEvaluationOptions { Input = input, Output = _cli.PathOf("pred.xyz") }, progress);
        Assert.Equal(5, result.Frames);
        Assert.Equal(4 + 5 + 6 + 7 + 8, result.Atoms);
        Assert.Equal(2.0, result.Statistics.Force.Rmse, 1e-6);
        Assert.Equal(1.0, result.Statistics.Energy.Rmse, 1e-6);
        Assert.Equal(2, result.Statistics.ByConfigType.Count);
        Assert.Equal(5, StructureReader.Read(_cli.PathOf("pred.xyz")).Count());
        Assert.Equal(5, progress.Reports[^1].Done);
        Assert.All(progress.Reports, p => Assert.Equal("evaluating", p.Step));

        // The verb prints exactly the library's report.
        var (code, stdout, stderr) = _cli.Run("nep", "eval", "--model", _modelPath, input, "--json", "--worst", "3");
        Assert.True(code == 0, stderr);
        Assert.Equal(NepErrorReport.Of(result, 3).ToJson(), stdout.TrimEnd('\n', '\r'));

        // The loop's acquisition error: the same force statistics on frames in memory.
        var fromMemory = NepEvaluation.Errors(new NepCalculator(_model, 1), _labelled.Select(f => f.Clone()));
        Assert.Equal(result.Statistics.Force.Rmse, fromMemory.Force.Rmse, 1e-12);
        Assert.Equal(result.Statistics.Force.Count, fromMemory.Force.Count);
    }
}
