using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Formats.ExtXyz;

/// <summary>Every extxyz file under fixtures/gpumd reads, with the values PROVENANCE.md gives.</summary>
public class ExtXyzFixtureTests
{
    public static TheoryData<string, int, int> Files => new()
    {
        { "gpumd/nep_train/train.xyz", 25, 250 },
        { "gpumd/gpumd_static/model.xyz", 1, 250 },
        { "gpumd/gpumd_static/dump.xyz", 1, 250 },
        { "gpumd/old_14-DP_water_msd/dump.xyz", 10, 1536 },
        { "gpumd/outcar2xyz/NEP-dataset-multiple_frames.xyz", 7, -1 },
        { "gpumd/tests_dump_observer/reference_observer0.xyz", 4, 159 },
        { "gpumd/old_12_NEP_dipole_QM7B/prediction_new_molecule_train.xyz", 1, 17 },
    };

    [FixtureFact]
    public void Every_xyz_under_fixtures_gpumd_is_covered()
    {
        var all = Directory.GetFiles(Fixtures.Path("gpumd"), "*.xyz", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Fixtures.Root, f).Replace('\\', '/')).Order().ToArray();
        var covered = Files.Select(row => (string)row[0]).Order().ToArray();
        Assert.Equal(all, covered);
    }

    [FixtureTheory]
    [MemberData(nameof(Files))]
    public void Reads_frames_and_atoms(string file, int frames, int atoms)
    {
        using var reader = ExtXyzReader.Open(Fixtures.Path(file));
        var list = reader.ReadAll();
        Assert.Equal(frames, list.Count);
        Assert.Empty(reader.Diagnostics);
        if (atoms > 0)
            Assert.All(list, f => Assert.Equal(atoms, f.AtomCount));
    }

    [FixtureFact]
    public void Nep_train_xyz_matches_NepTrainKit_assertions()
    {
        // NepTrainKit tests/test_nep.py: 25 energies, 6250 forces; frame 1 energy -937.191,
        // first atom "Te 3.391217 3.024926 3.37478 0.07834588 0.3368932 -0.1323393".
        var frames = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/nep_train/train.xyz")).ToList();
        Assert.Equal(6250, frames.Sum(f => f.Forces!.Length / 3));
        var f0 = frames[0];
        Assert.Equal(-937.191, f0.Energy);
        Assert.Equal("Te", f0.Elements[0].Symbol);
        Assert.Equal(new Vec3(3.391217, 3.024926, 3.37478), f0.Position(0));
        Assert.Equal(new Vec3(0.07834588, 0.3368932, -0.1323393), f0.Force(0));
        Assert.Null(f0.Virial);
        Assert.Equal("nep2xyz", f0.Info.ConfigType);
        Assert.Equal(new Mat3(0, 16.42598, 16.42598, 16.42598, 0, 16.42598, 16.42598, 16.42598, 0), f0.Lattice!.Matrix);
        Assert.Equal(Pbc.All, f0.Lattice.Pbc);
        Assert.Equal("Te125Pb125", f0.Formula);
    }

    [FixtureFact]
    public void Nep_train_xyz_agrees_with_nep_outputs()
    {
        // energy_train.out row 1 target -3.74876 = -937.191/250; force_train.out row 1 target = frame 1 atom 1.
        var f0 = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/nep_train/train.xyz")).First();
        var energyRow = File.ReadLines(Fixtures.Path("gpumd/nep_train/energy_train.out")).First()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse).ToArray();
        Assert.Equal(energyRow[1], f0.EnergyPerAtom!.Value, 5);
        var forceRow = File.ReadLines(Fixtures.Path("gpumd/nep_train/force_train.out")).First()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(double.Parse).ToArray();
        for (int k = 0; k < 3; k++)
            Assert.Equal(forceRow[3 + k], f0.Forces![k], 6);
    }

    [FixtureFact]
    public void Gpumd_dump_stress_is_not_a_label()
    {
        var f = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/gpumd_static/dump.xyz")).Single();
        Assert.Equal(-930.86304712295532, f.Energy);
        Assert.Equal("gpumd_potential", f.Info.EnergyKind);
        // virial= is kept; stress= (pressure tensor incl. kinetic part) is set aside, not turned into a virial.
        Assert.Equal(272.01058072768575, f.Virial!.Value.M00);
        Assert.Equal(262.64536396918055, f.Virial.Value.M11);
        Assert.StartsWith("0.030690031908806096 ", f.Info.GetExtra("gpumd_stress"));
        Assert.Equal("0.00000000", f.Info.GetExtra("Time"));
        Assert.NotNull(f.Forces);
    }

    [FixtureFact]
    public void Dp_water_dump_reads_positions_only_frames()
    {
        var frames = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/old_14-DP_water_msd/dump.xyz")).ToList();
        Assert.Equal(-202.08345883, frames[0].Energy);
        Assert.Null(frames[0].Forces);
        Assert.Equal(new Vec3(3.83471693, 10.60695303, 12.74461387), frames[0].Position(0));
        Assert.Equal(512, frames[0].Elements.Count(e => e.Symbol == "O"));
        Assert.Equal(-3.65850206, frames[0].Virial!.Value.M00);
    }

    [FixtureFact]
    public void Outcar2xyz_capitalised_keys_read()
    {
        // PROVENANCE: frames 1-3 from WH-AIMD OUTCAR, Energy = TOTEN, Virial = FORCE on cell Total row.
        var frames = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/outcar2xyz/NEP-dataset-multiple_frames.xyz")).ToList();
        Assert.Equal([-3283.96931324, -3297.08424477, -3310.05614492], frames.Take(3).Select(f => f.Energy!.Value));
        Assert.Equal([-6.48938252, -74.51903537, -74.51911651, -74.51919325], frames.Skip(3).Select(f => f.Energy!.Value));
        Assert.Equal(new Mat3(429.37855, -6.82503, -13.42875, -6.82503, 409.12057, -12.41549, -13.42875, -12.41549, 433.67245),
            frames[0].Virial);
        Assert.Equal("WH-AIMD", frames[0].Info.ConfigType);
        Assert.Equal(1.0, frames[0].Info.Weight);
        Assert.Equal(391, frames[0].AtomCount);
        Assert.Equal(new Vec3(-0.336839, -0.137489, -0.154907), frames[0].Force(0));
    }

    [FixtureFact]
    public void Dump_observer_reads_keys_in_any_order()
    {
        var frames = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/tests_dump_observer/reference_observer0.xyz")).ToList();
        Assert.Equal(-139.29905528964628, frames[0].Energy);
        Assert.Equal(new Vec3(45.15450349, 12.96163481, 23.53661975), frames[0].Force(0));
        Assert.Equal(10.0, frames[0].Lattice!.Matrix.M00);
    }

    [FixtureFact]
    public void Prediction_molecule_has_no_labels()
    {
        var f = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/old_12_NEP_dipole_QM7B/prediction_new_molecule_train.xyz")).Single();
        Assert.False(f.HasLabels);
        Assert.Equal(1_000_000.0, f.Lattice!.Volume, 6);
        Assert.Equal(new Vec3(48.04110330, 49.64011859, 49.50314917), f.Position(0));
    }

    [FixtureTheory]
    [MemberData(nameof(Files))]
    public void Round_trip_is_exact(string file, int frames, int atoms)
    {
        _ = atoms;
        var original = ExtXyzReader.ReadFrames(Fixtures.Path(file)).ToList();
        string first = ExtXyzWriter.WriteString(original);
        var reread = ExtXyzReader.ReadString(first, "roundtrip.xyz");
        Assert.Equal(frames, reread.Count);
        for (int i = 0; i < original.Count; i++)
            Assert.True(original[i].ContentEquals(reread[i]), $"frame {i + 1} differs after a round trip");
        Assert.Equal(first, ExtXyzWriter.WriteString(reread));
        Assert.DoesNotContain("\n\n", first);
    }
}
