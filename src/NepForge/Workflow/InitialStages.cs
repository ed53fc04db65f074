using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Workflow;

/// <summary>
/// The stages before extract that make starting structures: <c>build</c> (packmol boxes, as <c>nepforge build box</c>)
/// and <c>md</c> (MD with a NEP model the user supplies, as <c>nepforge md</c>).
/// </summary>
static class InitialStages
{
    public static string Build(WorkflowSpec spec, string dir)
    {
        var b = spec.Build!;
        var frames = b.BuildAll();
        long n = ExtXyzWriter.WriteFile(Path.Combine(dir, "structures.xyz"), frames);
        return $"{n} box(es) of {b.Describe()} (packmol seeds {b.Seed}…{b.Seed + b.Count - 1})";
    }

    public static string Md(WorkflowSpec spec, string dir)
    {
        var m = spec.InitialMd!;
        string source = m.Structures ?? WorkflowParser.BuiltStructures(spec.WorkDir);
        var starts = WorkflowRunner.Read(source).ToList();
        var calc = new NepCalculator(NepModelReader.Read(m.Model), Environment.ProcessorCount);
        var all = new List<Frame>();
        for (int s = 0; s < starts.Count; s++)
        {
            var options = new MdOptions
            {
                Temperature = m.StartTemperature,
                EndTemperature = m.EndTemperature == m.StartTemperature ? null : m.EndTemperature,
                Steps = m.Steps,
                HoldSteps = m.HoldSteps,
                TimeStepFs = m.Timestep,
                DumpEvery = m.DumpEvery,
                Seed = m.Seed + s,
            };
            string configType = "md_" + options.Ramp.RangeText().Replace(':', '-') + "K";
            foreach (var frame in new NepMolecularDynamics(calc, options).Run(starts[s]))
            {
                frame.Frame.Info.ConfigType = configType;
                frame.Frame.Info.SourceFile = source;
                frame.Frame.Info.SourceIndex = s;
                all.Add(frame.Frame);
            }
        }
        long n = ExtXyzWriter.WriteFile(Path.Combine(dir, WorkflowStages.AimdFrames), all);
        return string.Create(CultureInfo.InvariantCulture, $"{starts.Count} MD run(s) with {Path.GetFileName(m.Model)}, {m.StartTemperature:0.##}→{m.EndTemperature:0.##} K over {m.Steps} steps + {m.HoldSteps} hold, {n} frame(s)");
    }
}
