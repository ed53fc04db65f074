using System.CommandLine;
using NepForge.IO;
using NepForge.Plotting;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge report DIR [-o report.html]</c>: one HTML page with every plot and error table of a folder.</summary>
public static class ReportCommand
{
    /// <summary>The <c>report</c> verb.</summary>
    public static Command Create(CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var dir = new Argument<string>("dir") { Description = "Workflow file (WORKFLOW.yaml: the whole workflow's report.html in its work folder), training folder (nep.in, loss.out, *_train.out, *_test.out, train.xyz) or dataset folder (*.xyz), or GPUMD run folder (thermo*.out, run.in); a file stands for its folder" };
        var output = new Option<string?>("--output", "-o") { Description = "HTML file (default: DIR/report.html)", HelpName = "OUT.html" };
        var command = new Command("report", "One self-contained HTML page with all plots and error tables of a training, dataset or GPUMD folder") { dir, output };
        command.SetAction(r => cli.Guard(() =>
        {
            string folder = r.GetValue(dir)!;
            if (File.Exists(folder) && folder.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && r.GetValue(output) is null)
            {
                // A workflow file: the whole workflow's report.html in its work folder.
                NepForge.Workflow.WorkflowReport.Write(NepForge.Workflow.WorkflowParser.Load(folder), cli.Note);
                return CliContext.Success;
            }
            // A file (thermo1.out, train.xyz, loss.out) stands for the folder that holds it.
            if (File.Exists(folder))
                folder = Path.GetDirectoryName(Path.GetFullPath(folder))!;
            string outPath = r.GetValue(output) ?? Path.Combine(folder, "report.html");
            string html = HtmlReport.Create(folder, cli.Note);
            AtomicFile.WriteAllText(outPath, html);
            cli.Note($"report: → {outPath}");
            return CliContext.Success;
        }));
        return command;
    }
}
