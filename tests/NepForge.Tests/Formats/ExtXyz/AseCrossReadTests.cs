using System.Text.Json;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Formats.ExtXyz;

/// <summary>
/// Cross-checks against the real ASE (Debian's python3-ase for /usr/bin/python3): files NepForge writes must read in
/// ASE with the same cell, positions, energy and forces and with ASE's stress = −virial/V; files ASE writes must read
/// in NepForge with virial = −stress·V. Skipped (see <see cref="AseFactAttribute"/>) where ASE is not installed.
/// </summary>
public sealed class AseCrossReadTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "nepforge-ase-" + Guid.NewGuid().ToString("N"));

    public AseCrossReadTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    // Reads every frame with ase.io.read(path, ':') and prints what ASE made of it as JSON.
    const string AseReadScript = """
        import json, sys
        import numpy as np
        import ase.io
        from ase.calculators.calculator import PropertyNotImplementedError

        def plain(v):
            if isinstance(v, np.ndarray):
                return v.tolist()
            if isinstance(v, np.generic):
                return v.item()
            return v

        out = []
        for a in ase.io.read(sys.argv[1], ':'):
            try:
                stress = a.get_stress(voigt=False).tolist()
            except PropertyNotImplementedError:
                stress = None
            out.append({
                'cell': a.cell.array.tolist(),
                'positions': a.positions.tolist(),
                'numbers': a.numbers.tolist(),
                'symbols': a.get_chemical_symbols(),
                'pbc': a.pbc.tolist(),
                'energy': a.get_potential_energy(),
                'forces': a.get_forces().tolist(),
                'stress': stress,
                'calc_has_stress': a.calc is not None and 'stress' in a.calc.results,
                'info': {k: plain(v) for k, v in a.info.items()},
            })
        print(json.dumps(out))
        """;

    // Writes two frames with ase.io.write(format='extxyz') from SinglePointCalculator results (the first with a
    // stress, the second without) and prints what was written as JSON.
    const string AseWriteScript = """
        import json, sys
        import numpy as np
        import ase.io
        from ase import Atoms
        from ase.calculators.singlepoint import SinglePointCalculator

        # ASE writes per-atom columns as %16.8f (the info line and Lattice exactly), so per-atom values here have
        # at most 8 decimals and what NepForge reads must equal them exactly.
        cell = np.array([[10.0, 0.0, 0.0], [2.5, 10.0, 0.0], [-1.5, 3.0, 10.0]])
        a = Atoms('PbTe2O', positions=[[0.1, 0.2, 0.3], [5.12345679, 4.0, 2.75],
                                       [7.25, 8.5, 9.875], [0.33333333, 0.66666667, -0.1]],
                  cell=cell, pbc=True)
        # Voigt order xx yy zz yz xz xy; ASE sign: xx < 0 is compressive.
        stress = np.array([-0.008, -0.0055, 0.00325, 0.0021, -0.0013, 0.0007])
        forces = np.array([[0.5, -0.25, 0.125], [-0.33333333, 0.7, -0.01],
                           [0.0, 1e-5, -2.5], [-0.16666667, -0.44999, 2.385]])
        a.calc = SinglePointCalculator(a, energy=-123.456789012345, forces=forces, stress=stress)

        b = Atoms('SiC', positions=[[0.0, 0.0, 0.0], [1.1, 1.2, 1.3]],
                  cell=[[0.0, 2.2, 2.2], [2.2, 0.0, 2.2], [2.2, 2.2, 0.0]], pbc=True)
        b.calc = SinglePointCalculator(b, energy=-9.75, forces=np.array([[0.3, -0.3, 0.0], [-0.3, 0.3, 0.0]]))

        ase.io.write(sys.argv[1], [a, b], format='extxyz')
        out = []
        for x in (a, b):
            s = x.calc.results.get('stress')
            out.append({
                'cell': x.cell.array.tolist(),
                'positions': x.positions.tolist(),
                'symbols': x.get_chemical_symbols(),
                'energy': x.get_potential_energy(),
                'forces': x.get_forces().tolist(),
                'stress': None if s is None else x.get_stress(voigt=False).tolist(),
                'volume': x.get_volume(),
            })
        print(json.dumps(out))
        """;

    static Frame Build(string[] symbols, double[] positions, Mat3 cell, double energy, double[] forces, Mat3? virial, string configType) =>
        new([.. symbols.Select(Elements.Get)], positions, new Lattice(cell))
        {
            Energy = energy,
            Forces = forces,
            Virial = virial,
            Info = new FrameInfo { ConfigType = configType },
        };

    static List<Frame> NepForgeFrames() =>
    [
        // Triclinic (sheared) cell with volume exactly 1000 Å³; a virial with distinct off-diagonal values so that a
        // transposed or Voigt-misordered stress would show, but symmetric as a virial must be.
        Build(
            ["Te", "Pb", "O", "H", "Te"],
            [0.1, 0.2, 0.3, 5.123456789012345, 4.0, 2.75, 7.25, 8.5, 9.875, 1.0 / 3.0, 2.0 / 3.0, 0.1, -0.5, 11.25, 3.0e-7],
            new Mat3(10, 0, 0, 2.5, 10, 0, -1.5, 3, 10),
            -1234.5678901234567,
            [0.5, -0.25, 0.125, -1.0 / 3.0, 0.7, -0.01, 0, 1e-5, -2.5, -0.1666666666666667, -0.44999, 2.385, 1e-300, -7.5e-8, 3.25],
            new Mat3(8, 0.7, -1.3, 0.7, 5.5, 2.1, -1.3, 2.1, -3.25),
            "liquid TePb 1200K"),
        // A general triclinic cell (no zero entries), another volume.
        Build(
            ["Si", "C", "Si"],
            [0, 0, 0, 1.1, 1.2, 1.3, 2.05, 0.5, 3.9],
            new Mat3(4.1, 0.3, -0.2, 0.9, 3.8, 0.4, -0.6, 1.2, 5.3),
            -17.25,
            [0.3, -0.3, 0, -0.3, 0.3, 0, 0.125, 0.0625, -0.03125],
            new Mat3(-0.4, 0.05, 0.125, 0.05, 0.3, -0.0625, 0.125, -0.0625, 1.5),
            "SiC_strained"),
        // No virial: ASE must see no stress at all.
        Build(
            ["Cu", "Zr"],
            [0.5, 0.5, 0.5, 2.0, 2.0, 2.0],
            new Mat3(4, 0, 0, 0, 4, 0, 0.5, 0, 4),
            -7.5,
            [0.01, 0.02, 0.03, -0.01, -0.02, -0.03],
            null,
            "no_virial"),
    ];

    [AseFact]
    public void Ase_reads_what_NepForge_writes_with_stress_equal_to_minus_virial_over_volume()
    {
        var frames = NepForgeFrames();
        string path = Path.Combine(_dir, "nepforge.xyz");
        ExtXyzWriter.WriteFile(path, frames, new ExtXyzWriteOptions { WriteStress = true });

        using var json = JsonDocument.Parse(Ase.RunChecked(AseReadScript, path));
        var ase = json.RootElement;
        Assert.Equal(frames.Count, ase.GetArrayLength());
        for (int k = 0; k < frames.Count; k++)
        {
            var f = frames[k];
            var a = ase[k];
            int n = f.AtomCount;

            Assert.Equal(f.Lattice!.Matrix.ToArray(), Flat(a.GetProperty("cell")));
            Assert.Equal([true, true, true], a.GetProperty("pbc").EnumerateArray().Select(x => x.GetBoolean()));
            Assert.Equal(f.Positions, Flat(a.GetProperty("positions")));
            Assert.Equal(f.Elements.Select(e => e.Symbol), a.GetProperty("symbols").EnumerateArray().Select(x => x.GetString()!));
            Assert.Equal(f.Elements.Select(e => e.Z), a.GetProperty("numbers").EnumerateArray().Select(x => x.GetInt32()));
            Assert.Equal(f.Energy!.Value, a.GetProperty("energy").GetDouble());
            Assert.Equal(f.Forces!, Flat(a.GetProperty("forces")));
            Assert.Equal(3 * n, Flat(a.GetProperty("forces")).Length);
            Assert.Equal(f.Info.ConfigType, a.GetProperty("info").GetProperty("config_type").GetString());

            if (f.Virial is { } w)
            {
                Assert.True(a.GetProperty("calc_has_stress").GetBoolean());
                double[] stress = Flat(a.GetProperty("stress"));
                double v = f.Lattice.Volume;
                double[] virial = w.ToArray();
                for (int i = 0; i < 9; i++)
                    AssertClose(-virial[i] / v, stress[i], $"frame {k} stress[{i}]");
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, a.GetProperty("stress").ValueKind);
                Assert.False(a.GetProperty("calc_has_stress").GetBoolean());
                Assert.False(a.GetProperty("info").TryGetProperty("virial", out _));
                Assert.False(a.GetProperty("info").TryGetProperty("stress", out _));
            }
        }

        // The sign, spelled out: a compressive virial of +8 eV (xx) in a 1000 Å³ cell is ASE stress −0.008 eV/Å³, and
        // the tensile −3.25 eV (zz) is +0.00325 eV/Å³.
        Assert.Equal(1000.0, frames[0].Lattice!.Volume, 12);
        double[] s0 = Flat(ase[0].GetProperty("stress"));
        AssertClose(-0.008, s0[0], "stress xx");
        AssertClose(-0.0055, s0[4], "stress yy");
        AssertClose(0.00325, s0[8], "stress zz");
        AssertClose(-0.0007, s0[1], "stress xy");
        AssertClose(0.0013, s0[2], "stress xz");
        AssertClose(-0.0021, s0[5], "stress yz");
    }

    [AseFact]
    public void NepForge_reads_what_Ase_writes_with_virial_equal_to_minus_stress_times_volume()
    {
        string path = Path.Combine(_dir, "ase.xyz");
        using var json = JsonDocument.Parse(Ase.RunChecked(AseWriteScript, path));
        var ase = json.RootElement;

        using var reader = ExtXyzReader.Open(path);
        var frames = reader.ReadAll();
        Assert.Empty(reader.Diagnostics);
        Assert.Equal(ase.GetArrayLength(), frames.Count);
        for (int k = 0; k < frames.Count; k++)
        {
            var f = frames[k];
            var a = ase[k];
            Assert.Equal(Flat(a.GetProperty("cell")), f.Lattice!.Matrix.ToArray());
            Assert.Equal(Flat(a.GetProperty("positions")), f.Positions);
            Assert.Equal(a.GetProperty("symbols").EnumerateArray().Select(x => x.GetString()!), f.Elements.Select(e => e.Symbol));
            Assert.Equal(a.GetProperty("energy").GetDouble(), f.Energy);
            Assert.Equal(Flat(a.GetProperty("forces")), f.Forces);

            if (a.GetProperty("stress").ValueKind == JsonValueKind.Null)
            {
                Assert.Null(f.Virial);
                continue;
            }
            double[] stress = Flat(a.GetProperty("stress"));
            double v = a.GetProperty("volume").GetDouble();
            AssertClose(v, f.Lattice.Volume, "volume");
            double[] virial = f.Virial!.Value.ToArray();
            for (int i = 0; i < 9; i++)
                AssertClose(-stress[i] * v, virial[i], $"frame {k} virial[{i}]");
        }

        // ASE stress xx = −0.008 eV/Å³ (compressed) in a 1000 Å³ cell is virial +8 eV; zz = +0.00325 is −3.25 eV.
        Assert.Equal(1000.0, frames[0].Lattice!.Volume, 12);
        var w = frames[0].Virial!.Value;
        AssertClose(8.0, w.M00, "virial xx");
        AssertClose(5.5, w.M11, "virial yy");
        AssertClose(-3.25, w.M22, "virial zz");
        AssertClose(-2.1, w.M12, "virial yz");
        AssertClose(-2.1, w.M21, "virial zy");
        AssertClose(1.3, w.M02, "virial xz");
        AssertClose(-0.7, w.M01, "virial xy");
    }

    static double[] Flat(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? [.. e.EnumerateArray().SelectMany(Flat)]
        : [e.GetDouble()];

    static void AssertClose(double expected, double actual, string what)
    {
        double tol = 1e-12 * Math.Max(Math.Abs(expected), Math.Abs(actual)) + 1e-300;
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
