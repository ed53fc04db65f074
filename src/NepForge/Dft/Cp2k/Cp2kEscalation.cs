using System.Globalization;
using System.Text.RegularExpressions;

namespace NepForge.Dft.Cp2k;

/// <summary>
/// What to change in a CP2K input before rerunning a job whose SCF did not converge: each step doubles MAX_SCF and
/// halves the Broyden/Pulay mixing ALPHA (slower but steadier mixing), the usual manual remedy.
/// </summary>
internal static partial class Cp2kEscalation
{
    [GeneratedRegex(@"^(\s*MAX_SCF\s+)(\d+)(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex MaxScf();

    [GeneratedRegex(@"^(\s*ALPHA\s+)([0-9.eE+-]+)(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex Alpha();

    /// <summary>The escalated input and a one-line description of the change; null when the input has no MAX_SCF to raise.</summary>
    public static (string Input, string Change)? Next(string input)
    {
        var scf = MaxScf().Match(input);
        if (!scf.Success)
            return null;
        int maxScf = int.Parse(scf.Groups[2].Value, CultureInfo.InvariantCulture);
        string result = MaxScf().Replace(input, m => m.Groups[1].Value + (2 * maxScf).ToString(CultureInfo.InvariantCulture) + m.Groups[3].Value, 1);
        string change = $"MAX_SCF {maxScf} → {2 * maxScf}";
        var alpha = Alpha().Match(result);
        if (alpha.Success && double.TryParse(alpha.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) && a > 0.05)
        {
            double next = Math.Round(a / 2, 4);
            result = Alpha().Replace(result, m => m.Groups[1].Value + next.ToString("R", CultureInfo.InvariantCulture) + m.Groups[3].Value, 1);
            change += $", mixing ALPHA {a.ToString("R", CultureInfo.InvariantCulture)} → {next.ToString("R", CultureInfo.InvariantCulture)}";
        }
        return (result, change);
    }
}
