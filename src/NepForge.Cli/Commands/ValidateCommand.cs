using System.CommandLine;
using NepForge.Sampling.Analysis;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary>
/// <c>nepforge validate FILE [--types Pb Te]</c>: everything in a train.xyz that would make GPUMD's nep fail, read
/// less than the file holds, or learn nonsense. Exit code 0 when there is no error (warnings allowed), 1 otherwise.
/// </summary>
public static class ValidateCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var file = new Argument<string>("file") { Description = "Training set to check (extxyz as nep reads it; \"-\" = stdin)" };
        var types = new Option<string[]>("--types")
        {
            Description = "Species of nep.in's type line, e.g. --types Pb Te: atoms of other species are errors",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "SYMBOL",
        };
        var nepIn = new Option<string?>("--nep-in") { Description = "Take the species from this nep.in's type line", HelpName = "FILE" };
        var defaults = new ValidationOptions();
        var forceSum = new Option<double>("--force-sum")
        {
            Description = "Warn when |ΣF| / N exceeds this, eV/Å",
            DefaultValueFactory = _ => defaults.ForceSumPerAtom,
            HelpName = "F",
        };
        var minRatio = new Option<double>("--min-ratio")
        {
            Description = "Warn when two atoms are closer than R × the sum of their covalent radii (0 = off)",
            DefaultValueFactory = _ => defaults.MinRatio,
            HelpName = "R",
        };
        var dupTolerance = new Option<double>("--duplicate-tolerance")
        {
            Description = "Frames whose atoms and cell agree within this many Å are duplicates",
            DefaultValueFactory = _ => defaults.DuplicateTolerance,
            HelpName = "TOL",
        };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var strict = new Option<bool>("--strict") { Description = "Exit with 1 on warnings too" };
        var maxShown = new Option<int>("--max-shown")
        {
            Description = "Text report: list at most N findings of each code (0 = all)",
            DefaultValueFactory = _ => 10,
            HelpName = "N",
        };
        var command = new Command("validate",
            "Check a training set before nep: blank lines, species not in the type list, virial/stress mismatch, weights, missing cell/energy/forces, NaN, E < −100 eV/atom, ΣF ≠ 0, duplicates, close contacts. Exit 1 on errors")
        {
            file, types, nepIn, forceSum, minRatio, dupTolerance, json, strict, maxShown,
        };
        command.SetAction(r => cli.Guard(() =>
        {
            string path = r.GetValue(file)!;
            var symbols = (r.GetValue(types) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
            string? nepInPath = r.GetValue(nepIn);
            if (symbols.Count > 0 && nepInPath is not null)
                throw new UsageException("give --types or --nep-in, not both");
            List<Element>? typeList = null;
            if (symbols.Count > 0)
            {
                typeList = symbols.Select(s => Elements.TryGet(s, out var e) ? e : throw new UsageException($"--types: unknown element '{s}'")).ToList();
            }
            else if (nepInPath is not null)
            {
                typeList = DatasetValidator.ReadNepTypes(nepInPath);
            }
            var options = new ValidationOptions
            {
                Types = typeList,
                ForceSumPerAtom = r.GetValue(forceSum),
                MinRatio = r.GetValue(minRatio),
                DuplicateTolerance = r.GetValue(dupTolerance),
            };
            DatasetValidator validator;
            try
            {
                validator = new DatasetValidator(options);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            var report = validator.Validate(path);
            if (r.GetValue(json))
                cli.Out.WriteLine(report.ToJson());
            else
                WriteText(cli.Out, report, r.GetValue(maxShown));
            bool fail = !report.IsValid || (r.GetValue(strict) && report.Warnings > 0);
            return fail ? CliContext.Failure : CliContext.Success;
        }));
        return command;
    }

    static void WriteText(TextWriter o, ValidationReport report, int maxShown)
    {
        string species = string.Join(", ", report.Species.Select(kv => $"{kv.Key.Symbol} {kv.Value}"));
        o.WriteLine($"{report.File}: {report.Frames} frame(s), {report.Atoms} atom(s){(species.Length > 0 ? $" ({species})" : "")}");
        var shown = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var issue in report.Issues)
        {
            int n = shown.GetValueOrDefault(issue.Code) + 1;
            shown[issue.Code] = n;
            if (maxShown <= 0 || n <= maxShown)
                o.WriteLine("  " + issue);
        }
        foreach (var (code, n) in shown)
        {
            if (maxShown > 0 && n > maxShown)
                o.WriteLine($"  … {n - maxShown} more [{code}] (--max-shown 0 lists all)");
        }
        if (report.FramesNepReads < report.Frames)
            o.WriteLine($"  nep would read only the first {report.FramesNepReads} of {report.Frames} frame(s)");
        o.WriteLine($"errors: {Counts(report, ValidationSeverity.Error)}");
        o.WriteLine($"warnings: {Counts(report, ValidationSeverity.Warning)}");
        o.WriteLine(report.IsValid
            ? report.Warnings == 0 ? "OK: ready for nep" : "OK for nep (no errors); review the warnings"
            : "NOT ready for nep: fix the errors");
    }

    static string Counts(ValidationReport report, ValidationSeverity severity)
    {
        var groups = report.Issues.Where(i => i.Severity == severity).GroupBy(i => i.Code).Select(g => $"{g.Key} {g.Count()}").ToList();
        int total = report.Issues.Count(i => i.Severity == severity);
        return total == 0 ? "0" : $"{total} ({string.Join(", ", groups)})";
    }
}
