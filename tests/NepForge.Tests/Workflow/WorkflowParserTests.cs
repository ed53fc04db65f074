using NepForge.Workflow;

namespace NepForge.Tests.Workflow;

public sealed class WorkflowParserTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-wf").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    string Write(string yaml)
    {
        File.WriteAllText(Path.Combine(_dir, "start.xyz"), "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n");
        string path = Path.Combine(_dir, "wf.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    const string Good = """
        engine:
          kind: cp2k
          cp2k_cutoff: 150
        executor:
          kind: local
          parallel: 2
        stages:
          aimd:
            structures: start.xyz
            temperatures: [300, 900]
            steps: 10
          sample:
            every: 2
          perturb:
            count: 1
            cell: 0.06
          label:
            max_attempts: 2
            escalate: ["MAX_SCF=100"]
        """;

    static WorkflowException Fails(string path) => Assert.Throws<WorkflowException>(() => WorkflowParser.Load(path));

    [Fact]
    public void A_good_file_parses_with_its_defaults()
    {
        var spec = WorkflowParser.Load(Write(Good));
        Assert.Equal("cp2k", spec.Engine.Kind);
        Assert.Equal(150, spec.Engine.Cp2kCutoff);
        Assert.Equal([300.0, 900.0], spec.Aimd!.Temperatures);
        Assert.Equal(2, spec.Sample!.Every);
        Assert.Equal((1, 0.06, 0.1, 0.7), (spec.Perturb!.Count, spec.Perturb.Cell, spec.Perturb.Disp, spec.Perturb.MinRatio!.Value));
        Assert.Equal(["MAX_SCF=100"], spec.Label!.Escalate!);
        Assert.Equal("train.xyz", spec.Collect.Output);
        Assert.Equal(_dir, spec.WorkDir);
    }

    [Fact]
    public void Collect_energy_ref_is_fit_or_isolated_atom_energies()
    {
        Assert.Null(WorkflowParser.Load(Write(Good)).Collect.EnergyRef);
        var spec = WorkflowParser.Load(Write(Good + "\n  collect:\n    energy_ref: fit\n"));
        Assert.Empty(spec.Collect.EnergyRef!);
        spec = WorkflowParser.Load(Write(Good + "\n  collect:\n    energy_ref: {Si: -107.25, O: -432.1}\n"));
        Assert.Equal(-107.25, spec.Collect.EnergyRef!["Si"]);
        Assert.Equal(-432.1, spec.Collect.EnergyRef!["O"]);
        var e = Fails(Write(Good + "\n  collect:\n    energy_ref: {Xx: -1}\n"));
        Assert.Contains("wf.yaml:", e.Message);
        Assert.True(e.Message.Contains("stages.collect.energy_ref", StringComparison.Ordinal) && e.Message.Contains("'Xx' is not an element symbol", StringComparison.Ordinal), e.Message);
        e = Fails(Write(Good + "\n  collect:\n    energy_ref: auto\n"));
        Assert.Contains("stages.collect.energy_ref: expected 'fit' or a map", e.Message);
    }

    [Fact]
    public void Unknown_key_is_named_with_its_line_and_the_keys_allowed()
    {
        var e = Fails(Write(Good.Replace("    count: 1\n", "    count: 1\n    cel: 0.06\n", StringComparison.Ordinal)));
        Assert.Contains("wf.yaml:16: stages.perturb.cel: unknown key; expected one of count, cell, disp", e.Message);
    }

    [Fact]
    public void Wrong_type_is_named_with_its_key_path()
    {
        var e = Fails(Write(Good.Replace("steps: 10", "steps: ten", StringComparison.Ordinal)));
        Assert.Contains("stages.aimd.steps: expected a whole number, found 'ten'", e.Message);
        e = Fails(Write(Good.Replace("temperatures: [300, 900]", "temperatures: [300, hot]", StringComparison.Ordinal)));
        Assert.Contains("stages.aimd.temperatures[1]: 'hot': expected a temperature in K (300) or a ramp START:END (10:300)", e.Message);
    }

    [Fact]
    public void Missing_template_and_structures_are_named()
    {
        var e = Fails(Write(Good.Replace("cp2k_cutoff: 150", "cp2k_template: nowhere.inp", StringComparison.Ordinal)));
        Assert.Contains("engine.cp2k_template: no such file", e.Message);
        e = Fails(Write(Good.Replace("structures: start.xyz", "structures: missing.xyz", StringComparison.Ordinal)));
        Assert.Contains("stages.aimd.structures: no such file", e.Message);
    }

    [Fact]
    public void Stage_combinations_that_cannot_work_are_refused()
    {
        // Perturbed structures without a label stage would reach train.xyz with no labels.
        var e = Fails(Write(Good[..Good.IndexOf("  label:", StringComparison.Ordinal)]));
        Assert.Contains("stages.perturb: perturbed structures have no labels", e.Message);
        // Nothing to start from.
        e = Fails(Write("engine:\n  kind: cp2k\nstages:\n  sample:\n    every: 2\n"));
        Assert.Contains("nothing to start from", e.Message);
        // VASP without a command, and a VASP key under CP2K.
        e = Fails(Write(Good.Replace("kind: cp2k\n  cp2k_cutoff: 150", "kind: vasp", StringComparison.Ordinal)));
        Assert.Contains("VASP jobs need engine.command", e.Message);
        e = Fails(Write(Good.Replace("cp2k_cutoff: 150", "kspacing: 0.2", StringComparison.Ordinal)));
        Assert.Contains("engine.kspacing: a VASP setting, but engine.kind is cp2k", e.Message);
        e = Fails(Write(Good.Replace("every: 2", "every: 2\n    count: 3", StringComparison.Ordinal)));
        Assert.Contains("give exactly one of every, count, random", e.Message);
    }

    [Fact]
    public void Bad_yaml_an_incomplete_loop_and_a_missing_nep_fail_before_anything_runs()
    {
        Assert.Contains("not valid YAML", Fails(Write("engine: [unclosed\n")).Message);
        var e = Fails(Write(Good + "\nactive_learning:\n  generations: 3\n"));
        Assert.Contains("active_learning: give active_learning.model", e.Message);
        e = Fails(Write(Good + "\nactive_learning:\n  train:\n    nep: /nowhere/nep\n  explore:\n    temperatures: [300]\n"));
        Assert.Contains("active_learning.train: ", e.Message); // no nep executable: said before anything runs
        Assert.Contains("/nowhere/nep", e.Message);
        e = Fails(Write(Good + "\nactive_learning:\n  model: start.xyz\n  explore:\n    temperatures: [300]\n    step: 10\n"));
        Assert.Contains("active_learning.explore.step: unknown key", e.Message);
    }

    [Fact]
    public void Init_templates_are_valid_workflow_files()
    {
        File.WriteAllText(Path.Combine(_dir, "start.xyz"), "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nSi 0 0 0\n");
        string path = Path.Combine(_dir, "cp2k.yaml");
        File.WriteAllText(path, WorkflowTemplates.Cases["cp2k"]);
        var spec = WorkflowParser.Load(path);
        Assert.Equal(2, spec.Aimd!.Temperatures.Count);
        // The VASP case names files the user supplies: it parses once they exist.
        foreach (string f in new[] { "INCAR.sp", "INCAR.aimd", "slurm-header.sh", "start.vasp" })
            File.WriteAllText(Path.Combine(_dir, f), "ENCUT = 400\n");
        string vasp = Path.Combine(_dir, "vasp.yaml");
        File.WriteAllText(vasp, WorkflowTemplates.Cases["vasp-slurm"].Replace("/path/to/potpaw_PBE", _dir, StringComparison.Ordinal));
        var v = WorkflowParser.Load(vasp);
        Assert.Equal(("vasp", "slurm", 20), (v.Engine.Kind, v.Executor.Kind, v.Executor.ArrayMax));
    }

    [Fact]
    public void A_stage_can_have_its_own_executor_and_changing_it_redoes_nothing()
    {
        string withOwn = Good.Replace("    max_attempts: 2\n", "    max_attempts: 2\n    executor:\n      kind: slurm\n      partition: big\n", StringComparison.Ordinal);
        var spec = WorkflowParser.Load(Write(withOwn));
        Assert.Equal(("slurm", "big"), (spec.Label!.Executor!.Kind, spec.Label.Executor.Partition));
        Assert.Equal("local", spec.Executor.Kind);
        Assert.Null(spec.Aimd!.Executor);
        // Where a stage runs is not what it computes: the fingerprinted settings are the same.
        var plain = WorkflowParser.Load(Write(Good));
        Assert.Equal(plain.StageSettings["label"], spec.StageSettings["label"]);
        Assert.Contains("stages.label.executor.kind: expected local or slurm",
            Fails(Write(withOwn.Replace("kind: slurm", "kind: pbs", StringComparison.Ordinal))).Message);
    }

    [Fact]
    public void Perturb_can_add_rattled_copies()
    {
        var spec = WorkflowParser.Load(Write(Good.Replace("    cell: 0.06\n", "    cell: 0.06\n    rattle: {count: 2, std: 0.03, d_min: 1.9}\n", StringComparison.Ordinal)));
        Assert.Equal((2, 0.03, 1.9), (spec.Perturb!.RattleCount, spec.Perturb.RattleStd, spec.Perturb.RattleMinDistance));
        Assert.Contains("stages.perturb.rattle.sigma: unknown key",
            Fails(Write(Good.Replace("    cell: 0.06\n", "    cell: 0.06\n    rattle: {count: 2, sigma: 0.03}\n", StringComparison.Ordinal))).Message);
    }

    [Theory]
    [InlineData("? {a: 1}\n: 2\n", "wf.yaml:1: a key must be a plain name")]
    [InlineData("engine:\n  ? [kind]\n  : cp2k\n", "wf.yaml:2: engine: a key must be a plain name")]
    [InlineData("stages:\n  aimd:\n    structures: start..0}   # pl\n  :\nxyz\n    temperatures: [300, 900]\n", "wf.yaml:")]
    public void Yaml_that_sharpfuzz_found_crashing_the_parser_is_a_located_error(string text, string expected)
    {
        // Found by bench/fuzz/sharpfuzz.sh: an InvalidCastException (a mapping as a key) and YamlDotNet's
        // ArgumentException ("the current event is of an unsupported type") escaped as stack traces.
        var e = Assert.Throws<WorkflowException>(() => WorkflowParser.Parse(text, "wf.yaml"));
        Assert.StartsWith(expected, e.Message);
        Assert.Matches(@"^wf\.yaml:\d+: ", e.Message);
    }
}
