using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.Gpumd;
using NepForge.Structures;

namespace NepForge.Sampling.Selection;

/// <summary>A frame of GPUMD's active.xyz with the active.out row it belongs to.</summary>
public sealed record ActiveFrame(Frame Frame, int Row, double Time, double Uncertainty);

/// <summary>
/// Pairs GPUMD's <c>active.xyz</c> frames with <c>active.out</c> rows. GPUMD writes a row at every check but appends a
/// frame only when σ_f exceeds the threshold δ, so frame k belongs to the k-th row above δ (not to row k, the mistake
/// of GPUMDkit's select_max_modev.py). δ comes from the <c>active</c> line of run.in unless given.
/// </summary>
public static class ActiveFrames
{
    /// <summary>δ from a run.in line <c>active interval has_velocity has_force has_uncertainty threshold</c>, or null.</summary>
    public static double? ThresholdFromRunIn(string runIn)
    {
        if (!File.Exists(runIn))
            return null;
        double? found = null;
        foreach (var raw in File.ReadLines(runIn))
        {
            var line = raw.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (line.Length >= 6 && line[0] == "active" && double.TryParse(line[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                found = d;
        }
        return found;
    }

    /// <summary>Reads DIR/active.out and DIR/active.xyz; δ from <paramref name="threshold"/> or DIR/run.in.</summary>
    public static IReadOnlyList<ActiveFrame> Read(string dir, double? threshold, StructureReadOptions? options = null)
    {
        double delta = threshold ?? ThresholdFromRunIn(Path.Combine(dir, "run.in"))
            ?? throw new InvalidOperationException($"{dir}: no 'active' line in run.in to take δ from; give the threshold");
        var table = ActiveFile.Read(Path.Combine(dir, "active.out"));
        var rows = table.RowsAbove(delta);
        string xyz = Path.Combine(dir, "active.xyz");
        var frames = File.Exists(xyz) ? StructureReader.Read(xyz, StructureFormat.ExtXyz, options).ToList() : [];
        if (frames.Count != rows.Length)
        {
            throw new InvalidOperationException(
                $"{xyz} has {frames.Count} frame(s) but active.out has {rows.Length} row(s) with σ_f > δ = {delta.ToString(CultureInfo.InvariantCulture)} " +
                $"(of {table.Rows}); the files do not belong together or δ is wrong");
        }
        var result = new List<ActiveFrame>(frames.Count);
        for (int k = 0; k < frames.Count; k++)
        {
            frames[k].Info.SourceFile ??= xyz;
            frames[k].Info.SourceIndex ??= k;
            result.Add(new ActiveFrame(frames[k], rows[k], table.Time[rows[k]], table.Uncertainty[rows[k]]));
        }
        return result;
    }
}
