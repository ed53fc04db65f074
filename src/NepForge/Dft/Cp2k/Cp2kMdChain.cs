using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Dft.Cp2k;

/// <summary>One constant-temperature segment of a <see cref="Cp2kMdChain"/>.</summary>
/// <param name="Name">CP2K project name and file stem: <c>md-00</c>, <c>md-01</c>…, <c>md-hold</c>.</param>
/// <param name="Temperature">The CSVR thermostat's target, K.</param>
/// <param name="Steps">MD steps of the segment.</param>
/// <param name="IsHold">True for the hold at the end temperature after the ramp.</param>
internal sealed record Cp2kMdSegment(string Name, double Temperature, int Steps, bool IsHold)
{
    /// <summary>The segment's CP2K input.</summary>
    public string InputName => Name + ".inp";

    /// <summary>The segment's CP2K log.</summary>
    public string LogName => Name + ".log";

    /// <summary>The electronic stress per step (GPa).</summary>
    public string StressFile => Name + "-stress.out";

    /// <summary>The restart file CP2K writes at the segment's last step; the next segment starts from it.</summary>
    public string RestartFile => Name + "-1.restart";
}

/// <summary>
/// A CP2K AIMD temperature ramp, done as CP2K can: its CSVR thermostat has no linear ramp (TEMPERATURE_ANNEALING
/// works for the Langevin ensemble only), so the ramp is a chain of NVT segments whose targets step linearly from the
/// start to the end temperature, each at most <see cref="Cp2kMdSettings.SegmentSteps"/> steps long (at least two
/// segments), then a hold segment at the end temperature. Every segment after the first restarts the previous one's
/// positions, velocities, thermostat, random-number state and step counter (<c>&amp;EXT_RESTART</c> with its
/// <c>PROJECT-1.restart</c>), so the steps go on 0, 1, … N + M across segments with no frame written twice.
/// <para>
/// The segments run one after another in one job and one CP2K process: <see cref="Cp2kRunner.DefaultInputName"/> is a
/// FARMING input (one group, jobs in order) that runs <c>md-00.inp</c>, <c>md-01.inp</c>… with their own logs. So the
/// job command stays <c>cp2k -i in.inp -o out.log</c> for every folder, as the executors, Slurm arrays and users' own
/// <c>--command</c> lines expect.
/// </para>
/// </summary>
internal static class Cp2kMdChain
{
    /// <summary>The name of the hold segment.</summary>
    public const string HoldName = "md-hold";

