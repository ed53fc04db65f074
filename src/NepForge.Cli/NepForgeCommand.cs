using System.CommandLine;
using System.CommandLine.Help;
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
    public static Command CreateFor(string[] args, CliContext cli)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] != "completion" && VerbIndex(args[0]) is int k and >= 0)
            return new Command("nepforge", Description) { VerbHelp(), Verbs[k].Create(cli) };
        if (args is ["--version"])
            return new RootCommand(Description);
        return Create(cli);
    }

    static int VerbIndex(string name)
    {
        for (int i = 0; i < Verbs.Length; i++)
            if (Verbs[i].Name == name)
                return i;
        return -1;
    }

    // The root of a one-verb command line is a plain Command with the same help option, not a RootCommand: its
    // constructor reads the help option's description through a ResourceManager and the executable's name through
    // reflection, about a tenth of `nepforge info`'s whole run on a small file (bench/results/startup.md). Its
    // --version and [suggest] directive are never reached from a line that starts with a verb.
    static Option<bool> VerbHelp() => new("--help", "-h", "/h", "-?", "/?")
    {
        Description = "Show help and usage information",
        Recursive = true,
        Arity = ArgumentArity.Zero,
        Action = new HelpAction(),
    };

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
