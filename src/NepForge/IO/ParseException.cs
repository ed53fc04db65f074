namespace NepForge.IO;

/// <summary>
/// Bad input. Says which file, line (1-based) and frame (1-based) it was, what was expected and what was found,
/// e.g. <c>train.xyz:7 (frame 1): expected 7 columns (species:S:1 pos:R:3 force:R:3), found 4</c>.
/// </summary>
public sealed class ParseException : Exception
{
    /// <summary>Creates the error.</summary>
    public ParseException(string file, long line, long? frame, string problem)
        : base(Format(file, line, frame, problem))
    {
        File = file;
        Line = line;
        Frame = frame;
        Problem = problem;
    }

    /// <summary>Creates the error with an inner cause.</summary>
    public ParseException(string file, long line, long? frame, string problem, Exception inner)
        : base(Format(file, line, frame, problem), inner)
    {
        File = file;
        Line = line;
        Frame = frame;
        Problem = problem;
    }

    /// <summary>The file (path as given, or "-" for stdin).</summary>
    public string File { get; }

    /// <summary>1-based line number.</summary>
    public long Line { get; }

    /// <summary>1-based frame number, when the format has frames.</summary>
    public long? Frame { get; }

    /// <summary>What went wrong, without the location.</summary>
    public string Problem { get; }

    internal static string Format(string file, long line, long? frame, string problem) =>
        frame is { } f ? $"{file}:{line} (frame {f}): {problem}" : $"{file}:{line}: {problem}";
}

/// <summary>A warning or a skipped frame, with its location.</summary>
public sealed record ParseDiagnostic(string File, long Line, long? Frame, string Message)
{
    /// <inheritdoc />
    public override string ToString() => ParseException.Format(File, Line, Frame, Message);
}
