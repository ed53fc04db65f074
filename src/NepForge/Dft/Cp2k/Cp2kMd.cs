using System.Globalization;
using System.Text;
using NepForge.Structures;

namespace NepForge.Dft.Cp2k;

/// <summary>NVT Born–Oppenheimer AIMD with CP2K (CSVR thermostat): the low-accuracy AIMD that seeds phase 1.</summary>
public sealed record Cp2kMdSettings
{
    /// <summary>Thermostat temperature, K (also the initial velocities).</summary>
    public required double Temperature { get; init; }

    /// <summary>MD steps (frames written: steps + 1, step 0 included).</summary>
    public required int Steps { get; init; }

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
            .Replace("! CP2K single point (energy, forces, analytical stress) written by NepForge.",
                "! CP2K NVT AIMD (CSVR) written by NepForge: positions and forces every step, electronic stress every step.", StringComparison.Ordinal)
            .Replace("&FORCE_EVAL\n", motion + "&FORCE_EVAL\n", StringComparison.Ordinal)
            .Replace("      EPS_DEFAULT", "      EXTRAPOLATION ASPC\n      EPS_DEFAULT", StringComparison.Ordinal)
            .Replace($"    &FORCES ON\n      FILENAME ={Cp2kInputWriter.ForcesFile}\n    &END FORCES\n", "", StringComparison.Ordinal)
            .Replace($"      FILENAME ={Cp2kInputWriter.StressFile}\n",
                $"      FILENAME ={Cp2kInputWriter.StressFile}\n      &EACH\n        MD 1\n      &END EACH\n", StringComparison.Ordinal);
        return text;
    }

    /// <summary>Renders and writes atomically.</summary>
    public static void Write(string path, Frame frame, Cp2kSettings? settings, Cp2kMdSettings md) =>
        IO.AtomicFile.WriteAllText(path, Render(frame, settings, md));

    /// <summary>Whether the input in <paramref name="inputPath"/> is an MD run.</summary>
    public static bool IsMdInput(string inputPath) =>
        File.Exists(inputPath) && File.ReadLines(inputPath).Any(l => l.Trim().Equals("RUN_TYPE MD", StringComparison.OrdinalIgnoreCase));
}
