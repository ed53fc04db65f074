using NepForge.Dft.Cp2k;
using NepForge.Dft.Vasp;
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
    public static (List<string> Written, List<string> Skipped) Prepare(IEnumerable<Frame> frames, string root, DftEngineInputs inputs)
    {
        var written = new List<string>();
        var skipped = new List<string>();
        int index = 0;
        foreach (var frame in frames)
        {
            index++;
            string folder = Path.Combine(root, index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
            if (HasOutput(folder))
            {
                skipped.Add(folder);
                continue;
            }
            Directory.CreateDirectory(folder);
            var input = frame.Clone();
            input.ClearLabels();
            if (inputs.Vasp is { } vasp)
                VaspInputWriter.Write(folder, input, vasp);
            else
                Cp2kInputWriter.Write(Path.Combine(folder, Cp2kRunner.DefaultInputName), input, inputs.Cp2k);
            ExtXyzWriter.WriteFile(Path.Combine(folder, StructureFile), [input]);
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
            .Where(IsJobFolder).Order(NaturalOrderComparer.Instance).ToList();
    }

    static readonly string[] Markers = ["INCAR", "POSCAR", "OUTCAR", "vasprun.xml", Cp2kRunner.DefaultInputName, Cp2kRunner.DefaultLogName, StructureFile];

    static bool IsJobFolder(string dir) => Markers.Any(m => File.Exists(Path.Combine(dir, m)));

    static bool HasOutput(string folder) =>
        File.Exists(Path.Combine(folder, "OUTCAR")) || File.Exists(Path.Combine(folder, "vasprun.xml")) ||
        File.Exists(Path.Combine(folder, Cp2kRunner.DefaultLogName));

    /// <summary>vasp or cp2k, from the files in the folder.</summary>
    public static string EngineOf(string folder) =>
        File.Exists(Path.Combine(folder, Cp2kRunner.DefaultInputName)) || File.Exists(Path.Combine(folder, Cp2kRunner.DefaultLogName)) ? "cp2k" : "vasp";

    /// <summary>Classifies a folder and, when it converged, reads its labelled frame with the input's provenance.</summary>
    public static DftJobStatus Inspect(string folder)
    {
        var input = ReadStructure(folder);
        return EngineOf(folder) == "cp2k" ? InspectCp2k(folder, input) : InspectVasp(folder, input);
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
        var frame = state == DftJobState.Converged && r.Frame is { } f ? WithProvenance(f, input, folder) : null;
        return new(folder, "vasp", state, reason, frame);
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
}
