using NepForge.Cli;

namespace NepForge.Tests.Cli;

/// <summary>Runs the nepforge command in process and captures what it prints.</summary>
public sealed class CliRunner : IDisposable
{
    public CliRunner() => Directory.CreateDirectory(Dir);

    /// <summary>A scratch folder, removed on dispose.</summary>
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "nepforge-cli-" + Guid.NewGuid().ToString("N"));

    public string PathOf(string name) => Path.Combine(Dir, name);

    public (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = NepForgeCommand.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(Dir))
            Directory.Delete(Dir, recursive: true);
    }
}
