using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NepForge.IO;

/// <summary>
/// The one writer of NepForge's JSON reports: indented, UTF-8 without escaping of non-ASCII (file names and Å stay
/// readable), written through System.Text.Json source-generated type info (no reflection, trimming-safe) and saved
/// atomically. Report types carry <c>double?</c> where a value may be NaN or ∞, which JSON cannot hold: see
/// <see cref="Finite"/>.
/// </summary>
public static class JsonReport
{
    static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static readonly JsonWriterOptions LineOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The report as indented JSON text (no trailing newline).</summary>
    public static string ToJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            JsonSerializer.Serialize(writer, value, typeInfo);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The value as one line of compact JSON, for line-per-record output (JSON Lines).</summary>
    public static string ToJsonLine<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, LineOptions))
            JsonSerializer.Serialize(writer, value, typeInfo);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the report to <paramref name="path"/> atomically, with a final newline.</summary>
    public static void Write<T>(string path, T value, JsonTypeInfo<T> typeInfo) =>
        AtomicFile.WriteAllText(path, ToJson(value, typeInfo) + "\n");

    /// <summary>JSON has no NaN or ∞: those become null.</summary>
    public static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
