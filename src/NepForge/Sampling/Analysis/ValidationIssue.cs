using NepForge.Structures;

namespace NepForge.Sampling.Analysis;

/// <summary>How bad a validation finding is.</summary>
public enum ValidationSeverity
{
    /// <summary>nep would stop, or silently train on less or wrong data: fix before training.</summary>
    Error,

    /// <summary>Suspicious and worth a look (duplicates, close contacts, forces not summing to zero…), but nep runs.</summary>
    Warning,
}

/// <summary>One finding of <see cref="DatasetValidator"/>.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Frame">0-based frame index in file order, or null for a finding about the file as a whole.</param>
/// <param name="Line">1-based line in the file (the frame's atom-count line for frame findings), when known.</param>
/// <param name="Code">A stable kebab-case code, e.g. "blank-line", "species-not-in-types", "force-sum".</param>
/// <param name="Message">What was found, with the numbers, and why it matters.</param>
public sealed record ValidationIssue(ValidationSeverity Severity, long? Frame, long? Line, string Code, string Message)
{
    /// <inheritdoc />
    public override string ToString()
    {
        string where = (Line is { } l ? $"line {l}" : "") + (Frame is { } f ? $"{(Line is null ? "" : ", ")}frame {f}" : "");
        return $"{(Severity == ValidationSeverity.Error ? "error" : "warning")}{(where.Length > 0 ? $" ({where})" : "")} [{Code}]: {Message}";
    }
}

/// <summary>Everything <see cref="DatasetValidator"/> found in one file.</summary>
public sealed class ValidationReport
{
    /// <summary>The file checked.</summary>
    public required string File { get; init; }

    /// <summary>Frames read (bad frames that could not be read are not counted; each is an issue).</summary>
    public long Frames { get; init; }

    /// <summary>Atoms in the frames read.</summary>
    public long Atoms { get; init; }

    /// <summary>
    /// Frames GPUMD's nep would read: it stops silently at the first blank line, so frames after one are lost.
    /// Equal to the frames in the file when there is no blank line between frames.
    /// </summary>
    public long FramesNepReads { get; init; }

    /// <summary>Atoms per element over the frames read.</summary>
    public required IReadOnlyDictionary<Element, long> Species { get; init; }

    /// <summary>All findings, in file order (file-level findings last).</summary>
    public required IReadOnlyList<ValidationIssue> Issues { get; init; }

    /// <summary>Number of error-level findings.</summary>
    public int Errors => Issues.Count(i => i.Severity == ValidationSeverity.Error);

    /// <summary>Number of warnings.</summary>
    public int Warnings => Issues.Count(i => i.Severity == ValidationSeverity.Warning);

    /// <summary>True when nothing would make nep fail or learn from wrong data (warnings allowed).</summary>
    public bool IsValid => Errors == 0;

    /// <summary>The report as the indented JSON of <c>nepforge validate --json</c>.</summary>
    public string ToJson() => ValidationReportJson.Of(this).ToJson();
}
