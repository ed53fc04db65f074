using System.Globalization;
using System.IO.Compression;
using System.Text;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

/// <summary>Every vasprun.xml fixture, with the values its source project asserts (fixtures/vasp/PROVENANCE.md).</summary>
public class VasprunReaderTests
{
    internal static (List<VaspStep> Steps, VasprunReader Reader) Read(string relative, VasprunReadOptions? options = null)
    {
        var reader = VasprunReader.Open(Fixtures.Path("vasp/" + relative), options);
        var steps = new List<VaspStep>();
        while (reader.TryRead(out var s))
            steps.Add(s);
        reader.Dispose();
        return (steps, reader);
    }

    static double[][] Raw(string name) => File.ReadLines(Fixtures.Path("vasp/dpdata/expected.h2o.md/" + name))
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray())
        .ToArray();

    static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");

    // file → steps by default, steps with the machine-learned frames, version
    public static TheoryData<string, int, int, string> Counts => new()
    {
        { "dpdata/vasprun.h2o.md.xml", 3, 3, "5.4.4.18Apr17-6-g9f103f2a35" },
        { "dpdata/vasprun.h2o.md.conv.xml", 3, 3, "5.4.4.18Apr17-6-g9f103f2a35" },
        { "dpdata/vasprun.h2o.md.10.xml", 10, 10, "5.4.4.18Apr17-6-g9f103f2a35" },
        { "dpdata/vasprun.Ge.vdw.xml", 1, 1, "5.4.4.18Apr17-6-g9f103f2a35" },
        { "dpdata/Ti-O-Ti-v6/vasprun.xml", 1, 1, "6.3.0" },
        { "dpdata/Ti-aimd-nwrite0/vasprun.xml", 10, 10, "6.3.0" },
        { "pymatgen-core/vasprun.etest1.xml", 8, 8, "5.4.1" },
        { "pymatgen-core/vasprun.etest2.xml", 8, 8, "6.2.1" },
        { "pymatgen-core/vasprun.md.xml", 10, 10, "6.3.2" },
        { "pymatgen-core/vasprun.ml_md.xml", 20, 100, "6.3.0" },
        { "pymatgen-core/static_silicon/vasprun.xml", 1, 1, "5.2.12" },
        { "aiida-vasp/basic/vasprun.xml", 1, 1, "5.4.1" },
        { "aiida-vasp/relax/vasprun.xml", 19, 19, "5.4.1" },
        { "aiida-vasp/relax-truncated/vasprun.xml", 18, 18, "5.4.1" },
        { "aiida-vasp/unfinished/vasprun.xml", 0, 0, "5.4.4.18Apr17-6-g9f103f2a35" },
        { "aiida-vasp/elec-unconverged/vasprun.xml", 1, 1, "5.4.4.18Apr17-6-g9f103f2a35" },
    };

    static readonly string[] TruncatedFiles = ["aiida-vasp/relax-truncated/vasprun.xml", "aiida-vasp/unfinished/vasprun.xml"];

    [FixtureFact]
    public void Every_vasprun_fixture_is_covered()
    {
        var all = Directory.GetFiles(Fixtures.Path("vasp"), "*vasprun*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Fixtures.Path("vasp"), f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        var covered = Counts.Select(r => (string)r[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(all, covered);
    }

    [FixtureTheory]
    [MemberData(nameof(Counts))]
    public void Step_counts_versions_and_provenance(string file, int dft, int withMl, string version)
    {
        var (steps, reader) = Read(file);
        Assert.Equal(dft, steps.Count);
        Assert.Equal(version, reader.Run.Version);
        bool truncated = TruncatedFiles.Contains(file);
        Assert.Equal(!truncated, reader.Run.Finished);
        Assert.Equal(truncated, reader.Truncated);
        Assert.Equal(dft, reader.StepsRead);
        Assert.Equal(0, reader.StepsSkipped);
        if (!truncated && withMl == dft)
            Assert.Empty(reader.Diagnostics);
        string path = Fixtures.Path("vasp/" + file);
        for (int i = 0; i < steps.Count; i++)
        {
            var f = steps[i].Frame;
            Assert.Equal(path, f.Info.SourceFile);
            Assert.Equal(i, f.Info.SourceIndex);
            Assert.Equal(steps[i].IonicStep, f.Info.SourceStep);
            Assert.Equal("free_energy", f.Info.EnergyKind);
            Assert.Equal(version, f.Info.GetExtra("vasp_version"));
            Assert.Null(f.Info.ConfigType);
            Assert.Null(f.Info.GetExtra("ml_frame"));
            Assert.Equal(steps[i].FreeEnergy, f.Energy);
            Assert.NotNull(f.Forces);
            Assert.NotNull(f.Lattice);
            Assert.False(steps[i].IsMachineLearned);
            Assert.Null(steps[i].EdiffReached);
            Assert.Equal(reader.Run.Nelm, steps[i].Nelm);
            Assert.True(steps[i].ElectronicSteps > 0);
            Assert.NotNull(steps[i].EnergySigma0);
            Assert.NotNull(steps[i].EnergyWithoutEntropy);
            Assert.Equal(reader.Run.IonsPerType.Sum(), f.AtomCount);
        }
        // Ionic steps are 1, 2, 3… except where machine-learned frames sit between the DFT ones.
        if (withMl == dft)
            Assert.Equal(Enumerable.Range(1, dft), steps.Select(s => s.IonicStep));
        var (all, _) = Read(file, new VasprunReadOptions { IncludeMachineLearned = true });
        Assert.Equal(withMl, all.Count);
    }

    [FixtureFact]
    public void H2o_md_matches_dpdata_reference_arrays_and_the_contcar()
    {
        var (steps, reader) = Read("dpdata/vasprun.h2o.md.xml");
        Assert.Equal(3, steps.Count);
        Assert.Equal([-28.38622624, -28.43874406, -28.46658469], steps.Select(s => s.Frame.Energy!.Value));
        Assert.Equal(["O", "O", "H", "H", "H", "H"], steps[0].Frame.Elements.Select(e => e.Symbol));
        Assert.Equal(["O", "H"], reader.Run.Species);
        Assert.Equal([2, 4], reader.Run.IonsPerType);
        Assert.Equal(60, reader.Run.Nelm);
        Assert.Equal(0, reader.Run.Ibrion);
        Assert.Equal(2, reader.Run.Isif);
        Assert.Equal(3, reader.Run.Nsw);
        Assert.Equal(1, reader.Run.Ispin);
        Assert.False(reader.Run.MachineLearning);
        Assert.All(steps, s => Assert.True(s.Converged));

        var force = Raw("force.raw");
        var virial = Raw("virial.raw");
        var energy = Raw("energy.raw");
        var box = Raw("box.raw");
        for (int i = 0; i < 3; i++)
        {
            var f = steps[i].Frame;
            Close(energy[i][0], f.Energy!.Value, 1e-6, $"energy {i}");
            for (int k = 0; k < 18; k++)
                Close(force[i][k], f.Forces![k], 1e-6, $"force {i}/{k}");
            var w = f.Virial!.Value.ToArray();
            for (int k = 0; k < 9; k++)
                Close(virial[i][k], w[k], 1e-4, $"virial {i}/{k}");
            var cell = f.Lattice!.Matrix.ToArray();
            for (int k = 0; k < 9; k++)
                Close(box[i][k], cell[k], 1e-6, $"box {i}/{k}");
        }
        // Sign: a compressive (negative) VASP xx stress gives a negative virial xx: virial = σ[kB]·V/1602.18.
        Close(-2.15814474 * 1000 / 1602.176634, steps[0].Frame.Virial!.Value.M00, 1e-12, "virial xx");

        var contcar = PoscarReader.Read(Fixtures.Path("vasp/dpdata/CONTCAR.h2o.md"));
        var last = steps[^1].Frame;
        Assert.Equal(contcar.Elements, last.Elements);
        var expectedCell = contcar.Lattice!.Matrix.ToArray();
        var actualCell = last.Lattice!.Matrix.ToArray();
        for (int k = 0; k < 9; k++)
            Close(expectedCell[k], actualCell[k], 1e-6, $"cell {k}");
        for (int k = 0; k < last.Positions.Length; k++)
            Close(contcar.Positions[k], last.Positions[k], 1e-6, $"position {k}");
    }

    [FixtureFact]
    public void H2o_md_equals_the_outcar_of_the_same_run()
    {
        var (xml, _) = Read("dpdata/vasprun.h2o.md.xml");
        var outcar = OutcarReader.ReadSteps(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md")).ToList();
        Assert.Equal(outcar.Count, xml.Count);
        for (int i = 0; i < xml.Count; i++)
        {
            Close(outcar[i].FreeEnergy!.Value, xml[i].FreeEnergy!.Value, 1e-8, $"free {i}");
            Close(outcar[i].EnergySigma0!.Value, xml[i].EnergySigma0!.Value, 1e-8, $"sigma0 {i}");
            Close(outcar[i].EnergyWithoutEntropy!.Value, xml[i].EnergyWithoutEntropy!.Value, 1e-8, $"no entropy {i}");
            Assert.Equal(outcar[i].ElectronicSteps, xml[i].ElectronicSteps);
            for (int k = 0; k < 18; k++)
            {
                Close(outcar[i].Frame.Forces![k], xml[i].Frame.Forces![k], 1e-6, $"force {i}/{k}");
                Close(outcar[i].Frame.Positions[k], xml[i].Frame.Positions[k], 1e-5, $"position {i}/{k}");
            }
            Assert.True(Mat3.MaxAbsDifference(outcar[i].Frame.Virial!.Value, xml[i].Frame.Virial!.Value) < 1e-4);
        }
    }

    [FixtureFact]
    public void Unconverged_first_step_hits_nelm()
    {
        var (steps, reader) = Read("dpdata/vasprun.h2o.md.conv.xml");
        Assert.Equal(21, reader.Run.Nelm); // the first NELM of <parameters>; the GW section's NELM (1) is not it
        Assert.Equal([21, 12, 6], steps.Select(s => s.ElectronicSteps));
        Assert.Equal([false, true, true], steps.Select(s => s.Converged));
        Assert.All(steps, s => Assert.Equal(21, s.Nelm));
    }

    [FixtureFact]
    public void H2o_md_10_totens()
    {
        var (steps, _) = Read("dpdata/vasprun.h2o.md.10.xml");
        double[] toten = [-28.38622624, -28.43873965, -28.46655840, -28.42963138, -28.40826020, -28.45488108, -28.48142619, -28.43759776, -28.38850908, -28.39848822];
        Assert.Equal(toten, steps.Select(s => s.Frame.Energy!.Value));
    }

    [FixtureFact]
    public void Ge_vdw_equals_its_outcar()
    {
        var (xml, _) = Read("dpdata/vasprun.Ge.vdw.xml");
        var outcar = OutcarReader.ReadSteps(Fixtures.Path("vasp/dpdata/OUTCAR.Ge.vdw")).ToList();
        var x = Assert.Single(xml);
        var o = Assert.Single(outcar);
        Assert.Equal(8, x.Frame.AtomCount);
        Assert.All(x.Frame.Elements, e => Assert.Equal("Ge", e.Symbol));
        Assert.Equal(-33.36815582, x.Frame.Energy);
        Close(o.Frame.Energy!.Value, x.Frame.Energy!.Value, 1e-6, "energy");
        for (int k = 0; k < 24; k++)
        {
            Close(o.Frame.Positions[k], x.Frame.Positions[k], 1e-5, $"position {k}");
            Close(o.Frame.Forces![k], x.Frame.Forces![k], 1e-6, $"force {k}");
        }
        Assert.True(Mat3.MaxAbsDifference(o.Frame.Virial!.Value, x.Frame.Virial!.Value) < 1e-6);
    }

    [FixtureFact]
    public void Ti_O_Ti_keeps_repeated_species_types()
    {
        var (steps, reader) = Read("dpdata/Ti-O-Ti-v6/vasprun.xml");
        Assert.Equal(["Ti", "O", "Ti"], reader.Run.Species);
        Assert.Equal([3, 2, 3], reader.Run.IonsPerType);
        var f = Assert.Single(steps).Frame;
        Assert.Equal(["Ti", "Ti", "Ti", "O", "O", "Ti", "Ti", "Ti"], f.Elements.Select(e => e.Symbol));
        Assert.Equal([("Ti", 6), ("O", 2)], f.Composition().Select(c => (c.Element.Symbol, c.Count)));
        Assert.Equal(-57.48343729, f.Energy);
    }

    [FixtureFact]
    public void Ti_aimd_nwrite0_has_every_step()
    {
        var (steps, reader) = Read("dpdata/Ti-aimd-nwrite0/vasprun.xml");
        Assert.Equal(10, steps.Count);
        Assert.All(steps, s => Assert.Equal(32, s.Frame.AtomCount));
        Assert.Equal(100, reader.Run.Nelm);
        Assert.Equal(-252.38626263, steps[^1].Frame.Energy);
        Assert.Equal(-252.37927641, steps[^1].EnergySigma0);
    }

    [FixtureTheory]
    [InlineData("pymatgen-core/vasprun.etest1.xml", "pymatgen-core/OUTCAR.etest1", -11.18981538, -11.13480014, -11.21732300)]
    [InlineData("pymatgen-core/vasprun.etest2.xml", "pymatgen-core/OUTCAR.etest2", -11.18986774, -11.13485250, -11.21737536)]
    public void Vasp5_energy_bug_is_worked_around(string file, string outcarFile, double sigma0, double noEntropy, double free)
    {
        var (steps, reader) = Read(file);
        Assert.Equal(8, steps.Count);
        Assert.Equal(3, reader.Run.Isif);
        Assert.Equal(2, reader.Run.Ibrion);
        var last = steps[^1];
        Assert.Equal(sigma0, last.EnergySigma0);
        Assert.Equal(noEntropy, last.EnergyWithoutEntropy);
        Assert.Equal(free, last.FreeEnergy);
        // Every step agrees with the OUTCAR of the same run.
        var outcar = OutcarReader.ReadSteps(Fixtures.Path("vasp/" + outcarFile)).ToList();
        Assert.Equal(outcar.Count, steps.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            Assert.Equal(outcar[i].FreeEnergy, steps[i].FreeEnergy);
            Assert.Equal(outcar[i].EnergySigma0, steps[i].EnergySigma0);
            Assert.Equal(outcar[i].EnergyWithoutEntropy, steps[i].EnergyWithoutEntropy);
            Assert.True(Mat3.MaxAbsDifference(outcar[i].Frame.Virial!.Value, steps[i].Frame.Virial!.Value) < 1e-5);
        }
        // The energy option picks the label.
        var (s0, _) = Read(file, new VasprunReadOptions { Energy = VaspEnergyKind.Sigma0 });
        Assert.Equal(sigma0, s0[^1].Frame.Energy);
        Assert.Equal("energy_sigma0", s0[^1].Frame.Info.EnergyKind);
        var (ne, _) = Read(file, new VasprunReadOptions { Energy = VaspEnergyKind.NoEntropy });
        Assert.Equal(noEntropy, ne[^1].Frame.Energy);
        Assert.Equal("energy_no_entropy", ne[^1].Frame.Info.EnergyKind);
    }

    [FixtureFact]
    public void Pymatgen_md_final_energy_is_sigma0()
    {
        var (steps, reader) = Read("pymatgen-core/vasprun.md.xml");
        Assert.Equal(10, steps.Count);
        Assert.Equal(-327.73014059, steps[^1].EnergySigma0); // pymatgen's final_energy
        Assert.Equal(-327.76427636, steps[^1].FreeEnergy);
        Assert.Equal(-327.69600483, steps[^1].EnergyWithoutEntropy);
        Assert.Equal(64, steps[^1].Frame.AtomCount);
        Assert.Equal(0, reader.Run.Ibrion);
        Assert.All(steps, s => Assert.True(s.Converged));
    }

    [FixtureFact]
    public void Machine_learned_frames_are_kept_apart()
    {
        var (dft, reader) = Read("pymatgen-core/vasprun.ml_md.xml");
        Assert.True(reader.Run.MachineLearning);
        Assert.Equal(500, reader.Run.Nelm);
        Assert.Equal(100, reader.Run.Nsw);
        Assert.Equal(0, reader.Run.Isif);
        Assert.Equal(300, reader.Run.Tebeg);
        Assert.Equal(1.0, reader.Run.Potim);
        Assert.Equal(20, dft.Count);
        Assert.Equal(80, reader.MachineLearnedStepsLeftOut);
        Assert.Contains(reader.Diagnostics, d => d.Message.Contains("80 frame(s) of VASP's machine-learned force field were left out", StringComparison.Ordinal));
        Assert.All(dft, s => Assert.False(s.IsMachineLearned));
        Assert.All(dft, s => Assert.True(s.ElectronicSteps > 0));
        Assert.All(dft, s => Assert.Null(s.Frame.Virial)); // ISIF=0: no stress
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), dft.Select(s => s.Frame.Info.SourceIndex!.Value));

        var (all, withMl) = Read("pymatgen-core/vasprun.ml_md.xml", new VasprunReadOptions { IncludeMachineLearned = true });
        Assert.Equal(100, all.Count); // pymatgen: len(md_data) == 100
        Assert.Equal(Enumerable.Range(1, 100), all.Select(s => s.IonicStep));
        Assert.Equal(80, all.Count(s => s.IsMachineLearned));
        Assert.Equal(0, withMl.MachineLearnedStepsLeftOut);
        Assert.Empty(withMl.Diagnostics);
        foreach (var s in all)
        {
            Assert.Equal(s.IsMachineLearned ? "T" : null, s.Frame.Info.GetExtra("ml_frame"));
            Assert.Null(s.Frame.Info.ConfigType);
            Assert.Equal(80, s.Frame.AtomCount);
            Assert.NotNull(s.Frame.Forces);
            if (s.IsMachineLearned)
            {
                Assert.Equal(0, s.ElectronicSteps);
                Assert.True(s.Converged);
            }
        }
        // The DFT steps are the same whether or not the ML frames are read.
        var dftAgain = all.Where(s => !s.IsMachineLearned).ToList();
        Assert.Equal(dft.Select(s => s.IonicStep), dftAgain.Select(s => s.IonicStep));
        Assert.Equal(dft.Select(s => s.FreeEnergy), dftAgain.Select(s => s.FreeEnergy));
        Assert.Equal(1, dft[0].IonicStep);
        Assert.Equal(240, dft[0].Frame.Forces!.Length);

        // pymatgen's md_data[-1]["energy"]["total"] = −491.51831988 is the MD total energy (e_fr_energy + kinetic +
        // nosepot + nosekinetic of the last ML frame, file lines 22985-22992), not a potential energy.
        var last = all[^1];
        Assert.True(last.IsMachineLearned);
        Assert.Equal(-524.69015916, last.FreeEnergy);
        Assert.Equal(-524.69015916, last.Frame.Energy);
        Assert.Equal(-524.69015916, last.EnergySigma0);
        Close(-491.51831988, last.FreeEnergy!.Value + 2.48383334 + 0.00000000 + 30.26612280 + 0.42188313, 1e-7, "MD total");
        Assert.Equal(-1.47631999, all[10].Frame.Forces![0]); // the first ML frame's forces (file line 4256)
        Assert.True(all[10].IsMachineLearned);
        Assert.Equal(11, all[10].IonicStep);
    }

    [FixtureFact]
    public void Static_silicon_is_spin_polarised_single_point()
    {
        var (steps, reader) = Read("pymatgen-core/static_silicon/vasprun.xml");
        var s = Assert.Single(steps);
        Assert.Equal(2, reader.Run.Ispin);
        Assert.Equal(0, reader.Run.Nsw);
        Assert.Equal(-1, reader.Run.Ibrion);
        Assert.Equal(-10.64527774, s.FreeEnergy);
        Assert.Equal(-10.64527774, s.EnergySigma0); // the calculation block's e_0_energy is 0.00000000 (VASP 5)
        Assert.Equal(["Si", "Si"], s.Frame.Elements.Select(e => e.Symbol));
    }

    [FixtureFact]
    public void Aiida_basic()
    {
        var (steps, reader) = Read("aiida-vasp/basic/vasprun.xml");
        Assert.Equal("5.4.1", reader.Run.Version);
        var s = Assert.Single(steps);
        var f = s.Frame;
        Assert.Equal(Mat3.Diagonal(5.46503124, 5.46503124, 5.46503124), f.Lattice!.Matrix);
        Assert.Equal(Vec3.Zero, f.Position(0));
        Assert.Equal(new Vec3(4.09877343, 4.09877343, 1.36625781), f.Position(7), new Vec3Comparer(1e-8));
        Assert.Equal(new Vec3(-0.24286901, 0, 0), f.Force(0));
        Assert.Equal(new Vec3(3.41460162, 0, 0), f.Force(2));
        Assert.Equal(new Vec3(-0.73887169, -0.43727184, -0.43727184), f.Force(7));
        // aiida's energy_extrapolated / energy_free / energy_no_entropy, 2 electronic steps.
        Assert.Equal(-42.91113621, s.EnergySigma0);
        Assert.Equal(-42.91231976, s.FreeEnergy);
        Assert.Equal(-42.90995265, s.EnergyWithoutEntropy);
        Assert.Equal(2, s.ElectronicSteps);
        // Stress rows in kB → virial = σ·V/1602.176634 with the same sign.
        double v = f.Lattice.Volume;
        Close(5.46503124 * 5.46503124 * 5.46503124, v, 1e-9, "volume");
        double k = v / 1602.176634;
        var expected = new Mat3(-0.38703740 * k, 0, 0, 0, 12.52362644 * k, -25.93894358 * k, 0, -25.93894358 * k, 12.52362644 * k);
        Assert.True(Mat3.MaxAbsDifference(expected, f.Virial!.Value) < 1e-12);
        Assert.True(f.Virial.Value.M00 < 0);
        // StressGpa gives back the kB values / 10.
        Close(-0.038703740, f.StressGpa!.Value.M00, 1e-12, "stress xx GPa");
    }

    sealed class Vec3Comparer(double tolerance) : IEqualityComparer<Vec3>
    {
        public bool Equals(Vec3 a, Vec3 b) => (a - b).Length <= tolerance;

        public int GetHashCode(Vec3 v) => 0;
    }

    static readonly double[] RelaxSigma0 =
    [
        -42.91113348, -43.27757545, -43.36648855, -43.37734069, -43.38062479, -43.38334165, -43.38753003, -43.38708193, -43.38641449,
        -43.38701639, -43.38699488, -43.38773717, -43.38988315, -43.3898822, -43.39011239, -43.39020751, -43.39034244, -43.39044584,
        -43.39087657,
    ];

    [FixtureFact]
    public void Aiida_relax_energy_extrapolated_is_sigma0()
    {
        var (steps, reader) = Read("aiida-vasp/relax/vasprun.xml");
        Assert.Equal(19, steps.Count);
        Assert.Equal(RelaxSigma0, steps.Select(s => s.EnergySigma0!.Value));
        Assert.Equal(-43.39109365, steps[^1].FreeEnergy);
        Assert.Equal(-43.39065948, steps[^1].EnergyWithoutEntropy);
        Assert.Equal(1, reader.Run.Ibrion);
        Assert.Equal(3, reader.Run.Isif);
        Assert.Equal(80, reader.Run.Nsw);
    }

    [FixtureFact]
    public void Aiida_relax_truncated_keeps_complete_steps_and_warns()
    {
        var seen = new List<ParseDiagnostic>();
        var (steps, reader) = Read("aiida-vasp/relax-truncated/vasprun.xml", new VasprunReadOptions { OnDiagnostic = seen.Add });
        Assert.Equal(18, steps.Count);
        Assert.Equal(RelaxSigma0[..18], steps.Select(s => s.EnergySigma0!.Value));
        Assert.False(reader.Run.Finished);
        Assert.True(reader.Truncated);
        var d = Assert.Single(reader.Diagnostics);
        Assert.Equal(d, Assert.Single(seen));
        Assert.Equal(2556, d.Line); // the file has 2555 lines, all ending with a newline
        Assert.Equal(19, d.Frame);
        Assert.Contains("inside ionic step 19", d.Message, StringComparison.Ordinal);
        Assert.Contains("18 complete step(s) kept", d.Message, StringComparison.Ordinal);
        Assert.EndsWith("vasprun.xml", d.File, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Aiida_unfinished_has_a_header_and_no_step()
    {
        var (steps, reader) = Read("aiida-vasp/unfinished/vasprun.xml");
        Assert.Empty(steps);
        Assert.False(reader.Run.Finished);
        Assert.True(reader.Truncated);
        Assert.Equal(20, reader.Run.Nelm);
        Assert.Equal(2, reader.Run.Isif);
        Assert.NotEmpty(reader.Run.Species);
        var d = Assert.Single(reader.Diagnostics);
        Assert.Contains("inside ionic step 1", d.Message, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Aiida_elec_unconverged_reached_nelm()
    {
        var (steps, reader) = Read("aiida-vasp/elec-unconverged/vasprun.xml");
        var s = Assert.Single(steps);
        Assert.Equal(8, reader.Run.Nelm);
        Assert.Equal(8, s.ElectronicSteps);
        Assert.False(s.Converged);
        Assert.Equal(-6.50202886, s.FreeEnergy);
        Assert.Equal(-6.50149309, s.EnergySigma0);
        Assert.Equal(-6.50095731, s.EnergyWithoutEntropy);
    }

    [FixtureFact]
    public void Gzip_and_stream_input_read_the_same()
    {
        string source = Fixtures.Path("vasp/dpdata/vasprun.h2o.md.xml");
        string gz = Path.Combine(Path.GetTempPath(), $"nepforge-vasprun-{Guid.NewGuid():N}.xml.gz");
        try
        {
            using (var input = File.OpenRead(source))
            using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
                input.CopyTo(output);
            var plain = VasprunReader.ReadSteps(source).ToList();
            var zipped = VasprunReader.ReadSteps(gz).ToList();
            using var reader = new VasprunReader(new MemoryStream(File.ReadAllBytes(source)), "in-memory");
            var streamed = reader.ReadSteps().ToList();
            Assert.Equal(3, zipped.Count);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(gz, zipped[i].Frame.Info.SourceFile);
                Assert.Equal("in-memory", streamed[i].Frame.Info.SourceFile);
                zipped[i].Frame.Info.SourceFile = streamed[i].Frame.Info.SourceFile = plain[i].Frame.Info.SourceFile;
                Assert.True(plain[i].Frame.ContentEquals(zipped[i].Frame));
                Assert.True(plain[i].Frame.ContentEquals(streamed[i].Frame));
            }
            Assert.True(reader.BytesRead > 70_000);
        }
        finally
        {
            File.Delete(gz);
        }
    }

    [FixtureFact]
    public void A_cut_gzip_file_is_a_truncated_one()
    {
        byte[] xml = File.ReadAllBytes(Fixtures.Path("vasp/aiida-vasp/relax/vasprun.xml"));
        var zipped = new MemoryStream();
        using (var gz = new GZipStream(zipped, CompressionLevel.Optimal, leaveOpen: true))
            gz.Write(xml);
        byte[] half = zipped.ToArray()[..(int)(zipped.Length / 2)];
        using var reader = new VasprunReader(new GZipStream(new MemoryStream(half), CompressionMode.Decompress), "cut.xml.gz");
        var steps = reader.ReadSteps().ToList();
        Assert.InRange(steps.Count, 1, 18);
        Assert.True(reader.Truncated);
        Assert.Single(reader.Diagnostics);
    }

    [FixtureFact]
    public void A_file_cut_anywhere_never_throws_and_keeps_the_complete_steps()
    {
        byte[] bytes = File.ReadAllBytes(Fixtures.Path("vasp/dpdata/vasprun.h2o.md.xml"));
        string text = Encoding.Latin1.GetString(bytes);
        for (int cut = 0; cut < bytes.Length; cut += 331)
        {
            using var reader = new VasprunReader(new MemoryStream(bytes, 0, cut), "cut.xml");
            var steps = reader.ReadSteps().ToList();
            int complete = CountOf(text[..cut], "</calculation>");
            Assert.True(complete == steps.Count, $"cut at {cut}: {steps.Count} steps, {complete} complete");
            Assert.False(reader.Run.Finished);
            Assert.True(reader.Truncated, $"cut at {cut}");
            Assert.Single(reader.Diagnostics);
        }
    }

    static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
            n++;
        return n;
    }

    // ---------------------------------------------------------------- small hand-written files

    const string Header = """
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <modeling>
         <generator>
          <i name="program" type="string">vasp </i>
          <i name="version" type="string">VERSION </i>
         </generator>
         <incar>
          <i type="int" name="NELM">     5</i>
          <i type="logical" name="ML_LMLFF"> F  </i>
         </incar>
         <parameters>
          <separator name="electronic" >
           <separator name="electronic convergence" >
            <i type="int" name="NELM">    40</i>
            <i name="EDIFF">      0.00000100</i>
           </separator>
          </separator>
          <separator name="response functions" >
           <i type="int" name="NELM">     1</i>
          </separator>
         </parameters>
         <atominfo>
          <atoms>       2 </atoms>
          <types>       1 </types>
          <array name="atoms" >
           <dimension dim="1">ion</dimension>
           <field type="string">element</field>
           <field type="int">atomtype</field>
           <set>
            <rc><c>Si</c><c>   1</c></rc>
            <rc><c>Si</c><c>   1</c></rc>
           </set>
          </array>
          <array name="atomtypes" >
           <dimension dim="1">type</dimension>
           <field type="int">atomspertype</field>
           <field type="string">element</field>
           <field>mass</field>
           <set>
            <rc><c>   2</c><c>Si</c><c>     28.08500000</c></rc>
           </set>
          </array>
         </atominfo>

        """;

    static string Calculation(string force0 = "0.1 0.2 0.3", string? scsteps = null, string calcEnergy = "-10.5", string stress = "1 0 0", string position0 = "0 0 0") =>
        $"""
         <calculation>
        {scsteps ?? Scstep("-10.5", "-10.4", "-10.45")}
          <structure>
           <crystal>
            <varray name="basis" >
             <v>       4.0  0.0  0.0 </v>
             <v>       0.0  5.0  0.0 </v>
             <v>       0.0  0.0  6.0 </v>
            </varray>
            <i name="volume">    120.0 </i>
           </crystal>
           <varray name="positions" >
            <v>  {position0} </v>
            <v>  0.5 0.5 0.5 </v>
           </varray>
          </structure>
          <varray name="forces" >
           <v>  {force0} </v>
           <v>  -0.1 -0.2 -0.3 </v>
          </varray>
          <varray name="stress" >
           <v>  {stress} </v>
           <v>  0 2 0 </v>
           <v>  0 0 3 </v>
          </varray>
          <energy>
           <i name="e_fr_energy">  {calcEnergy} </i>
           <i name="e_wo_entrp">    -10.45 </i>
           <i name="e_0_energy">    -0.05 </i>
          </energy>
         </calculation>

        """;

    static string Scstep(string free, string noEntropy, string sigma0) => $"""
          <scstep>
           <energy>
            <i name="e_fr_energy">  {free} </i>
            <i name="e_wo_entrp">  {noEntropy} </i>
            <i name="e_0_energy">  {sigma0} </i>
           </energy>
          </scstep>
        """;

    static VasprunReader FromText(string text, VasprunReadOptions? options = null) =>
        new(new MemoryStream(Encoding.Latin1.GetBytes(text)), "mini.xml", options);

    static string Mini(string version, params string[] calculations) =>
        Header.Replace("VERSION", version, StringComparison.Ordinal) + string.Concat(calculations) + "</modeling>\n";

    static int LineOf(string text, string what) => text[..text.IndexOf(what, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    [Fact]
    public void Header_parameters_take_the_first_value_in_parameters()
    {
        using var reader = FromText(Mini("6.4.2", Calculation()));
        Assert.Equal("6.4.2", reader.Run.Version); // read at construction, before any step
        Assert.Equal(40, reader.Run.Nelm);
        Assert.Equal(1e-6, reader.Run.Ediff);
        Assert.False(reader.Run.MachineLearning);
        Assert.Equal(["Si"], reader.Run.Species);
        Assert.Equal([2], reader.Run.IonsPerType);
        Assert.False(reader.Run.Finished);
        var s = Assert.Single(reader.ReadSteps());
        Assert.True(reader.Run.Finished);
        Assert.Equal(40, s.Nelm);
        Assert.Equal(1, s.ElectronicSteps);
        Assert.Equal(new Vec3(2, 2.5, 3), s.Frame.Position(1));
        Assert.Equal(new Vec3(0.1, 0.2, 0.3), s.Frame.Force(0));
        Assert.Equal((120 * Units.KBarToEvPerA3) * Mat3.Diagonal(1, 2, 3), s.Frame.Virial);
        Assert.Empty(reader.Diagnostics);
    }

    [Fact]
    public void Classical_vdw_correction_in_the_calculation_block_shifts_all_three_energies()
    {
        // DFT-D: the calculation-level e_fr_energy includes the correction, the scsteps do not (ASE's reading).
        string text = Mini("5.4.4", Calculation(calcEnergy: "-11.0", scsteps: Scstep("-12.0", "-11.0", "-11.5") + Scstep("-10.5", "-10.4", "-10.45")));
        using var reader = FromText(text);
        var s = Assert.Single(reader.ReadSteps());
        Assert.Equal(2, s.ElectronicSteps);
        Assert.Equal(-11.0, s.FreeEnergy);
        Close(-10.9, s.EnergyWithoutEntropy!.Value, 1e-12, "no entropy");
        Close(-10.95, s.EnergySigma0!.Value, 1e-12, "sigma0");
    }

    [Theory]
    [InlineData("5.4.4", null, null)]
    [InlineData("6.3.0", -10.45, -0.05)]
    public void Without_scsteps_only_vasp6_calculation_energies_are_trusted(string version, double? noEntropy, double? sigma0)
    {
        using var reader = FromText(Mini(version, Calculation(scsteps: "")));
        var s = Assert.Single(reader.ReadSteps());
        Assert.Equal(0, s.ElectronicSteps);
        Assert.Equal(-10.5, s.FreeEnergy);
        Assert.Equal(noEntropy, s.EnergyWithoutEntropy);
        Assert.Equal(sigma0, s.EnergySigma0);

        // Asking for an energy the file does not have skips the step with a warning.
        using var sigma = FromText(Mini(version, Calculation(scsteps: "")), new VasprunReadOptions { Energy = VaspEnergyKind.Sigma0 });
        Assert.Equal(sigma0 is null ? 0 : 1, sigma.ReadSteps().Count());
        Assert.Equal(sigma0 is null ? 1 : 0, sigma.StepsSkipped);
    }

    [Fact]
    public void Overflowed_numbers_skip_the_step_with_a_warning()
    {
        string text = Mini("5.4.4", Calculation(force0: "0.1************** 0.3"), Calculation(),
            Calculation(scsteps: Scstep("**************", "1", "1") + Scstep("-10.5", "-10.4", "-10.45")),
            Calculation(calcEnergy: "***************"));
        var seen = new List<ParseDiagnostic>();
        using var reader = FromText(text, new VasprunReadOptions { OnDiagnostic = seen.Add });
        var steps = reader.ReadSteps().ToList();
        // Step 1 (forces) and 4 (calculation energy) are skipped; stars in an early scstep (step 3) do not matter.
        Assert.Equal([2, 3], steps.Select(s => s.IonicStep));
        Assert.Equal([0L, 1L], steps.Select(s => s.Frame.Info.SourceIndex!.Value));
        Assert.Equal(2, reader.StepsSkipped);
        Assert.Equal(2, seen.Count);
        Assert.Equal(LineOf(text, "0.1*****"), seen[0].Line);
        Assert.Equal(1, seen[0].Frame);
        Assert.Contains("ionic step 1 skipped", seen[0].Message, StringComparison.Ordinal);
        Assert.Contains("*****", seen[0].Message, StringComparison.Ordinal);
        Assert.Equal(4, seen[1].Frame);
        Assert.Equal(seen, reader.Diagnostics);
    }

    [Fact]
    public void A_non_numeric_value_throws_with_file_and_line()
    {
        string text = Mini("5.4.4", Calculation(), Calculation(force0: "0.1 abc 0.3"));
        using var reader = FromText(text);
        Assert.True(reader.TryRead(out _));
        var e = Assert.Throws<ParseException>(() => reader.TryRead(out _));
        Assert.Equal("mini.xml", e.File);
        Assert.Equal(LineOf(text, "0.1 abc"), e.Line);
        Assert.Equal(2, e.Frame);
        Assert.Contains("'abc'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.1 0.2", "expected 3 numbers")]
    [InlineData("0.1 0.2 0.3 0.4", "expected 3 numbers")]
    public void A_row_of_the_wrong_width_throws(string force0, string message)
    {
        string text = Mini("5.4.4", Calculation(force0: force0));
        using var reader = FromText(text);
        var e = Assert.Throws<ParseException>(() => reader.TryRead(out _));
        Assert.Equal(LineOf(text, force0 + " "), e.Line);
        Assert.Contains(message, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_row_throws()
    {
        string text = Mini("5.4.4", Calculation().Replace("<v>  -0.1 -0.2 -0.3 </v>", "", StringComparison.Ordinal));
        using var reader = FromText(text);
        var e = Assert.Throws<ParseException>(() => reader.TryRead(out _));
        Assert.Contains("<varray name=\"forces\"> has 1 rows, 2 expected", e.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(text, "<varray name=\"forces\""), e.Line);
    }

    [Fact]
    public void Malformed_xml_before_the_end_throws_but_a_cut_does_not()
    {
        string text = Mini("5.4.4", Calculation(), Calculation().Replace("</varray>\n  <energy>", "</array>\n  <energy>", StringComparison.Ordinal), Calculation());
        using var reader = FromText(text);
        Assert.True(reader.TryRead(out _));
        var e = Assert.Throws<ParseException>(() => reader.TryRead(out _));
        Assert.Contains("not well-formed XML", e.Problem, StringComparison.Ordinal);
        Assert.True(e.Line > 0 && e.Line < text.Count(c => c == '\n'));

        string cut = Mini("5.4.4", Calculation(), Calculation())[..^60];
        using var truncated = FromText(cut);
        Assert.Single(truncated.ReadSteps());
        Assert.True(truncated.Truncated);
        Assert.Contains("inside ionic step 2", Assert.Single(truncated.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_xml_file_is_not_a_vasprun()
    {
        var e = Assert.Throws<ParseException>(() => FromText("<?xml version=\"1.0\"?>\n<html><body/></html>\n"));
        Assert.Contains("not a vasprun.xml", e.Problem, StringComparison.Ordinal);
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void An_empty_file_is_a_truncated_one()
    {
        using var reader = FromText("");
        Assert.Empty(reader.ReadSteps());
        Assert.True(reader.Truncated);
        Assert.Single(reader.Diagnostics);
    }

    [Fact]
    public void Unknown_elements_in_atominfo_throw()
    {
        string text = Mini("5.4.4").Replace("<rc><c>Si</c><c>   1</c></rc>", "<rc><c>Qq</c><c>   1</c></rc>", StringComparison.Ordinal);
        var e = Assert.Throws<ParseException>(() => FromText(text));
        Assert.Contains("unknown element 'Qq'", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Machine_learned_groups_outside_calculations()
    {
        const string Ml = """
             <structure>
              <crystal>
               <varray name="basis" >
                <v>       4.0  0.0  0.0 </v>
                <v>       0.0  5.0  0.0 </v>
                <v>       0.0  0.0  6.0 </v>
               </varray>
              </crystal>
              <varray name="positions" >
               <v>  0.25 0 0 </v>
               <v>  0.5 0.5 0.5 </v>
              </varray>
             </structure>
             <varray name="forces" >
              <v>  1 2 3 </v>
              <v>  -1 -2 -3 </v>
             </varray>
             <energy>
              <i name="e_fr_energy">   -9.0 </i>
              <i name="e_wo_entrp">   -9.0 </i>
              <i name="e_0_energy">   -9.0 </i>
              <i name="total">   -8.0 </i>
             </energy>
             <time name="totalsc">    0.04    0.04</time>

            """;
        string text = Mini("6.3.0", Calculation(), Ml, Ml, Calculation()).Replace("</modeling>", " <structure name=\"finalpos\" >\n </structure>\n</modeling>", StringComparison.Ordinal);
        using var dft = FromText(text);
        Assert.Equal([1, 4], dft.ReadSteps().Select(s => s.IonicStep));
        Assert.Equal(2, dft.MachineLearnedStepsLeftOut);
        using var all = FromText(text, new VasprunReadOptions { IncludeMachineLearned = true, Energy = VaspEnergyKind.Sigma0 });
        var steps = all.ReadSteps().ToList();
        Assert.Equal([1, 2, 3, 4], steps.Select(s => s.IonicStep));
        Assert.Equal([false, true, true, false], steps.Select(s => s.IsMachineLearned));
        Assert.Equal(-9.0, steps[1].Frame.Energy);
        Assert.Equal(new Vec3(1, 0, 0), steps[1].Frame.Position(0));
        Assert.Null(steps[1].Frame.Virial);
        Assert.Equal(["T"], steps[1].Frame.Info.Extra.Where(kv => kv.Key == "ml_frame").Select(kv => kv.Value));
        Assert.Empty(all.Diagnostics);

        // A file cut right after an ML frame's </energy> keeps it.
        int total = text.LastIndexOf("name=\"total\"", StringComparison.Ordinal);
        string cut = text[..(text.IndexOf("</energy>", total, StringComparison.Ordinal) + "</energy>".Length)];
        using var truncated = FromText(cut, new VasprunReadOptions { IncludeMachineLearned = true });
        Assert.Equal(3, truncated.ReadSteps().Count());
        Assert.True(truncated.Truncated);
    }
}
