using NepForge.Structures;

namespace NepForge.Formats.Cp2k;

/// <summary>The per-step tables of a CP2K MD log: forces (eV/Å) and stress (GPa) after each step's energy line.</summary>
static class Cp2kLogSteps
{
    public sealed record Step(double[]? Forces, Mat3? StressGpa);

    /// <summary>One entry per <c>ENERGY| Total FORCE_EVAL</c> line, in order.</summary>
    public static List<Step> Split(string[] lines, string file, IReadOnlyList<Element> elements)
    {
        var starts = new List<int>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (Cp2kOutputParser.EnergyEnd(lines[i]) >= 0)
                starts.Add(i);
        }
        var template = new Frame([.. elements], new double[3 * elements.Count], null);
        var steps = new List<Step>(starts.Count);
        for (int s = 0; s < starts.Count; s++)
        {
            int end = s + 1 < starts.Count ? starts[s + 1] : lines.Length;
            var segment = lines[starts[s]..end];
            try
            {
                var forces = Cp2kOutputParser.ReadForces(segment, file, template);
                var stress = Cp2kOutputParser.ReadStressGpa(segment, file) ?? Cp2kLogReader.ReadOldStressGpa(segment, file);
                steps.Add(new Step(forces, stress));
            }
            catch (IO.ParseException) when (s == starts.Count - 1)
            {
                break; // the last step's tables are cut short: the run was killed while writing them
            }
            catch (IO.ParseException e)
            {
                // The shared table readers count lines from the segment's start; the user needs the log's line.
                throw new IO.ParseException(file, e.Line + starts[s], null, e.Problem, e);
            }
        }
        return steps;
    }

    /// <summary>The SCF outcome of each step in order (one "SCF run converged / NOT converged" line per step).</summary>
    public static List<bool> ScfOutcomes(string[] lines)
    {
        var result = new List<bool>();
        foreach (string line in lines)
        {
            if (line.Contains("SCF run converged", StringComparison.Ordinal))
                result.Add(true);
            else if (line.Contains("SCF run NOT converged", StringComparison.Ordinal))
                result.Add(false);
        }
        return result;
    }
}
