using NepForge.Dft.Cp2k;
using NepForge.Formats.Cp2k;
using NepForge.Structures;
using Xunit.Abstractions;

namespace NepForge.Tests.Dft.Cp2k;

/// <summary>Runs shared by the tests (each CP2K run is 1–3 s on one core); one folder per run under a temporary root.</summary>
public sealed class Cp2kRunFixture : IDisposable
{
    readonly Lazy<Cp2kResult> _si8;
    readonly Lazy<Cp2kResult> _h2;

    public Cp2kRunFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), $"nepforge-cp2k-runs-{Guid.NewGuid():N}");
        _si8 = new(() => Run("si8", Cp2kInputWriterTests.Si8(), TightSilicon));
        _h2 = new(() => Run("h2", Cp2kInputWriterTests.H2Box(), TightH2));
    }

    /// <summary>Fast Si settings with a tight SCF, for finite differences.</summary>
    public static Cp2kSettings TightSilicon { get; } = Cp2kSettings.FastSilicon with { EpsScf = 1e-8 };

    /// <summary>Default (H-safe, 250 Ry) settings with a tight SCF.</summary>
    public static Cp2kSettings TightH2 { get; } = new() { EpsScf = 1e-8 };

    public string Root { get; }

    /// <summary>The perfect Si8 diamond cell, a = 5.431 Å.</summary>
    public Cp2kResult Si8 => _si8.Value;

    /// <summary>The 4 H2 box of the examples.</summary>
    public Cp2kResult H2 => _h2.Value;

    public string Folder(string name) => Path.Combine(Root, name);

    public Cp2kResult Run(string name, Frame frame, Cp2kSettings settings) =>
        Cp2kRunner.SinglePoint(frame, Folder(name), settings, new Cp2kRunOptions { Threads = 1, Timeout = TimeSpan.FromSeconds(120) });

    public void Dispose()
    {
        if (Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }
}

/// <summary>Real CP2K single points: units, signs (forces = −dE/dx, virial = −dE/dV·V), and run classification.</summary>
public sealed class Cp2kRunTests(Cp2kRunFixture runs, ITestOutputHelper output) : IClassFixture<Cp2kRunFixture>
{
    static void AssertConverged(Cp2kResult r) =>
        Assert.True(r.Status.State == Cp2kRunState.Converged, r.Status.ToString());

    [Cp2kFact]
    public void Si8PerfectCrystal()
    {
        var r = runs.Si8;
        AssertConverged(r);
        var f = r.Frame!;
        output.WriteLine($"E/atom = {f.EnergyPerAtom:F6} eV, P = {f.StressGpa!.Value.Trace / 3:F4} GPa");
        Assert.InRange(f.EnergyPerAtom!.Value, -105.5, -104.5);
        for (int i = 0; i < f.AtomCount; i++)
            Assert.True(f.Force(i).Length < 1e-3, $"|F| on atom {i + 1} = {f.Force(i).Length} eV/Å");
        var sigma = f.StressGpa!.Value;
        Assert.InRange(sigma.Trace / 3, 15.5, 17.0);
        var w = f.Virial!.Value;
        Assert.True(w.M00 > 0 && w.M11 > 0 && w.M22 > 0, $"virial {w}");
        Assert.Equal(sigma.M00 * 5.431 * 5.431 * 5.431 / Units.EvPerA3ToGpa, w.M00, 9);
        Assert.True(Math.Abs(w.M01) < 1e-3 * w.M00, $"cubic crystal, off-diagonal virial {w}");
    }

    [Cp2kFact]
    public void VirialIsMinusDeDvTimesV()
    {
        var baseRun = runs.Si8;
        AssertConverged(baseRun);
        const double Strain = 0.002;
        double a = 5.431;
        var plus = runs.Run("si8-strain-plus", Cp2kInputWriterTests.Si8(a * (1 + Strain)), Cp2kRunFixture.TightSilicon);
        var minus = runs.Run("si8-strain-minus", Cp2kInputWriterTests.Si8(a * (1 - Strain)), Cp2kRunFixture.TightSilicon);
        AssertConverged(plus);
        AssertConverged(minus);
        double vPlus = plus.Frame!.Lattice!.Volume, vMinus = minus.Frame!.Lattice!.Volume;
        double pressureFd = -(plus.Frame.Energy!.Value - minus.Frame.Energy!.Value) / (vPlus - vMinus); // eV/Å³
        var f = baseRun.Frame!;
        double pressure = f.Virial!.Value.Trace / 3 / f.Lattice!.Volume;
        output.WriteLine($"-dE/dV = {pressureFd * Units.EvPerA3ToGpa:F4} GPa, parsed {pressure * Units.EvPerA3ToGpa:F4} GPa");
        Assert.True(pressureFd > 0);
        Assert.InRange(pressure / pressureFd, 0.98, 1.02);
    }

