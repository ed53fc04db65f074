using System.Globalization;
using System.Text.RegularExpressions;
using NepForge.Dft.Cp2k;
using NepForge.Dft.Vasp;
using NepForge.IO;

namespace NepForge.Dft;

/// <summary>One rung of an escalation ladder: input keywords and the values they get (e.g. ALGO=All, NELM=200).</summary>
/// <param name="Settings">Keyword → value.</param>
public sealed record EscalationStep(IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>Parses <c>"ALGO=All NELM=200"</c> (space or comma separated).</summary>
    public static EscalationStep Parse(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (string token in text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] kv = token.Split('=', 2);
            if (kv.Length != 2 || kv[0].Length == 0 || kv[1].Length == 0)
                throw new FormatException($"escalation step '{text}': '{token}' is not KEY=VALUE");
            pairs.Add(new(kv[0], kv[1]));
        }
        if (pairs.Count == 0)
            throw new FormatException("empty escalation step");
        return new EscalationStep(pairs);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(" ", Settings.Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>
/// What changes in a job's input before an unconverged SCF is rerun. Each unconverged attempt takes the next rung of
/// the ladder; when none is left the job is quarantined rather than rerun unchanged.
/// VASP's default ladder: ALGO=All with NELM=200 (the all-band conjugate gradient that rescues most metals and
/// magnetic cells), then ALGO=Damped with TIME=0.5 and NELM=300. CP2K's default: MAX_SCF doubled and mixing ALPHA
/// halved, twice (<see cref="Cp2kEscalation"/>); an explicit ladder replaces keyword values in in.inp.
/// </summary>
public static partial class DftEscalation
{
    /// <summary>VASP's default ladder.</summary>
    public static IReadOnlyList<EscalationStep> DefaultVasp { get; } =
    [
        EscalationStep.Parse("ALGO=All NELM=200"),
        EscalationStep.Parse("ALGO=Damped TIME=0.5 NELM=300"),
    ];

    /// <summary>Rungs of CP2K's built-in ladder.</summary>
    public const int DefaultCp2kSteps = 2;

    /// <summary>
    /// Applies rung <paramref name="step"/> (0 = first) to the inputs in <paramref name="folder"/>; returns the change
    /// in words, or null when the ladder has no such rung.
    /// </summary>
    public static string? Apply(string folder, string engine, int step, IReadOnlyList<EscalationStep>? ladder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (engine == "vasp")
        {
            ladder ??= DefaultVasp;
            if (step >= ladder.Count)
                return null;
            string path = Path.Combine(folder, "INCAR");
            var incar = Incar.Load(path);
            var rung = ladder[step];
            AtomicFile.WriteAllText(path, incar.With(rung.Settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).ToString());
            return "INCAR: " + rung;
        }
        // An AIMD ramp's SCF settings are in its segment inputs (in.inp only runs them): each gets the same change.
        var inputs = Cp2kMdChain.IsChain(folder)
            ? Cp2kMdChain.ReadPlan(folder).Select(segment => segment.InputName).ToList()
            : [Cp2kRunner.DefaultInputName];
        string names = inputs.Count == 1 ? inputs[0] : $"{inputs[0]}…{inputs[^1]}";
        if (ladder is null)
        {
            if (step >= DefaultCp2kSteps)
                return null;
            string? change = null;
            var next = new List<(string Path, string Text)>();
            foreach (string name in inputs)
            {
                string path = Path.Combine(folder, name);
                if (Cp2kEscalation.Next(File.ReadAllText(path)) is not { } n)
                    return null;
                next.Add((path, n.Input));
                change ??= n.Change;
            }
            foreach (var (path, text) in next)
                AtomicFile.WriteAllText(path, text);
            return $"{names}: {change}";
        }
        if (step >= ladder.Count)
            return null;
        var changed = new List<(string Path, string Text)>();
        foreach (string name in inputs)
        {
            string path = Path.Combine(folder, name);
            string text = File.ReadAllText(path);
            foreach (var (key, value) in ladder[step].Settings)
                text = SetCp2kKeyword(text, key, value, path);
            changed.Add((path, text));
        }
        foreach (var (path, text) in changed)
            AtomicFile.WriteAllText(path, text);
        return $"{names}: {ladder[step]}";
    }

    // Replaces the value of every line `KEY value` (CP2K keywords are case-insensitive); the keyword must be present.
    static string SetCp2kKeyword(string text, string key, string value, string file)
    {
        var regex = new Regex($@"^(\s*{Regex.Escape(key)}\s+)(\S+)(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!regex.IsMatch(text))
            throw new InvalidOperationException($"{file}: escalation sets {key}, but the input has no {key} line to change");
        return regex.Replace(text, m => m.Groups[1].Value + value + m.Groups[3].Value);
    }

    /// <summary>How many of a record's attempts ended unconverged (the rung the next one takes).</summary>
    public static int UnconvergedSoFar(DftJobRecord record) =>
        record.History.Count(a => a.Outcome?.StartsWith("unconverged", true, CultureInfo.InvariantCulture) == true);
}
