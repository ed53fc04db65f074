using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Nep;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge nep init train.xyz [--preset default|fast|accurate] [--set "key values"]… -o nep.in</c>: a nep.in whose
/// <c>type</c> line lists the training set's species, checked against GPUMD's limits and against the data.
/// </summary>
public static class NepInitCommand
{
    /// <summary>The <c>init</c> subcommand of <c>nep</c>.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var input = new Argument<string>("train") { Description = "Training set (extxyz, or any format nepforge reads)" };
        var output = new Option<string>("--output", "-o") { Description = "nep.in to write", DefaultValueFactory = _ => "nep.in", HelpName = "nep.in" };
        var preset = new Option<string>("--preset")
        {
            Description = "default (only type: GPUMD's defaults), fast (small model for a first try) or accurate (larger model)",
            DefaultValueFactory = _ => "default",
        };
        preset.AcceptOnlyFromAmong([.. NepInputPresets.Names]);
        var set = new Option<string[]>("--set")
        {
            Description = "Extra or changed keyword line, e.g. --set \"cutoff 6 4\" --set \"batch 5000\" (repeatable)",
            HelpName = "\"key values\"",
        };
        var fullBatch = new Option<bool>("--full-batch")
        {
            Description = "Set batch to the number of frames when it exceeds 1000, so that *_train.out rows stay in train.xyz order (needed by nep errors)",
        };
        var force = new Option<bool>("--force") { Description = "Write even when the checks find errors" };
        var command = new Command("init", "Write nep.in for a training set: type from its species, defaults matching GPUMD, values checked against GPUMD's limits")
        {
            input, output, preset, set, fullBatch, force,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            var frames = StructureReader.Read(inPath, null, new StructureReadOptions { OnDiagnostic = cli.Warn }).ToList();
            if (frames.Count == 0)
                throw new InvalidOperationException($"'{inPath}' holds no frames");
            var nep = NepInputPresets.Create(r.GetValue(preset)!, NepInputPresets.SpeciesInOrder(frames));
            foreach (string line in r.GetValue(set) ?? [])
            {
                var parsed = NepInput.Parse(line, "--set");
                if (parsed.Keywords.Count != 1)
                    throw new UsageException($"--set \"{line}\": expected one keyword line such as \"cutoff 6 4\"");
                var k = parsed.Keywords[0];
                nep.Set(k.Name, [.. k.Values]);
            }
            if (r.GetValue(fullBatch) && frames.Count > (int)nep.Number("batch"))
                nep.Set("batch", frames.Count.ToString(CultureInfo.InvariantCulture));

            var issues = NepInputValidator.Validate(nep);
            var data = NepInputDatasetCheck.Check(nep, frames, inPath);
            issues.AddRange(data.Issues);
            foreach (var i in issues)
                cli.Note(i.ToString());
            bool errors = issues.Any(i => i.Severity == NepInputSeverity.Error);
            if (errors && !r.GetValue(force))
            {
                cli.Note($"nep init: {outPath} not written (use --force to write it anyway)");
                return CliContext.Failure;
            }
            nep.Write(outPath);
            cli.Note($"nep init: {data.Frames} frame(s), {data.Atoms} atoms, {data.WithVirial} with virial; type {string.Join(' ', nep.Types)} → {outPath}");
            if (frames.Count > (int)nep.Number("batch"))
            {
                cli.Note($"nep init: batch {nep.Number("batch")} < {frames.Count} frames: nep reorders structures, so *_train.out rows will not follow train.xyz (use --full-batch to keep them in order)");
            }
            return CliContext.Success;
        }));
        return command;
    }
}
