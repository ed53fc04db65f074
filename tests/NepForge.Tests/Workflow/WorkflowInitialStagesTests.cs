using NepForge.Formats.ExtXyz;
using NepForge.Nep;
using NepForge.Tests.Nep;
using NepForge.Workflow;

namespace NepForge.Tests.Workflow;

/// <summary>The stages the H₂ study needs: build (packmol boxes), md (a user's NEP model, ramp + hold), keep_first, explore ramps and boxes.</summary>
public sealed class WorkflowInitialStagesTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-wf-init").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    string Write(string yaml)
    {
        string path = Path.Combine(_dir, "wf.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    const string Study = """
        engine: {kind: cp2k}
        stages:
          build: {molecules: {H2: 50}, box: [20, 20, 15], count: 3, seed: 4}
          sample: {count: 100}
          perturb: {count: 0, keep_first: 80, rattle: {count: 2, std: 0.02, d_min: 0.65}}
          label: {}
        active_learning:
          generations: 2
          rdf: [H-H]
          train: {engine: cpu}
          explore:
            build: {molecules: {H2: 70}, box: [20, 20, 15]}
            temperatures: ["10:300", 600]
            steps: 1000
            hold_steps: 1000
            timestep: 0.5
          select: {max: 100}
        """;

    [Fact]
    public void The_study_parses_build_keep_first_ramps_and_rdf_pairs()
    {
        var spec = WorkflowParser.Load(Write(Study));
        Assert.Equal([("H2", 50)], spec.Build!.Molecules);
        Assert.Equal((20.0, 20.0, 15.0), (spec.Build.Box!.Value.X, spec.Build.Box.Value.Y, spec.Build.Box.Value.Z));
        Assert.Equal((3, 4), (spec.Build.Count, spec.Build.Seed));
        Assert.Equal(80, spec.Perturb!.KeepFirst);
        Assert.Equal(2, spec.Perturb.RattleCount);
        var al = spec.ActiveLearning!;
        Assert.Equal([300.0, 600.0], al.Temperatures);
        Assert.Equal([10.0, 600.0], al.StartTemperatures!);
        Assert.Equal(1000, al.HoldSteps);
        Assert.Equal([("H2", 70)], al.ExploreBuild!.Molecules);
        Assert.Equal(["H-H"], al.RdfPairs);
        Assert.Equal("50 H2 in 20×20×15 Å", spec.Build.Describe());
    }

    [Fact]
    public void Bad_build_and_md_blocks_name_the_key()
    {
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(Write("engine: {kind: cp2k}\nstages:\n  build: {molecules: {H2: 5}, box: [9, 9, 9], density: 0.1}\n")));
        Assert.Contains("stages.build", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(Write("engine: {kind: cp2k}\nstages:\n  build: {molecules: {Xx9: 5}, box: [9]}\n")));
        Assert.Contains("neither a built-in molecule", e.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "nep.txt"), NepTestModels.Text(NepTestModels.Get("nep4")));
        e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(Write("engine: {kind: cp2k}\nstages:\n  md: {model: nep.txt, temperature: '10:300', steps: 10}\n")));
        Assert.Contains("md.structures or a stages.build", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<WorkflowException>(() => WorkflowParser.Load(Write("engine: {kind: cp2k}\nstages:\n  md: {model: nep.txt, structures: nep.txt, temperature: '10:x', steps: 10}\n")));
        Assert.Contains("stages.md.temperature", e.Message, StringComparison.Ordinal);
    }

    // A cold start without DFT: packmol boxes with different seeds are the workflow's frames.
    [PackmolFact]
    public void Build_stage_makes_boxes_with_different_seeds()
    {
        string path = Write("engine: {kind: cp2k}\nstages:\n  build: {molecules: {H2: 6}, box: [8, 8, 7], count: 3, seed: 2}\n");
        // Without a label stage the collect stage refuses unlabelled frames (nep needs energies); the boxes are built.
        var e = Assert.Throws<InvalidOperationException>(() => new WorkflowRunner(WorkflowParser.Load(path)).Run());
        Assert.Contains("missing-energy", e.Message, StringComparison.Ordinal);
        var frames = ExtXyzReader.ReadFrames(Path.Combine(_dir, "00.build", "structures.xyz")).ToList();
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.Equal(12, f.AtomCount));
        Assert.NotEqual(frames[0].Positions, frames[1].Positions);
        Assert.Equal(8, frames[0].Lattice!.Matrix.Row(0).X, 12);
    }

    // The seed study's initial set with a user's model (here a synthetic 89-species NEP4+ZBL, NEP89's shape):
    // MD from the built box, ramp 10 → 300 K then a hold, only hold frames sampled.
    [PackmolFact]
    public void Md_stage_with_a_general_model_ramps_and_the_sample_keeps_the_hold()
    {
        File.WriteAllText(Path.Combine(_dir, "nep89.txt"), NepTestModels.Text(NepTestModels.Get("nep4_zbl 89 species")));
        string path = Write("""
            engine: {kind: cp2k}
            stages:
              build: {molecules: {H2: 4}, box: [7, 7, 7], count: 1, seed: 3}
              md: {model: nep89.txt, temperature: "10:300", steps: 40, hold_steps: 40, timestep: 0.25, dump_every: 10, seed: 5}
              sample: {count: 3, hold_only: true}
            """);
        Assert.Throws<InvalidOperationException>(() => new WorkflowRunner(WorkflowParser.Load(path)).Run());
        Assert.Equal(9, ExtXyzReader.ReadFrames(Path.Combine(_dir, "00.md", "frames.xyz")).Count());
        var frames = ExtXyzReader.ReadFrames(Path.Combine(_dir, "02.sample", "sampled.xyz")).ToList();
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.Equal("300", f.Info.GetExtra(NepMolecularDynamics.TargetTemperatureKey)));
        Assert.Equal([40L, 60L, 80L], frames.Select(f => f.Info.SourceStep!.Value));
    }
}
