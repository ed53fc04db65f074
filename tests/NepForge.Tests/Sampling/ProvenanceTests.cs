using NepForge.Formats.ExtXyz;
using NepForge.Sampling;
using NepForge.Sampling.Curation;
using NepForge.Structures;
using NepForge.Tests.Cli;
using NepForge.Workflow;

namespace NepForge.Tests.Sampling;

/// <summary>
/// sample_seed, split_seed, reject_reason and duplicate_of are written by the library steps, so the workflow's
/// stages and the verbs record the same provenance.
/// </summary>
public sealed class ProvenanceTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static Frame Dimer(double d, int i)
    {
        var f = new Frame([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, d, 0, 0], Lattice.Orthorhombic(10, 10, 10));
        f.Info.ConfigType = i % 2 == 0 ? "even" : "odd";
        return f;
    }

    [Fact]
    public void Workflow_sample_stage_records_its_seed_as_the_sample_verb_does()
    {
        string frames = _cli.PathOf("frames.xyz");
        ExtXyzWriter.WriteFile(frames, Enumerable.Range(0, 10).Select(i => Dimer(2.0 + 0.05 * i, i)));
        string wf = _cli.PathOf("wf.yaml");
        File.WriteAllText(wf, $"""
            engine:
              kind: cp2k
            executor:
              kind: local
            stages:
              extract:
                from: ['{frames}']
              sample:
                random: 3
                seed: 7
            """);
        var spec = WorkflowParser.Load(wf);
        var runner = new WorkflowRunner(spec);
        var stages = new WorkflowStages(spec, runner, _ => { }, CancellationToken.None);
        Directory.CreateDirectory(runner.FolderOf("extract"));
        File.Copy(frames, Path.Combine(runner.FolderOf("extract"), "frames.xyz"));
        Directory.CreateDirectory(runner.FolderOf("sample"));
        stages.Run("sample", runner.FolderOf("sample"));
        var fromStage = ExtXyzReader.ReadFrames(Path.Combine(runner.FolderOf("sample"), "sampled.xyz")).ToList();

        var run = _cli.Run("sample", frames, "--random", "3", "--seed", "7", "-o", _cli.PathOf("sampled.xyz"));
        Assert.True(run.Code == 0, run.Err);
        var fromVerb = ExtXyzReader.ReadFrames(_cli.PathOf("sampled.xyz")).ToList();

        Assert.Equal(3, fromStage.Count);
        Assert.All(fromStage, f => Assert.Equal("7", f.Info.GetExtra(Provenance.SampleSeed)));
        Assert.Equal(fromVerb.Select(f => f.Positions[3]), fromStage.Select(f => f.Positions[3]));
        Assert.Equal(fromVerb.Select(f => f.Info.GetExtra(Provenance.SampleSeed)), fromStage.Select(f => f.Info.GetExtra(Provenance.SampleSeed)));
    }

    [Fact]
    public void Deterministic_sample_records_no_seed()
    {
        var picked = FrameSelection.Pick(Enumerable.Range(0, 5).Select(i => Dimer(2 + 0.1 * i, i)), [1, 3], null).ToList();
        Assert.Equal([2.1, 2.3], picked.Select(f => Math.Round(f.Positions[3], 6)));
        Assert.All(picked, f => Assert.Null(f.Info.GetExtra(Provenance.SampleSeed)));
    }

    [Fact]
    public void Split_filter_and_dedup_record_their_provenance_in_the_library()
    {
        var frames = Enumerable.Range(0, 6).Select(i => Dimer(2.0 + 0.1 * i, i)).ToList();
        bool[] isTest = DatasetSplit.Stratified(frames.ConvertAll(f => f.Info.ConfigType), 0.5, 11);
        var assigned = DatasetSplit.Assign(frames, isTest, 11).ToList();
        Assert.Equal(isTest, assigned.Select(a => a.Test));
        Assert.All(frames, f => Assert.Equal("11", f.Info.GetExtra(Provenance.SplitSeed)));
        Assert.Throws<InvalidOperationException>(() => DatasetSplit.Assign(frames, isTest[..5], 11).ToList());

        var filter = new FrameFilter(new FilterOptions { MinDistance = 2.25 });
        var close = Dimer(2.1, 0);
        var far = Dimer(2.4, 1);
        var reason = filter.Check(close);
        Assert.NotNull(reason);
        Assert.Equal(reason.ToString(), close.Info.GetExtra(Provenance.RejectReason));
        Assert.StartsWith("min_distance", close.Info.GetExtra(Provenance.RejectReason));
        Assert.Null(filter.Check(far));
        Assert.Null(far.Info.GetExtra(Provenance.RejectReason));

        var index = new DedupIndex(0.01);
        Assert.Null(index.FindOrAdd(Dimer(2.0, 0), 4));
        var copy = Dimer(2.0, 1);
        Assert.Equal(4, index.FindOrAdd(copy, 9));
        Assert.Equal("4", copy.Info.GetExtra(Provenance.DuplicateOf));
    }
}
