using System.Text.Json;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;
using NepForge.Workflow;

namespace NepForge.Tests.Sampling.Selection;

/// <summary>
/// <c>nepforge select</c> and the workflow's select stage are one pipeline: on the same candidates, base set, model,
/// committee and rules they pick the same frames, write the same structures and the same report fields.
/// </summary>
public sealed class SelectionParityTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static string Model => Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt");
    static string Model3 => Fixtures.Path("nep/potentials/Si_2022_NEP4_3body.txt");

    static List<Frame> Rattled(int copies, double amplitude, int seed)
    {
        var src = new[] { "si_diamond8_rattled", "si_random40_triclinic", "si_prim2_triclinic" }
            .Select(n => StructureReader.Read(Fixtures.Path($"nep/structures/{n}.xyz")).First()).ToArray();
        var rnd = new Random(seed);
        return src.SelectMany(f => Enumerable.Range(0, copies).Select(_ =>
        {
            var c = f.Clone();
            for (int i = 0; i < c.Positions.Length; i++)
                c.Positions[i] += amplitude * (rnd.NextDouble() - 0.5);
            c.Info = new();
            return c;
        })).ToList();
    }

    [FixtureFact]
    public void Workflow_select_stage_and_select_verb_give_the_same_frames_and_report()
    {
        string frames = _cli.PathOf("frames.xyz");
        ExtXyzWriter.WriteFile(frames, Rattled(1, 0.01, 1));
        string wf = _cli.PathOf("wf.yaml");
        File.WriteAllText(wf, $"""
            engine:
              kind: cp2k
              cp2k_cutoff: 150
            executor:
              kind: local
            stages:
              extract:
                from: ['{frames}']
              label:
                max_attempts: 1
            active_learning:
              model: '{Model}'
              generations: 1
              explore:
                temperatures: [300]
                seed: 4
              select:
                max: 5
                min_distance: 0.0001
                committee: ['{Model}', '{Model3}']
                f_lo: 0
                f_hi: 1e9
            """);
        var spec = WorkflowParser.Load(wf);
        var runner = new WorkflowRunner(spec);
        var al = new ActiveLearningStages(spec, runner, new WorkflowStages(spec, runner, _ => { }, CancellationToken.None));
        string train = al.BaseTrain(1);
        Directory.CreateDirectory(Path.GetDirectoryName(train)!);
        ExtXyzWriter.WriteFile(train, Rattled(2, 0.02, 2));
        var stage = al.Stages(1).Single(s => s.Key == "gen-001.select");
        string candidates = stage.Inputs()[0];
        Directory.CreateDirectory(Path.GetDirectoryName(candidates)!);
        ExtXyzWriter.WriteFile(candidates, Rattled(4, 0.2, 3));
        Directory.CreateDirectory(stage.Folder);
        stage.Run(stage.Folder);

        string outPath = _cli.PathOf("selected.xyz");
        var run = _cli.Run("select", candidates, "--model", Model, "--base", train, "--max", "5", "--min-distance", "0.0001",
            "--committee", Model, Model3, "--f-lo", "0", "--f-hi", "1e9", "--seed", "5", "-o", outPath);
        Assert.True(run.Code == 0, run.Err);

        using var stageReport = JsonDocument.Parse(File.ReadAllText(Path.Combine(stage.Folder, "select-report.json")));
        using var verbReport = JsonDocument.Parse(File.ReadAllText(_cli.PathOf("selected.report.json")));
        var a = stageReport.RootElement;
        var b = verbReport.RootElement;
        // Everything but where the output and the descriptor cache went is the same, key for key.
        string[] differ = ["output", "base_cache_hits", "base_cache_misses"];
        var keysA = a.EnumerateObject().Select(p => p.Name).Where(n => !differ.Contains(n)).ToList();
        var keysB = b.EnumerateObject().Select(p => p.Name).Where(n => !differ.Contains(n)).ToList();
        Assert.Equal(keysB, keysA);
        foreach (string key in keysA)
            Assert.Equal(b.GetProperty(key).GetRawText(), a.GetProperty(key).GetRawText());
        Assert.Equal("max", a.GetProperty("stopped_by").GetString());
        Assert.Equal(5, a.GetProperty("selected").GetInt32());
        Assert.Equal(12, a.GetProperty("candidates_read").GetInt32());
        Assert.Equal(12, a.GetProperty("classified").GetProperty("candidate").GetInt32());
        Assert.Equal(6, a.GetProperty("base_structures").GetInt32());
        Assert.Equal(5, a.GetProperty("picks").GetArrayLength());
        Assert.All(a.GetProperty("picks").EnumerateArray(), p => Assert.True(p.GetProperty("max_devi_f").GetDouble() > 0));

        var fromStage = ExtXyzReader.ReadFrames(Path.Combine(stage.Folder, "selected.xyz")).ToList();
        var fromVerb = ExtXyzReader.ReadFrames(outPath).ToList();
        Assert.Equal(5, fromStage.Count);
        Assert.Equal(fromVerb.Count, fromStage.Count);
        for (int k = 0; k < fromStage.Count; k++)
        {
            Assert.Equal(fromVerb[k].Positions, fromStage[k].Positions);
            Assert.Equal(fromVerb[k].Info.SourceIndex, fromStage[k].Info.SourceIndex);
            Assert.Equal(fromVerb[k].Info.GetExtra("select_distance"), fromStage[k].Info.GetExtra("select_distance"));
        }
    }
}
