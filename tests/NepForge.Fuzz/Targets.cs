using System.Globalization;
using System.Text;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Structures;
using NepForge.Workflow;

namespace NepForge.Fuzz;

/// <summary>What a reader made of an input: a summary per frame/step (null for readers without frames) and its warnings.</summary>
public sealed record Outcome(List<string>? Items, int Diagnostics, string? NonFinite);

/// <summary>A reader under test and the real input its cases start from.</summary>
public sealed record Target(string Name, string Seed, Func<byte[], bool, Outcome> Run)
{
    /// <summary>Every reader: extxyz, POSCAR, XDATCAR, OUTCAR, vasprun.xml, OSZICAR, nep.txt, loss.out, workflow.yaml, workflow.state.json.</summary>
    public static List<Target> All(string fixtures, string repo)
    {
        string F(string p) => Path.Combine(fixtures, p);
        return
        [
            new("extxyz", F("gpumd/outcar2xyz/NEP-dataset-multiple_frames.xyz"), (b, gz) =>
            {
                int warnings = 0;
                using var r = new ExtXyzReader(Open(b, gz, "train.xyz"), "train.xyz", new ExtXyzReadOptions { OnDiagnostic = _ => warnings++ });
                return Frames(r.ReadAll(), warnings);
            }),
            new("poscar", F("vasp/pymatgen-core/CONTCAR.MD"), (b, gz) =>
            {
                using var reader = new StreamReader(Open(b, gz, "CONTCAR"), Encoding.UTF8);
                return Frames([PoscarReader.Read(reader, "CONTCAR")], 0);
            }),
            new("xdatcar", F("vasp/pymatgen-core/XDATCAR.MD"), (b, gz) =>
            {
                int warnings = 0;
                var frames = XdatcarReader.ReadFrames(Open(b, gz, "XDATCAR"), "XDATCAR", new XdatcarReadOptions { OnDiagnostic = _ => warnings++ }).ToList();
                return Frames(frames, warnings);
            }),
            new("outcar", F("vasp/dpdata/OUTCAR.h2o.md.10"), (b, gz) =>
            {
                int warnings = 0;
                using var r = new OutcarReader(Open(b, gz, "OUTCAR"), "OUTCAR", new OutcarReadOptions { OnDiagnostic = _ => warnings++ });
                var frames = new List<Frame>();
                while (r.TryRead(out var step))
                    frames.Add(step.Frame);
                return Frames(frames, warnings + (r.Truncated ? 1 : 0));
            }),
            new("vasprun", F("vasp/pymatgen-core/vasprun.etest2.xml"), (b, gz) =>
            {
                int warnings = 0;
                using var r = new VasprunReader(Open(b, gz, "vasprun.xml"), "vasprun.xml", new VasprunReadOptions { OnDiagnostic = _ => warnings++ });
                var frames = new List<Frame>();
                while (r.TryRead(out var step))
                    frames.Add(step.Frame);
                return Frames(frames, warnings + (r.Truncated ? 1 : 0));
            }),
            new("oszicar", F("vasp/pymatgen-core/OSZICAR"), (b, gz) =>
            {
                var run = OszicarReader.Read(Open(b, gz, "OSZICAR"), "OSZICAR");
                return new Outcome(null, 0, null);
            }),
            new("nep.txt", F("nep/potentials/Si_2022_NEP3_5body.txt"), (b, gz) =>
            {
                using var reader = new StreamReader(Open(b, gz, "nep.txt"), Encoding.UTF8);
                var model = NepModelReader.Read(reader, "nep.txt");
                return new Outcome(null, 0, null);
            }),
            new("loss.out", F("gpumd/nep_train/loss.out"), (b, gz) =>
            {
                var table = NumericTable.Read(Open(b, gz, "loss.out"), "loss.out");
                _ = LossFile.From(table);
                return new Outcome(null, table.Warnings.Count, null);
            }),
            new("workflow.yaml", Path.Combine(repo, "examples/quickstart/workflow.yaml"), (b, gz) =>
            {
                string text = new StreamReader(Open(b, gz, "workflow.yaml"), Encoding.UTF8).ReadToEnd();
                _ = WorkflowParser.Parse(text, Path.Combine(repo, "examples/quickstart/workflow.yaml"));
                return new Outcome(null, 0, null);
            }),
            new("workflow.state.json", "", (b, gz) =>
            {
                string dir = Path.Combine(Path.GetTempPath(), "nepforge-fuzz-state-" + Environment.CurrentManagedThreadId.ToString(CultureInfo.InvariantCulture));
                Directory.CreateDirectory(dir);
                using (var f = File.Create(Path.Combine(dir, WorkflowState.FileName)))
                    Open(b, gz, "workflow.state.json").CopyTo(f);
                _ = WorkflowState.Load(dir);
                return new Outcome(null, 0, null);
            }),
        ];
    }

    /// <summary>A journal like the ones `run` writes (the seed of the workflow.state.json target).</summary>
    public static byte[] StateSeed()
    {
        var state = new WorkflowState { Stopped = "fewer than 1 candidate(s) farther than 0.01" };
        var t = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        foreach (var (stage, i) in new[] { "aimd", "extract", "sample", "label", "collect" }.Select((s, i) => (s, i)))
        {
            state.Stages[stage] = new StageRecord
            {
                Status = i < 4 ? "done" : "failed",
                Fingerprint = new string((char)('a' + i), 64),
                Started = t.AddMinutes(i),
                Finished = i < 4 ? t.AddMinutes(i + 0.5) : null,
                Summary = $"{10 * i} frame(s)",
                Error = i < 4 ? null : "04.label: 3 of 10 jobs quarantined",
                Warnings = i == 1 ? ["OUTCAR:120: file ends at line 120 inside ionic step 3"] : null,
            };
        }
        string dir = Directory.CreateTempSubdirectory("nepforge-fuzz-seed").FullName;
        state.Save(dir);
        var bytes = File.ReadAllBytes(Path.Combine(dir, WorkflowState.FileName));
        Directory.Delete(dir, true);
        return bytes;
    }

    static Stream Open(byte[] b, bool gz, string name) => gz ? new GzipInputStream(new MemoryStream(b), name + ".gz") : new MemoryStream(b);

    static Outcome Frames(List<Frame> frames, int diagnostics)
    {
        string? nonFinite = frames.Select(FrameChecks.NonFinite).FirstOrDefault(p => p is not null);
        return new Outcome(frames.ConvertAll(Summary), diagnostics, nonFinite);
    }

    // Everything a label or a structure is made of, exactly.
    static string Summary(Frame f)
    {
        var sb = new StringBuilder();
        foreach (var e in f.Elements)
            sb.Append(e.Symbol).Append(' ');
        foreach (double x in f.Positions)
            sb.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(' ');
        sb.Append('|').Append(f.Lattice?.Matrix.ToString()).Append('|').Append(f.Energy?.ToString("R", CultureInfo.InvariantCulture)).Append('|');
        if (f.Forces is { } forces)
        {
            foreach (double x in forces)
                sb.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(' ');
        }
        sb.Append('|').Append(f.Virial?.ToString());
        return sb.ToString();
    }
}
