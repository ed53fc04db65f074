using System.Text.Json;
using NepForge.Formats;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Tests.Nep;

/// <summary>One case of shared/fixtures/nep: a model, a structure and NEP_CPU's outputs for them.</summary>
sealed class NepReferenceCase
{
    public required string Name { get; init; }
    public required NepModel Model { get; init; }
    public required Frame Frame { get; init; }
    public required JsonElement Reference { get; init; }

    static readonly Lazy<Dictionary<string, JsonElement>> Manifest = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("nep/cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => Path.GetFileNameWithoutExtension(c.GetProperty("reference").GetString()!), c => c.Clone());
    });

    static readonly Dictionary<string, NepModel> Models = [];

    /// <summary>Case names (reference file names without .json); one placeholder when the fixtures are absent.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            if (Fixtures.RootOrNull is null)
                return ["fixtures absent"];
            return [.. Manifest.Value.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public static NepModel ModelFile(string relative)
    {
        lock (Models)
        {
            if (!Models.TryGetValue(relative, out var model))
                Models[relative] = model = NepModelReader.Read(Fixtures.Path(Path.Combine("nep", relative)));
            return model;
        }
    }

    public static NepReferenceCase Load(string name)
    {
        var entry = Manifest.Value[name];
        using var reference = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(Path.Combine("nep", entry.GetProperty("reference").GetString()!))));
        return new NepReferenceCase
        {
            Name = name,
            Model = ModelFile(entry.GetProperty("potential").GetString()!),
            Frame = StructureReader.Read(Fixtures.Path(Path.Combine("nep", entry.GetProperty("structure").GetString()!))).Single(),
            Reference = reference.RootElement.Clone(),
        };
    }

    public double[] Flat(string property) =>
        [.. Flatten(Reference.GetProperty(property))];

    static IEnumerable<double> Flatten(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten) : [e.GetDouble()];
}
