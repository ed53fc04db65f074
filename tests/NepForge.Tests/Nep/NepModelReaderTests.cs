using NepForge.IO;
using NepForge.Nep;

namespace NepForge.Tests.Nep;

/// <summary>nep.txt reading: sizes and layouts of every kind, refusals with file:line and what was expected.</summary>
public class NepModelReaderTests
{
    static NepModel Parse(string text) => NepModelReader.Read(new StringReader(text), "nep.txt");

    static string Valid(string kind) => NepTestModels.Text(NepTestModels.Get(kind));

    static ParseException Refused(string text) => Assert.Throws<ParseException>(() => Parse(text));

    [Theory]
    [InlineData("nep3", NepVersion.Nep3, 3 + 3 * 6, 2)]
    [InlineData("nep4 all invariants", NepVersion.Nep4, 3 + 3 * 10, 2)]
    [InlineData("nep4 3-body L_max 6", NepVersion.Nep4, 3 + 3 * 6, 2)]
    [InlineData("nep5_zbl flexible", NepVersion.Nep5, 3 + 3 * 6, 2)]
    [InlineData("nep4 per-species cutoffs", NepVersion.Nep4, 3 + 3 * 6, 3)]
    public void Reads_sizes_of_each_kind(string kind, NepVersion version, int dim, int types)
    {
        var model = Parse(Valid(kind));
        Assert.Equal(version, model.Version);
        Assert.Equal(dim, model.Dimension);
        Assert.Equal(types, model.TypeCount);
        Assert.Equal(dim, model.QScaler.Count);
        int network = version switch
        {
            NepVersion.Nep3 => (dim + 2) * 4 + 1,
            NepVersion.Nep4 => (dim + 2) * 4 * types + 1,
            _ => ((dim + 2) * 4 + 1) * types + 1,
        };
        Assert.Equal(network + types * types * (3 * 4 + 3 * 4), model.ParameterCount);
    }

    [Fact]
    public void Per_species_cutoffs_average_per_pair_and_l_max_flags_follow_GPUMD()
    {
        var model = Parse(Valid("nep4 per-species cutoffs"));
        Assert.Equal([4.5, 3.6, 4.0], model.RadialCutoffs);
        Assert.Equal([3.8, 3.1, 3.4], model.AngularCutoffs);
        Assert.Equal((4.5 + 3.6) / 2, model.RadialCutoff(0, 1));
        Assert.Equal(4.5, model.RadialCutoffMax);
        // "l_max 4 2 1 1 1 1 1" (as GPUMD writes it) switches on all six invariants, which NEP_CPU 7319bdc would misread.
        Assert.Equal(Enum.GetValues<NepInvariant>(), Parse(Valid("nep4 all invariants")).Invariants);
    }

    [Fact]
    public void Reads_the_three_ZBL_kinds()
    {
        Assert.Equal(NepZblKind.Universal, Parse(Valid("nep4_zbl universal")).Zbl!.Kind);
        var typewise = Parse(Valid("nep4_zbl typewise")).Zbl!;
        Assert.Equal((NepZblKind.Typewise, 0.8, 2.2), (typewise.Kind, typewise.TypewiseFactor, typewise.OuterCutoff));
        var flexible = Parse(Valid("nep5_zbl flexible")).Zbl!;
        Assert.Equal(NepZblKind.Flexible, flexible.Kind);
        Assert.Equal(30, flexible.FlexibleParameters.Count);
        Assert.Null(Parse(Valid("nep4")).Zbl);
    }

    [Theory]
    [InlineData("nep4_dipole", "dipole")]
    [InlineData("nep3_polarizability", "polarizability")]
    [InlineData("nep4_zbl_temperature", "temperature")]
    [InlineData("nep4_charge1", "charge")]
    [InlineData("nep4_zbl_charge2", "charge")]
    [InlineData("nep4_vdw", "van der Waals")]
    [InlineData("nep2", "obsolete")]
    [InlineData("nep6", "expected a model token")]
    public void Other_model_kinds_are_refused_by_name(string token, string message)
    {
        var e = Refused(Valid("nep4").Replace("nep4 2", token + " 2", StringComparison.Ordinal));
        Assert.Equal(1, e.Line);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("nep.txt:1: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_hidden_layers_are_refused()
    {
        var e = Refused(Valid("nep4").Replace("ANN 4 0", "ANN 4 3", StringComparison.Ordinal));
        Assert.Equal(6, e.Line);
        Assert.Contains("two-hidden-layer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("l_max 2 0 0 0 1", "q_123")]   // q_123 reads degree 3
    [InlineData("l_max 3 0 0 0 0 0 1", "q_134")] // q_134 reads degree 4
    [InlineData("l_max 1 2 0", "q_222")]
    public void L_max_below_what_an_invariant_needs_is_refused(string line, string invariant)
    {
        var e = Refused(Valid("nep4").Replace("l_max 4 2 0", line, StringComparison.Ordinal));
        Assert.Equal(5, e.Line);
        Assert.Contains(invariant, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_files_are_refused_with_the_line_and_what_was_expected()
    {
        string good = Valid("nep4");
        var lines = good.Split('\n').ToList();

        var e = Refused(good.Replace("cutoff 4.2 3.6 50 20", "cutoff 4.2 3.6", StringComparison.Ordinal));
        Assert.Equal((2, true), (e.Line, e.Message.Contains("obsolete", StringComparison.Ordinal)));

        e = Refused(good.Replace("nep4 2 Si O", "nep4 2 Si Xx", StringComparison.Ordinal));
        Assert.Contains("'Xx'", e.Message, StringComparison.Ordinal);

        e = Refused(good.Replace("n_max 2 2", "nmax 2 2", StringComparison.Ordinal));
        Assert.Equal(3, e.Line);
        Assert.Contains("expected 'n_max n_max_R n_max_A'", e.Message, StringComparison.Ordinal);

        var bad = new List<string>(lines) { [20] = "  abc" };
        e = Refused(string.Join('\n', bad));
        Assert.Equal(21, e.Line);
        Assert.Contains("found 'abc'", e.Message, StringComparison.Ordinal);

        e = Refused(string.Join('\n', lines.Take(lines.Count - 4)));
        Assert.Contains("file ends", e.Message, StringComparison.Ordinal);

        e = Refused(good + "1.0\n");
        Assert.Equal(lines.Count, e.Line);
        Assert.Contains("expected the end of the file", e.Message, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Reads_the_worked_counts_of_the_specification()
    {
        var si = NepReferenceCase.ModelFile("potentials/Si_2022_NEP4_5body.txt");
        Assert.Equal((77, 50, 4193), (si.Dimension, si.Neurons, si.ParameterCount));
        var unep = NepReferenceCase.ModelFile("potentials/Song-2024-UNEP-v1-AgAlAuCrCuMgMoNiPbPdPtTaTiVWZr.txt");
        Assert.Equal((16, 35, 70401, NepZblKind.Universal), (unep.TypeCount, unep.Dimension, unep.ParameterCount, unep.Zbl!.Kind));
        var c = NepReferenceCase.ModelFile("potentials/C_2024_NEP4.txt");
        Assert.Equal((67, 7.0, 4.0), (c.Dimension, c.RadialCutoffMax, c.AngularCutoffMax));
    }
}
