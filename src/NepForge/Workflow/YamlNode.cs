using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace NepForge.Workflow;

/// <summary>A workflow file is wrong: the message names the file, line and key path.</summary>
public sealed class WorkflowException(string message) : Exception(message);

/// <summary>
/// A node of the workflow file with its key path (<c>stages.perturb.cell</c>) and line, so that every error says
/// where it is. Only YamlDotNet's representation model is used: no reflection, every key checked here.
/// </summary>
internal sealed class YamlNode
{
    readonly YamlDotNet.RepresentationModel.YamlNode _node;

    YamlNode(YamlDotNet.RepresentationModel.YamlNode node, string path, string file)
    {
        _node = node;
        Path = path;
        File = file;
    }

    /// <summary>The key path from the root ("" for the root).</summary>
    public string Path { get; }

    /// <summary>The file, for messages.</summary>
    public string File { get; }

    /// <summary>1-based line of the node.</summary>
    public long Line => _node.Start.Line;

    /// <summary>Parses a YAML text (one document, a mapping at the top).</summary>
    public static YamlNode Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new WorkflowException($"{file}:{e.Start.Line}: not valid YAML: {e.Message}");
        }
        catch (ArgumentException)
        {
            // YamlDotNet's representation model refuses some events the parser accepts (found by SharpFuzz).
            throw new WorkflowException($"{file}:{UnsupportedEventLine(text)}: not valid YAML for a workflow: an unsupported construct here");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way (not with a YamlException) on some control and binary characters.
            throw new WorkflowException($"{file}:{ScannerStopLine(text)}: not valid YAML: unreadable characters (binary data or a control character?)");
        }
        if (stream.Documents.Count != 1)
            throw new WorkflowException($"{file}: expected one YAML document, found {stream.Documents.Count}");
        var root = new YamlNode(stream.Documents[0].RootNode, "", file);
        if (root._node is not YamlMappingNode)
            throw root.Error("the workflow must be a mapping of keys (engine:, executor:, stages:)");
        return root;
    }

    /// <summary>The line of the first parser event that is not a scalar, alias, sequence, mapping or document.</summary>
    static long UnsupportedEventLine(string text)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is { } ev && ev is not (YamlDotNet.Core.Events.Scalar or YamlDotNet.Core.Events.AnchorAlias
                    or YamlDotNet.Core.Events.SequenceStart or YamlDotNet.Core.Events.SequenceEnd
                    or YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.MappingEnd
                    or YamlDotNet.Core.Events.DocumentStart or YamlDotNet.Core.Events.DocumentEnd
                    or YamlDotNet.Core.Events.StreamStart or YamlDotNet.Core.Events.StreamEnd))
                {
                    return ev.Start.Line;
                }
            }
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
        }
        return parser.Current?.Start.Line ?? 1;
    }

    /// <summary>The line where YamlDotNet's scanner gives up on <paramref name="text"/>.</summary>
    static long ScannerStopLine(string text)
    {
        var scanner = new YamlDotNet.Core.Scanner(new StringReader(text));
        try
        {
            while (scanner.MoveNext())
            {
            }
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
        }
        return scanner.CurrentPosition.Line;
    }

    /// <summary>A mapping key's text; a list or mapping used as a key is an error at its line (found by SharpFuzz).</summary>
    string KeyName(YamlDotNet.RepresentationModel.YamlNode key) => key is YamlScalarNode s
        ? s.Value ?? ""
        : throw new WorkflowException($"{File}:{key.Start.Line.ToString(CultureInfo.InvariantCulture)}: {(Path.Length == 0 ? "" : Path + ": ")}a key must be a plain name, not a list or mapping");

    /// <summary>An error at this node.</summary>
    public WorkflowException Error(string message) =>
        new($"{File}:{Line.ToString(CultureInfo.InvariantCulture)}: {(Path.Length == 0 ? "" : Path + ": ")}{message}");

    YamlMappingNode Map => _node as YamlMappingNode ?? throw Error("expected a mapping of keys");

    /// <summary>Whether this node is a mapping.</summary>
    public bool IsMap => _node is YamlMappingNode;

    /// <summary>The keys present, in file order.</summary>
    public IReadOnlyList<string> Keys => Map.Children.Keys.Select(KeyName).ToList();

    /// <summary>Rejects keys other than <paramref name="allowed"/> (a typo must not be ignored silently).</summary>
    public void AllowOnly(params string[] allowed)
    {
        foreach (var (key, _) in Map.Children)
        {
            string name = KeyName(key);
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                string path = Path.Length == 0 ? name : $"{Path}.{name}";
                throw new WorkflowException(
                    $"{File}:{key.Start.Line.ToString(CultureInfo.InvariantCulture)}: {path}: unknown key; expected one of {string.Join(", ", allowed)}");
            }
        }
    }

    /// <summary>The child at <paramref name="key"/>, or null when absent (or explicitly null).</summary>
    public YamlNode? Get(string key)
    {
        if (!Map.Children.TryGetValue(new YamlScalarNode(key), out var child))
            return null;
        if (child is YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain })
            return null;
        return new YamlNode(child, Path.Length == 0 ? key : $"{Path}.{key}", File);
    }

    /// <summary>The child at <paramref name="key"/>; an error naming the key when absent.</summary>
    public YamlNode Required(string key) => Get(key) ?? throw Error($"missing key '{key}'");

    /// <summary>The scalar text.</summary>
    public string String() => _node is YamlScalarNode s ? s.Value ?? "" : throw Error("expected a single value, found a list or mapping");

    /// <summary>A number.</summary>
    public double Number()
    {
        string text = String();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw Error($"expected a number, found '{text}'");
    }

    /// <summary>A whole number.</summary>
    public int Int()
    {
        string text = String();
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Error($"expected a whole number, found '{text}'");
    }

    /// <summary>true/false.</summary>
    public bool Bool() => String().ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var t => throw Error($"expected true or false, found '{t}'"),
    };

    /// <summary>The items of a list; a single value counts as a list of one.</summary>
    public IReadOnlyList<YamlNode> Items() => _node switch
    {
        YamlSequenceNode seq => seq.Children.Select((c, i) => new YamlNode(c, $"{Path}[{i.ToString(CultureInfo.InvariantCulture)}]", File)).ToList(),
        YamlScalarNode => [this],
        _ => throw Error("expected a list"),
    };

    /// <summary>The entries of a mapping as (key, node).</summary>
    public IReadOnlyList<(string Key, YamlNode Value)> Entries() =>
        Map.Children.Select(kv =>
        {
            string k = KeyName(kv.Key);
            return (k, new YamlNode(kv.Value, Path.Length == 0 ? k : $"{Path}.{k}", File));
        }).ToList();

    /// <summary>
    /// A canonical text of this subtree (for fingerprints: formatting and comments do not matter), leaving out the
    /// top-level keys in <paramref name="exclude"/> (settings that change where work runs, not what it computes).
    /// </summary>
    public string Canonical(params string[] exclude) => _node switch
    {
        YamlScalarNode s => "\"" + (s.Value ?? "") + "\"",
        YamlSequenceNode q => "[" + string.Join(",", Items().Select(i => i.Canonical())) + "]",
        _ => "{" + string.Join(",", Entries().Where(e => !exclude.Contains(e.Key, StringComparer.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"{e.Key}:{e.Value.Canonical()}")) + "}",
    };
}
