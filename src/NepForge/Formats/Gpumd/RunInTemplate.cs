using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NepForge.Formats.Gpumd;

/// <summary>The values one GPUMD run is made from: a temperature, optionally a pressure, and the run settings.</summary>
public sealed record MdCondition
{
    /// <summary>Temperature, K.</summary>
    public double Temperature { get; init; } = 300;

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

    /// <summary>The folder name of this condition, e.g. <c>T300</c> or <c>T300_P1.5</c>.</summary>
    public string FolderName =>
        Pressure is { } p ? $"T{N(Temperature)}_P{N(p)}" : $"T{N(Temperature)}";

    internal static string N(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}

/// <summary>
/// A run.in with placeholders (<c>{temperature}</c>, <c>{pressure}</c>, <c>{potential}</c>, <c>{time_step}</c>,
/// <c>{steps}</c>, <c>{dump_thermo}</c>, <c>{dump_xyz}</c>) filled in per <see cref="MdCondition"/>. The built-in
/// templates run NVT (Bussi–Donadio–Parrinello thermostat) or isotropic NPT (stochastic cell rescaling) and dump
/// thermo.out and dump.xyz with forces, as GPUMD's run.in keywords define them.
/// </summary>
public sealed partial class RunInTemplate
{
    /// <summary>Placeholders a template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } =
        ["temperature", "pressure", "potential", "time_step", "steps", "dump_thermo", "dump_xyz"];

    /// <summary>NVT: <c>ensemble nvt_bdp T T 100</c>.</summary>
    public const string Nvt = """
        potential   {potential}
        velocity    {temperature}

        ensemble    nvt_bdp {temperature} {temperature} 100
        time_step   {time_step}
        dump_thermo {dump_thermo}
        dump_xyz    {dump_xyz} dump.xyz force
        run         {steps}

        """;

    /// <summary>Isotropic NPT: <c>ensemble npt_scr T T 100 P 100 1000</c> (pressure and elastic modulus in GPa).</summary>
    public const string Npt = """
        potential   {potential}
        velocity    {temperature}

        ensemble    npt_scr {temperature} {temperature} 100 {pressure} 100 1000
        time_step   {time_step}
        dump_thermo {dump_thermo}
        dump_xyz    {dump_xyz} dump.xyz force
        run         {steps}

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

    /// <summary>The run.in for one condition.</summary>
    public string Render(MdCondition c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (UsesPressure && c.Pressure is null)
            throw new ArgumentException("the run.in template has {pressure} but no pressure was given");
        var sb = new StringBuilder(_text);
        sb.Replace("{temperature}", MdCondition.N(c.Temperature))
            .Replace("{pressure}", c.Pressure is { } p ? MdCondition.N(p) : "")
            .Replace("{potential}", c.Potential)
            .Replace("{time_step}", MdCondition.N(c.TimeStep))
            .Replace("{steps}", c.Steps.ToString(CultureInfo.InvariantCulture))
            .Replace("{dump_thermo}", c.DumpThermo.ToString(CultureInfo.InvariantCulture))
            .Replace("{dump_xyz}", c.DumpXyz.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    [GeneratedRegex(@"\{([A-Za-z_]+)\}")]
    private static partial Regex PlaceholderPattern();
}