    /// <summary>The segments of <paramref name="md"/>: the ramp's (one when the temperature is constant), then the hold.</summary>
    public static IReadOnlyList<Cp2kMdSegment> Plan(Cp2kMdSettings md)
    {
        ArgumentNullException.ThrowIfNull(md);
        if (md.Steps < 1 || md.HoldSteps < 0 || md.SegmentSteps < 1)
            throw new ArgumentException("AIMD needs steps ≥ 1, hold steps ≥ 0 and segments of ≥ 1 step", nameof(md));
        if (!(md.Temperature > 0) || !(md.End > 0) || !double.IsFinite(md.Temperature) || !double.IsFinite(md.End))
            throw new ArgumentException("AIMD needs positive temperatures", nameof(md));
        bool ramp = md.End != md.Temperature;
        if (ramp && md.Steps < 2)
            throw new ArgumentException("a ramp needs at least 2 steps (a segment at the start and one at the end temperature)", nameof(md));
        int count = ramp ? Math.Clamp((md.Steps + md.SegmentSteps - 1) / md.SegmentSteps, 2, md.Steps) : 1;
        int width = Math.Max(2, (count - 1).ToString(CultureInfo.InvariantCulture).Length);
        var plan = new List<Cp2kMdSegment>(count + 1);
        for (int k = 0; k < count; k++)
        {
            int steps = md.Steps / count + (k < md.Steps % count ? 1 : 0);
            double t = count == 1 ? md.Temperature : md.Temperature + (md.End - md.Temperature) * k / (count - 1);
            plan.Add(new Cp2kMdSegment("md-" + k.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'), t, steps, false));
        }
        if (md.HoldSteps > 0)
            plan.Add(new Cp2kMdSegment(HoldName, md.End, md.HoldSteps, true));
        return plan;
    }

    /// <summary>The FARMING input that runs the segments in order, one CP2K group.</summary>
    public static string RenderMaster(IReadOnlyList<Cp2kMdSegment> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var sb = new StringBuilder()
            .Append("! CP2K AIMD temperature ramp written by NepForge: NVT (CSVR) segments run one after another in this job,\n")
            .Append("! each restarting the previous one's positions, velocities and thermostat (CP2K FARMING, one group, in order).\n")
            .Append("&GLOBAL\n  PROJECT md-chain\n  PROGRAM_NAME FARMING\n  RUN_TYPE NONE\n&END GLOBAL\n&FARMING\n  NGROUPS 1\n");
        for (int i = 0; i < plan.Count; i++)
        {
            sb.Append("  &JOB\n    DIRECTORY .\n")
                .Append("    INPUT_FILE_NAME ").Append(plan[i].InputName).Append('\n')
                .Append("    OUTPUT_FILE_NAME ").Append(plan[i].LogName).Append('\n')
                .Append("    JOB_ID ").Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("  &END JOB\n");
        }
        return sb.Append("&END FARMING\n").ToString();
    }

    /// <summary>The input of <paramref name="segment"/>; <paramref name="previous"/> is the segment it restarts from (null for the first).</summary>
    public static string RenderSegment(Frame frame, Cp2kSettings? settings, Cp2kMdSettings md, Cp2kMdSegment segment, Cp2kMdSegment? previous)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(segment);
        settings = (settings ?? new Cp2kSettings()) with { Project = segment.Name };
        string text = Cp2kMd.Render(frame, settings, md with { Temperature = segment.Temperature, EndTemperature = null, HoldSteps = 0, Steps = segment.Steps });
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string what = segment.IsHold ? $"the hold at {F(segment.Temperature)} K" : $"ramp segment at {F(segment.Temperature)} K";
        string from = previous is null ? "from the input structure" : $"restarting {previous.Name}'s positions, velocities, thermostat and step counter";
        text = Replace(text, $"FILENAME ={Cp2kInputWriter.StressFile}\n", $"FILENAME ={segment.StressFile}\n");
        // The restart file is written at the segment's last step (CP2K's ADD_LAST); no backup copies.
        text = Replace(text, "    &RESTART_HISTORY OFF\n", "    &RESTART\n      BACKUP_COPIES 0\n    &END RESTART\n    &RESTART_HISTORY OFF\n");
        string restart = previous is null ? "" : "&EXT_RESTART\n  RESTART_FILE_NAME " + previous.RestartFile + "\n" +
            "  RESTART_COUNTERS T\n  RESTART_POS T\n  RESTART_VEL T\n  RESTART_THERMOSTAT T\n  RESTART_RANDOMG T\n&END EXT_RESTART\n";
        string header = $"! Segment {segment.Name} of a NepForge AIMD ramp: {what}, {segment.Steps.ToString(CultureInfo.InvariantCulture)} step(s), {from}.\n";
        return Replace(text, "&GLOBAL\n", header + restart + "&GLOBAL\n");
    }

    // A replacement that must happen: a template change that moved the text fails here, not silently in CP2K.
    static string Replace(string text, string old, string replacement) =>
        text.Contains(old, StringComparison.Ordinal)
            ? text.Replace(old, replacement, StringComparison.Ordinal)
            : throw new InvalidOperationException($"CP2K MD input has no '{old.Trim()}' to change for a ramp segment");

    /// <summary>Writes the segments' inputs and the FARMING <see cref="Cp2kRunner.DefaultInputName"/> into <paramref name="folder"/>.</summary>
    public static void Write(string folder, Frame frame, Cp2kSettings? settings, Cp2kMdSettings md)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var plan = Plan(md);
        for (int i = 0; i < plan.Count; i++)
            AtomicFile.WriteAllText(Path.Combine(folder, plan[i].InputName), RenderSegment(frame, settings, md, plan[i], i > 0 ? plan[i - 1] : null));
        AtomicFile.WriteAllText(Path.Combine(folder, Cp2kRunner.DefaultInputName), RenderMaster(plan));
    }

