using NepForge.Dft.Cp2k;
using NepForge.Dft.Vasp;
using NepForge.Formats;
using NepForge.Formats.Cp2k;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Dft;

/// <summary>
/// Job folders for DFT single points (users' in_job.sh, check.sh and single_energy2xyz.sh): one folder per
/// structure (<c>jobs/000001/</c>) holding the engine's inputs and <c>structure.xyz</c>, the frame that went in
/// with its provenance. Inspecting a folder classifies it from the engine's own outputs, so folders made by hand
/// (a VASP run with an OUTCAR) work too.
/// </summary>
public static class DftJobs
{
    /// <summary>The frame a job was made from (provenance, species for parsing CP2K output).</summary>
    public const string StructureFile = "structure.xyz";

    /// <summary>Writes one job folder per frame under <paramref name="root"/>; returns the folders.</summary>
    /// <remarks>Re-running is harmless: a folder that already has output is left alone (and reported as skipped).</remarks>
    /// <param name="frames">The structures.</param>
    /// <param name="root">Where the job folders go.</param>
    /// <param name="inputs">The engine's inputs.</param>
    /// <param name="onOverride">Told of each INCAR template value a given setting replaced (folder, "KEY = old → new (flag)").</param>
    public static (List<string> Written, List<string> Skipped) Prepare(IEnumerable<Frame> frames, string root, DftEngineInputs inputs, Action<string, string>? onOverride = null)
    {
        var written = new List<string>();
        var skipped = new List<string>();
        int index = 0;
        foreach (var frame in frames)
        {
            index++;
            string folder = Path.Combine(root, index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
            if (HasOutput(folder) || DftJobRecord.Load(folder) is { Phase: not DftRunPhase.Prepared })
            {
                skipped.Add(folder);
                continue;
            }
            Directory.CreateDirectory(folder);
            var input = frame.Clone();
            input.ClearLabels();
            IReadOnlyList<string> changes = [];
            if (inputs.Vasp is { } vasp)
            {
                if (inputs.VaspAimd is { } aimd)
                {
                    var (replace, fill, sources) = VaspAimd.Split(aimd, input);
                    var merged = new Dictionary<string, string>(vasp.OverrideSources, StringComparer.OrdinalIgnoreCase);
                    foreach (var (key, source) in sources)
                        merged.TryAdd(key, source);
                    // The user's own --set comes last among the replacements, so it wins over the AIMD flags.
                    vasp = vasp with { Overrides = [.. replace, .. vasp.Overrides], Defaults = [.. vasp.Defaults, .. fill], OverrideSources = merged };
                }
                changes = VaspInputWriter.Write(folder, input, vasp).Changes;
            }
            else if (inputs.Cp2kMd is { } md)
                Cp2kMd.WriteJob(folder, input, inputs.Cp2k, md);
            else
                Cp2kInputWriter.Write(Path.Combine(folder, Cp2kRunner.DefaultInputName), input, inputs.Cp2k);
            if (inputs.Cp2kMd is { } seeded && inputs.Vasp is null)
                input.Info.Seed = seeded.Seed;
            ExtXyzWriter.WriteFile(Path.Combine(folder, StructureFile), [input]);
            new DftJobRecord
            {
                Engine = inputs.Vasp is null ? "cp2k" : "vasp",
                Kind = inputs.Kind,
                InputHashes = DftJobRecord.HashInputs(folder),
                InputOverrides = [.. changes],
            }.Save(folder);
            foreach (string change in changes)
                onOverride?.Invoke(folder, change);
            written.Add(folder);
        }
        return (written, skipped);
    }

    /// <summary>The job folders at or under <paramref name="root"/>, in natural order (000002 before 000010).</summary>
    public static List<string> Find(string root)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"no such folder: {root}");
        return Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root)
            .Where(d => IsJobFolder(d) && !InArchive(root, d)).Order(NaturalOrderComparer.Instance).ToList();
    }

    static readonly string[] Markers = ["INCAR", "POSCAR", "OUTCAR", "vasprun.xml", Cp2kRunner.DefaultInputName, Cp2kRunner.DefaultLogName, StructureFile];

    static bool IsJobFolder(string dir) => Markers.Any(m => File.Exists(Path.Combine(dir, m))) || OtherOutput(dir) is not null;

    /// <summary>
    /// A CP2K log or pw.x output made by hand in <paramref name="folder"/> (a file named *.out, *.log or *output*,
    /// recognised by its first lines), when the folder has no VASP output and no NepForge CP2K log; else null.
    /// </summary>
    public static string? OtherOutput(string folder)
    {
        if (HasOutput(folder) || !Directory.Exists(folder))
            return null;
        return Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)
            .Where(f => Path.GetExtension(f) is ".out" or ".log" || Path.GetFileName(f).Contains("output", StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault(f => OtherEngineOutputs.EngineOf(f) is not null);
    }

    // Earlier attempts' outputs (attempt-N/) and NepForge's own files (.nepforge/) are not jobs.
    static bool InArchive(string root, string dir) =>
        Path.GetRelativePath(root, dir).Split(Path.DirectorySeparatorChar)
            .Any(part => part.StartsWith(DftJobArchive.Prefix, StringComparison.Ordinal) || (part.StartsWith('.') && part != "."));

    static bool HasOutput(string folder) =>
        File.Exists(Path.Combine(folder, "OUTCAR")) || File.Exists(Path.Combine(folder, "vasprun.xml")) ||
        File.Exists(Path.Combine(folder, Cp2kRunner.DefaultLogName));

    /// <summary>vasp or cp2k, from the files in the folder.</summary>
    public static string EngineOf(string folder) =>
        File.Exists(Path.Combine(folder, Cp2kRunner.DefaultInputName)) || File.Exists(Path.Combine(folder, Cp2kRunner.DefaultLogName)) ? "cp2k"
        : OtherOutput(folder) is { } other ? OtherEngineOutputs.EngineOf(other)! : "vasp";

    /// <summary>
    /// <see cref="Inspect"/> with the batch driver's record on top: a job an executor holds is queued or running, a
    /// quarantined one says why it was given up, and inputs edited since they were hashed are pointed out.
    /// </summary>
    public static DftJobStatus Describe(string folder)
    {
        var record = DftJobRecord.Load(folder);
        var status = Inspect(folder);
        if (record is null || status.State == DftJobState.Converged)
            return status;
        string id = record.JobId is { } j ? $"{record.Executor} job {j}" : "";
        status = record.Phase switch
        {
            DftRunPhase.Queued or DftRunPhase.Submitting => status with { State = DftJobState.Queued, Reason = $"{id}, attempt {record.Attempts}".TrimStart(',', ' ') },
            DftRunPhase.Running => status with { State = DftJobState.Running, Reason = $"{id}, attempt {record.Attempts}".TrimStart(',', ' ') },
            DftRunPhase.Quarantined => status with { State = DftJobState.Quarantined, Reason = record.Reason ?? status.Reason },
            DftRunPhase.Prepared when record.Attempts > 0 => status with { Reason = record.Reason ?? status.Reason },
            _ => status,
        };
        var changed = record.InputHashes.Count > 0 ? record.ChangedInputs(folder) : [];
        return changed.Count > 0 ? status with { Reason = $"{status.Reason} [inputs edited since prepared: {string.Join(", ", changed)}]" } : status;
    }

    /// <summary>Classifies a folder and, when it converged, reads its labelled frame with the input's provenance.</summary>
    public static DftJobStatus Inspect(string folder)
    {
        var input = ReadStructure(folder);
        if (!File.Exists(Path.Combine(folder, Cp2kRunner.DefaultInputName)) && OtherOutput(folder) is { } other)
            return InspectOther(folder, other, input);
        return EngineOf(folder) == "cp2k" ? InspectCp2k(folder, input) : InspectVasp(folder, input);
    }

    // A CP2K log or pw.x output made by hand: its own structure, energy, forces and stress.
    static DftJobStatus InspectOther(string folder, string output, Frame? input)
    {
        string engine = OtherEngineOutputs.EngineOf(output)!;
        try
        {
            var (frames, summary) = OtherEngineOutputs.Read(output);
            var state = frames.Count > 0 && summary.Completed ? DftJobState.Converged
                : summary.Reason.StartsWith("CP2K aborted", StringComparison.Ordinal) || summary.Reason.Contains("holds", StringComparison.Ordinal) ? DftJobState.Crashed
                : !summary.Completed ? DftJobState.Incomplete
                : summary.Unconverged > 0 ? DftJobState.Unconverged
                : DftJobState.Crashed;
            if (state != DftJobState.Converged)
                return new(folder, engine, state, $"{Path.GetFileName(output)}: {summary.Reason}", null);
            if (input is not null && DftOutputCheck.Mismatch(input, frames[0]) is { } mismatch)
                return new(folder, engine, DftJobState.Mismatched, mismatch, null);
            var labelled = frames.Select(f =>
            {
                var l = WithProvenance(f, input, folder);
                l.Info.SourceFile = f.Info.SourceFile;
                l.Info.SourceIndex = f.Info.SourceIndex;
                l.Info.SourceStep = f.Info.SourceStep;
                return l;
            }).ToList();
            return new(folder, engine, state, $"{Path.GetFileName(output)}: {summary.Reason}", labelled[^1], labelled);
        }
        catch (Exception e) when (e is ParseException or FormatException or InvalidDataException)
        {
            return new(folder, engine, DftJobState.Crashed, e.Message, null);
        }
    }

    static Frame? ReadStructure(string folder)
    {
        string path = Path.Combine(folder, StructureFile);
        return File.Exists(path) ? ExtXyzReader.ReadFrames(path).FirstOrDefault() : null;
    }

    static DftJobStatus InspectVasp(string folder, Frame? input)
    {
        var r = VaspJobClassifier.Classify(folder);
        var state = r.State switch
        {
            VaspJobState.Converged => DftJobState.Converged,
            VaspJobState.Unconverged => DftJobState.Unconverged,
            VaspJobState.Crashed => DftJobState.Crashed,
            VaspJobState.Incomplete => DftJobState.Incomplete,
            _ => File.Exists(Path.Combine(folder, "INCAR")) ? DftJobState.Prepared : DftJobState.MissingOutput,
        };
        string reason = state == DftJobState.Prepared ? "inputs written, not run yet" : r.Reason;
        if (input is not null && state == DftJobState.Converged && FirstVaspStep(folder) is { } first
            && DftOutputCheck.Mismatch(input, first) is { } mismatch)
        {
            return new(folder, "vasp", DftJobState.Mismatched, mismatch, null);
        }
        var frame = state == DftJobState.Converged && r.Frame is { } f ? WithProvenance(f, input, folder) : null;
        if (frame is not null && IsVaspMd(folder))
        {
            // An AIMD: every ionic step whose electronic loop converged, each with its own step number.
            var extractor = new VaspExtractor(new VaspExtractOptions { ConfigTypeFromFolder = false, Source = VaspSourceKind.Auto });
            var steps = extractor.Extract([folder]).Select(step =>
            {
                var labelled = WithProvenance(step, input, folder);
                labelled.Info.SourceFile = step.Info.SourceFile;
                labelled.Info.SourceIndex = step.Info.SourceIndex;
                labelled.Info.SourceStep = step.Info.SourceStep;
                return labelled;
            }).ToList();
            var summary = extractor.Files.FirstOrDefault();
            string dropped = summary is { Unconverged: > 0 } ? $" ({summary.Unconverged} unconverged dropped)" : "";
            return new(folder, "vasp", state, $"AIMD: {steps.Count} step(s) with a converged SCF{dropped}; {reason}", steps.Count > 0 ? steps[^1] : frame, steps);
        }
        return new(folder, "vasp", state, reason, frame);
    }

    // The first ionic step of the folder's OUTCAR / vasprun.xml (converged or not), or null when none can be read.
    static Frame? FirstVaspStep(string folder)
    {
        try
        {
            var extractor = new VaspExtractor(new VaspExtractOptions
            {
                ConfigTypeFromFolder = false,
                Source = VaspSourceKind.Auto,
                KeepUnconverged = true,
                IncludeMachineLearned = true,
            });
            return extractor.Extract([folder]).FirstOrDefault();
        }
        catch (Exception e) when (e is ParseException or IOException or InvalidDataException)
        {
            return null;
        }
    }

    // Null when the CP2K log's first structure is the job's input (or the log prints none); otherwise the mismatch.
    static string? Cp2kMismatch(string log, Frame input)
    {
        var first = Cp2kLogStructure.ReadFirst(File.ReadAllLines(log), log);
        if (first is null)
            return null;
        // The log prints the cell with 3 decimals only; the input's cell is what CP2K ran with when NepForge wrote it.
        if (first.Lattice is not null && input.Lattice is { } l)
        {
            double worst = first.Lattice.Matrix.ToArray().Zip(l.Matrix.ToArray(), (a, b) => Math.Abs(a - b)).Max();
            if (worst <= 0.0015)
                first.Lattice = l;
        }
        return DftOutputCheck.Mismatch(input, first);
    }

    static DftJobStatus InspectCp2k(string folder, Frame? input)
    {
        string log = Path.Combine(folder, Cp2kRunner.DefaultLogName);
        if (!File.Exists(log))
        {
            bool prepared = File.Exists(Path.Combine(folder, Cp2kRunner.DefaultInputName));
            return new(folder, "cp2k", prepared ? DftJobState.Prepared : DftJobState.MissingOutput,
                prepared ? "inputs written, not run yet" : "no CP2K input or log", null);
        }
        if (input is null)
            return new(folder, "cp2k", DftJobState.MissingOutput, $"no {StructureFile}: the species and cell of the run are unknown", null);
        try
        {
            if (Cp2kMdChain.IsChain(folder))
                return InspectCp2kMdChain(folder, input);
            if (Cp2kOutputParser.Classify(log).State == Cp2kRunState.Converged && Cp2kMismatch(log, input) is { } mismatch)
                return new(folder, "cp2k", DftJobState.Mismatched, mismatch, null);
            if (Cp2kMd.IsMdInput(Path.Combine(folder, Cp2kRunner.DefaultInputName)))
                return InspectCp2kMd(folder, input);
            var result = Cp2kOutputParser.Parse(input, folder);
            var state = result.Status.State switch
            {
                Cp2kRunState.Converged => DftJobState.Converged,
                Cp2kRunState.Unconverged => DftJobState.Unconverged,
                Cp2kRunState.Crashed => DftJobState.Crashed,
                Cp2kRunState.Incomplete => DftJobState.Incomplete,
                _ => DftJobState.MissingOutput,
            };
            var frame = state == DftJobState.Converged && result.Frame is { } f ? WithProvenance(f, input, folder) : null;
            return new(folder, "cp2k", state, result.Status.Reason, frame);
        }
        catch (ParseException e)
        {
            return new(folder, "cp2k", DftJobState.Crashed, e.Message, null);
        }
    }

    // IBRION = 0 in the folder's INCAR: molecular dynamics.
    static bool IsVaspMd(string folder)
    {
        string incar = Path.Combine(folder, "INCAR");
        return File.Exists(incar) && Incar.Load(incar)["IBRION"]?.Trim() == "0";
    }

    // An AIMD run: the log decides whether it ended; steps whose SCF did not converge are dropped, not the run.
    static DftJobStatus InspectCp2kMd(string folder, Frame input)
    {
        var status = Cp2kOutputParser.Classify(Path.Combine(folder, Cp2kRunner.DefaultLogName));
        if (status.State is not (Cp2kRunState.Converged or Cp2kRunState.Unconverged))
        {
            var state = status.State switch
            {
                Cp2kRunState.Crashed => DftJobState.Crashed,
                Cp2kRunState.Incomplete => DftJobState.Incomplete,
                _ => DftJobState.MissingOutput,
            };
            return new(folder, "cp2k", state, status.Reason, null);
        }
        return AimdStatus(folder, Cp2kTrajectoryReader.Read(folder, input), "AIMD");
    }

    // The labelled frames of an AIMD trajectory: converged when at least one step's SCF converged.
    static DftJobStatus AimdStatus(string folder, Cp2kTrajectory trajectory, string what)
    {
        if (trajectory.Frames.Count == 0)
            return new(folder, "cp2k", DftJobState.Unconverged, $"{what}: none of {trajectory.Steps} step(s) has a converged SCF", null);
        var frames = trajectory.Frames.Select(f => WithProvenance(f, f, folder)).ToList();
        foreach (var f in frames)
            f.Info.SetExtra("aimd_step", f.Info.SourceStep?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        string reason = $"{what}: {frames.Count} of {trajectory.Steps} step(s) with a converged SCF" +
            (trajectory.Unconverged > 0 ? $" ({trajectory.Unconverged} unconverged dropped)" : "") +
            (trajectory.Warnings.Count > 0 ? "; " + string.Join("; ", trajectory.Warnings) : "");
        return new(folder, "cp2k", DftJobState.Converged, reason, frames[^1], frames);
    }

    // An AIMD ramp (a FARMING input running segments in order): every segment's log must reach its end; the
    // trajectory is the segments' steps in order.
    static DftJobStatus InspectCp2kMdChain(string folder, Frame input)
    {
        var master = Cp2kOutputParser.Classify(Path.Combine(folder, Cp2kRunner.DefaultLogName));
        if (master.State == Cp2kRunState.Crashed && master.Reason.StartsWith("CP2K aborted", StringComparison.Ordinal))
            return new(folder, "cp2k", DftJobState.Crashed, master.Reason, null);
        var plan = Cp2kMdChain.ReadPlan(folder);
        bool masterEnded = master.State != Cp2kRunState.Incomplete && master.State != Cp2kRunState.MissingOutput;
        for (int i = 0; i < plan.Count; i++)
        {
            string log = Path.Combine(folder, plan[i].LogName);
            string where = $"segment {plan[i].Name} ({i + 1} of {plan.Count})";
            if (!File.Exists(log))
            {
                return masterEnded
                    ? new(folder, "cp2k", DftJobState.Crashed, $"{where} has no log {plan[i].LogName} though the chain ended", null)
                    : new(folder, "cp2k", DftJobState.Incomplete, $"{where} not started: CP2K was killed, timed out or is still running", null);
            }
            var status = Cp2kOutputParser.Classify(log);
            if (status.State is Cp2kRunState.Crashed or Cp2kRunState.Incomplete or Cp2kRunState.MissingOutput)
            {
                var state = status.State == Cp2kRunState.Crashed ? DftJobState.Crashed : status.State == Cp2kRunState.Incomplete ? DftJobState.Incomplete : DftJobState.MissingOutput;
                return new(folder, "cp2k", state, $"{where}: {status.Reason}", null);
            }
        }
        if (Cp2kMismatch(Path.Combine(folder, plan[0].LogName), input) is { } mismatch)
            return new(folder, "cp2k", DftJobState.Mismatched, mismatch, null);
        int hold = plan.Where(s => s.IsHold).Sum(s => s.Steps);
        string what = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"AIMD {plan[0].Temperature:0.##}→{plan[^1].Temperature:0.##} K in {plan.Count(s => !s.IsHold)} segment(s){(hold > 0 ? $" + {hold} hold step(s)" : "")}");
        return AimdStatus(folder, Cp2kMdChain.Read(folder, input), what);
    }

    // The labels come from the DFT output; where the structure came from comes from the input frame.
    static Frame WithProvenance(Frame labelled, Frame? input, string folder)
    {
        var f = labelled.Clone();
        if (input is not null)
        {
            string? kind = f.Info.EnergyKind;
            var extras = f.Info.Extra.Where(kv => kv.Key == "vasp_version").ToList();
            f.Info = input.Info.Clone();
            f.Info.EnergyKind = kind;
            foreach (var kv in extras)
                f.Info.SetExtra(kv.Key, kv.Value);
        }
        f.Info.SetExtra("dft_folder", folder);
        return f;
    }
}

/// <summary>The inputs of one engine: exactly one of <see cref="Vasp"/> or <see cref="Cp2k"/>.</summary>
public sealed record DftEngineInputs
{
    /// <summary>VASP inputs (INCAR template and overrides, k-points, POTCAR library).</summary>
    public VaspInputSet? Vasp { get; init; }

    /// <summary>CP2K settings (used when <see cref="Vasp"/> is null).</summary>
    public Cp2kSettings? Cp2k { get; init; }

    /// <summary>VASP AIMD settings: when set, each job's INCAR gets the MD overrides of <see cref="Vasp.VaspAimd"/>.</summary>
    public VaspAimdSettings? VaspAimd { get; init; }

    /// <summary>CP2K AIMD settings: when set, CP2K jobs run NVT molecular dynamics instead of a single point.</summary>
    public Cp2kMdSettings? Cp2kMd { get; init; }

    /// <summary>single-point or aimd (recorded in each job's record).</summary>
    public string Kind { get; init; } = "single-point";
}
