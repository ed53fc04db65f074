using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NepForge.Formats.Gpumd;

/// <summary>
/// The values one GPUMD run is made from: a temperature (or a linear ramp from <see cref="StartTemperature"/> to
/// <see cref="Temperature"/> over <see cref="Steps"/>, then <see cref="HoldSteps"/> at <see cref="Temperature"/>),
/// optionally a pressure, and the run settings.
/// </summary>
public sealed record MdCondition
{
    /// <summary>Temperature, K: the thermostat target, the end of a ramp.</summary>
    public double Temperature { get; init; } = 300;

    /// <summary>Start of a linear ramp to <see cref="Temperature"/> over <see cref="Steps"/>, K; null = no ramp.</summary>
    public double? StartTemperature { get; init; }

    /// <summary>Steps at <see cref="Temperature"/> after <see cref="Steps"/> (a second <c>run</c>); 0 = none.</summary>
    public long HoldSteps { get; init; }

    /// <summary>The target at step 0: <see cref="StartTemperature"/>, or <see cref="Temperature"/> without a ramp.</summary>
    public double Start => StartTemperature ?? Temperature;

    /// <summary>True when the target changes during the first run.</summary>
    public bool IsRamp => Start != Temperature;

    /// <summary>Hydrostatic pressure, GPa; null for NVT.</summary>
    public double? Pressure { get; init; }

    /// <summary>The potential line's file (nep.txt), as written into run.in.</summary>
    public string Potential { get; init; } = "nep.txt";

    /// <summary>Time step, fs.</summary>
    public double TimeStep { get; init; } = 1;

    /// <summary>MD steps.</summary>
    public long Steps { get; init; } = 100000;

    /// <summary>Steps between thermo.out rows.</summary>
    public long DumpThermo { get; init; } = 100;

    /// <summary>Steps between dump.xyz frames.</summary>
    public long DumpXyz { get; init; } = 1000;

    /// <summary>The folder name of this condition, e.g. <c>T300</c>, <c>T300_P1.5</c> or, for a ramp, <c>T10-300</c>.</summary>
    public string FolderName
    {
        get
        {
            string t = IsRamp ? $"T{N(Start)}-{N(Temperature)}" : $"T{N(Temperature)}";
            return Pressure is { } p ? $"{t}_P{N(p)}" : t;
        }
    }

    /// <summary>The thermostat's target and ramp as <see cref="Nep.MdTemperatureRamp"/> (what frames are tagged from).</summary>
    public Nep.MdTemperatureRamp Ramp => new(Start, Temperature, (int)Math.Min(Steps, int.MaxValue), (int)Math.Min(HoldSteps, int.MaxValue));

    internal static string N(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}

/// <summary>
/// A run.in with placeholders (<c>{temperature}</c>, <c>{start_temperature}</c>, <c>{pressure}</c>,
/// <c>{potential}</c>, <c>{time_step}</c>, <c>{steps}</c>, <c>{hold_steps}</c>, <c>{dump_thermo}</c>,
/// <c>{dump_xyz}</c>) filled in per <see cref="MdCondition"/>. The built-in templates run NVT
/// (Bussi–Donadio–Parrinello thermostat) or isotropic NPT (stochastic cell rescaling) and dump thermo.out and dump.xyz
/// with forces, as GPUMD's run.in keywords define them. A ramp is GPUMD's own linear one: <c>ensemble nvt_bdp T1 T2
/// 100</c> moves the target from T1 to T2 over the <c>run</c>.
/// <para>
/// The hold is a second run block: the lines after the previous <c>run</c> up to a line <c>run {hold_steps}</c>. It
/// repeats the ensemble (at the end temperature) and the dump lines, because GPUMD's ensemble and dump_* keywords
/// hold for one run only (dump.xyz and thermo.out are appended to). Without hold steps that block is left out.
/// </para>
/// </summary>
public sealed partial class RunInTemplate
{
    /// <summary>Placeholders a template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } =
        ["temperature", "start_temperature", "pressure", "potential", "time_step", "steps", "hold_steps", "dump_thermo", "dump_xyz"];

    /// <summary>NVT: <c>ensemble nvt_bdp T0 T 100</c> for the steps, then the hold at <c>T T</c> when there is one.</summary>
    public const string Nvt = """
        potential   {potential}
        velocity    {start_temperature}

        ensemble    nvt_bdp {start_temperature} {temperature} 100
        time_step   {time_step}
        dump_thermo {dump_thermo}
        dump_xyz    {dump_xyz} dump.xyz force
        run         {steps}

        ensemble    nvt_bdp {temperature} {temperature} 100
        time_step   {time_step}
        dump_thermo {dump_thermo}
        dump_xyz    {dump_xyz} dump.xyz force
        run         {hold_steps}

        """;

