using System.Text.Json;
using System.Text.Json.Serialization;
using NepForge.IO;

namespace NepForge.Tests.IO;

public sealed record JsonReportProbe([property: JsonPropertyName("path")] string Path, [property: JsonPropertyName("value")] double? Value);

[JsonSerializable(typeof(JsonReportProbe))]
internal sealed partial class JsonReportProbeJson : JsonSerializerContext;

/// <summary>Issue 16: the one JSON writer, indented for reports and one line per record for JSON Lines (dft status --json).</summary>
public class JsonReportTests
{
    static readonly JsonReportProbe Probe = new("a \"b\"\\c\nÅ 晶体", JsonReport.Finite(double.PositiveInfinity));

    [Fact]
    public void A_line_is_one_line_and_round_trips()
    {
        string line = JsonReport.ToJsonLine(Probe, JsonReportProbeJson.Default.JsonReportProbe);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("晶体", line);
        Assert.Equal(Probe, JsonSerializer.Deserialize(line, JsonReportProbeJson.Default.JsonReportProbe));
    }

    [Fact]
    public void A_report_is_indented_and_round_trips_with_infinity_as_null()
    {
        string text = JsonReport.ToJson(Probe, JsonReportProbeJson.Default.JsonReportProbe);
        Assert.Contains("\n  \"path\": ", text);
        Assert.Contains("\"value\": null", text);
        Assert.Equal(Probe, JsonSerializer.Deserialize(text, JsonReportProbeJson.Default.JsonReportProbe));
    }
}
