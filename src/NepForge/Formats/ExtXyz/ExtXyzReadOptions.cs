using NepForge.IO;

namespace NepForge.Formats.ExtXyz;

/// <summary>How the extended-XYZ reader treats bad input.</summary>
public sealed class ExtXyzReadOptions
{
    /// <summary>Shared default: stop at the first bad frame.</summary>
    public static readonly ExtXyzReadOptions Default = new();

    /// <summary>Skip a bad frame (reporting it) and go on, instead of throwing <see cref="ParseException"/>.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Called for every warning and every skipped frame, as it happens.</summary>
    public Action<ParseDiagnostic>? OnDiagnostic { get; init; }
}
