namespace NepForge.Tests;

/// <summary>
/// Locates ../shared/fixtures (beside the repository). Tests that need it use <see cref="FixtureFactAttribute"/>
/// or <see cref="FixtureTheoryAttribute"/>, which skip with a message when the folder is absent.
/// </summary>
public static class Fixtures
{
    static readonly Lazy<string?> RootLazy = new(Find);

    /// <summary>Absolute path of shared/fixtures, or null when absent.</summary>
    public static string? RootOrNull => RootLazy.Value;

    /// <summary>Absolute path of shared/fixtures (throws when absent: use the attributes to skip).</summary>
    public static string Root => RootOrNull ?? throw new InvalidOperationException(SkipReason);

    /// <summary>The message a skipped test shows.</summary>
    public const string SkipReason = "../shared/fixtures is absent (expected beside the repository): fixture test skipped";

    /// <summary>Absolute path of a file under shared/fixtures.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("NEPFORGE_FIXTURES");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
            return System.IO.Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate) && dir.GetDirectories("shared").Length == 1 && File.Exists(System.IO.Path.Combine(candidate, "gpumd", "PROVENANCE.md")))
                return candidate;
        }
        return null;
    }
}

