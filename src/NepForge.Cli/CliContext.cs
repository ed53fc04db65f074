using NepForge.IO;

namespace NepForge.Cli;

/// <summary>Where a command writes: results to <see cref="Out"/>, messages and warnings to <see cref="Error"/>.</summary>
public sealed class CliContext(TextWriter output, TextWriter error)
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Success = 0;

    /// <summary>Exit code when input is bad or a file cannot be read or written.</summary>
    public const int Failure = 1;

    /// <summary>Exit code when the options do not make sense together.</summary>
    public const int UsageError = 2;

    /// <summary>Result text (tables, reports).</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Messages, warnings and errors (kept off stdout so that "-o -" pipes stay clean).</summary>
    public TextWriter Error { get; } = error;

    ProgressDisplay? _progress;

    /// <summary>
    /// The live progress display on stderr (bar with rate and ETA on a terminal, periodic lines otherwise): give it
    /// to any library entry point that takes an <see cref="IProgress{T}"/> of <see cref="NepForge.Progress.StepProgress"/>.
    /// </summary>
    public ProgressDisplay Progress => _progress ??= new ProgressDisplay(Error);

    /// <summary>Prints a reader warning or skipped frame as it happens.</summary>
    public void Warn(ParseDiagnostic d)
    {
        _progress?.Clear();
        Error.WriteLine($"warning: {d}");
    }

    /// <summary>Prints a note to stderr.</summary>
    public void Note(string message)
    {
        _progress?.Clear();
        Error.WriteLine(message);
    }

    /// <summary>Runs a command body, turning expected failures into one clear line and an exit code.</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            Error.WriteLine($"nepforge: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (e is ParseException or IOException or UnauthorizedAccessException or ArgumentException
                                      or InvalidOperationException or FormatException or KeyNotFoundException or NepForge.Scheduling.SlurmException
                                      or NepForge.Workflow.WorkflowException or InvalidDataException)
        {
            Error.WriteLine($"nepforge: error: {e.Message}");
            return Failure;
        }
    }
}

/// <summary>Options that contradict each other or are missing.</summary>
public sealed class UsageException(string message) : Exception(message);
