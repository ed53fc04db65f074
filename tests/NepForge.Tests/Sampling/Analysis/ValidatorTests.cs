using NepForge.Sampling.Analysis;
using NepForge.Structures;

namespace NepForge.Tests.Sampling.Analysis;

public class ValidatorTests
{
    const string Cell = "Lattice=\"5.43 0 0 0 5.43 0 0 0 5.43\"";
    const string Props = "Properties=species:S:1:pos:R:3:force:R:3";

    // A 2-atom Si frame (4 lines); x moves the second atom so that frames differ.
    static string Si2(double x = 1.3575, string keys = "energy=-10.8", string f1 = "0.1 0 0", string f2 = "-0.1 0 0", string a = "Si", string b = "Si") =>
        $"2\n{Cell} {Props} {keys} pbc=\"T T T\"\n{a} 0 0 0 {f1}\n{b} {x} 1.3575 1.3575 {f2}\n";

    static ValidationReport Check(string text, ValidationOptions? options = null) =>
        new DatasetValidator(options).ValidateString(text, "test.xyz");

    static ValidationIssue Only(ValidationReport r, string code)
    {
        var all = r.Issues.Where(i => i.Code == code).ToList();
        Assert.True(all.Count == 1, $"expected one [{code}], found: {string.Join(" | ", r.Issues)}");
        return all[0];
    }

    [Fact]
    public void A_clean_file_has_no_issue()
    {
        var r = Check(Si2() + Si2(1.40) + Si2(1.45) + "\n\n"); // blank lines at the very end are harmless
        Assert.True(r.Issues.Count == 0, string.Join(" | ", r.Issues));
        Assert.True(r.IsValid);
        Assert.Equal(3, r.Frames);
        Assert.Equal(6, r.Atoms);
        Assert.Equal(3, r.FramesNepReads);
        Assert.Equal(6, r.Species[Elements.Get("Si")]);
    }

    [Fact]
    public void Blank_line_between_frames_is_an_error_with_its_line_number()
    {
        var r = Check(Si2() + "\n" + Si2(1.40) + Si2(1.45));
        var i = Only(r, "blank-line");
        Assert.Equal(ValidationSeverity.Error, i.Severity);
        Assert.Equal(5, i.Line);
        Assert.Equal(1, i.Frame);
        Assert.Contains("blank line 5", i.Message);
        Assert.False(r.IsValid);
        Assert.Equal(3, r.Frames);          // every frame is still checked…
        Assert.Equal(1, r.FramesNepReads);  // …but nep would read one
        Assert.Single(r.Issues);
    }

    [Fact]
    public void Several_blank_lines_and_one_inside_a_frame()
    {
        string text = Si2() + "\n  \n" + Si2(1.40).Replace("Si 0 0 0 0.1 0 0\n", "Si 0 0 0 0.1 0 0\n\n") + Si2(1.45);
        var r = Check(text);
        var blanks = r.Issues.Where(i => i.Code == "blank-line").ToList();
        Assert.Equal(2, blanks.Count);
        Assert.Equal(5, blanks[0].Line);
        Assert.Contains("blank lines 5–6", blanks[0].Message);
        Assert.Equal(10, blanks[1].Line);           // after line 7 (count), 8 (comment), 9 (first atom)
        Assert.Contains("inside frame 1", blanks[1].Message);
        Assert.Equal(1, r.FramesNepReads);
    }

    [Fact]
    public void Species_not_in_the_type_list()
    {
        var types = new ValidationOptions { Types = [Elements.Get("Pb"), Elements.Get("Te")] };
        var r = Check(Si2(a: "Pb", b: "Te") + Si2(1.40, a: "Pb", b: "Si"), types);
        var i = Only(r, "species-not-in-types");
        Assert.Equal(ValidationSeverity.Error, i.Severity);
        Assert.Equal(1, i.Frame);
        Assert.Equal(5, i.Line);
        Assert.Contains("1 Si", i.Message);
        Assert.Contains("Pb Te", i.Message);
        // Without a type list species are not checked; a listed type with no atom is worth a warning.
        Assert.Empty(Check(Si2(a: "Pb", b: "Te")).Issues);
        var unused = Only(Check(Si2(a: "Pb", b: "Pb"), types), "type-without-atoms");
        Assert.Equal(ValidationSeverity.Warning, unused.Severity);
        Assert.Null(unused.Frame);
    }

    [Fact]
    public void Energy_below_minus_100_eV_per_atom_is_a_warning()
    {
        var r = Check(Si2(keys: "energy=-300") + Si2(1.40, keys: "energy=-199.9"));
        var i = Only(r, "energy-below-minus-100");
        Assert.Equal(ValidationSeverity.Warning, i.Severity);
        Assert.Equal(0, i.Frame);
        Assert.Contains("-150 eV/atom", i.Message);
        Assert.True(r.IsValid);
    }

