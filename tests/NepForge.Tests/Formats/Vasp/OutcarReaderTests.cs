using System.Globalization;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

/// <summary>Every OUTCAR fixture, with the values its source project asserts (fixtures/vasp/PROVENANCE.md).</summary>
public class OutcarReaderTests
{
    static (List<VaspStep> Steps, OutcarReader Reader) Read(string relative, OutcarReadOptions? options = null)
    {
        var reader = OutcarReader.Open(Fixtures.Path("vasp/" + relative), options);
        var steps = new List<VaspStep>();
        while (reader.TryRead(out var s))
            steps.Add(s);
        reader.Dispose();
        return (steps, reader);
    }

    static double[][] Raw(string name) => File.ReadLines(Fixtures.Path("vasp/dpdata/expected.h2o.md/" + name))
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray())
        .ToArray();

    public static TheoryData<string, int> Counts => new()
    {
        { "dpdata/OUTCAR.h2o.md", 3 },
        { "dpdata/OUTCAR.h2o.md.10", 10 },
        { "dpdata/OUTCAR.ch4.unconverged", 3 },
        { "dpdata/OUTCAR.ch4.1step", 1 },
        { "dpdata/OUTCAR.ch4.ml", 4 },
        { "dpdata/OUTCAR.Ge.vdw", 1 },
        { "dpdata/6362_OUTCAR", 2 },
        { "dpdata/Ti-O-Ti-v6/OUTCAR", 1 },
        { "dpdata/Ti-aimd-nwrite0/OUTCAR", 2 },
        { "pymatgen-core/OUTCAR.etest1", 8 },
        { "pymatgen-core/OUTCAR.etest2", 8 },
        { "pymatgen-core/OUTCAR_vasp_6.3", 1 },
        { "pymatgen-core/static_silicon/OUTCAR", 1 },
        { "custodian/npt_common/OUTCAR", 10 },
        { "custodian/npt_nvt/OUTCAR", 10 },
        { "custodian/potim/OUTCAR", 3 },
        { "custodian/OUTCAR_auto_nbands_parallel", 0 },
        { "aiida-vasp/unfinished/OUTCAR", 0 },
        { "aiida-vasp/elec-unconverged/OUTCAR", 1 },
        { "gpumd-tools/WH-AIMD/OUTCAR", 3 },
        { "gpumd-tools/ZIF-8/OUTCAR", 1 },
    };

    [FixtureFact]
    public void Every_outcar_fixture_is_covered()
    {
        var all = Directory.GetFiles(Fixtures.Path("vasp"), "*OUTCAR*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Fixtures.Path("vasp"), f).Replace('\\', '/')).Order().ToList();
        var covered = Counts.Select(r => (string)r[0]).Append("dpdata/outcar.longit/OUTCAR").Order().ToList();
        Assert.Equal(all, covered);
    }

    [FixtureTheory]
    [MemberData(nameof(Counts))]
    public void Step_counts(string file, int steps) => Assert.Equal(steps, Read(file).Steps.Count);

    [FixtureFact]
    public void H2o_md_matches_dpdata_reference_arrays()
    {
        var (steps, reader) = Read("dpdata/OUTCAR.h2o.md");
        Assert.Equal([-28.38622624, -28.43874406, -28.46658469], steps.Select(s => s.Frame.Energy!.Value));
        Assert.Equal("5.4.4.18Apr17-6-g9f103f2a35", reader.Run.Version);
        Assert.Equal(["O", "H"], reader.Run.Species);
        Assert.Equal([2, 4], reader.Run.IonsPerType);
        Assert.Equal(60, reader.Run.Nelm);
        Assert.Equal(1e-6, reader.Run.Ediff);
        Assert.Equal((0, 2, 3), (reader.Run.Ibrion, reader.Run.Isif, reader.Run.Nsw));
        Assert.True(reader.Run.Finished);
        var box = Raw("box.raw");
        var coord = Raw("coord.raw");
        var force = Raw("force.raw");
        var virial = Raw("virial.raw");
        var energy = Raw("energy.raw");
        for (int i = 0; i < 3; i++)
        {
            var f = steps[i].Frame;
            Assert.Equal(energy[i][0], f.Energy!.Value, 6);
            for (int k = 0; k < 9; k++)
            {
                Assert.Equal(box[i][k], f.Lattice!.Matrix.ToArray()[k], 6);
                Assert.Equal(virial[i][k], f.Virial!.Value.ToArray()[k], 6);
            }
            for (int k = 0; k < 18; k++)
            {
                Assert.Equal(coord[i][k], f.Positions[k], 5);
                Assert.Equal(force[i][k], f.Forces![k], 6);
            }
            Assert.Equal(["O", "O", "H", "H", "H", "H"], f.Elements.Select(e => e.Symbol));
            Assert.Equal("free_energy", f.Info.EnergyKind);
            Assert.Equal(i + 1, f.Info.SourceStep);
            Assert.True(steps[i].Converged);
        }
    }

    [FixtureFact]
    public void Virial_follows_the_in_kB_line_with_the_pressure_sign()
    {
        // Step 1 of OUTCAR.h2o.md: in kB XX = -2.15814, V = 1000 A^3 -> -2.15814 * 1000 / 1602.176634 eV.
        var f = Read("dpdata/OUTCAR.h2o.md").Steps[0].Frame;
        Assert.Equal(-2.15814 * 1000 / 1602.176634, f.Virial!.Value.M00, 12);
        Assert.Equal(2.40095 * 1000 / 1602.176634, f.Virial.Value.M02, 12); // ZX
        Assert.Equal(-0.215814, f.StressGpa!.Value.M00, 9);
    }

    [FixtureFact]
    public void Md10_energies_and_every_third_step()
    {
        var (steps, _) = Read("dpdata/OUTCAR.h2o.md.10");
        Assert.Equal([-28.38622624, -28.43873965, -28.46655840, -28.42963138, -28.40826020, -28.45488108, -28.48142619, -28.43759776,
            -28.38850908, -28.39848822], steps.Select(s => s.FreeEnergy!.Value));
        Assert.Equal(Enumerable.Range(1, 10), steps.Select(s => s.IonicStep));
    }

    [FixtureFact]
    public void Unconverged_steps_are_flagged_by_nelm()
    {
        var (steps, reader) = Read("dpdata/OUTCAR.ch4.unconverged");
        Assert.Equal(15, reader.Run.Nelm);
        Assert.Equal([false, false, true], steps.Select(s => s.Converged));
        Assert.Equal([15, 15, 12], steps.Select(s => s.ElectronicSteps));
        var kept = Assert.Single(steps, s => s.Converged);
        Assert.Equal(-23.94708651, kept.Frame.Energy);
        Assert.Equal(5, kept.Frame.AtomCount);

        var one = Read("dpdata/OUTCAR.ch4.1step").Steps.Single();
        Assert.False(one.Converged); // NELM = 1 reached: dpdata keeps 0 frames
        Assert.Equal(["H", "H", "H", "H", "C"], one.Frame.Elements.Select(e => e.Symbol));
    }

    [FixtureFact]
    public void Elec_unconverged_single_point()
    {
        var s = Read("aiida-vasp/elec-unconverged/OUTCAR").Steps.Single();
        Assert.Equal(8, s.Nelm);
        Assert.Equal(8, s.ElectronicSteps);
        Assert.False(s.Converged);
    }

    [FixtureFact]
    public void Machine_learned_steps_are_left_out_unless_asked_and_never_mixed()
    {
        var (dft, reader) = Read("dpdata/OUTCAR.ch4.ml");
        Assert.True(reader.Run.MachineLearning);
        Assert.All(dft, s => Assert.False(s.IsMachineLearned));
        Assert.Equal([1, 2, 3, 6], dft.Select(s => s.IonicStep));
        Assert.Equal(-24.12709802, dft[0].FreeEnergy);
        Assert.Equal(10, reader.MachineLearnedStepsLeftOut);
        Assert.Contains(reader.Diagnostics, d => d.Message.Contains("--ml-frames"));
        Assert.Equal(["H", "H", "H", "H", "C"], dft[0].Frame.Elements.Select(e => e.Symbol));

        var (all, _) = Read("dpdata/OUTCAR.ch4.ml", new OutcarReadOptions { IncludeMachineLearned = true });
        var ml = all.Where(s => s.IsMachineLearned).ToList();
        // 10 ML steps, the first two printed as zeros before the force field exists: dropped with a warning.
        Assert.Equal(8, ml.Count);
        Assert.Equal(Enumerable.Range(3, 8), ml.Select(s => s.IonicStep));
        Assert.Equal(-24.12738815, ml[0].FreeEnergy);
        Assert.Equal(-24.12712228, ml[^1].FreeEnergy);
        Assert.All(ml, s => Assert.Equal("T", s.Frame.Info.GetExtra("ml_frame")));
        Assert.Equal(4, all.Count(s => !s.IsMachineLearned));
    }

    [FixtureFact]
    public void More_than_ten_species_fails_with_a_clear_message()
    {
        var e = Assert.Throws<ParseException>(() => Read("dpdata/outcar.longit/OUTCAR"));
        Assert.Contains("ions per type", e.Message);
        Assert.Contains("at most 10", e.Message);
        Assert.Contains("POSCAR", e.Message);
    }

    [FixtureFact]
    public void More_than_ten_species_recovered_from_a_poscar_beside_it()
    {
        string dir = Directory.CreateTempSubdirectory("nepforge-longit").FullName;
        try
        {
            File.Copy(Fixtures.Path("vasp/dpdata/outcar.longit/OUTCAR"), Path.Combine(dir, "OUTCAR"));
            // The POSCAR VASP would have read: species in POTCAR order with counts adding to NIONS = 48.
            var species = "Cr Mn Fe Co Ni Cu Zn Y Zr Nb Mo Rh Pd W Ir Pt".Split(' ');
            var counts = new[] { 3, 5, 3, 1, 4, 4, 2, 5, 4, 5, 2, 2, 2, 2, 2, 2 };
            var lines = new List<string> { "longit", "1.0", "10 0 0", "0 10 0", "0 0 10", string.Join(' ', species), string.Join(' ', counts), "Direct" };
            for (int i = 0; i < 48; i++)
                lines.Add($"{i / 48.0} 0 0");
            File.WriteAllLines(Path.Combine(dir, "POSCAR"), lines);
            using var r = OutcarReader.Open(Path.Combine(dir, "OUTCAR"));
            Assert.True(r.TryRead(out var step));
            Assert.Equal(48, step.Frame.AtomCount);
            Assert.Equal(counts, r.Run.IonsPerType);
            Assert.Contains(r.Diagnostics, d => d.Message.Contains("taken from POSCAR"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [FixtureFact]
    public void Truncated_files_keep_complete_steps_and_warn_with_the_line()
    {
        var (steps, reader) = Read("custodian/potim/OUTCAR");
        Assert.Equal(3, steps.Count);
        Assert.True(reader.Truncated);
        var w = Assert.Single(reader.Diagnostics);
        Assert.Contains("inside ionic step 4", w.Message);
        Assert.Equal(25967, w.Line);

        var (none, cut) = Read("custodian/OUTCAR_auto_nbands_parallel");
        Assert.Empty(none);
        Assert.True(cut.Truncated);
        Assert.Equal("6.4.1", cut.Run.Version);

        var (wh, whReader) = Read("gpumd-tools/WH-AIMD/OUTCAR");
        Assert.True(whReader.Truncated);
        Assert.Equal(3, wh.Count);
    }

    [FixtureFact]
    public void Cutting_before_the_last_toten_gives_two_frames_and_names_step_3()
    {
        // dpdata test_vasp_outcar_interrupted: cut just before the last "free  energy   TOTEN" line.
        var lines = File.ReadAllLines(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md"));
        int last = Array.FindLastIndex(lines, l => l.Contains("free  energy   TOTEN", StringComparison.Ordinal));
        using var ms = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(string.Join('\n', lines[..last]) + "\n"));
        using var r = new OutcarReader(ms, "OUTCAR.cut");
        var steps = new List<VaspStep>();
        while (r.TryRead(out var s))
            steps.Add(s);
        Assert.Equal(2, steps.Count);
        Assert.Equal([-28.38622624, -28.43874406], steps.Select(s => s.FreeEnergy!.Value));
        Assert.Contains("inside ionic step 3", Assert.Single(r.Diagnostics).Message);
    }

    [FixtureFact]
    public void Nwrite0_reports_steps_without_force_tables()
    {
        var (steps, reader) = Read("dpdata/Ti-aimd-nwrite0/OUTCAR");
        Assert.Equal([1, 10], steps.Select(s => s.IonicStep));
        Assert.Contains(reader.Diagnostics, d => d.Message.Contains("8 ionic step(s)") && d.Message.Contains("vasprun.xml"));
    }

    [FixtureFact]
    public void Isif0_gives_no_virial_and_isif3_does()
    {
        Assert.All(Read("custodian/npt_nvt/OUTCAR").Steps, s => Assert.Null(s.Frame.Virial));
        var npt = Read("custodian/npt_common/OUTCAR").Steps;
        Assert.All(npt, s => Assert.NotNull(s.Frame.Virial));
        // NpT: the cell changes every step.
        Assert.NotEqual(npt[0].Frame.Lattice!.Matrix, npt[^1].Frame.Lattice!.Matrix);
    }

    [FixtureFact]
    public void Species_from_potcar_lines_in_vasp6_and_repeated_species()
    {
        var (steps, reader) = Read("dpdata/Ti-O-Ti-v6/OUTCAR");
        Assert.Equal(["Ti", "O", "Ti"], reader.Run.Species);
        Assert.Equal(["Ti", "Ti", "Ti", "O", "O", "Ti", "Ti", "Ti"], steps[0].Frame.Elements.Select(e => e.Symbol));
        Assert.Equal("6.3.0", reader.Run.Version);

        var b8o6 = Read("dpdata/6362_OUTCAR").Steps[0].Frame;
        int[] types = [0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1];
        Assert.Equal(types.Select(t => t == 0 ? "B" : "O"), b8o6.Elements.Select(e => e.Symbol));
    }

    [FixtureFact]
    public void Pymatgen_energy_triples()
    {
        var e1 = Read("pymatgen-core/OUTCAR.etest1").Steps[^1];
        Assert.Equal((-11.18981538, -11.13480014, -11.21732300), (e1.EnergySigma0!.Value, e1.EnergyWithoutEntropy!.Value, e1.FreeEnergy!.Value));
        var e2 = Read("pymatgen-core/OUTCAR.etest2").Steps[^1];
        Assert.Equal((-11.18986774, -11.13485250, -11.21737536), (e2.EnergySigma0!.Value, e2.EnergyWithoutEntropy!.Value, e2.FreeEnergy!.Value));
        var sigma = Read("pymatgen-core/OUTCAR.etest1", new OutcarReadOptions { Energy = VaspEnergyKind.Sigma0 }).Steps[^1].Frame;
        Assert.Equal(-11.18981538, sigma.Energy);
        Assert.Equal("energy_sigma0", sigma.Info.EnergyKind);
        var noEntropy = Read("pymatgen-core/OUTCAR.etest1", new OutcarReadOptions { Energy = VaspEnergyKind.NoEntropy }).Steps[^1].Frame;
        Assert.Equal(-11.13480014, noEntropy.Energy);
    }

    [FixtureFact]
    public void Spin_polarised_and_vasp_6_3_single_point()
    {
        var (steps, reader) = Read("pymatgen-core/OUTCAR_vasp_6.3");
        Assert.Equal(2, reader.Run.Ispin);
        Assert.Equal(["La", "Ga", "O"], reader.Run.Species);
        Assert.Equal(10, steps[0].Frame.AtomCount);
        Assert.NotNull(steps[0].Frame.Virial);
    }

    [FixtureFact]
    public void Wh_aimd_matches_gpumds_converter()
    {
        // fixtures/gpumd/outcar2xyz frames 1-3 come from this OUTCAR (energy = TOTEN, virial = FORCE on cell Total).
        var steps = Read("gpumd-tools/WH-AIMD/OUTCAR").Steps;
        Assert.Equal([-3283.96931324, -3297.08424477, -3310.05614492], steps.Select(s => s.Frame.Energy!.Value));
        var f = steps[0].Frame;
        Assert.Equal(391, f.AtomCount);
        Assert.Equal(new Vec3(1.61852, 1.55752, 1.58416), f.Position(0));
        Assert.Equal(new Vec3(-0.336839, -0.137489, -0.154907), f.Force(0));
        double[] total = [429.37855, -6.82503, -13.42875, -6.82503, 409.12057, -12.41549, -13.42875, -12.41549, 433.67245];
        var v = f.Virial!.Value.ToArray();
        for (int k = 0; k < 9; k++)
            Assert.Equal(total[k], v[k], 2); // "in kB" (5 decimals) × V vs the "Total" row (5 decimals)
    }

    [Fact]
    public void Fused_numbers_and_stars()
    {
        Span<double> v = stackalloc double[6];
        Assert.Equal(3, OutcarNumbers.Read("   -0.011409000-10.000000000  0.000000000"u8, 0, v));
        Assert.Equal(-0.011409, v[0]);
        Assert.Equal(-10.0, v[1]);
        Assert.Equal(2, OutcarNumbers.Read("  1.5E-03-2.0"u8, 0, v));
        Assert.Equal(0.0015, v[0]);
        Assert.Equal(-2.0, v[1]);
        Assert.Equal(-1, OutcarNumbers.Read("  1.0 ******* 2.0"u8, 0, v));
        Assert.Equal(-2, OutcarNumbers.Read("  1.0 abc"u8, 0, v));
    }

    [FixtureFact]
    public void A_step_with_stars_in_the_force_table_is_skipped_with_a_warning()
    {
        var text = File.ReadAllText(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md"));
        int pos = text.IndexOf(" POSITION ", StringComparison.Ordinal);
        int row = text.IndexOf("-0.141986", pos, StringComparison.Ordinal);
        text = text[..row] + "*********" + text[(row + 9)..];
        using var r = new OutcarReader(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text)), "OUTCAR.stars");
        var steps = new List<VaspStep>();
        while (r.TryRead(out var s))
            steps.Add(s);
        Assert.Equal([2, 3], steps.Select(s => s.IonicStep));
        var w = Assert.Single(r.Diagnostics);
        Assert.Contains("ionic step 1 skipped", w.Message);
        Assert.Contains("*****", w.Message);
    }
}
