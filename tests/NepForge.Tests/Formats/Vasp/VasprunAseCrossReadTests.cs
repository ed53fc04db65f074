using System.Text.Json;
using NepForge.Formats.Vasp;

namespace NepForge.Tests.Formats.Vasp;

/// <summary>
/// Reads every vasprun.xml fixture with the real ASE (<c>ase.io.read(path, ':', format='vasp-xml')</c>, Debian's
/// python3-ase for /usr/bin/python3) and with <see cref="VasprunReader"/>: the same number of steps (ASE returns one per
/// &lt;calculation&gt;, no machine-learned frames), the same species, cell, positions and forces, ASE's free energy (the
/// calculation-level e_fr_energy) and energy (σ→0, which ASE also takes from the last scstep), and ASE's stress =
/// −virial/V. Skipped where ASE or the fixtures are missing.
/// </summary>
public sealed class VasprunAseCrossReadTests
{
    // aiida-vasp/unfinished has no complete step: ASE then returns the initial structure without a calculator.
    static readonly string[] Files =
    [
        "dpdata/vasprun.h2o.md.xml",
        "dpdata/vasprun.h2o.md.conv.xml",
        "dpdata/vasprun.h2o.md.10.xml",
        "dpdata/vasprun.Ge.vdw.xml",
        "dpdata/Ti-O-Ti-v6/vasprun.xml",
        "dpdata/Ti-aimd-nwrite0/vasprun.xml",
        "pymatgen-core/vasprun.etest1.xml",
        "pymatgen-core/vasprun.etest2.xml",
        "pymatgen-core/vasprun.md.xml",
        "pymatgen-core/vasprun.ml_md.xml",
        "pymatgen-core/static_silicon/vasprun.xml",
        "aiida-vasp/basic/vasprun.xml",
        "aiida-vasp/relax/vasprun.xml",
        "aiida-vasp/relax-truncated/vasprun.xml",
        "aiida-vasp/elec-unconverged/vasprun.xml",
    ];

    const string Script = """
        import json, sys, warnings
        warnings.simplefilter('ignore')
        import ase.io
        from ase.calculators.calculator import PropertyNotImplementedError

        out = {}
        for path in sys.argv[1:]:
            frames = []
            for a in ase.io.read(path, ':', format='vasp-xml'):
                try:
                    stress = a.get_stress(voigt=True).tolist()
                except PropertyNotImplementedError:
                    stress = None
                frames.append({
                    'symbols': a.get_chemical_symbols(),
                    'cell': a.cell.array.flatten().tolist(),
                    'positions': a.positions.flatten().tolist(),
                    'forces': a.get_forces().flatten().tolist(),
                    'free': a.get_potential_energy(force_consistent=True),
                    'energy': a.get_potential_energy(),
                    'stress': stress,
                })
            out[path] = frames
        print(json.dumps(out))
        """;

    [AseFixtureFact]
    public void Every_fixture_reads_as_in_ase()
    {
        var paths = Files.Select(f => Fixtures.Path("vasp/" + f)).ToList();
        using var json = JsonDocument.Parse(Ase.RunChecked(Script, paths));
        foreach (var path in paths)
        {
            var ase = json.RootElement.GetProperty(path).EnumerateArray().ToList();
            var ours = VasprunReader.ReadSteps(path).ToList();
            Assert.True(ase.Count == ours.Count, $"{path}: ASE {ase.Count} steps, NepForge {ours.Count}");
            for (int i = 0; i < ours.Count; i++)
            {
                string where = $"{path} step {i + 1}";
                var a = ase[i];
                var s = ours[i];
                var f = s.Frame;
                Assert.Equal(a.GetProperty("symbols").EnumerateArray().Select(e => e.GetString()), f.Elements.Select(e => e.Symbol));
                AssertAll(Doubles(a.GetProperty("cell")), f.Lattice!.Matrix.ToArray(), 1e-12, 0, where + " cell");
                AssertAll(Doubles(a.GetProperty("positions")), f.Positions, 1e-12, 1e-12, where + " positions");
                AssertAll(Doubles(a.GetProperty("forces")), f.Forces!, 0, 0, where + " forces");
                AssertClose(a.GetProperty("free").GetDouble(), s.FreeEnergy!.Value, 0, 0, where + " free energy");
                AssertClose(a.GetProperty("energy").GetDouble(), s.EnergySigma0!.Value, 1e-15, 1e-12, where + " sigma0 energy");
                var stress = a.GetProperty("stress");
                if (stress.ValueKind == JsonValueKind.Null)
                {
                    Assert.Null(f.Virial);
                    continue;
                }
                // ASE: Voigt xx yy zz yz xz xy, tensile positive, eV/Å³ (CODATA 2014 GPa) = −virial/V.
                var v = Doubles(stress);
                var mine = f.AseStress!.Value;
                double[] expected = [mine.M00, mine.M11, mine.M22, mine.M12, mine.M02, mine.M01];
                AssertAll(v, expected, 1e-7, 1e-12, where + " stress");
            }
        }
    }

    static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetDouble())];

    static void AssertAll(double[] expected, double[] actual, double relative, double absolute, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values in ASE, {actual.Length} here");
        for (int i = 0; i < expected.Length; i++)
            AssertClose(expected[i], actual[i], relative, absolute, $"{what}[{i}]");
    }

    static void AssertClose(double expected, double actual, double relative, double absolute, string what)
    {
        double tolerance = relative * Math.Max(Math.Abs(expected), Math.Abs(actual)) + absolute;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: ASE {expected:R}, NepForge {actual:R}");
    }
}
