using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Formats.Gpumd;

/// <summary>
/// Reads the dump.xyz of a GPUMD run prepared by <see cref="GpumdRunSet"/> and tags each frame as <c>nepforge md</c>
/// does: <c>md_step</c>, <c>md_target_temperature</c> (GPUMD's linear target at that step) and, with hold steps,
/// <c>md_hold</c> (what <c>sample --hold-only</c> keeps). The step comes from the frame's <c>Time=</c> (fs, GPUMD's
/// time since the first run, which goes on across runs) divided by the time step. A frame without <c>Time=</c> (older
/// GPUMD) is placed by GPUMD's dump schedule instead: each run dumps after every <see cref="MdCondition.DumpXyz"/>-th
/// of its own steps, so frame k is step (k + 1)·d in the first run and N + (k − ⌊N/d⌋ + 1)·d in the hold.
/// </summary>
public static class GpumdDump
{
    /// <summary>The frames of <paramref name="path"/> with the tags of <paramref name="condition"/>'s ramp and hold.</summary>
    public static IEnumerable<Frame> Read(string path, MdCondition condition, ExtXyzReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(condition);
        if (!(condition.TimeStep > 0))
            throw new ArgumentException("the time step must be > 0 fs to place frames by their Time=", nameof(condition));
        return Tag(ExtXyzReader.ReadFrames(path, options), path, condition);
    }

    static IEnumerable<Frame> Tag(IEnumerable<Frame> frames, string path, MdCondition condition)
    {
        var ramp = condition.Ramp;
        long index = 0;
        foreach (var f in frames)
        {
            long step;
            if (f.Info.GetExtra("Time") is { } text)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double time) || !double.IsFinite(time))
                    throw new InvalidDataException($"{path}: frame {index}: Time={text} is not a time in fs");
                step = (long)Math.Round(time / condition.TimeStep);
            }
            else
            {
                long d = Math.Max(1, condition.DumpXyz), firstRun = condition.Steps / d;
                step = index < firstRun ? (index + 1) * d : condition.Steps + (index - firstRun + 1) * d;
            }
            int at = (int)Math.Clamp(step, 0, int.MaxValue);
            f.Info.SetExtra("md_step", step.ToString(CultureInfo.InvariantCulture));
            f.Info.SetExtra(NepMolecularDynamics.TargetTemperatureKey, ramp.TargetAt(at).ToString("R", CultureInfo.InvariantCulture));
            if (ramp.HoldSteps > 0)
                f.Info.SetExtra(NepMolecularDynamics.HoldKey, ramp.InHold(at) ? "T" : "F");
            index++;
            yield return f;
        }
    }
}
