using System.CommandLine;
using NepForge.Cli.Commands;

namespace NepForge.Cli;

/// <summary>The root command; tests call <see cref="Run"/> in process with their own writers.</summary>
public static class NepForgeCommand
{
    const string Description = "NepForge: build NEP training sets from AIMD and active learning, fast and reliably.\n"
        + "Conventions: frames are numbered from 0 wherever an index is printed or read; "
        + "exit codes: 0 ok, 1 data or run failure, 2 usage (unknown option, bad value, missing input).";

    // Every verb, by name, in the order `--help` lists them.
    static readonly (string Name, Func<CliContext, Command> Create)[] Verbs =
    [
        ("extract", ExtractCommand.Create),
        ("convert", ConvertCommand.Create),
        ("info", InfoCommand.Create),
        ("sample", SampleCommand.Create),
        ("merge", MergeCommand.Create),
        ("split", SplitCommand.Create),
        ("perturb", PerturbCommand.Create),
        ("rattle", RattleCommand.Create),
        ("filter", FilterCommand.Create),
        ("validate", ValidateCommand.Create),
        ("dedup", DedupCommand.Create),
        ("supercell", SupercellCommand.Create),
        ("energy-ref", EnergyRefCommand.Create),
        ("build", BuildCommand.Create),
        ("rdf", RdfCommand.Create),
        ("dft", DftCommand.Create),
        ("nep", Nep),
        ("md", MdCommand.Create),
        ("init", WorkflowCommands.Init),
        ("run", WorkflowCommands.Run),
        ("status", WorkflowCommands.Status),
        ("plot", PlotCommand.Create),
        ("trajectory", TrajectoryCommand.Create),
        ("gpumd", GpumdCommand.Create),
        ("report", ReportCommand.Create),
        ("select", SelectCommand.Create),
        ("completion", CompletionCommand.Create),
    ];

    /// <summary>Builds the command tree.</summary>
    public static RootCommand Create(CliContext cli)
    {
        var root = new RootCommand(Description);
        foreach (var (_, create) in Verbs)
            root.Subcommands.Add(create(cli));
        return root;
    }

    /// <summary>
    /// The tree a command line needs: only its verb when the first argument names one exactly (users call
    /// <c>nepforge info</c> in loops over thousands of folders, and building every verb's options costs start-up
    /// time), none for <c>--version</c>, the whole tree otherwise (root help, typos with "did you mean", completion scripts).
    /// </summary>
    public static RootCommand CreateFor(string[] args, CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] != "completion" && Array.FindIndex(Verbs, v => v.Name == args[0]) is int k and >= 0)
            return new RootCommand(Description) { Verbs[k].Create(cli) };
        if (args is ["--version"])
            return new RootCommand(Description);
        return Create(cli);
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
        var root = CreateFor(args, new CliContext(output, error));
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
