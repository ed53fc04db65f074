using System.Text;

namespace NepForge.Formats.ExtXyz;

/// <summary>
/// Parses and writes the second line of an extended-XYZ frame: <c>key=value</c> pairs where a value may be bare,
/// "double-quoted" (backslash escapes), 'single-quoted', {braced} or [bracketed]; a bare key means T. Spaces
/// around '=' are tolerated (GPUMD strips them too). Keys keep their case; callers match them ignoring case.
/// </summary>
public static class CommentLine
{
    /// <summary>Splits a comment line into pairs; null with <paramref name="error"/> set on malformed input.</summary>
    public static List<KeyValuePair<string, string>>? TryParse(ReadOnlySpan<char> line, out string? error)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        int i = 0, n = line.Length;
        var sb = new StringBuilder();
        error = null;
        while (true)
        {
            while (i < n && char.IsWhiteSpace(line[i]))
                i++;
            if (i >= n)
                break;
            int keyStart = i;
            if (line[i] is '"' or '\'')
            {
                error = $"a key cannot start with a quote at column {i + 1}";
                return null;
            }
            while (i < n && !char.IsWhiteSpace(line[i]) && line[i] != '=')
                i++;
            string key = line[keyStart..i].ToString();
            int j = i;
            while (j < n && char.IsWhiteSpace(line[j]))
                j++;
            if (j >= n || line[j] != '=')
            {
                pairs.Add(new(key, "T")); // bare key = logical true (ASE's rule)
                i = j;
                continue;
            }
            i = j + 1;
            while (i < n && char.IsWhiteSpace(line[i]))
                i++;
            if (i >= n)
            {
                pairs.Add(new(key, ""));
                break;
            }
            char open = line[i];
            if (open is '"' or '\'')
            {
                sb.Clear();
                i++;
                bool closed = false;
                while (i < n)
                {
                    char c = line[i++];
                    if (c == '\\' && i < n)
                    {
                        char e = line[i++];
                        sb.Append(e == 'n' ? '\n' : e);
                    }
                    else if (c == open)
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        sb.Append(c);
                    }
                }
                if (!closed)
                {
                    error = $"value of '{key}' opens a quote {open} that is never closed";
                    return null;
                }
                pairs.Add(new(key, sb.ToString().Trim()));
            }
            else if (open is '{' or '[')
            {
                char close = open == '{' ? '}' : ']';
                int end = line[i..].IndexOf(close);
                if (end < 0)
                {
                    error = $"value of '{key}' opens {open} that is never closed";
                    return null;
                }
                pairs.Add(new(key, line[(i + 1)..(i + end)].ToString().Replace(',', ' ').Trim()));
                i += end + 1;
            }
            else
            {
                int start = i;
                while (i < n && !char.IsWhiteSpace(line[i]))
                    i++;
                pairs.Add(new(key, line[start..i].ToString()));
            }
        }
        return pairs;
    }

    /// <summary>Appends <c>key=value</c>, quoting the value when it holds spaces, quotes, '=' or is empty.</summary>
    public static void AppendPair(StringBuilder sb, string key, string value)
    {
        if (sb.Length > 0)
            sb.Append(' ');
        sb.Append(key).Append('=');
        AppendValue(sb, value);
    }

    /// <summary>Appends a value, quoted and escaped when needed.</summary>
    public static void AppendValue(StringBuilder sb, string value)
    {
        bool quote = value.Length == 0;
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c) || c is '"' or '\'' or '=' or '\\' or '{' or '[')
            {
                quote = true;
                break;
            }
        }
        if (!quote)
        {
            sb.Append(value);
            return;
        }
        sb.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
                sb.Append('\\');
            sb.Append(c == '\n' ? ' ' : c);
        }
        sb.Append('"');
    }
}
