using System.CommandLine;

namespace NepForge.Cli.Commands;

/// <summary>The training-side subcommands of <c>nep</c>: <c>init</c>, <c>train</c>, <c>errors</c>.</summary>
public static class NepTrainingCommands
{
    /// <summary>The subcommands, to be added to the <c>nep</c> parent.</summary>
    public static IReadOnlyList<Command> Create(CliContext cli) =>
    [
        NepInitCommand.Create(cli),
    ];

    /// <summary>
    /// A <c>nep</c> parent holding only the training subcommands (temporary: the evaluator's <c>nep</c> parent with
    /// <c>eval</c>/<c>descriptors</c>/<c>info</c> is merged with this one later).
    /// </summary>
    public static Command CreateParent(CliContext cli)
    {
        var nep = new Command("nep", "NEP training: write nep.in, run GPUMD's nep, per-structure errors");
        foreach (var c in Create(cli))
            nep.Subcommands.Add(c);
        return nep;
    }
}
