using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Sampling.Curation;

/// <summary>
/// Keeps the frames of an MD run that lie in the hold after a temperature ramp (<c>md_hold=T</c>, written by
/// <c>nepforge md --hold-steps</c>, CP2K AIMD ramps read back by <c>dft status/collect</c>, GPUMD dumps read with
/// <see cref="Formats.Gpumd.GpumdDump"/> and the workflow's exploration): the equilibrated part users sample from.
/// </summary>
public static class HoldFilter
{
    /// <summary>True when the frame records that it lies in the hold.</summary>
    public static bool InHold(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Info.GetExtra(NepMolecularDynamics.HoldKey) is "T" or "True" or "true";
    }

    /// <summary>The frames in the hold; a frame without the <c>md_hold</c> key is an error (the input is not a ramped MD run).</summary>
    public static IEnumerable<Frame> Keep(IEnumerable<Frame> frames, string source)
    {
        ArgumentNullException.ThrowIfNull(frames);
        long index = 0;
        foreach (var f in frames)
        {
            if (f.Info.GetExtra(NepMolecularDynamics.HoldKey) is null)
                throw new InvalidDataException($"{source}: frame {index} has no {NepMolecularDynamics.HoldKey} (not written by an MD run with hold steps)");
            if (InHold(f))
                yield return f;
            index++;
        }
    }
}
