using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

public sealed class OszicarReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-oszicar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string Vasp(string relative) => Fixtures.Path(Path.Combine("vasp", relative));

    static string Lines(params string[] lines) => string.Join('\n', lines) + "\n";

    const string Header = "       N       E                     dE             d eps       ncg     rms          rms(c)";

    // ---- fixtures (shared/fixtures/vasp, see PROVENANCE.md) ----

    [FixtureFact]
    public void Pymatgen_relaxation_has_60_steps_with_F_E0_dE_and_mag()
    {
        var run = OszicarReader.Read(Vasp("pymatgen-core/OSZICAR"));
        Assert.Equal(60, run.Steps.Count);
        Assert.Equal(Enumerable.Range(1, 60), run.Steps.Select(s => s.Number));
        Assert.All(run.Steps, s =>
        {
            Assert.True(double.IsFinite(s.FreeEnergy));
            Assert.NotNull(s.EnergySigma0);
            Assert.NotNull(s.EnergyChange);
            Assert.Equal(0.0, s.Magnetization);
            Assert.Null(s.Temperature);
            Assert.Empty(s.Other);
        });
        Assert.Equal(-526.63928, run.Final!.EnergySigma0);
        Assert.Equal(-526.63928, run.Final.FreeEnergy);
        Assert.Equal(-0.485237E-04, run.Final.EnergyChange);
        Assert.False(run.IsMolecularDynamics);
        Assert.False(run.EndsInsideStep);
        Assert.Empty(run.Diagnostics);

        // Step 1: "   1 F= -.52636024E+03 E0= -.52636024E+03  d E =-.526360E+03" after DAV 1-5 and RMM 6-18.
        var first = run.Steps[0];
        Assert.Equal(-526.36024, first.FreeEnergy);
        Assert.Equal(-526.360, first.EnergyChange);
        Assert.Equal(18, first.Electronic.Count);
        Assert.Equal(18, first.Electronic.Lines);
        Assert.Equal(["DAV", "RMM"], first.Electronic.Algorithms);
        Assert.Equal(-0.526360235093E+03, first.Electronic.LastEnergy);
        Assert.Equal(-0.10063E-05, first.Electronic.LastEnergyChange);
        Assert.Equal(2, first.Electronic.FirstLine);
        Assert.Equal(first.Line - 2, first.Electronic.LastLine); // a blank line before the F= line
        Assert.Equal(9, run.Steps[1].Electronic.Count);
    }

    [FixtureFact]
    public void Static_silicon_has_one_step()
    {
        var run = OszicarReader.Read(Vasp("pymatgen-core/static_silicon/OSZICAR"));
        var step = Assert.Single(run.Steps);
        Assert.Equal(-10.645278, step.EnergySigma0);
        Assert.Equal(-10.645278, run.Final!.EnergySigma0);
        Assert.Equal(0.0, step.EnergyChange);
        Assert.Equal(0.0, step.Magnetization); // printed "-0.0000"
        Assert.Equal(13, step.Electronic.Count);
        Assert.True(run.ConvergenceAgainst(60).AllConverged);
    }

    [FixtureFact]
    public void Killed_relaxation_has_3_complete_steps_and_an_unfinished_fourth()
    {
        var run = OszicarReader.Read(Vasp("custodian/potim/OSZICAR"));
        Assert.Equal(3, run.Steps.Count);
        Assert.Equal(83.579657, run.Steps[2].FreeEnergy); // "F= 0.83579657E+02"
        Assert.Equal(1.8069, run.Steps[2].Magnetization);
        Assert.True(run.EndsInsideStep);
        var unfinished = run.Unfinished!;
        Assert.Equal(7, unfinished.Count);
        Assert.Equal(["DAV", "RMM"], unfinished.Algorithms);
        Assert.Equal(107, unfinished.FirstLine);
        Assert.Equal(113, unfinished.LastLine);
        var d = Assert.Single(run.Diagnostics);
        Assert.Equal(4, d.Frame);
        Assert.Contains("unfinished", d.Message, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Nonconverging_run_reaches_nelm_in_every_step()
    {
        var run = OszicarReader.Read(Vasp("custodian/nonconv/OSZICAR"));
        Assert.Equal(4, run.Steps.Count);
        Assert.All(run.Steps, s => Assert.Equal(10, s.Electronic.Count));
        Assert.Equal(-0.4164, run.Final!.Magnetization);
        Assert.Equal(4.0068, run.Steps[0].Magnetization);

        var nelm10 = run.ConvergenceAgainst(10);
        Assert.False(nelm10.AllConverged);
        Assert.Equal([false, false, false, false], nelm10.Converged);
        Assert.Equal([0, 1, 2, 3], nelm10.UnconvergedIndices);
        Assert.Equal([1, 2, 3, 4], nelm10.UnconvergedSteps.Select(s => s.Number));

        var nelm60 = run.ConvergenceAgainst(60);
        Assert.True(nelm60.AllConverged);
        Assert.Empty(nelm60.UnconvergedSteps);
        Assert.Throws<ArgumentOutOfRangeException>(() => run.ConvergenceAgainst(0));
    }

    [FixtureFact]
    public void Read_from_a_stream_equals_read_from_the_path()
    {
        string path = Vasp("pymatgen-core/OSZICAR");
        using var stream = File.OpenRead(path);
        var a = OszicarReader.Read(stream, "named");
        var b = OszicarReader.Read(path);
        Assert.Equal("named", a.SourceFile);
        Assert.Equal(path, b.SourceFile);
        Assert.Equal(b.Steps.Select(s => (s.FreeEnergy, s.EnergySigma0, s.Electronic.Count)), a.Steps.Select(s => (s.FreeEnergy, s.EnergySigma0, s.Electronic.Count)));
    }

    // ---- line formats ----

    [Fact]
    public void Md_line_with_temperature_and_thermostat_energies()
    {
        var run = OszicarReader.Parse(Lines(
            Header,
            "DAV:   1     0.123E+02    0.123E+02   -0.1E+03   100   0.1E+01",
            "RMM:   2    -0.28386E+02   -0.4E+02   -0.1E+01   100   0.1E+00",
            "   1 T=   301. E= -.28093E+02 F= -.28386E+02 E0= -.28386E+02  EK= 0.29174E+00 SP= 0.00E+00 SK= 0.00E+00",
            "   2 T=  1500. E= -.28000E+02 F= -.28300E+02 E0= -.28301E+02  EK= 0.30000E+00 SP= 0.10E-01 SK= 0.20E-01 mag=     1.5000"));
        Assert.Equal(2, run.Steps.Count);
        var s = run.Steps[0];
        Assert.Equal(1, s.Number);
        Assert.Equal(301.0, s.Temperature);
        Assert.Equal(-28.093, s.TotalEnergy);
        Assert.Equal(-28.386, s.FreeEnergy);
        Assert.Equal(-28.386, s.EnergySigma0);
        Assert.Equal(0.29174, s.KineticEnergy);
        Assert.Equal(0.0, s.NosePotential);
        Assert.Equal(0.0, s.NoseKinetic);
        Assert.Null(s.EnergyChange);
        Assert.Null(s.Magnetization);
        Assert.True(s.IsMolecularDynamics);
        Assert.Equal(2, s.Electronic.Count);
        Assert.Equal(0, run.Steps[1].Electronic.Count); // no electronic lines before step 2
        Assert.Same(OszicarElectronicLoop.Empty, run.Steps[1].Electronic);
        Assert.Equal(1500.0, run.Steps[1].Temperature);
        Assert.Equal(0.01, run.Steps[1].NosePotential);
        Assert.Equal(1.5, run.Steps[1].Magnetization);
        Assert.True(run.IsMolecularDynamics);
        Assert.False(run.EndsInsideStep);
    }

    [Fact]
    public void Fused_values_noncollinear_mag_asterisks_and_unknown_keys()
    {
        var run = OszicarReader.Parse(Lines(
            "CG :   1    -0.1E+02   -0.1E+02   -0.1E+01   100   0.1E+01",
            "   7 F=-.10000000E+02 E0=-.10100000E+02  d E =-.1E-03  mag=     0.1000    -0.2000     1.9000 XY= 3.5",
            "   8 T=****** E= -.1E+02 F= -.1E+02 E0= -.1E+02 EK= 0.1E+01 SP= 0.0 SK= 0.0"));
        var s = run.Steps[0];
        Assert.Equal(7, s.Number);
        Assert.Equal(-10.0, s.FreeEnergy);
        Assert.Equal(-10.1, s.EnergySigma0);
        Assert.Equal(-1e-4, s.EnergyChange);
        Assert.Equal(0.1, s.Magnetization);
        Assert.Equal(new Vec3(0.1, -0.2, 1.9), s.MagnetizationVector);
        Assert.Equal([new KeyValuePair<string, string>("XY", "3.5")], s.Other);
        Assert.Equal(["CG"], s.Electronic.Algorithms);
        Assert.True(double.IsNaN(run.Steps[1].Temperature!.Value));
    }

    [Fact]
    public void Step_number_printed_as_asterisks_and_trailing_words()
    {
        var run = OszicarReader.Parse(Lines(
            "9999 T=   300. E= -.1E+02 F= -.2E+02 E0= -.2E+02 EK= 0.1E+01 SP= 0.0 SK= 0.0",
            "**** T=   301. E= -.1E+02 F= -.3E+02 E0= -.3E+02 EK= 0.1E+01 SP= 0.0 SK= 0.0 extra words"));
        Assert.Equal([9999, 10000], run.Steps.Select(s => s.Number));
        Assert.Equal(-30.0, run.Steps[1].FreeEnergy);
        Assert.Equal([new KeyValuePair<string, string>("extrawords", "")], run.Steps[1].Other);
    }

    [Fact]
    public void Relaxation_side_lines_are_skipped()
    {
        var run = OszicarReader.Parse(Lines(
            Header,
            "DAV:   1    -0.1E+02   -0.1E+02   -0.1E+01   100   0.1E+01",
            "   1 F= -.10000000E+02 E0= -.10000000E+02  d E =-.100000E+02",
            "  gam= 0.00000 g(F)=  0.141E+00 g(S)=  0.000E+00 ort = 0.000E+00 (trialstep = 0.100E+01)",
            "  search vector abs. value=  0.141E+00",
            "bond charge predicted",
            Header,
            "DAV:   1    -0.1E+02   -0.1E+02   -0.1E+01   100   0.1E+01",
            "DAV:   2    -0.2E+02   -0.1E+02   -0.1E+01   100   0.1E+01",
            "   2 F= -.20000000E+02 E0= -.20000000E+02  d E =-.100000E+02",
            "  trial: gam= 0.00000 g(F)=  0.1E+00 g(S)=  0.0E+00 ort = 0.0E+00 (trialstep = 0.1E+01)"));
        Assert.Equal(2, run.Steps.Count);
        Assert.Equal(2, run.Steps[1].Electronic.Count);
        Assert.Empty(run.Diagnostics);
        Assert.False(run.EndsInsideStep);
    }

    [Fact]
    public void Malformed_number_names_file_and_line()
    {
        string path = Path.Combine(_dir, "OSZICAR");
        File.WriteAllText(path, Lines(
            Header,
            "DAV:   1    -0.1E+02   -0.1E+02   -0.1E+01   100   0.1E+01",
            "   1 F= -.10000000E+02 E0= -.1000x000E+02  d E =-.100000E+02",
            "DAV:   1    -0.1E+02   -0.1E+02   -0.1E+01   100   0.1E+01"));
        var ex = Assert.Throws<ParseException>(() => OszicarReader.Read(path));
        Assert.Equal(path, ex.File);
        Assert.Equal(3, ex.Line);
        Assert.Contains($"{path}:3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("E0=", ex.Message, StringComparison.Ordinal);

        var electronic = Assert.Throws<ParseException>(() => OszicarReader.Parse(Lines(
            "DAV:   1    -0.1Q+02   -0.1E+02   -0.1E+01   100   0.1E+01",
            "   1 F= -.10000000E+02 E0= -.10000000E+02  d E =-.100000E+02"), "x/OSZICAR"));
        Assert.Contains("x/OSZICAR:1", electronic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_last_line_is_not_a_step()
    {
        string complete = Lines(
            "DAV:   1    -0.1E+02   -0.1E+02   -0.1E+01   100   0.1E+01",
            "   1 F= -.10000000E+02 E0= -.10000000E+02  d E =-.100000E+02",
            "DAV:   1    -0.2E+02   -0.1E+02   -0.1E+01   100   0.1E+01");

        // Cut inside E0 of the ionic line: step 2 is unfinished, not a step with a wrong E0.
        var cutIonic = OszicarReader.Parse(complete + "   2 F= -.20000000E+02 E0= -.200");
        Assert.Single(cutIonic.Steps);
        Assert.True(cutIonic.EndsInsideStep);
        Assert.Equal(1, cutIonic.Unfinished!.Count);
        Assert.Equal(2, cutIonic.Diagnostics.Count);

        // The same line with its newline is a complete (if short) step.
        var whole = OszicarReader.Parse(complete + "   2 F= -.20000000E+02 E0= -.20000000E+02\n");
        Assert.Equal(2, whole.Steps.Count);
        Assert.False(whole.EndsInsideStep);

        // Cut inside an electronic line: that line is dropped with a warning.
        var cutElectronic = OszicarReader.Parse(complete + "RMM:   2    -0.2E");
        Assert.Single(cutElectronic.Steps);
        Assert.Equal(1, cutElectronic.Unfinished!.Count);
        Assert.Contains(cutElectronic.Diagnostics, d => d.Message.Contains("incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_file_has_no_steps()
    {
        var run = OszicarReader.Parse("");
        Assert.Empty(run.Steps);
        Assert.Null(run.Final);
        Assert.False(run.EndsInsideStep);
        Assert.True(run.ConvergenceAgainst(60).AllConverged);
    }
}