    [Fact]
    public void Inconsistent_virial_and_stress_is_an_error()
    {
        // V = 160.103007 Å³: virial 1.6 eV ↔ stress −0.00999357 eV/Å³. The first frame agrees, the second is off by
        // 1.6 eV in xx (0.8 eV/atom).
        const string good = "energy=-10.8 virial=\"1.6 0 0 0 1.6 0 0 0 1.6\" stress=\"-0.0099935667 0 0 0 -0.0099935667 0 0 0 -0.0099935667\"";
        const string bad = "energy=-10.8 virial=\"1.6 0 0 0 1.6 0 0 0 1.6\" stress=\"0 0 0 0 -0.0099935667 0 0 0 -0.0099935667\"";
        var r = Check(Si2(keys: good) + Si2(1.40, keys: bad));
        var i = Only(r, "virial-stress-mismatch");
        Assert.Equal(ValidationSeverity.Error, i.Severity);
        Assert.Equal(1, i.Frame);
        Assert.Equal(6, i.Line); // the comment line of frame 1
        Assert.Contains("0.8 eV/atom", i.Message);
        Assert.Single(r.Issues);
    }

    [Fact]
    public void Forces_that_do_not_sum_to_zero()
    {
        var r = Check(Si2() + Si2(1.40, f1: "0.1 0 0", f2: "0.1 0 0") + Si2(1.45, f1: "0.03 0 0", f2: "0.03 0.02 0"));
        var i = Only(r, "force-sum");
        Assert.Equal(ValidationSeverity.Warning, i.Severity);
        Assert.Equal(1, i.Frame);
        Assert.Contains("|ΣF| / N = 0.1 eV/Å", i.Message);
        // The threshold is configurable: 0.02 also flags the third frame (|ΣF|/N = 0.0316).
        Assert.Equal(2, Check(Si2() + Si2(1.40, f1: "0.1 0 0", f2: "0.1 0 0") + Si2(1.45, f1: "0.03 0 0", f2: "0.03 0.02 0"),
            new ValidationOptions { ForceSumPerAtom = 0.02 }).Issues.Count(x => x.Code == "force-sum"));
    }

    [Fact]
    public void Duplicate_frames()
    {
        // Frame 2 repeats frame 0 with the second atom written as its image one cell away (x + 5.43).
        var r = Check(Si2() + Si2(1.40) + Si2(1.3575 + 5.43));
        var i = Only(r, "duplicate");
        Assert.Equal(ValidationSeverity.Warning, i.Severity);
        Assert.Equal(2, i.Frame);
        Assert.Equal(9, i.Line);
        Assert.Contains("as frame 0 (line 1)", i.Message);
    }

    [Fact]
    public void Weights_outside_0_to_100()
    {
        var r = Check(Si2(keys: "energy=-10.8 weight=0") + Si2(1.40, keys: "energy=-10.8 weight=101") + Si2(1.45, keys: "energy=-10.8 weight=100") +
            Si2(1.5, keys: "energy=-10.8 weight=0.01"));
        var w = r.Issues.Where(x => x.Code == "weight-out-of-range").ToList();
        Assert.Equal([0L, 1L], w.Select(x => x.Frame!.Value));
        Assert.All(w, x => Assert.Equal(ValidationSeverity.Error, x.Severity));
        Assert.Contains("weight=101", w[1].Message);
        Assert.Equal(2, r.Issues.Count);
    }

    [Fact]
    public void Overlapping_atoms()
    {
        // Si–Si at 0.9 Å = 0.41 × (1.11 + 1.11).
        var r = Check(Si2() + Si2(0.9).Replace("0.9 1.3575 1.3575", "0.9 0 0"));
        var i = Only(r, "close-contact");
        Assert.Equal(ValidationSeverity.Warning, i.Severity);
        Assert.Equal(1, i.Frame);
        Assert.Contains("0.9 Å", i.Message);
        Assert.Contains("0.405", i.Message);
        Assert.Empty(Check(Si2(0.9).Replace("0.9 1.3575 1.3575", "0.9 0 0"), new ValidationOptions { MinRatio = 0 }).Issues);
    }

    [Fact]
    public void Missing_lattice_energy_and_forces_and_non_finite_values()
    {
        string noCell = "2\nProperties=species:S:1:pos:R:3 pbc=\"F F F\"\nSi 0 0 0\nSi 1.3575 1.3575 1.3575\n";
        var r = Check(noCell + Si2(keys: "energy=NaN"));
        Assert.Equal(0, Only(r, "missing-lattice").Frame);
        Assert.Equal(0, Only(r, "missing-energy").Frame);
        Assert.Equal(0, Only(r, "missing-forces").Frame);
        var nan = Only(r, "non-finite");
        Assert.Equal(1, nan.Frame);
        Assert.Contains("energy is NaN", nan.Message);
        Assert.All(r.Issues, x => Assert.Equal(ValidationSeverity.Error, x.Severity));
    }

