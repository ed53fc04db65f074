using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Gpumd;

/// <summary>One prepared GPUMD run folder.</summary>
public sealed record GpumdRunFolder(string Path, int Structure, MdCondition Condition);

/// <summary>
/// Prepares GPUMD exploration runs: one folder per structure × temperature (× pressure) with model.xyz and run.in.
/// Folder names are <c>T300</c>, <c>T300_P1</c>, <c>T10-300</c> (a ramp), prefixed with <c>s0_</c>, <c>s1_</c>… when
/// there are several structures.
/// </summary>
public static class GpumdRunSet
{
    /// <summary>Writes the folders under <paramref name="root"/>; existing files are overwritten atomically.</summary>
    public static List<GpumdRunFolder> Prepare(string root, IReadOnlyList<Frame> structures, IReadOnlyList<double> temperatures,
        IReadOnlyList<double>? pressures, MdCondition settings, RunInTemplate template, ModelXyzOptions? modelOptions = null)
    {
        ArgumentNullException.ThrowIfNull(temperatures);
        return Prepare(root, structures, temperatures.Select(t => (t, t)).ToList(), pressures, settings, template, modelOptions);
    }

    /// <summary>
    /// Writes the folders under <paramref name="root"/>, one per (start, end) temperature: equal values run at that
    /// temperature, different ones ramp linearly over <see cref="MdCondition.Steps"/> (then hold for
    /// <see cref="MdCondition.HoldSteps"/> at the end). A template that cannot express the ramp or the hold is refused
    /// before anything is written.
    /// </summary>
    public static List<GpumdRunFolder> Prepare(string root, IReadOnlyList<Frame> structures, IReadOnlyList<(double Start, double End)> temperatures,
        IReadOnlyList<double>? pressures, MdCondition settings, RunInTemplate template, ModelXyzOptions? modelOptions = null)
    {
        ArgumentNullException.ThrowIfNull(structures);
        ArgumentNullException.ThrowIfNull(temperatures);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(template);
        if (structures.Count == 0)
            throw new ArgumentException("no structure to run");
        if (temperatures.Count == 0)
            throw new ArgumentException("no temperature given");
        if (temperatures.Any(t => !(t.Start > 0) || !double.IsFinite(t.Start) || !(t.End > 0) || !double.IsFinite(t.End)))
            throw new ArgumentException("temperatures must be > 0 K");
        if (settings.HoldSteps < 0)
            throw new ArgumentException("hold steps must be ≥ 0");
        foreach (var (start, end) in temperatures)
        {
            if (template.Refusal(settings with { StartTemperature = start, Temperature = end }) is { } why)
                throw new ArgumentException(why);
        }
        if (template.UsesPressure && (pressures is null || pressures.Count == 0))
            throw new ArgumentException("the run.in template uses {pressure}: give at least one pressure");
        if (!template.UsesPressure && pressures is { Count: > 0 })
            throw new ArgumentException("pressures were given but the run.in template has no {pressure}: use an NPT template");
        var ps = pressures is { Count: > 0 } ? pressures.Select(p => (double?)p).ToList() : [null];
        var folders = new List<GpumdRunFolder>();
        for (int s = 0; s < structures.Count; s++)
        {
            foreach (var (start, end) in temperatures)
            {
                foreach (var p in ps)
                {
                    var c = settings with { StartTemperature = start == end ? null : start, Temperature = end, Pressure = p };
                    string name = structures.Count > 1 ? $"s{s}_{c.FolderName}" : c.FolderName;
                    string dir = Path.Combine(root, name);
                    Directory.CreateDirectory(dir);
                    ModelXyzWriter.Write(Path.Combine(dir, "model.xyz"), structures[s], modelOptions);
                    AtomicFile.WriteAllText(Path.Combine(dir, "run.in"), template.Render(c));
                    folders.Add(new GpumdRunFolder(dir, s, c));
                }
            }
        }
        return folders;
    }
}
