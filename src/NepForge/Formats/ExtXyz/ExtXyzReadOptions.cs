using NepForge.IO;

namespace NepForge.Formats.ExtXyz;

/// <summary>How the extended-XYZ reader treats bad input.</summary>
public sealed class ExtXyzReadOptions
{
    /// <summary>Shared default: stop at the first bad frame.</summary>
    public static readonly ExtXyzReadOptions Default = new();

    /// <summary>Skip a bad frame (reporting it) and go on, instead of throwing <see cref="ParseException"/>.</summary>
    public bool SkipBad { get; init; }

    /// <summary>
    /// Let frames with a NaN or infinite position, cell, energy, force or virial through (for filter and validate,
    /// which report them); by default such a frame is an error naming its line.
    /// </summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>Called for every warning and every skipped frame, as it happens.</summary>
    public Action<ParseDiagnostic>? OnDiagnostic { get; init; }
}