    /// <summary>
    /// Isotropic NPT: <c>ensemble npt_scr T0 T 100 P 100 1000</c> (pressure and elastic modulus in GPa), then the hold
    /// at <c>T T</c> when there is one.
    /// </summary>
    public const string Npt = """
        potential   {potential}
        velocity    {start_temperature}

        ensemble    npt_scr {start_temperature} {temperature} 100 {pressure} 100 1000
        time_step   {time_step}
        dump_thermo {dump_thermo}
        dump_xyz    {dump_xyz} dump.xyz force
        run         {steps}

        ensemble    npt_scr {temperature} {temperature} 100 {pressure} 100 1000
        time_step   {time_step}
        dump_thermo {dump_thermo}
        dump_xyz    {dump_xyz} dump.xyz force
        run         {hold_steps}

        """;

    readonly string _text;

    /// <summary>Wraps a template text; unknown placeholders are an error.</summary>
    public RunInTemplate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match m in PlaceholderPattern().Matches(text))
        {
            if (!Placeholders.Contains(m.Groups[1].Value))
                throw new FormatException($"run.in template: unknown placeholder {{{m.Groups[1].Value}}} (known: {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))})");
        }
        _text = text;
    }

    /// <summary>True when the template has a <c>{pressure}</c> placeholder.</summary>
    public bool UsesPressure => _text.Contains("{pressure}", StringComparison.Ordinal);

    /// <summary>True when the template has a <c>{start_temperature}</c> placeholder (needed for a ramp).</summary>
    public bool UsesStartTemperature => _text.Contains("{start_temperature}", StringComparison.Ordinal);

    /// <summary>True when the template has a <c>{hold_steps}</c> placeholder (needed for a hold).</summary>
    public bool UsesHoldSteps => _text.Contains("{hold_steps}", StringComparison.Ordinal);

    /// <summary>
    /// Why this template cannot run <paramref name="c"/> (a ramp without <c>{start_temperature}</c>, hold steps without
    /// <c>{hold_steps}</c>), or null: such a setting is refused, never dropped.
    /// </summary>
    public string? Refusal(MdCondition c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.IsRamp && !UsesStartTemperature)
            return "the run.in template has no {start_temperature}: a ramp (-T START:END) needs it, e.g. velocity {start_temperature} and ensemble nvt_bdp {start_temperature} {temperature} 100";
        if (c.HoldSteps > 0 && !UsesHoldSteps)
            return "the run.in template has no {hold_steps}: --hold-steps needs a second run block ending in `run {hold_steps}` (ensemble at {temperature} {temperature} and the dump lines again)";
        return null;
    }

    /// <summary>The run.in for one condition.</summary>
    public string Render(MdCondition c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (UsesPressure && c.Pressure is null)
            throw new ArgumentException("the run.in template has {pressure} but no pressure was given");
        if (Refusal(c) is { } why)
            throw new ArgumentException(why);
        var sb = new StringBuilder(c.HoldSteps > 0 ? _text : WithoutHoldBlocks(_text));
        sb.Replace("{start_temperature}", MdCondition.N(c.Start))
            .Replace("{hold_steps}", c.HoldSteps.ToString(CultureInfo.InvariantCulture))
            .Replace("{temperature}", MdCondition.N(c.Temperature))
            .Replace("{pressure}", c.Pressure is { } p ? MdCondition.N(p) : "")
            .Replace("{potential}", c.Potential)
            .Replace("{time_step}", MdCondition.N(c.TimeStep))
            .Replace("{steps}", c.Steps.ToString(CultureInfo.InvariantCulture))
            .Replace("{dump_thermo}", c.DumpThermo.ToString(CultureInfo.InvariantCulture))
            .Replace("{dump_xyz}", c.DumpXyz.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    // Drops each run block that ends in `run {hold_steps}`: the lines after the previous `run` line (or from the top)
    // up to and including that line.
    static string WithoutHoldBlocks(string text)
    {
        var lines = text.Split('\n');
        var kept = new List<string>(lines.Length);
        int blockStart = 0;
        foreach (string line in lines)
        {
            string[] words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            bool isRun = words.Length >= 1 && words[0] == "run";
            if (isRun && words.Length == 2 && words[1] == "{hold_steps}")
            {
                kept.RemoveRange(blockStart, kept.Count - blockStart);
                continue;
            }
            kept.Add(line);
            if (isRun)
                blockStart = kept.Count;
        }
        return string.Join('\n', kept);
    }

    [GeneratedRegex(@"\{([A-Za-z_]+)\}")]
    private static partial Regex PlaceholderPattern();
}