    /// <summary>True when <paramref name="folder"/>'s input is a chain written by <see cref="Write"/> (a FARMING input).</summary>
    public static bool IsChain(string folder)
    {
        string path = Path.Combine(folder, Cp2kRunner.DefaultInputName);
        return File.Exists(path) && File.ReadLines(path).Any(l => l.Trim().Equals("PROGRAM_NAME FARMING", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True for the name of a segment input (<c>md-*.inp</c>): an input of the job, kept when an attempt is archived.</summary>
    public static bool IsSegmentInput(string fileName) =>
        fileName.StartsWith("md-", StringComparison.Ordinal) && fileName.EndsWith(".inp", StringComparison.Ordinal);

    /// <summary>The segments of the chain in <paramref name="folder"/>, in the order the FARMING input runs them.</summary>
    /// <exception cref="ParseException">The inputs are not a chain written by <see cref="Write"/>.</exception>
    public static IReadOnlyList<Cp2kMdSegment> ReadPlan(string folder)
    {
        string master = Path.Combine(folder, Cp2kRunner.DefaultInputName);
        var plan = new List<Cp2kMdSegment>();
        int lineNo = 0;
        foreach (string line in File.ReadLines(master))
        {
            lineNo++;
            string[] t = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length != 2 || !t[0].Equals("INPUT_FILE_NAME", StringComparison.OrdinalIgnoreCase))
                continue;
            // Only plain names in the job folder: the chain never reads outside it.
            if (!IsSegmentInput(t[1]) || Path.GetFileName(t[1]) != t[1])
                throw new ParseException(master, lineNo, null, $"'{t[1]}' is not a segment input (md-*.inp in the job folder)");
            string name = t[1][..^".inp".Length];
            var (temperature, steps) = SegmentSettings(Path.Combine(folder, t[1]));
            plan.Add(new Cp2kMdSegment(name, temperature, steps, name == HoldName));
        }
        if (plan.Count == 0)
            throw new ParseException(master, 0, null, "a FARMING input without INPUT_FILE_NAME lines: not a NepForge AIMD chain");
        return plan;
    }

    // The MD section's TEMPERATURE and STEPS of a segment input.
    static (double Temperature, int Steps) SegmentSettings(string path)
    {
        if (!File.Exists(path))
            throw new ParseException(path, 0, null, "segment input missing");
        double? temperature = null;
        int? steps = null;
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            string[] t = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length != 2)
                continue;
            if (t[0].Equals("TEMPERATURE", StringComparison.OrdinalIgnoreCase) && temperature is null)
            {
                temperature = double.TryParse(t[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0
                    ? v : throw new ParseException(path, lineNo, null, $"TEMPERATURE '{t[1]}' is not a temperature in K");
            }
            else if (t[0].Equals("STEPS", StringComparison.OrdinalIgnoreCase) && steps is null)
            {
                steps = int.TryParse(t[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1
                    ? n : throw new ParseException(path, lineNo, null, $"STEPS '{t[1]}' is not a step count");
            }
        }
        return (temperature ?? throw new ParseException(path, 0, null, "no MD TEMPERATURE line"),
            steps ?? throw new ParseException(path, 0, null, "no MD STEPS line"));
    }

    /// <summary>
    /// The frames of the chain in <paramref name="folder"/>, segments in order: numbered from 0 across segments (the
    /// restart point is not repeated), each with <c>md_target_temperature</c> (its segment's target) and, when the
    /// chain has a hold, <c>md_hold</c> as <c>nepforge md</c> writes them.
    /// </summary>
    public static Cp2kTrajectory Read(string folder, Frame input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = ReadPlan(folder);
        int rampSteps = plan.Where(s => !s.IsHold).Sum(s => s.Steps);
        int holdSteps = plan.Where(s => s.IsHold).Sum(s => s.Steps);
        var ramp = new MdTemperatureRamp(plan[0].Temperature, plan[^1].Temperature, rampSteps, holdSteps);
        var frames = new List<Frame>();
        var warnings = new List<string>();
        int steps = 0, unconverged = 0;
        for (int i = 0; i < plan.Count; i++)
        {
            var s = plan[i];
            var part = Cp2kTrajectoryReader.ReadRun(folder, input, $"{s.Name}-pos-1.xyz", $"{s.Name}-frc-1.xyz", s.StressFile, s.LogName, restarted: i > 0);
            string target = s.Temperature.ToString("R", CultureInfo.InvariantCulture);
            foreach (var f in part.Frames)
            {
                f.Info.SourceIndex = steps + f.Info.SourceIndex;
                f.Info.SetExtra(NepMolecularDynamics.TargetTemperatureKey, target);
                if (holdSteps > 0)
                    f.Info.SetExtra(NepMolecularDynamics.HoldKey, ramp.InHold((int)Math.Clamp(f.Info.SourceStep ?? 0, 0, int.MaxValue)) ? "T" : "F");
                frames.Add(f);
            }
            steps += part.Steps;
            unconverged += part.Unconverged;
            warnings.AddRange(part.Warnings.Select(w => $"{s.Name}: {w}"));
        }
        return new Cp2kTrajectory(frames, steps, unconverged, warnings);
    }
}
