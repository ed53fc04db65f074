namespace NepForge.Cli;

static class Program
{
    static int Main(string[] args) => NepForgeCommand.Run(args, Console.Out, Console.Error);
}
