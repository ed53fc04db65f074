using NepForge.Formats.ExtXyz;
using NepForge.Sampling.Analysis;
using NepForge.Structures;
using NepForge.Tests.Nep;
using NepForge.Workflow;

namespace NepForge.Tests.Workflow;

/// <summary>The whole-workflow report.html: counts per generation, acquisition error, RDF overlay and CSV, why the loop stopped.</summary>
public sealed class WorkflowReportTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-wf-report").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    // H₂ molecules (bond 0.74 Å, or stretched to 0.74 + stretch) in a periodic box, with labels.
    static List<Frame> H2Frames(int count, double stretch, int seed)
    {
        var rng = new Random(seed);
        var h = Elements.Get("H");
        var frames = new List<Frame>();
        for (int c = 0; c < count; c++)
        {
            var pos = new List<double>();
            for (int m = 0; m < 8; m++)
            {
                double x = 1 + 3 * (m % 3) + 0.2 * rng.NextDouble(), y = 1 + 3 * (m / 3 % 3), z = 2 + 4 * (m / 6);
                double bond = 0.74 + stretch * (rng.NextDouble() - 0.5);
                pos.AddRange([x, y, z, x + bond, y, z]);
            }
            var f = new Frame(Enumerable.Repeat(h, 16).ToArray(), [.. pos], new Lattice(new Vec3(9, 0, 0), new Vec3(0, 9, 0), new Vec3(0, 0, 8)))
            {
                Energy = -1.0 * c,
                Forces = [.. Enumerable.Range(0, 48).Select(i => 0.1 * Math.Sin(i + c))],
            };
            frames.Add(f);
        }
        return frames;
    }

    void Xyz(string relative, List<Frame> frames)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ExtXyzWriter.WriteFile(path, frames);
    }

    [Fact]
    public void Report_shows_counts_errors_rdf_overlay_and_the_stop_reason()
    {
        File.WriteAllText(Path.Combine(_dir, "nep.txt"), NepTestModels.Text(NepTestModels.Get("nep4_zbl 89 species")));
        string wf = Path.Combine(_dir, "wf.yaml");
        File.WriteAllText(wf, """
            engine: {kind: cp2k}
            stages:
              build: {molecules: {H2: 8}, box: [9, 9, 8]}
              label: {}
            active_learning:
              model: nep.txt
              generations: 3
              rdf: [H-H]
              explore: {temperatures: ["10:300"], hold_steps: 10}
            """);
        var spec = WorkflowParser.Load(wf);
        Xyz("05.collect/train.xyz", H2Frames(6, 0.0, 1));
        Xyz("gen-001/01.explore/traj-00-300K.xyz", H2Frames(10, 0.3, 2));
        Xyz("gen-001/02.clean/candidates.xyz", H2Frames(9, 0.3, 2));
        Xyz("gen-001/03.select/selected.xyz", H2Frames(3, 0.3, 3));
        Xyz("gen-001/04.label/labelled.xyz", H2Frames(3, 0.3, 3));
        File.WriteAllText(Path.Combine(_dir, "gen-001/04.label/acquisition.json"), "{\"frames\": 3, \"force_rmse_ev_per_a\": 0.25}\n");
        var state = new WorkflowState { Stopped = "gen-001: fewer than 1 structure(s) farther than 0.01 from the training set in descriptor space" };
        state.Stages["collect"] = new StageRecord { Status = "done", Started = DateTimeOffset.UnixEpoch, Finished = DateTimeOffset.UnixEpoch.AddSeconds(5), Summary = "6 frame(s)" };
        state.Save(_dir);

        var rows = WorkflowReport.Write(spec);
        var r = Assert.Single(rows);
        Assert.Equal((10L, 9L, 3L, 3L, 0L), (r.Explored, r.Cleaned, r.Selected, r.Labelled, r.Failed));
        Assert.Equal(0.25, r.AcquisitionForceRmse);
        // The model's force RMSE on the last generation's labels is the RMS of its force error there.
        var labels = ExtXyzReader.ReadFrames(Path.Combine(_dir, "gen-001/04.label/labelled.xyz")).ToList();
        Assert.Equal(WorkflowReport.ForceRmse(Path.Combine(_dir, "nep.txt"), labels), r.LastLabelsForceRmse);
        // Bonds spread uniformly over 0.74 ± 0.15 Å: the first peak sits at 0.74 Å with σ ≈ 0.3/√12 ≈ 0.087 Å.
        Assert.InRange(r.PeakMean!.Value, 0.72, 0.76);
        Assert.InRange(r.PeakWidth!.Value, 0.06, 0.11);

        string html = File.ReadAllText(Path.Combine(_dir, WorkflowReport.FileName));
        Assert.Contains("fewer than 1 structure(s)", html, StringComparison.Ordinal);
        Assert.Contains("r (Å)", html, StringComparison.Ordinal);
        Assert.Contains("g(r) (dimensionless)", html, StringComparison.Ordinal);
        Assert.Contains("PC 1 (scaled descriptor units)", html, StringComparison.Ordinal);
        string[] csv = File.ReadAllLines(Path.Combine(_dir, WorkflowReport.RdfFileName));
        Assert.Equal("r_A,initial_set_H-H,gen-001_explored_H-H", csv[0]);
        Assert.Equal(161, csv.Length);
    }

    [Fact]
    public void First_peak_of_unstretched_molecules_is_their_bond_length()
    {
        var rdf = new PairDistribution(4.0, 160, [ElementPair.Parse("H-H")]);
        rdf.AddRange(H2Frames(4, 0.0, 5));
        var peak = WorkflowReport.FirstPeak(rdf, ElementPair.Parse("H-H"))!.Value;
        Assert.Equal(0.7375, peak.Mean, 3); // the centre of the 0.725–0.75 Å bin
        Assert.True(peak.Width < 0.02);
    }
}
