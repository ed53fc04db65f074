using System.Globalization;
using System.Text.Json;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Qe;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Formats.Qe;

/// <summary>
/// Issue 13, point 11: CP2K logs and QE pw.x outputs made by hand are read by `extract` and by `dft status/collect`,
/// with the values the fixtures' PROVENANCE gives (dpdata's and aiida-quantumespresso's references).
/// </summary>
public sealed class OtherEngineOutputTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    static double[] Row(string file, int row) =>
        [.. File.ReadAllLines(Fixtures.Path(file))[row].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture))];

    [FixtureFact]
    public void Qe_scf_ch4_matches_dpdata_reference()
    {
        var run = QePwReader.Read(Fixtures.Path("qe/dpdata/qe.scf/01.out"));
        Assert.True(run.JobDone);
        var f = Assert.Single(run.Steps).Frame;
        Assert.Equal(["H", "H", "H", "H", "C"], f.Elements.Select(e => e.Symbol));
        // dpdata: −219.74425946528794 eV, equal to 7 significant digits (it used an older Ry constant).
        Assert.Equal(-219.74425946528794, f.Energy!.Value, 1e-4);
        Assert.Equal(-16.15090531 * 13.605693122994, f.Energy!.Value, 1e-9);
        Assert.Equal(10.0, f.Lattice!.Matrix.M00, 1e-6);
        for (int atom = 0; atom < 5; atom++)
        {
            var coord = Row("qe/dpdata/qe.scf/expected/ch4_coord", atom);
            var force = Row("qe/dpdata/qe.scf/expected/ch4_force", atom);
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(coord[k], f.Positions[3 * atom + k], 1e-5);
                Assert.Equal(force[k], f.Forces![3 * atom + k], 1e-6);
            }
        }
        // dpdata's virial comes from the kbar columns (2 decimals); ours from the Ry/bohr³ ones: equal to 3e-3 eV.
        for (int r = 0; r < 3; r++)
        {
            var row = Row("qe/dpdata/qe.scf/expected/ch4_virial", r);
            for (int c = 0; c < 3; c++)
                Assert.Equal(row[c], f.Virial!.Value[r, c], 3e-3);
        }
    }

    [FixtureFact]
    public void Qe_last_bang_line_crystal_positions_triclinic_cell_and_vc_relax_steps()
    {
        // Al.out prints a "!" line at every SCF iteration: only the last is the energy.
        var al = Assert.Single(QePwReader.Read(Fixtures.Path("qe/dpdata/qe.scf/Al.out")).Steps).Frame;
        Assert.Equal(-296.08379065679094669, al.Energy!.Value, 1e-4);
        Assert.Equal([0, 0, 0, 0, 2.02, 2.02, 2.02, 0, 2.02, 2.02, 2.02, 0], al.Positions.Select(x => Math.Round(x, 6)));

        var na = Assert.Single(QePwReader.Read(Fixtures.Path("qe/dpdata/qe.scf/na.out")).Steps).Frame;
        Assert.Equal(7.1716830392, na.Lattice!.Matrix.M00, 1e-4);
        Assert.Equal(-4.2705781183, na.Lattice.Matrix.M10, 1e-4);
        Assert.Equal(12.826457855, na.Lattice.Matrix.M22, 1e-4);

        var vc = QePwReader.Read(Fixtures.Path("qe/aiida-quantumespresso/vcrelax_success/aiida.out"));
        Assert.True(vc.JobDone);
        Assert.Equal(3, vc.Steps.Count);
        Assert.Equal(-22.66052957 * QePwReader.RydbergToEv, vc.Steps[^1].Frame.Energy!.Value, 1e-9);
        Assert.Equal(44.22863, vc.Steps[^1].Frame.Lattice!.Volume, 1e-4); // "new unit-cell volume = … (44.22863 Ang^3)"
        Assert.All(vc.Steps, s => Assert.NotNull(s.Frame.Virial));
    }

    [FixtureFact]
    public void Cp2k_hand_made_logs_old_and_unconverged()
    {
        var (frames, summary) = OtherEngineOutputs.Read(Fixtures.Path("cp2k/dpdata/cp2k_normal_output/cp2k_output"));
        var f = Assert.Single(frames);
        Assert.Equal("cp2k", summary.Engine);
        Assert.Equal(30, f.AtomCount);
        Assert.Equal(-48061.44846402, f.Energy!.Value, 1e-6);
        Assert.Equal([0.01108711, 0.01754315, 0.16323318], f.Forces![..3].Select(x => Math.Round(x, 8)));
        Assert.Equal(-15.03469971, f.Virial!.Value.M00, 1e-4);
        Assert.Equal(-0.14523139, f.Virial.Value.M01, 1e-4);
        Assert.Equal(0.00092848, f.Virial.Value.M02, 1e-4);
        Assert.Equal(-2.519, f.Lattice!.Matrix.M10);

        // dpdata returns no frame for an SCF that did not converge; neither do we.
        (frames, summary) = OtherEngineOutputs.Read(Fixtures.Path("cp2k/dpdata/cp2k_nocon_output"));
        Assert.Empty(frames);
        Assert.Equal(1, summary.Unconverged);
    }

    [FixtureFact]
    public void Extract_and_dft_status_collect_read_them()
    {
        var (code, _, err) = _cli.Run("extract", Fixtures.Path("qe/dpdata/qe.scf/01.out"), Fixtures.Path("cp2k/dpdata/cp2k_normal_output/cp2k_output"),
            Fixtures.Path("cp2k/dpdata/cp2k_nocon_output"), "-o", _cli.PathOf("x.xyz"));
        Assert.True(code == 0, err);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("x.xyz")).ToList();
        Assert.Equal([5, 30], frames.Select(f => f.AtomCount));
        Assert.Contains("cp2k_nocon_output: cp2k, 1 step(s), 0 kept, 1 unconverged", err, StringComparison.Ordinal);

        string jobs = _cli.PathOf("jobs");
        foreach (var (folder, file, name) in new[]
        {
            ("qe-ch4", "qe/dpdata/qe.scf/01.out", "pw.out"),
            ("qe-killed", "qe/aiida-quantumespresso/failed_interrupted/aiida.out", "aiida.out"),
            ("cp2k-fe", "cp2k/dpdata/cp2k_normal_output/cp2k_output", "cp2k_output"),
            ("cp2k-nocon", "cp2k/dpdata/cp2k_nocon_output", "cp2k_nocon_output"),
        })
        {
            Directory.CreateDirectory(Path.Combine(jobs, folder));
            File.Copy(Fixtures.Path(file), Path.Combine(jobs, folder, name));
        }
        (code, var output, _) = _cli.Run("dft", "status", jobs, "--json");
        Assert.Equal(0, code);
        var states = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => Path.GetFileName(r.GetProperty("folder").GetString()!), r => (r.GetProperty("engine").GetString(), r.GetProperty("state").GetString()));
        Assert.Equal(("qe", "converged"), states["qe-ch4"]);
        Assert.Equal(("qe", "incomplete"), states["qe-killed"]);
        Assert.Equal(("cp2k", "converged"), states["cp2k-fe"]);
        Assert.Equal(("cp2k", "unconverged"), states["cp2k-nocon"]);
        (code, _, err) = _cli.Run("dft", "collect", jobs, "-o", _cli.PathOf("train.xyz"), "--max-failed", "0.6");
        Assert.True(code == 0, err);
        var collected = ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")).ToList();
        Assert.Equal(2, collected.Count);
        Assert.Contains(collected, f => f.AtomCount == 30 && Math.Abs(f.Energy!.Value - -48061.44846402) < 1e-6);
        Assert.Contains(collected, f => f.AtomCount == 5 && Math.Abs(f.Energy!.Value - -16.15090531 * QePwReader.RydbergToEv) < 1e-9);
    }
}
