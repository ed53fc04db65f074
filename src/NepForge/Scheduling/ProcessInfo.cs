using System.Globalization;

namespace NepForge.Scheduling;

/// <summary>
/// What <c>/proc/PID/stat</c> says about a process: its start time (clock ticks since boot), which with the pid names
/// one process for good (a recycled pid has another start time), and its state letter.
/// </summary>
internal static class ProcessInfo
{
    /// <summary>Field 22 of <c>/proc/PID/stat</c>; null when there is no such process.</summary>
    public static string? StartTime(int pid) => StatField(pid, 22);

    /// <summary>The state letter (R, S, Z, …); null when there is no such process.</summary>
    public static char? State(int pid) => StatField(pid, 3) is { Length: > 0 } s ? s[0] : null;

    /// <summary>Whether <paramref name="pid"/> runs and is the process that started at <paramref name="startTime"/> (not a zombie).</summary>
    public static bool IsAlive(int pid, string startTime) => StartTime(pid) == startTime && State(pid) is not ('Z' or 'X' or null);

    static string? StatField(int pid, int field)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
            int close = stat.LastIndexOf(')');
            string[] rest = stat[(close + 2)..].Split(' ');
            return field - 3 < rest.Length ? rest[field - 3] : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
