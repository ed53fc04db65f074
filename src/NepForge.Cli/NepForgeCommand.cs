using System.CommandLine;

namespace NepForge.Cli;

/// <summary>The root command; tests call <see cref="Run"/> in process with their own writers.</summary>
public static class NepForgeCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("NepForge: build NEP training sets from AIMD and active learning.");
        return root;
    }

    /// <summary>Parses and runs; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = Create();
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
