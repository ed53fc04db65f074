using System.Globalization;

namespace NepForge.Nep;

/// <summary>
/// A thermostat target that goes linearly from <see cref="Start"/> to <see cref="End"/> over <see cref="RampSteps"/>
/// steps, then stays at <see cref="End"/> for <see cref="HoldSteps"/> more (how users heat a system before sampling
/// it). A constant temperature is the ramp with Start = End. Written <c>10:300</c> on the command line and in
/// workflow files.
/// </summary>
/// <param name="Start">Target at step 0, K.</param>
/// <param name="End">Target from step <see cref="RampSteps"/> on, K.</param>
/// <param name="RampSteps">Steps of the linear ramp.</param>
/// <param name="HoldSteps">Steps at <see cref="End"/> after the ramp.</param>
public sealed record MdTemperatureRamp(double Start, double End, int RampSteps, int HoldSteps = 0)
{
    /// <summary>Steps of the whole run.</summary>
    public int TotalSteps => RampSteps + HoldSteps;

    /// <summary>True when the target changes during the run.</summary>
    public bool IsRamp => Start != End;

    /// <summary>The thermostat target at <paramref name="step"/>, K.</summary>
    public double TargetAt(int step) =>
        RampSteps <= 0 || step >= RampSteps ? End : Start + (End - Start) * step / RampSteps;

    /// <summary>True when <paramref name="step"/> lies in the hold at the end temperature (after the ramp).</summary>
    public bool InHold(int step) => HoldSteps > 0 && step >= RampSteps;

    /// <summary>
    /// Parses <c>300</c> (constant) or <c>10:300</c> (from 10 K to 300 K); null with a reason when the text is not
    /// one or two temperatures ≥ 0 K.
    /// </summary>
    public static (double Start, double End)? ParseRange(string text, out string? error)
    {
        error = null;
        var parts = text.Split(':');
        var values = new List<double>();
        foreach (string p in parts)
        {
            if (!double.TryParse(p.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !(t >= 0) || double.IsInfinity(t))
            {
                error = $"'{text}': expected a temperature in K (300) or a ramp START:END (10:300), each ≥ 0";
                return null;
            }
            values.Add(t);
        }
        if (values.Count is not (1 or 2))
        {
            error = $"'{text}': expected a temperature in K (300) or a ramp START:END (10:300)";
            return null;
        }
        return (values[0], values[^1]);
    }

    /// <summary>Text of the range: <c>300</c> or <c>10:300</c>.</summary>
    public string RangeText() => Start == End
        ? End.ToString("0.##", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Start:0.##}:{End:0.##}");
}
