using System.CommandLine;
using NepForge.Cli.Commands;

namespace NepForge.Cli;

/// <summary>The root command; tests call <see cref="Run"/> in process with their own writers.</summary>
public static class NepForgeCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Create(CliContext cli)
    {
        var root = new RootCommand("NepForge: build NEP training sets from AIMD and active learning, fast and reliably.\n"
            + "Conventions: frames are numbered from 0 wherever an index is printed or read; "
            + "exit codes: 0 ok, 1 data or run failure, 2 usage (unknown option, bad value, missing input).")
        {
            ExtractCommand.Create(cli),
            ConvertCommand.Create(cli),
            InfoCommand.Create(cli),
            SampleCommand.Create(cli),
            MergeCommand.Create(cli),
            SplitCommand.Create(cli),
            PerturbCommand.Create(cli),
            RattleCommand.Create(cli),
            FilterCommand.Create(cli),
            ValidateCommand.Create(cli),
            DedupCommand.Create(cli),
            SupercellCommand.Create(cli),
            EnergyRefCommand.Create(cli),
            BuildCommand.Create(cli),
            RdfCommand.Create(cli),
            DftCommand.Create(cli),
            Nep(cli),
            MdCommand.Create(cli),
            WorkflowCommands.Init(cli),
            WorkflowCommands.Run(cli),
            WorkflowCommands.Status(cli),
            PlotCommand.Create(cli),
            TrajectoryCommand.Create(cli),
            GpumdCommand.Create(cli),
            ReportCommand.Create(cli),
            SelectCommand.Create(cli),
            CompletionCommand.Create(cli),
        };
        return root;
    }

    // `nep`: evaluation (eval, descriptors, info) and training (init, train, errors) under one parent.
    static Command Nep(CliContext cli)
    {
        var nep = NepCommand.Create(cli);
        foreach (var c in NepTrainingCommands.Create(cli))
            nep.Subcommands.Add(c);
        return nep;
    }

    /// <summary>Parses and runs; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = Create(new CliContext(output, error));
        var parse = root.Parse(args);
        // Refused before any work: a typo must not become an input file read for minutes first.
        var problems = UsageCheck.Problems(parse, args);
        if (problems.Count > 0)
        {
            foreach (string p in problems)
                error.WriteLine($"nepforge: {p}");
            return CliContext.UsageError;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
