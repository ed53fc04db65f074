using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace NepForge.Cli;

/// <summary>
/// Checks a parse before any work starts: parser errors and unknown options exit 2 with a "did you mean" hint.
/// System.CommandLine takes a mistyped option in a verb with a many-valued argument (<c>extract PATH… --evry 2</c>)
/// as one more input file, so a token that looks like an option and reached an argument is refused here.
/// </summary>
public static class UsageCheck
{
    /// <summary>The messages to print (empty when the command line is fine).</summary>
    public static List<string> Problems(ParseResult parse) => Problems(parse, []);

    /// <summary>
    /// The same, also checking the raw <paramref name="args"/> for a long option typed with one dash: System.CommandLine
    /// reads <c>-max 100</c> as <c>-m ax</c> (a short option with its value attached) where a verb has <c>-m</c>.
    /// </summary>
    public static List<string> Problems(ParseResult parse, IReadOnlyList<string> args)
    {
        // --help and --version answer even on an incomplete command line. (Plain loops below, not LINQ: this runs
        // before every command, and LINQ's first use costs ~3 ms of a 90 ms `nepforge info`; startup.md.)
        if (parse.Action is { } action && action != parse.CommandResult.Command.Action
            && (action is HelpAction || action.GetType().Name.Contains("Version", StringComparison.Ordinal)))
            return [];
        var command = parse.CommandResult.Command;
        // A mistyped verb explains everything after it: name the nearest one (nepforge extrct → extract).
        if (command.Subcommands.Count > 0 && parse.UnmatchedTokens is [var stray, ..] && !LooksLikeOption(stray)
            && Nearest(stray, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)) is { } verb)
            return [$"unknown command '{stray}'; did you mean '{verb}'?"];
        var suspects = new List<string>();
        foreach (string a in args)
        {
            if (a == "--")
                break;
            if (a.Length > 3 && a[0] == '-' && char.IsLetter(a[1]) && !HasName(command, a.Split('=', 2)[0])
                && Nearest(a, Names(command).Where(n => n.StartsWith("--", StringComparison.Ordinal))) is not null)
                AddOnce(suspects, a);
        }
        // Only positional values are suspects: an option's own value may start with a dash (--range -3:).
        foreach (var argument in command.Arguments)
            if (parse.GetResult(argument) is ArgumentResult result)
                foreach (var token in result.Tokens)
                    if (LooksLikeOption(token.Value))
                        AddOnce(suspects, token.Value);
        foreach (string token in parse.UnmatchedTokens)
            if (LooksLikeOption(token))
                AddOnce(suspects, token);
        var problems = new List<string>();
        foreach (string token in suspects)
            AddOnce(problems, Unknown(token, command));
        // An unknown option explains the errors that follow it (its value left over as a stray argument).
        if (problems.Count > 0)
            return problems;
        foreach (var e in parse.Errors)
            problems.Add(e.Message);
        if (problems.Count == 0)
            problems.AddRange(MissingInputs(parse));
        return problems;
    }

    static void AddOnce(List<string> list, string item)
    {
        if (!list.Contains(item))
            list.Add(item);
    }

    static bool HasName(Command command, string name)
    {
        foreach (var o in command.Options)
            if (o.Name == name || o.Aliases.Contains(name))
                return true;
        return false;
    }

    // Positional arguments that name existing inputs; `nep train DIR` creates its folder, so it is not one of them.
    static readonly HashSet<string> InputArguments = ["input", "inputs", "paths", "files", "candidates", "file", "train", "model", "jobs", "dir", "workflow", "loss.out", "thermo.out"];

    /// <summary>Inputs that do not exist, found before any work starts (not after parsing a 300 MB file first).</summary>
    static IEnumerable<string> MissingInputs(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (command.Name == "train")
            yield break;
        foreach (var argument in command.Arguments)
        {
            if (!InputArguments.Contains(argument.Name) || parse.GetResult(argument) is not { } result)
                continue;
            foreach (var token in result.Tokens)
                if (token.Value != "-" && !File.Exists(token.Value) && !Directory.Exists(token.Value))
                    yield return $"no such file or folder: {token.Value}";
        }
    }

    /// <summary>"-x", "--xyz" but not "-" (stdin/stdout), a negative number ("-0.5", "-1e-3") nor a range ("-3:").</summary>
    public static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-'
        && (char.IsLetter(token[1]) || (token[1] == '-' && token.Length > 2 && char.IsLetter(token[2])));

    static string Unknown(string token, Command command)
    {
        string name = token.Split('=', 2)[0];
        if (name == "-j" && command.Options.Any(o => o.Name == "--threads"))
            return $"unknown option '-j' for '{command.Name}': -j is --jobs (parallel jobs); threads are -t/--threads";
        string? near = Nearest(name, Names(command));
        return near is null
            ? $"unknown option '{name}' for '{command.Name}' (see: nepforge {Path(command)} --help)"
            : $"unknown option '{name}' for '{command.Name}'; did you mean {near}?";
    }

    static string Path(Command command)
    {
        var names = new List<string>();
        // Up to, not including, the root (a RootCommand, or the plain root of a one-verb command line).
        for (Command? c = command; c?.Parents.OfType<Command>().FirstOrDefault() is { } parent; c = parent)
            names.Insert(0, c.Name);
        return string.Join(' ', names);
    }

    static IEnumerable<string> Names(Command command)
    {
        foreach (var o in command.Options.Where(o => !o.Hidden))
        {
            yield return o.Name;
            foreach (var a in o.Aliases)
                yield return a;
        }
    }

    /// <summary>The closest option name within a small edit distance (a typo, a dropped dash), or null.</summary>
    public static string? Nearest(string typed, IEnumerable<string> names)
    {
        string bare = typed.TrimStart('-');
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string n in names)
        {
            int d = Distance(bare, n.TrimStart('-'));
            if (d < bestDistance || (d == bestDistance && best is not null && n.StartsWith("--", StringComparison.Ordinal) && !best.StartsWith("--", StringComparison.Ordinal)))
            {
                best = n;
                bestDistance = d;
            }
        }
        int allowed = bare.Length <= 3 ? 1 : Math.Max(2, bare.Length / 3);
        return bestDistance <= allowed && bare.Length > 0 ? best : null;
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours ("evrey").
    static int Distance(string a, string b)
    {
        int w = b.Length + 1;
        var d = new int[(a.Length + 1) * w];
        for (int i = 0; i <= a.Length; i++)
            d[i * w] = i;
        for (int j = 0; j <= b.Length; j++)
            d[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[(i * w) + j] = Math.Min(Math.Min(d[((i - 1) * w) + j] + 1, d[(i * w) + j - 1] + 1), d[((i - 1) * w) + j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[(i * w) + j] = Math.Min(d[(i * w) + j], d[((i - 2) * w) + j - 2] + 1);
            }
        }
        return d[(a.Length * w) + b.Length];
    }
}