    [Fact]
    public void Slab_cells_and_asymmetric_virials_are_warnings()
    {
        var r = Check(Si2().Replace("pbc=\"T T T\"", "pbc=\"T T F\"") + Si2(1.40, keys: "energy=-10.8 virial=\"1 0.5 0 0 1 0 0 0 1\""));
        Assert.Equal(0, Only(r, "non-periodic").Frame);
        Assert.Equal(1, Only(r, "virial-asymmetric").Frame);
        Assert.True(r.IsValid);
    }

    [Fact]
    public void Unreadable_and_truncated_frames_are_errors()
    {
        string badNumber = Si2(1.40).Replace("-0.1 0 0", "-0.1 zero 0");
        string truncated = "2\n" + $"{Cell} {Props} energy=-10.8\nSi 0 0 0 0 0 0\n";
        var r = Check(Si2() + badNumber + Si2(1.45) + truncated);
        var bad = Only(r, "unreadable-frame");
        Assert.Equal(1, bad.Frame);
        Assert.Contains("non-numeric value 'zero'", bad.Message);
        Assert.Equal(ValidationSeverity.Error, Only(r, "truncated").Severity);
        Assert.Equal(2, r.Frames);
    }

    [Fact]
    public void Mixed_energy_kinds_and_empty_files()
    {
        var r = Check(Si2(keys: "energy=-10.8 energy_kind=free_energy") + Si2(1.40, keys: "energy=-10.7 energy_kind=energy_sigma0"));
        var i = Only(r, "mixed-energy-kinds");
        Assert.Null(i.Frame);
        Assert.Contains("energy_sigma0 1, free_energy 1", i.Message);
        Assert.Equal("no-frames", Assert.Single(Check("").Issues).Code);
    }

    [Fact]
    public void Issue_text_says_error_or_warning_line_and_frame()
    {
        var issue = new ValidationIssue(ValidationSeverity.Error, 3, 17, "blank-line", "blank line 17");
        Assert.Equal("error (line 17, frame 3) [blank-line]: blank line 17", issue.ToString());
        Assert.Equal("warning [x]: y", new ValidationIssue(ValidationSeverity.Warning, null, null, "x", "y").ToString());
    }

    [Fact]
    public void Nep_in_type_line()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nepforge-validate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string nepIn = Path.Combine(dir, "nep.in");
            File.WriteAllText(nepIn, "# model\nversion 4\ntype 3 Pb Te O  # three species\ncutoff 8 4\n");
            Assert.Equal(["Pb", "Te", "O"], DatasetValidator.ReadNepTypes(nepIn).Select(e => e.Symbol));
            File.WriteAllText(nepIn, "type 3 Pb Te\n");
            Assert.Throws<FormatException>(() => DatasetValidator.ReadNepTypes(nepIn));
            File.WriteAllText(nepIn, "generation 100\n");
            Assert.Throws<FormatException>(() => DatasetValidator.ReadNepTypes(nepIn));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [FixtureFact]
    public void The_gpumd_training_set_is_clean()
    {
        // 25 PbTe frames × 250 atoms from GPUMD's NEP example: energies −3.83…−3.72 eV/atom (no −100 warning),
        // forces summing to ~1e-8 eV/Å per atom, closest Pb–Te contact 2.72 Å (0.96 × the covalent sum), no
        // duplicates, no virials, one weightless config_type. nep.in lists "type 2 Te Pb".
        string path = Fixtures.Path("gpumd/nep_train/train.xyz");
        var types = DatasetValidator.ReadNepTypes(Fixtures.Path("gpumd/nep_train/nep.in"));
        Assert.Equal(["Te", "Pb"], types.Select(e => e.Symbol));
        var r = new DatasetValidator(new ValidationOptions { Types = types }).Validate(path);
        Assert.True(r.Issues.Count == 0, string.Join(" | ", r.Issues));
        Assert.Equal(25, r.Frames);
        Assert.Equal(6250, r.Atoms);
        Assert.Equal(25, r.FramesNepReads);
        Assert.Equal(3125, r.Species[Elements.Get("Te")]);
        Assert.Equal(3125, r.Species[Elements.Get("Pb")]);

        // Tightened limits find what is there: a 1e-8 eV/Å force-sum threshold flags frames, a 0.96 ratio flags
        // the closest contacts, and a model trained on Pb alone would stop at every frame.
        var strict = new DatasetValidator(new ValidationOptions { Types = [Elements.Get("Pb")], ForceSumPerAtom = 5e-9, MinRatio = 0.96 }).Validate(path);
        Assert.Equal(25, strict.Issues.Count(i => i.Code == "species-not-in-types"));
        Assert.All(strict.Issues.Where(i => i.Code == "species-not-in-types"), i => Assert.Contains("125 Te", i.Message));
        Assert.InRange(strict.Issues.Count(i => i.Code == "force-sum"), 1, 24);
        Assert.Equal([21L], strict.Issues.Where(i => i.Code == "close-contact").Select(i => i.Frame!.Value));
        Assert.Equal(1 + 252 * 21, strict.Issues.First(i => i.Code == "close-contact").Line);
    }
}
