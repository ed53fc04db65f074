using System.Text.Json;
using NepForge.Formats.Vasp;

namespace NepForge.Tests.Formats.Vasp;

/// <summary>Every OUTCAR fixture ASE can read gives the same frames in NepForge (ASE reads every step, converged or not).</summary>
public class OutcarAseCrossCheckTests
{
    const string Script = """
import json, sys
from ase.io import read
out = []
for path in sys.argv[1:]:
    try:
        frames = read(path, ':', format='vasp-out')
        rows = []
        for a in frames:
            c = a.calc
            stress = c.results.get('stress')
            rows.append({'cell': a.cell.array.ravel().tolist(), 'pos': a.positions.ravel().tolist(),
                         'forces': c.results['forces'].ravel().tolist(), 'free_energy': c.results.get('free_energy'),
                         'energy': c.results.get('energy'), 'symbols': a.get_chemical_symbols(),
                         'stress': None if stress is None else [float(x) for x in stress]})
        out.append({'path': path, 'frames': rows})
    except Exception as e:
        out.append({'path': path, 'error': type(e).__name__ + ': ' + str(e)})
print(json.dumps(out))
""";

    [AseFixtureFact]
    public void Every_outcar_ase_can_read_agrees()
    {
        var files = Directory.GetFiles(Fixtures.Path("vasp"), "*OUTCAR*", SearchOption.AllDirectories).Order().ToArray();
        var (code, stdout, stderr) = Ase.Run(Script, files);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        int compared = 0;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            string path = entry.GetProperty("path").GetString()!;
            if (entry.TryGetProperty("error", out _))
                continue; // ASE cannot read it (ML steps, >10 species, no complete step): covered by OutcarReaderTests
            var ase = entry.GetProperty("frames").EnumerateArray().ToList();
            List<VaspStep> ours;
            try
            {
                ours = OutcarReader.ReadSteps(path).ToList();
            }
            catch (NepForge.IO.ParseException)
            {
                continue;
            }
            if (path.Contains("nwrite0", StringComparison.Ordinal))
                continue; // ASE pairs energies with stale force tables under NWRITE=0; we keep only steps that have their own
            Assert.True(ase.Count == ours.Count, $"{path}: ASE {ase.Count} frames, NepForge {ours.Count}");
            for (int i = 0; i < ours.Count; i++)
            {
                var f = ours[i].Frame;
                var a = ase[i];
                Assert.Equal(a.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()), f.Elements.Select(e => e.Symbol));
                AssertClose(a.GetProperty("cell"), f.Lattice!.Matrix.ToArray(), 1e-9, path);
                AssertClose(a.GetProperty("pos"), f.Positions, 1e-9, path);
                AssertClose(a.GetProperty("forces"), f.Forces!, 1e-9, path);
                Assert.Equal(a.GetProperty("free_energy").GetDouble(), ours[i].FreeEnergy!.Value, 8);
                Assert.Equal(a.GetProperty("energy").GetDouble(), ours[i].EnergySigma0!.Value, 8);
                var stress = a.GetProperty("stress");
                if (stress.ValueKind == JsonValueKind.Null)
                {
                    Assert.Null(f.Virial);
                }
                else
                {
                    // ASE: Voigt xx yy zz yz xz xy, tensile positive (eV/A^3). Ours: -virial/V.
                    var s = f.AseStress!.Value;
                    double[] voigt = [s.M00, s.M11, s.M22, s.M12, s.M02, s.M01];
                    AssertClose(stress, voigt, 1e-7, path);
                }
            }
            compared++;
        }
        Assert.True(compared >= 14, $"only {compared} OUTCARs compared with ASE");
    }

    static void AssertClose(JsonElement expected, double[] actual, double tolerance, string path)
    {
        var e = expected.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(e[i])), $"{path}[{i}]: ASE {e[i]}, NepForge {actual[i]}");
    }
}
