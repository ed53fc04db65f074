using NepForge.Formats.Cp2k;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Cp2k;

/// <summary>Parser and classifier on hand-made files (no CP2K needed); the real-run tests are in <see cref="NepForge.Tests.Dft.Cp2k.Cp2kRunTests"/>.</summary>
public sealed class Cp2kOutputParserTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), $"nepforge-cp2k-parse-{Guid.NewGuid():N}");

    public Cp2kOutputParserTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    const string Log = """
         SCF WAVEFUNCTION OPTIMIZATION
          *** SCF run converged in     9 steps ***
         ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]:              -30.894775139172047
          **** **** ******  **  PROGRAM ENDED AT                 2026-11-22 05:32:19.969
        """;

    const string Forces = """

         ATOMIC FORCES in [a.u.]

         # Atom   Kind   Element          X              Y              Z
              1      1      Si         -0.01366569     0.00369767    -0.00615962
              2      1      Si          0.01366569    -0.00369767     0.00615962
         SUM OF ATOMIC FORCES           0.00000000     0.00000000     0.00000000     0.00000000
        """;

    const string Stress = """

         STRESS| Analytical stress tensor [GPa]
         STRESS|                        x                   y                   z
         STRESS|      x        1.62968261367E+01   1.05695119472E+00   1.28085620747E-02
         STRESS|      y        1.05695119472E+00   1.63488682412E+01   9.66385879449E-01
         STRESS|      z        1.28085620747E-02   9.66385879449E-01   1.62784300480E+01
         STRESS| 1/3 Trace                                             1.63080414753E+01
         STRESS| Determinant                                           4.30375649861E+03

         STRESS| Eigenvectors and eigenvalues of the analytical stress tensor [GPa]
         STRESS|                        1                   2                   3
         STRESS| Eigenvalues   1.48926679576E+01   1.62740513288E+01   1.77574051395E+01
        """;

    static Frame Si2() => new([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 1.3, 1.3, 1.3], Lattice.Orthorhombic(5, 5, 5));

    void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    [Fact]
    public void LabelsEnergyForcesAndVirialInNepUnits()
    {
        Write("out.log", Log);
        Write("forces.out", Forces);
        Write("stress.out", Stress);
        var input = Si2();
        var r = Cp2kOutputParser.Parse(input, _dir);
        Assert.Equal(Cp2kRunState.Converged, r.Status.State);
        var f = r.Frame!;
        Assert.Null(input.Energy);
        Assert.Equal(-30.894775139172047 * 27.211386245988, f.Energy!.Value, 9);
        Assert.Equal(-0.01366569 * 27.211386245988 / 0.529177210903, f.Forces![0], 12);
        Assert.Equal(0.00615962 * 51.422086, f.Forces[5], 5);
        // virial = σ V / 160.2177 with the pressure sign: positive on the diagonal for a compressed cell.
        Assert.Equal(16.2968261367 * 125 / 160.2176634, f.Virial!.Value.M00, 9);
        Assert.Equal(0.966385879449 * 125 / 160.2176634, f.Virial.Value.M12, 9);
        Assert.Equal(16.3080414753, f.StressGpa!.Value.Trace / 3, 8);
        Assert.Equal("cp2k_free_energy", f.Info.EnergyKind);
        Assert.Equal(Path.Combine(_dir, "out.log"), f.Info.SourceFile);
    }

    [Fact]
    public void ForcesAndStressFallBackToTheLog()
    {
        Write("out.log", Log + Forces);
        var r = Cp2kOutputParser.Parse(Si2(), _dir);
        Assert.NotNull(r.Frame!.Forces);
        Assert.Null(r.Frame.Virial);
    }

    [Fact]
    public void MalformedFilesGiveFileAndLine()
    {
        Write("out.log", Log);
        Write("forces.out", Forces.Replace("0.00369767", "0.0036x767", StringComparison.Ordinal));
        var e = Assert.Throws<ParseException>(() => Cp2kOutputParser.Parse(Si2(), _dir));
        Assert.Equal(Path.Combine(_dir, "forces.out"), e.File);
        Assert.Equal(5, e.Line);
        Assert.Contains("0.0036x767", e.Message, StringComparison.Ordinal);

        Write("forces.out", Forces.Replace("Si ", "O  ", StringComparison.Ordinal));
        e = Assert.Throws<ParseException>(() => Cp2kOutputParser.Parse(Si2(), _dir));
        Assert.Contains("atom 1 is O here but Si in the frame", e.Message, StringComparison.Ordinal);

        Write("forces.out", Forces + Forces);
        e = Assert.Throws<ParseException>(() => Cp2kOutputParser.Parse(Si2(), _dir));
        Assert.Contains("fresh folder", e.Message, StringComparison.Ordinal);

        var three = new Frame([Elements.Get("Si"), Elements.Get("Si"), Elements.Get("Si")], new double[9], Lattice.Orthorhombic(5, 5, 5));
        Write("forces.out", Forces);
        e = Assert.Throws<ParseException>(() => Cp2kOutputParser.Parse(three, _dir));
        Assert.Contains("2 atoms, the frame 3", e.Message, StringComparison.Ordinal);

        Write("stress.out", Stress[..Stress.IndexOf("STRESS|      z", StringComparison.Ordinal)]);
        e = Assert.Throws<ParseException>(() => Cp2kOutputParser.Parse(Si2(), _dir));
        Assert.Equal(Path.Combine(_dir, "stress.out"), e.File);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassifiesTheWaysARunEnds()
    {
        Assert.Equal(Cp2kRunState.MissingOutput, Cp2kOutputParser.Classify(Path.Combine(_dir, "out.log")).State);
        Assert.Equal(Cp2kRunState.MissingOutput, Cp2kOutputParser.Parse(Si2(), _dir).Status.State);

        Write("out.log", "");
        Assert.Equal(Cp2kRunState.Incomplete, Cp2kOutputParser.Classify(Path.Combine(_dir, "out.log")).State);

        Write("out.log", Log.Replace("converged in", "NOT converged in", StringComparison.Ordinal) +
            "\n *** WARNING in qs_scf.F:601 :: SCF run NOT converged ***\n");
        var s = Cp2kOutputParser.Classify(Path.Combine(_dir, "out.log"));
        Assert.Equal(Cp2kRunState.Unconverged, s.State);
        Assert.True(s.HasResults);

        Write("out.log", Log);
        Assert.Equal(Cp2kRunState.Crashed, Cp2kOutputParser.Classify(Path.Combine(_dir, "out.log"), exitCode: 1).State);
        Write("out.log", Log + Log);
        Assert.Contains("fresh folder", Cp2kOutputParser.Classify(Path.Combine(_dir, "out.log")).Reason, StringComparison.Ordinal);

        Write("out.log", """
             GENERATE|  Achieved consistency in connectivity generation.

             *******************************************************************************
             *   ___                                                                       *
             *  /   \                                                                      *
             * [ABORT]                                                                     *
             *  \___/    The requested atomic potential <GTH-PBE-q9> for element <SI> was  *
             *    |              not found in the potential file <GTH_POTENTIALS>          *
             *  O/|                                                                        *
             * /| |                                                                        *
             * / \                                  subsys/external_potential_types.F:2324 *
             *******************************************************************************
            """);
        s = Cp2kOutputParser.Classify(Path.Combine(_dir, "out.log"));
        Assert.Equal(Cp2kRunState.Crashed, s.State);
        Assert.Equal("CP2K aborted: The requested atomic potential <GTH-PBE-q9> for element <SI> was not found in the " +
            "potential file <GTH_POTENTIALS> subsys/external_potential_types.F:2324", s.Reason);
        Assert.Null(Cp2kOutputParser.Parse(Si2(), _dir).Frame);
    }
}
