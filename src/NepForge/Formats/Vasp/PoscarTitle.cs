using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Provenance in the POSCAR title line, so that POSCAR-k written for DFT still says where its structure came from:
/// <c>Si8 config_type=aimd_900K source_file=md.xyz source_index=12 source_step=120</c>. VASP ignores the title;
/// NepForge reads these keys back into <see cref="FrameInfo"/>.
/// </summary>
static partial class PoscarTitle
{
    static readonly string[] Keys = ["config_type", "weight", "seed", "source_file", "source_index", "source_step"];

    [GeneratedRegex(@"(^|\s)[A-Za-z_][A-Za-z0-9_]*=")]
    private static partial Regex FirstPair();

    /// <summary>The title to write: the frame's own title (or formula), then its provenance keys.</summary>
    public static string Compose(Frame frame)
    {
        string? own = frame.Info.GetExtra(Poscar.TitleKey)?.ReplaceLineEndings(" ").Trim();
        var sb = new StringBuilder(string.IsNullOrEmpty(own) ? frame.Formula : own);
        if (own is not null && own.Contains('=', StringComparison.Ordinal))
            return sb.ToString(); // a title with its own key=value text: appending ours could not be read back apart
        var info = frame.Info;
        if (info.ConfigType is { } ct)
            CommentLine.AppendPair(sb, "config_type", ct);
        if (info.Weight is { } w)
            CommentLine.AppendPair(sb, "weight", ExtXyzWriter.Format(w));
        if (info.Seed is { } seed)
            CommentLine.AppendPair(sb, "seed", seed.ToString(CultureInfo.InvariantCulture));
        if (info.SourceFile is { } file)
            CommentLine.AppendPair(sb, "source_file", file);
        if (info.SourceIndex is { } index)
            CommentLine.AppendPair(sb, "source_index", index.ToString(CultureInfo.InvariantCulture));
        if (info.SourceStep is { } step)
            CommentLine.AppendPair(sb, "source_step", step.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>
    /// Splits a title into its free text and NepForge's provenance keys, applying the keys to <paramref name="info"/>.
    /// A title with any other key=value text is left whole (returned unchanged, nothing applied).
    /// </summary>
    public static string Apply(string title, FrameInfo info)
    {
        var m = FirstPair().Match(title);
        if (!m.Success)
            return title;
        string text = title[..m.Index].Trim();
        var pairs = CommentLine.TryParse(title.AsSpan(m.Index), out _);
        if (pairs is null || pairs.Count == 0 || pairs.Any(p => !Keys.Contains(p.Key, StringComparer.Ordinal)))
            return title;
        foreach (var (key, value) in pairs)
        {
            switch (key)
            {
                case "config_type":
                    info.ConfigType = value;
                    break;
                case "weight" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double w):
                    info.Weight = w;
                    break;
                case "seed" when long.TryParse(value, CultureInfo.InvariantCulture, out long s):
                    info.Seed = s;
                    break;
                case "source_file":
                    info.SourceFile = value;
                    break;
                case "source_index" when long.TryParse(value, CultureInfo.InvariantCulture, out long i):
                    info.SourceIndex = i;
                    break;
                case "source_step" when long.TryParse(value, CultureInfo.InvariantCulture, out long st):
                    info.SourceStep = st;
                    break;
                default:
                    return title; // malformed number: keep the title as text
            }
        }
        return text;
    }
}
