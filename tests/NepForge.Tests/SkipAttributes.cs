using NepForge.Dft.Cp2k;
using NepForge.Structures;
using NepForge.Tests.Scheduling;

namespace NepForge.Tests;

// Every skip attribute of the suite, in one place: a test that cannot run (no fixtures, no CP2K, no Slurm, no ASE,
// no packmol, not on Unix) skips with its reason instead of passing.

/// <summary>A fact that needs a Unix shell (the fake executables the test writes are sh scripts).</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
            Skip = "needs a Unix shell: the test's stand-in executables are sh scripts";
    }
}

/// <summary>A fact that needs a CP2K executable on PATH; skipped with a clear message otherwise.</summary>
public sealed class Cp2kFactAttribute : FactAttribute
{
    public Cp2kFactAttribute()
    {
        if (Cp2kRunner.Find() is null)
            Skip = $"CP2K is not on PATH (looked for {string.Join(", ", Cp2kRunner.ExecutableNames)}): {Cp2kRunner.InstallHint}";
    }
}

/// <summary>A test that needs CP2K and a running Slurm.</summary>
public sealed class Cp2kSlurmFactAttribute : FactAttribute
{
    public Cp2kSlurmFactAttribute()
    {
        if (NepForge.Dft.Cp2k.Cp2kRunner.Find() is null)
            Skip = "CP2K is not installed (scripts/ensure-prerequisites.sh installs it)";
        else if (RealSlurm.SkipReason is { } reason)
            Skip = reason;
    }
}

/// <summary>A test that needs CP2K and the shared fixtures.</summary>
public sealed class Cp2kFixtureFactAttribute : FactAttribute
{
    public Cp2kFixtureFactAttribute()
    {
        if (NepForge.Dft.Cp2k.Cp2kRunner.Find() is null)
            Skip = "CP2K is not installed (scripts/ensure-prerequisites.sh installs it)";
        else if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
    }
}

/// <summary>A test that needs a running Slurm and the shared fixtures.</summary>
public sealed class SlurmFixtureFactAttribute : FactAttribute
{
    public SlurmFixtureFactAttribute()
    {
        if (RealSlurm.SkipReason is { } reason)
            Skip = reason;
        else if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
    }
}

/// <summary>A test that needs a running Slurm (<c>sinfo</c> answers); skipped otherwise.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (RealSlurm.SkipReason is { } reason)
            Skip = reason;
    }
}

/// <summary>A fact that needs both ../shared/fixtures and ASE; skipped with a message when either is missing.</summary>
public sealed class AseFixtureFactAttribute : FactAttribute
{
    public AseFixtureFactAttribute()
    {
        if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
        else if (!Ase.Available)
            Skip = AseFactAttribute.SkipReason;
    }
}

/// <summary>A fact that needs ASE (Debian's python3-ase for /usr/bin/python3); skipped with a message otherwise.</summary>
public sealed class AseFactAttribute : FactAttribute
{
    /// <summary>The message a skipped test shows.</summary>
    public const string SkipReason = "python3-ase is not installed for /usr/bin/python3: ASE cross-check skipped";

    public AseFactAttribute()
    {
        if (!Ase.Available)
            Skip = SkipReason;
    }
}

/// <summary>A theory that needs both ../shared/fixtures and ASE; skipped with a message when either is missing.</summary>
public sealed class AseFixtureTheoryAttribute : TheoryAttribute
{
    public AseFixtureTheoryAttribute()
    {
        if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
        else if (!Ase.Available)
            Skip = AseFactAttribute.SkipReason;
    }
}

/// <summary>A fact that needs NumPy; skipped with a message otherwise.</summary>
public sealed class NumPyFactAttribute : FactAttribute
{
    public NumPyFactAttribute()
    {
        if (!NumPy.Available)
            Skip = NumPy.SkipReason;
    }
}

/// <summary>A fact that runs packmol; skipped with a message when <c>packmol</c> is not on PATH.</summary>
public sealed class PackmolFactAttribute : FactAttribute
{
    public const string SkipReason =
        "packmol is not on PATH: packmol test skipped (install it: apt-get install packmol, or scripts/ensure-prerequisites.sh)";

    public PackmolFactAttribute()
    {
        if (Packmol.Find() is null)
            Skip = SkipReason;
    }
}

/// <summary>A test that needs CP2K, a running Slurm and the shared fixtures.</summary>
public sealed class Cp2kSlurmFixtureFactAttribute : FactAttribute
{
    public Cp2kSlurmFixtureFactAttribute()
    {
        if (new Cp2kSlurmFactAttribute().Skip is { } skip)
            Skip = skip;
        else if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
    }
}

/// <summary>A fact that needs ../shared/fixtures; skipped with a message when it is absent.</summary>
public sealed class FixtureFactAttribute : FactAttribute
{
    public FixtureFactAttribute()
    {
        if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
    }
}

/// <summary>A theory that needs ../shared/fixtures; skipped with a message when it is absent.</summary>
public sealed class FixtureTheoryAttribute : TheoryAttribute
{
    public FixtureTheoryAttribute()
    {
        if (Fixtures.RootOrNull is null)
            Skip = Fixtures.SkipReason;
    }
}
