using System.CommandLine;
using NepForge.IO;
using NepForge.Workflow;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge init</c>, <c>nepforge run</c>, <c>nepforge status</c>: the workflow file.</summary>
static class WorkflowCommands
{
    public static Command Init(CliContext cli)
    {
        var kind = new Option<string>("--case") { Description = $"Which starting file: {string.Join(", ", WorkflowTemplates.Cases.Keys)}", DefaultValueFactory = _ => "cp2k" };
        var output = new Option<string>("--output", "-o") { Description = "The workflow file to write", DefaultValueFactory = _ => "workflow.yaml", HelpName = "FILE" };
        var command = new Command("init", "Write a commented workflow file to start from (phase 1 on CP2K here, or VASP on Slurm)") { kind, output };
        command.SetAction(r => cli.Guard(() =>
        {
            string name = r.GetValue(kind)!;
            if (!WorkflowTemplates.Cases.TryGetValue(name, out string? text))
                throw new UsageException($"--case {name}: use one of {string.Join(", ", WorkflowTemplates.Cases.Keys)}");
            string path = r.GetValue(output)!;
            if (File.Exists(path))
                throw new UsageException($"{path} exists; not overwriting it");
            // The files the workflow names (INCARs, the Slurm header) are written beside it, never over a user's own.
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var companions = WorkflowTemplates.CompanionFiles.GetValueOrDefault(name) ?? new Dictionary<string, string>();
            AtomicFile.WriteAllText(path, text);
            var written = new List<string>();
            foreach (var (file, content) in companions)
            {
                string target = Path.Combine(folder, file);
                if (File.Exists(target))
                {
                    cli.Note($"init: kept your {target}");
                    continue;
                }
                AtomicFile.WriteAllText(target, content);
                written.Add(file);
            }
            cli.Note($"init: wrote {path} ({name})" + (written.Count > 0 ? $" and {string.Join(", ", written)} beside it" : "") + $"; edit them, then `nepforge run {path}`");
            if (name == "vasp-slurm")
                cli.Note("init: still yours to provide: start.vasp (the starting structure) and potcar_dir (your POTCAR library)");
            return CliContext.Success;
        }));
        return command;
    }

    public static Command Run(CliContext cli)
    {
        var file = new Argument<string>("workflow") { Description = "The workflow file (YAML)" };
        var check = new Option<bool>("--check") { Description = "Validate the file and show the stages, run nothing" };
        var command = new Command("run", "Run a workflow file stage by stage (00.aimd, 01.extract, 02.sample, 03.perturb, 04.label, 05.collect, then the active-learning generations gen-NNN/), resumably: run it again after a crash or kill -9 and finished work is kept, submitted jobs are re-attached") { file, check };
        command.SetAction(r => cli.Guard(() =>
        {
            var spec = Load(r.GetValue(file)!);
            var runner = new WorkflowRunner(spec, cli.Note);
            if (r.GetValue(check))
            {
                cli.Out.WriteLine($"{spec.File}: valid; stages: {string.Join(" → ", runner.StageList().Select(f => f.Folder))}; work folder {spec.WorkDir}");
                return CliContext.Success;
            }
            string train = runner.Run();
            cli.Note($"run: done; training set {train}");
            return CliContext.Success;
        }));
        return command;
    }

    public static Command Status(CliContext cli)
    {
        var file = new Argument<string>("workflow") { Description = "The workflow file (YAML)" };
        var json = new Option<bool>("--json") { Description = "One JSON object with every stage" };
        var command = new Command("status", "Where a workflow stands: stages, DFT jobs by state, failures with reasons, dataset sizes, the last error") { file, json };
        command.SetAction(r => cli.Guard(() =>
        {
            var spec = Load(r.GetValue(file)!);
            var state = WorkflowState.Load(spec.WorkDir);
            var runner = new WorkflowRunner(spec);
            var rows = new List<WorkflowStageStatus>();
            foreach (var (stage, folder) in runner.StageList())
            {
                var record = state.Stages.GetValueOrDefault(stage);
                var statuses = stage == "aimd" || stage.EndsWith("label", StringComparison.Ordinal)
                    ? WorkflowRunner.JobStatuses(Path.Combine(spec.WorkDir, folder))
                    : [];
                var failures = WorkflowRunner.Failures(statuses)
                    .Select(j => new WorkflowJobFailure(Path.GetRelativePath(spec.WorkDir, j.Folder), j.State.ToString().ToLowerInvariant(), j.Reason))
                    .ToList();
                rows.Add(new WorkflowStageStatus(folder, record?.Status ?? "pending", record?.Summary, record?.Error, record?.Warnings ?? [],
                    WorkflowRunner.JobCounts(statuses).ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value), failures));
            }
            string train = Path.Combine(spec.WorkDir, spec.Collect.Output);
            long frames = WorkflowRunner.CountFrames(train);
            if (r.GetValue(json))
            {
                cli.Out.WriteLine(JsonReport.ToJson(new WorkflowStatusReport(spec.File, rows, frames, state.Stopped), StatusJson.Default.WorkflowStatusReport));
                return CliContext.Success;
            }
            foreach (var row in rows)
            {
                string jobText = row.Jobs.Count == 0 ? "" : " [jobs: " + string.Join(", ", row.Jobs.Select(kv => $"{kv.Value} {kv.Key}")) + "]";
                cli.Out.WriteLine($"{row.Stage,-19} {row.Status,-8} {row.Summary}{jobText}");
                if (row.Error is string error)
                    cli.Out.WriteLine($"            error: {error}");
                foreach (string warning in row.Warnings)
                    cli.Out.WriteLine($"            warning: {warning}");
                // Why jobs failed, here and not only in `dft status`; a long list is cut (--json has all of them).
                foreach (var f in row.Failures.Take(MaxFailuresShown))
                    cli.Out.WriteLine($"            {f.State}: {f.Folder}: {f.Reason}");
                if (row.Failures.Count > MaxFailuresShown)
                    cli.Out.WriteLine($"            … {row.Failures.Count - MaxFailuresShown} more failed job(s): nepforge dft status {Path.Combine(spec.WorkDir, row.Stage)}, or status --json");
            }
            if (state.Stopped is { } stopped)
                cli.Out.WriteLine($"stopped: {stopped}");
            cli.Out.WriteLine($"{spec.Collect.Output}: {frames} frame(s)");
            return CliContext.Success;
        }));
        return command;
    }

    const int MaxFailuresShown = 10;

    static WorkflowSpec Load(string path)
    {
        try
        {
            return WorkflowParser.Load(path);
        }
        catch (WorkflowException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