    [Cp2kFact]
    public void ForcesAreMinusDeDx()
    {
        // H2 bond stretch: E'' ≈ 45 eV/Å², so a 2-point difference at h = 0.005 Å is off by ~1e-3 eV/Å from the
        // curvature alone: use the 4-point stencil. At 250 Ry the GPW grid makes the analytic force differ from −dE/dx
        // by ~4e-3 eV/Å (egg-box effect); 400 Ry brings it to ~1e-4.
        var settings = Cp2kRunFixture.TightH2 with { Cutoff = 400, EpsDefault = 1e-10 };
        const double H = 0.005;
        const int Atom = 0;
        double Energy(string name, double dx)
        {
            var frame = Cp2kInputWriterTests.H2Box();
            frame.Positions[3 * Atom] += dx;
            var r = runs.Run(name, frame, settings);
            AssertConverged(r);
            return r.Frame!.Energy!.Value;
        }
        var baseRun = runs.Run("h2-400", Cp2kInputWriterTests.H2Box(), settings);
        AssertConverged(baseRun);
        double ep1 = Energy("h2-p1", H), em1 = Energy("h2-m1", -H), ep2 = Energy("h2-p2", 2 * H), em2 = Energy("h2-m2", -2 * H);
        double fd = -(-ep2 + 8 * ep1 - 8 * em1 + em2) / (12 * H);
        double fd2 = -(ep1 - em1) / (2 * H);
        double parsed = baseRun.Frame!.Forces![3 * Atom];
        output.WriteLine($"F_x(atom {Atom + 1}): -dE/dx = {fd:F6} eV/Å (4-point; 2-point {fd2:F6}), parsed {parsed:F6} eV/Å");
        Assert.True(Math.Abs(parsed) > 0.5, $"the test needs a sizeable force, got {parsed}");
        Assert.True(Math.Abs(fd - parsed) < 1e-3, $"-dE/dx = {fd}, parsed {parsed}");
    }

    [Cp2kFact]
    public void H2BoxParses()
    {
        var r = runs.H2;
        AssertConverged(r);
        var f = r.Frame!;
        Assert.InRange(f.Energy!.Value / 4, -33, -30); // ≈ −31.5 eV per H2 with SZV-MOLOPT-SR/GTH
        var sum = new Vec3(0, 0, 0);
        for (int i = 0; i < f.AtomCount; i++)
            sum += f.Force(i);
        Assert.True(sum.Length < 1e-4, $"sum of forces {sum}");
        Assert.Equal(-f.Force(0).X, f.Force(1).X, 4); // the molecule along x: equal and opposite
        Assert.NotNull(f.Virial);
        Assert.Equal("cp2k_free_energy", f.Info.EnergyKind);
    }

    [Cp2kFact]
    public void NonConvergingScfIsUnconverged()
    {
        var r = runs.Run("si8-maxscf2", Cp2kInputWriterTests.Si8(), Cp2kSettings.FastSilicon with { MaxScf = 2 });
        Assert.Equal(Cp2kRunState.Unconverged, r.Status.State);
        Assert.NotNull(r.Frame);
    }

    [Cp2kFact]
    public void MissingTruncatedAndFailedRuns()
    {
        string empty = runs.Folder("empty");
        Directory.CreateDirectory(empty);
        Assert.Equal(Cp2kRunState.MissingOutput, Cp2kOutputParser.Parse(Cp2kInputWriterTests.H2Box(), empty).Status.State);

        AssertConverged(runs.H2);
        string truncated = runs.Folder("truncated");
        Directory.CreateDirectory(truncated);
        var lines = File.ReadAllLines(Path.Combine(runs.Folder("h2"), Cp2kRunner.DefaultLogName));
        File.WriteAllLines(Path.Combine(truncated, Cp2kRunner.DefaultLogName), lines[..(lines.Length / 2)]);
        var r = Cp2kOutputParser.Parse(Cp2kInputWriterTests.H2Box(), truncated);
        Assert.Equal(Cp2kRunState.Incomplete, r.Status.State);
        Assert.Null(r.Frame);

        var bad = runs.Run("bad-potential", Cp2kInputWriterTests.H2Box(),
            new Cp2kSettings { Potentials = new Dictionary<string, string> { ["H"] = "GTH-PBE-q9" } });
        Assert.Equal(Cp2kRunState.Crashed, bad.Status.State);
        Assert.Contains("GTH-PBE-q9", bad.Status.Reason, StringComparison.Ordinal);
    }

    [Cp2kFact]
    public void RunnerRefusesAReusedFolderAndStopsOnTimeout()
    {
        AssertConverged(runs.H2);
        var e = Assert.Throws<InvalidOperationException>(() => Cp2kRunner.Run(runs.Folder("h2")));
        Assert.Contains("fresh folder", e.Message, StringComparison.Ordinal);

        var r = Cp2kRunner.SinglePoint(Cp2kInputWriterTests.Si8(), runs.Folder("timeout"), Cp2kSettings.FastSilicon,
            new Cp2kRunOptions { Timeout = TimeSpan.FromSeconds(0.3) });
        Assert.Equal(Cp2kRunState.Incomplete, r.Status.State);
        Assert.Contains("timed out", r.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingExecutableSaysHowToInstall()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Cp2kRunner.Resolve("/nonexistent/cp2k.psmp"));
        Assert.Contains("apt-get install cp2k", e.Message, StringComparison.Ordinal);
    }
}
