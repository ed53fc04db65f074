using System.Globalization;
using System.Text;
using NepForge.Structures;

namespace NepForge.Dft.Cp2k;

/// <summary>NVT Born–Oppenheimer AIMD with CP2K (CSVR thermostat): the low-accuracy AIMD that seeds phase 1.</summary>
public sealed record Cp2kMdSettings
{
    /// <summary>Thermostat temperature, K (also the initial velocities); the start of a ramp.</summary>
    public required double Temperature { get; init; }

    /// <summary>MD steps (frames written: steps + 1, step 0 included); the ramp's steps with <see cref="EndTemperature"/>.</summary>
    public required int Steps { get; init; }

    /// <summary>End of a ramp from <see cref="Temperature"/> over <see cref="Steps"/>, K; null = no ramp.</summary>
    public double? EndTemperature { get; init; }

    /// <summary>Steps at the end temperature after <see cref="Steps"/>; 0 = none.</summary>
    public int HoldSteps { get; init; }

    /// <summary>
    /// Longest constant-temperature segment of a ramp, steps: CP2K's CSVR thermostat has no linear ramp, so a ramp is
    /// a chain of segments whose targets step from the start to the end temperature (see <see cref="Cp2kMdChain"/>).
    /// </summary>
    public int SegmentSteps { get; init; } = 50;

    /// <summary>The end temperature: <see cref="EndTemperature"/>, or <see cref="Temperature"/> without a ramp.</summary>
    public double End => EndTemperature ?? Temperature;

    /// <summary>True when the job is a chain of segments (a ramp or a hold), not one CP2K input.</summary>
    public bool IsChain => End != Temperature || HoldSteps > 0;

    /// <summary>Time step, fs.</summary>
    public double TimeStepFs { get; init; } = 1.0;

    /// <summary>CSVR time constant, fs.</summary>
    public double ThermostatTimeConstantFs { get; init; } = 10.0;

    /// <summary>GLOBAL/SEED: the initial velocities and the thermostat's noise. Recorded in every frame.</summary>
    public int Seed { get; init; } = 1;
}

/// <summary>
/// Renders CP2K MD inputs: the single-point input of <see cref="Cp2kInputWriter"/> with RUN_TYPE MD, a &amp;MOTION
/// section (NVT, CSVR) that writes positions and forces every step, and the analytical stress tensor printed every
/// step to <see cref="Cp2kInputWriter.StressFile"/>. That stress is the electronic one (a DFT label); CP2K's own
/// MD <c>.stress</c> file adds the kinetic term and is not used.
/// </summary>
public static class Cp2kMd
{
    /// <summary>The MD input for <paramref name="frame"/>.</summary>
    public static string Render(Frame frame, Cp2kSettings? settings, Cp2kMdSettings md)
    {
        ArgumentNullException.ThrowIfNull(md);
        if (md.Steps < 1)
            throw new ArgumentException("AIMD needs at least one step", nameof(md));
        if (md.IsChain)
            throw new ArgumentException("a ramp or hold is a chain of CP2K inputs: write it with Cp2kMdChain (or Cp2kMd.WriteJob)", nameof(md));
        if (!(md.Temperature > 0) || !(md.TimeStepFs > 0))
            throw new ArgumentException("AIMD needs a positive temperature and time step", nameof(md));
        settings ??= new Cp2kSettings();
        if (settings.Template is not null)
            throw new ArgumentException("a CP2K template is used as it is: write its own &MOTION section for AIMD", nameof(settings));
        string sp = Cp2kInputWriter.Render(frame, settings);
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var motion = new StringBuilder()
            .Append("&MOTION\n  &MD\n    ENSEMBLE NVT\n")
            .Append("    STEPS ").Append(I(md.Steps)).Append('\n')
            .Append("    TIMESTEP ").Append(F(md.TimeStepFs)).Append('\n')
            .Append("    TEMPERATURE ").Append(F(md.Temperature)).Append('\n')
            .Append("    &THERMOSTAT\n      TYPE CSVR\n      &CSVR\n        TIMECON ").Append(F(md.ThermostatTimeConstantFs)).Append("\n      &END CSVR\n    &END THERMOSTAT\n")
            .Append("  &END MD\n  &PRINT\n")
            .Append("    &TRAJECTORY\n      &EACH\n        MD 1\n      &END EACH\n    &END TRAJECTORY\n")
            .Append("    &FORCES\n      &EACH\n        MD 1\n      &END EACH\n    &END FORCES\n")
            .Append("    &RESTART_HISTORY OFF\n    &END RESTART_HISTORY\n")
            .Append("  &END PRINT\n&END MOTION\n")
            .ToString();
        string text = sp
            .Replace("RUN_TYPE ENERGY_FORCE", $"RUN_TYPE MD\n  SEED {I(md.Seed)}", StringComparison.Ordinal)
            .Replace("&FORCE_EVAL\n", motion + "&FORCE_EVAL\n", StringComparison.Ordinal)
            .Replace("      EPS_DEFAULT", "      EXTRAPOLATION ASPC\n      EPS_DEFAULT", StringComparison.Ordinal)
            .Replace($"    &FORCES ON\n      FILENAME ={Cp2kInputWriter.ForcesFile}\n    &END FORCES\n", "", StringComparison.Ordinal)
            .Replace($"      FILENAME ={Cp2kInputWriter.StressFile}\n",
                $"      FILENAME ={Cp2kInputWriter.StressFile}\n      &EACH\n        MD 1\n      &END EACH\n", StringComparison.Ordinal);
        return WithAimdHeader(text);
    }

    // The single point's header line names its quality after "NepForge"; the AIMD's keeps it and says what it is.
    static string WithAimdHeader(string text)
    {
        int start = text.IndexOf(Cp2kInputWriter.Header, StringComparison.Ordinal);
        if (start < 0)
            return text;
        int end = text.IndexOf('\n', start);
        string quality = text[(start + Cp2kInputWriter.Header.Length)..end].TrimEnd('.');
        return string.Concat(text.AsSpan(0, start),
            $"! CP2K NVT AIMD (CSVR) written by NepForge{quality}: positions and forces every step, electronic stress every step.",
            text.AsSpan(end));
    }

    /// <summary>Renders and writes atomically.</summary>
    public static void Write(string path, Frame frame, Cp2kSettings? settings, Cp2kMdSettings md) =>
        IO.AtomicFile.WriteAllText(path, Render(frame, settings, md));

    /// <summary>
    /// Writes a job folder's inputs: one <see cref="Cp2kRunner.DefaultInputName"/> for a constant temperature, the
    /// chain of <see cref="Cp2kMdChain"/> for a ramp or a hold.
    /// </summary>
    public static void WriteJob(string folder, Frame frame, Cp2kSettings? settings, Cp2kMdSettings md)
    {
        ArgumentNullException.ThrowIfNull(md);
        if (md.IsChain)
            Cp2kMdChain.Write(folder, frame, settings, md);
        else
            Write(Path.Combine(folder, Cp2kRunner.DefaultInputName), frame, settings, md);
    }

    /// <summary>Whether the input in <paramref name="inputPath"/> is an MD run.</summary>
    public static bool IsMdInput(string inputPath) =>
        File.Exists(inputPath) && File.ReadLines(inputPath).Any(l => l.Trim().Equals("RUN_TYPE MD", StringComparison.OrdinalIgnoreCase));
}
