using System.Globalization;
using NepForge.Structures;

namespace NepForge.Sampling.Curation;

/// <summary>Why a frame was judged unphysical, and the number that decided it.</summary>
public sealed record FrameProblem(string Check, string Message);

/// <summary>The outcome of cleaning a trajectory.</summary>
public sealed record TrajectoryCleanResult(long FramesRead, long FramesKept, long? BadFrame, FrameProblem? Problem, long FirstKept, long LastKept);

/// <summary>
/// Finds where an MD trajectory (typically GPUMD's dump.xyz from an exploratory NEP run) stops being physical and
/// cuts it there. A frame is unphysical when it has a non-finite position, cell, energy or force; two atoms closer
/// than a fraction of their covalent radii (ASE's table); a cell volume far from the first frame's; or a force
/// above a limit. Everything from the first such frame on is dropped, as are <see cref="TrajectoryHealthOptions.Margin"/>
/// frames before it.
/// </summary>
public static class TrajectoryHealth
{
    /// <summary>The first problem of <paramref name="frame"/>, or null when it looks physical.</summary>
    public static FrameProblem? Check(Frame frame, double? referenceVolume, TrajectoryHealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        foreach (double v in frame.Positions)
        {
            if (!double.IsFinite(v))
                return new FrameProblem("non-finite", "a position is not a finite number");
        }
        if (frame.Lattice is { } l && !(double.IsFinite(l.Volume) && l.Volume > 0))
            return new FrameProblem("non-finite", "the cell is not finite or has zero volume");
        if (frame.Energy is { } e && !double.IsFinite(e))
            return new FrameProblem("non-finite", "the energy is not a finite number");
        if (frame.Forces is { } forces)
        {
            double maxF = 0;
            int worst = -1;
            for (int i = 0; i < frame.AtomCount; i++)
            {
                double fx = forces[3 * i], fy = forces[(3 * i) + 1], fz = forces[(3 * i) + 2];
                double f = Math.Sqrt((fx * fx) + (fy * fy) + (fz * fz));
                if (!double.IsFinite(f))
                    return new FrameProblem("non-finite", $"the force on atom {i + 1} is not finite");
                if (f > maxF)
                {
                    maxF = f;
                    worst = i;
                }
            }
            if (options.MaxForce is { } limit && maxF > limit)
                return new FrameProblem("max-force", $"|F| = {G(maxF)} eV/Å on atom {worst + 1} ({frame.Elements[worst].Symbol}) > {G(limit)} eV/Å");
        }
        if (referenceVolume is { } v0 && frame.Lattice is { } cell)
        {
            double ratio = cell.Volume / v0;
            if (ratio > options.MaxVolumeRatio || ratio < options.MinVolumeRatio)
                return new FrameProblem("volume", $"volume is {G(ratio)} × the first frame's (allowed {G(options.MinVolumeRatio)}…{G(options.MaxVolumeRatio)})");
        }
        if (options.MinDistanceRatio > 0 && ClosestRelative(frame, options.MinDistanceRatio) is { } close && close.Ratio < options.MinDistanceRatio)
        {
            return new FrameProblem("min-distance",
                $"atoms {close.I + 1} ({frame.Elements[close.I].Symbol}) and {close.J + 1} ({frame.Elements[close.J].Symbol}) are {G(close.Distance)} Å apart, " +
                $"{G(close.Ratio)} × the sum of covalent radii (< {G(options.MinDistanceRatio)})");
        }
        return null;
    }

    /// <summary>
    /// The pair with the smallest distance / (r_cov,i + r_cov,j) among pairs closer than <paramref name="ratioLimit"/>
    /// times the largest radius sum, or null when none is that close.
    /// </summary>
    public static (int I, int J, double Distance, double Ratio)? ClosestRelative(Frame frame, double ratioLimit)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.AtomCount == 0)
            return null;
        double maxR = frame.Elements.Max(e => e.CovalentRadius);
        (int, int, double, double)? best = null;
        double bestRatio = double.PositiveInfinity;
        NeighborSearch.ForEachPair(frame, ratioLimit * 2 * maxR, p =>
        {
            double sum = frame.Elements[p.I].CovalentRadius + frame.Elements[p.J].CovalentRadius;
            double ratio = p.Distance / sum;
            if (ratio < bestRatio)
            {
                bestRatio = ratio;
                best = (p.I, p.J, p.Distance, ratio);
            }
        });
        return best;
    }

    /// <summary>
    /// Streams <paramref name="frames"/> and passes the physical part to <paramref name="keep"/> (in order), stopping
    /// at the first bad frame. Frames are handed on only once they are known not to fall inside the margin.
    /// </summary>
    public static TrajectoryCleanResult Clean(IEnumerable<Frame> frames, TrajectoryHealthOptions options, Action<Frame, long> keep)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keep);
        options.Validate();
        // Hold back what the margin or --keep may still drop.
        int hold = options.Keep is { } k ? Math.Max(k, 0) + options.Margin : options.Margin;
        bool limitToKeep = options.Keep is not null;
        var pending = new Queue<(Frame Frame, long Index)>();
        long read = 0, kept = 0, first = -1, last = -1;
        double? v0 = null;
        FrameProblem? problem = null;
        long? bad = null;
        foreach (var f in frames)
        {
            long index = read++;
            v0 ??= f.Lattice?.Volume;
            if (Check(f, v0, options) is { } p)
            {
                problem = p;
                bad = index;
                break;
            }
            pending.Enqueue((f, index));
            if (pending.Count > hold && !limitToKeep)
                Emit(pending.Dequeue());
            else if (limitToKeep && pending.Count > hold)
                pending.Dequeue(); // older than the last --keep frames: never written
        }
        // Drop the margin before a bad frame; at a clean end there is nothing to drop.
        int drop = bad is null ? 0 : Math.Min(options.Margin, pending.Count);
        var rest = pending.ToList();
        rest.RemoveRange(rest.Count - drop, drop);
        if (limitToKeep && rest.Count > options.Keep)
            rest.RemoveRange(0, rest.Count - options.Keep!.Value);
        foreach (var item in rest)
            Emit(item);
        return new TrajectoryCleanResult(read, kept, bad, problem, first, last);

        void Emit((Frame Frame, long Index) item)
        {
            keep(item.Frame, item.Index);
            kept++;
            if (first < 0)
                first = item.Index;
            last = item.Index;
        }
    }

    /// <summary>
    /// Removes what GPUMD's dump_xyz adds that is not a structure: energy, forces, virial, the kinetic-inclusive
    /// <c>stress</c> (kept as <c>gpumd_stress</c>), velocities and other per-atom columns, so that the frame can go
    /// to DFT without stale labels. Records where it came from.
    /// </summary>
    public static void StripDumpLabels(Frame frame, string sourceFile, long index)
    {
        ArgumentNullException.ThrowIfNull(frame);
        frame.ClearLabels();
        frame.Arrays.Clear();
        frame.Info.RemoveExtra("gpumd_stress");
        frame.Info.RemoveExtra("virial");
        frame.Info.RemoveExtra("stress");
        if (frame.Info.EnergyKind == "gpumd_potential")
            frame.Info.EnergyKind = null;
        frame.Info.SourceFile ??= sourceFile;
        frame.Info.SourceIndex ??= index;
    }

    static string G(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
