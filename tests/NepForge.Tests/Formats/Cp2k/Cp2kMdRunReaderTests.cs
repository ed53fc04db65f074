using NepForge.Formats;
using NepForge.Formats.Cp2k;
using NepForge.IO;

namespace NepForge.Tests.Formats.Cp2k;

/// <summary>
/// CP2K MD runs made by hand, checked against dpdata's references (../shared/fixtures/cp2k/PROVENANCE.md): the
/// REFTRAJ run (pos + frc + input, no log) and the NVT run cut short (log + one pos frame, forces and stress from the
/// log).
/// </summary>
public sealed class Cp2kMdRunReaderTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), $"nepforge-cp2k-md-{Guid.NewGuid():N}");

    public Cp2kMdRunReaderTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [FixtureFact]
    public void Reftraj_run_from_pos_frc_and_input_matches_dpdata()
    {
        string pos = Fixtures.Path("cp2k/dpdata/aimd/DPGEN-pos-1.xyz");
        Assert.Equal("cp2k-md", OtherEngineOutputs.EngineOf(pos));
        var (frames, summary) = OtherEngineOutputs.Read(pos);
        Assert.Equal(30, frames.Count);
        Assert.Equal(30, summary.Steps);
        Assert.Contains("no log", summary.Reason, StringComparison.Ordinal);
        // dpdata: energy[0] = -344513.2635829211 eV, energy[-1] = -344515.2943487688 eV.
        Assert.Equal(-344513.2635829211, frames[0].Energy!.Value, 1e-6);
        Assert.Equal(-344515.2943487688, frames[^1].Energy!.Value, 1e-6);
        // First atom of frame 0: coord 9.91856212 3.10968054 9.83892356, force 0.06152445 0.39604916 -1.18139115
        // (dpdata's forces differ from frc × 51.42208619 by up to 2e-7 eV/Å, below the file's 10-decimal rounding × 51).
        Assert.Equal([9.91856212, 3.10968054, 9.83892356], frames[0].Positions[..3].ToArray(), new Tol(1e-8));
        Assert.Equal([0.06152445, 0.39604916, -1.18139115], frames[0].Forces![..3].ToArray(), new Tol(3e-7));
        // Last atom of the last frame: force -0.53000519 0.14504263 0.86009938, coord 0.09959704 0.48416828 36.83313531.
        Assert.Equal([-0.5300051925957926, 0.14504262618574928, 0.8600993845672467], frames[^1].Forces![^3..].ToArray(), new Tol(3e-7));
        Assert.Equal([0.09959704, 0.48416828, 36.83313531], frames[^1].Positions[^3..].ToArray(), new Tol(1e-8));
        // Cell from input.inp's &CELL (A, B, C given out of order).
        Assert.Equal(10.451 * 12.068 * 39.754, frames[0].Lattice!.Volume, 1e-6);
        Assert.Equal(533, frames[0].AtomCount);
        // The input's &KIND Al has ELEMENT Co: CP2K computed 64 Co atoms and prints Co in the pos file. dpdata reports
        // 32 of them as "Al" (it takes kind names from the input); the label belongs to the element that was computed.
        Assert.Equal(64, frames[0].Elements.Count(e => e.Symbol == "Co"));
        Assert.Equal(["O", "Co", "H"], frames[0].Elements.Select(e => e.Symbol).Distinct().ToArray());
        Assert.Null(frames[0].Virial);
    }

    [FixtureFact]
    public void Cut_nvt_run_pairs_the_pos_frame_with_the_logs_first_step_as_dpdata()
    {
        string log = Fixtures.Path("cp2k/dpdata/aimd_stress/cp2k.log");
        Assert.Equal("cp2k-md", OtherEngineOutputs.EngineOf(log));
        var (frames, summary) = OtherEngineOutputs.Read(log);
        var f = Assert.Single(frames);
        Assert.False(summary.Completed); // the log ends inside the next step's SCF
        Assert.Equal(-219.65547237786944, f.Energy!.Value, 1e-7);
        Assert.Equal([-0.27437067, 0.47127091, -0.13671791], f.Forces![..3].ToArray(), new Tol(1e-7));
        Assert.Equal([0.3367811176260754, 0.16871734605184974, 1.5095924926957534], f.Forces![^3..].ToArray(), new Tol(1e-7));
        // dpdata's virial (stress row × V / 160.2177): first row -1.30576333 -0.55176819 0.57459445.
        var v = f.Virial!.Value;
        Assert.Equal(-1.3057633319598154, v.M00, 1e-6);
        Assert.Equal(-0.551768189124646, v.M01, 1e-6);
        Assert.Equal(0.5745944488664917, v.M02, 1e-6);
        Assert.Equal(-0.881773064230071, v.M22, 1e-6);
        Assert.Equal(1000, f.Lattice!.Volume, 1e-9);
        Assert.Equal(["H", "H", "H", "H", "C"], f.Elements.Select(e => e.Symbol).ToArray());
    }

    [Fact]
    public void Npt_run_takes_cell_and_stress_per_step_and_drops_unconverged_steps()
    {
        File.WriteAllText(Path.Combine(_dir, "md.log"), """
             GLOBAL| Project name                                                    SiNpt
             GLOBAL| Run type                                                           MD
             CP2K| version string:                                          CP2K version 2023.1
              *** SCF run converged in     9 steps ***
             ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:              -7.5
              *** SCF run NOT converged ***
             ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:              -7.4
              *** SCF run converged in     9 steps ***
             ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:              -7.3
             **** **** ******  **  PROGRAM ENDED AT                 2026-11-22 05:32:19.969
            """);
        File.WriteAllText(Path.Combine(_dir, "SiNpt-pos-1.xyz"), Block(0, -7.5, 0.1) + Block(1, -7.4, 0.2) + Block(2, -7.3, 0.3));
        File.WriteAllText(Path.Combine(_dir, "SiNpt-frc-1.xyz"), Block(0, -7.5, 0.01) + Block(1, -7.4, 0.02) + Block(2, -7.3, 0.03));
        File.WriteAllText(Path.Combine(_dir, "SiNpt-1.cell"), """
            #   Step   Time [fs]       Ax [Angstrom]  Ay  Az  Bx  By  Bz  Cx  Cy  Cz   Volume [Angstrom^3]
                   0       0.000   5.0 0 0 0 5.0 0 0 0 5.0 125.0
                   1       1.000   5.1 0 0 0 5.0 0 0 0 5.0 127.5
                   2       2.000   5.2 0 0 0 5.0 0 0 0 5.0 130.0
            """);
        File.WriteAllText(Path.Combine(_dir, "SiNpt-1.stress"), """
            #   Step   Time [fs]   xx [bar]  xy [bar]  xz [bar]  yx [bar]  yy [bar]  yz [bar]  zx [bar]  zy [bar]  zz [bar]
                   0       0.000   10000 0 0 0 10000 0 0 0 10000
                   1       1.000   20000 0 0 0 20000 0 0 0 20000
                   2       2.000   30000 0 0 0 30000 0 0 0 30000
            """);
        var (frames, summary) = OtherEngineOutputs.Read(Path.Combine(_dir, "md.log"));
        Assert.Equal(2, frames.Count);
        Assert.Equal(1, summary.Unconverged);
        Assert.True(summary.Completed);
        Assert.Equal([0, 2], frames.Select(f => f.Info.SourceStep!.Value).ToArray());
        Assert.Equal(130.0, frames[1].Lattice!.Volume, 1e-9);
        // 3 GPa × 130 Å³ / 160.21766 = 2.43420 eV on the diagonal.
        Assert.Equal(3 * 130 / NepForge.Structures.Units.EvPerA3ToGpa, frames[1].Virial!.Value.M00, 1e-9);
        Assert.Equal(0.03 * Cp2kOutputParser.HartreePerBohrToEvPerAngstrom, frames[1].Forces![0], 1e-12);
        Assert.Equal(-7.3 * NepForge.Structures.Units.HartreeToEv, frames[1].Energy!.Value, 1e-9);

        var (all, _) = OtherEngineOutputs.Read(Path.Combine(_dir, "md.log"), keepUnconverged: true);
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public void An_md_log_without_its_trajectory_is_a_located_error()
    {
        string log = Path.Combine(_dir, "md.log");
        File.WriteAllText(log, """
             GLOBAL| Project name                                                    Lost
             GLOBAL| Run type                                                           MD
             CP2K| version string:                                          CP2K version 2023.1
            """);
        var e = Assert.Throws<ParseException>(() => OtherEngineOutputs.Read(log));
        Assert.Contains("Lost-pos-1.xyz", e.Message, StringComparison.Ordinal);
        Assert.Contains(log, e.Message, StringComparison.Ordinal);
    }

    static string Block(int step, double energy, double value) =>
        $"       2\n i =        {step}, time =        {step}.000, E =    {energy}\n Si  {value} 0 0\n Si  0 {value} 0\n";

    sealed class Tol(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
