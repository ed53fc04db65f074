using NepForge.Nep;

namespace NepForge.Tests.Nep;

public sealed class NepInputTests
{
    static List<NepInputIssue> Errors(string text) =>
        [.. NepInputValidator.Validate(NepInput.Parse(text)).Where(i => i.Severity == NepInputSeverity.Error)];

    [FixtureFact]
    public void FixtureNepInReadsAndRoundTrips()
    {
        var nep = NepInput.Read(Fixtures.Path("gpumd/nep_train/nep.in"));
        Assert.Equal(["Te", "Pb"], nep.Types);
        Assert.Equal(20000, nep.Number("generation"));
        Assert.Equal(8, nep.Number("cutoff", 0)); // GPUMD default
        Assert.Empty(NepInputValidator.Validate(nep));

        var again = NepInput.Parse(nep.ToText());
        Assert.Equal(nep.Keywords.Select(k => k.ToString()), again.Keywords.Select(k => k.ToString()));
    }

    [FixtureFact]
    public void OldExampleNepInHasOnlyTheTypeLine()
    {
        var nep = NepInput.Read(Fixtures.Path("gpumd/old_11_NEP_potential_PbTe/nep.in"));
        Assert.Equal(["Te", "Pb"], nep.Types);
        Assert.Single(nep.Keywords);
        Assert.Equal(100000, nep.Number("generation")); // GPUMD's default
        Assert.Empty(NepInputValidator.Validate(nep));
    }

    [FixtureFact]
    public void DipoleFixtureWithTabsAndLegacyLMaxIsValid()
    {
        var nep = NepInput.Read(Fixtures.Path("gpumd/old_12_NEP_dipole_QM7B/nep.in"));
        Assert.Equal(["H", "C", "N", "O", "S", "Cl"], nep.Types);
        Assert.Equal(1, nep.Number("model_type"));
        Assert.Equal(["4", "2", "1"], nep.Get("l_max")!.Values);
        Assert.Equal(0.001, nep.Number("lambda_1"));
        Assert.Empty(NepInputValidator.Validate(nep));
        Assert.Equal(nep.ToText(), NepInput.Parse(nep.ToText()).ToText());
    }

    [Fact]
    public void CommentsAndLineNumbersAreKept()
    {
        var nep = NepInput.Parse("# header\ntype 1 Si   # silicon\n\nneuron 40\n");
        Assert.Equal(["Si"], nep.Types);
        Assert.Equal(4, nep.Get("neuron")!.Line);
        Assert.Equal("type    1 Si\nneuron  40\n", nep.ToText());
    }

    [Theory]
    [InlineData("type 1 Si\nversion 3", "version", "version should = 4")]
    [InlineData("type 1 Si\ncutoff 5 6", "cutoff", "angular cutoff (6 Å) should be <= radial cutoff (5 Å)")]
    [InlineData("type 1 Si\ncutoff 6 2.5", "cutoff", "angular cutoff should be >= 3 Å")]
    [InlineData("type 2 Si O\ncutoff 6 4 5", "cutoff", "should have 2 values")]
    [InlineData("type 1 Si\nn_max 13 4", "n_max", "n_max_radial should be <= 12, found 13")]
    [InlineData("type 1 Si\nn_max 4 9", "n_max", "n_max_angular should be <= 8, found 9")]
    [InlineData("type 1 Si\nbasis_size 17 8", "basis_size", "basis_size_radial should be <= 16")]
    [InlineData("type 1 Si\nl_max 1", "l_max", "should be >= 2")]
    [InlineData("type 1 Si\nl_max 4 2 1 0 0 0", "l_max", "should have 1 to 5 values, found 6")]
    [InlineData("type 1 Si\nneuron 121", "neuron", "number of neurons should be <= 120")]
    [InlineData("type 1 Si\nneuron 3.5", "neuron", "value 1 should be an integer, found '3.5'")]
    [InlineData("type 1 Si\nlambda_1 -0.1", "lambda_1", "should be >= 0")]
    [InlineData("type 1 Si\nlambda_v x", "lambda_v", "should be a number")]
    [InlineData("type 1 Si\nbatch 0", "batch", "batch size should be >= 1")]
    [InlineData("type 1 Si\npopulation 5", "population", "population size should be >= 10")]
    [InlineData("type 1 Si\ngeneration 20000000", "generation", "should be <= 10000000")]
    [InlineData("type 1 Si\nzbl 5", "zbl", "outer cutoff for ZBL should be within [1, 4] Å")]
    [InlineData("type 2 Si\n", "type", "says 2 types but lists 1 symbols")]
    [InlineData("type 1 si\n", "type", "'si' is not an element symbol")]
    [InlineData("type 1 Am\n", "type", "'Am' is not an element symbol")]
    [InlineData("type_weight 1\ntype 1 Si", "type_weight", "set type before type_weight")]
    [InlineData("neuron 30", "type", "type is mandatory")]
    [InlineData("type 1 Si\nlamda_e 1", "lamda_e", "not a nep.in keyword")]
    public void InvalidValuesAreRejectedNamingTheKeyword(string text, string keyword, string message)
    {
        var e = Assert.Single(Errors(text));
        Assert.Equal(keyword, e.Keyword);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"error: ", e.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{keyword}: ", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedKeywordWarnsThatTheLastWins()
    {
        var issues = NepInputValidator.Validate(NepInput.Parse("type 1 Si\nneuron 20\nneuron 40\n"));
        var w = Assert.Single(issues);
        Assert.Equal(NepInputSeverity.Warning, w.Severity);
        Assert.Contains("uses the last (neuron 40)", w.Message, StringComparison.Ordinal);
        Assert.Equal(40, NepInput.Parse("type 1 Si\nneuron 20\nneuron 40\n").Number("neuron"));
    }

    [Fact]
    public void SetReplacesInPlaceAndTypeGoesFirst()
    {
        var nep = new NepInput().Set("neuron", 20.0).SetTypes(["Pb", "Te"]).Set("neuron", 40.0);
        Assert.Equal("type    2 Pb Te\nneuron  40\n", nep.ToText());
    }

    [Fact]
    public void ParameterCountMatchesGpumdFormula()
    {
        // PbTe with GPUMD defaults: dim = 7 + 7·(4+1) = 42; ANN (42+2)·30·2 + 1 = 2641; descriptor 4·(7·7 + 7·7) = 392.
        var nep = NepInput.Parse("type 2 Te Pb");
        Assert.Equal(2641 + 392, NepInputDefaults.ParameterCount(nep));
        Assert.Equal(Math.Sqrt(3033e-6 / 2), NepInputDefaults.AutomaticLambda(nep), 12);
        Assert.Equal(3033, NepInputDefaults.ParameterCount(NepInput.Parse("type 2 Te Pb\nl_max 4"))); // q_222 stays on
        // l_max 4 0 0: dim = 7 + 7·4 = 35; ANN 37·30·2 + 1 = 2221.
        Assert.Equal(2221 + 392, NepInputDefaults.ParameterCount(NepInput.Parse("type 2 Te Pb\nl_max 4 0 0")));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("fast")]
    [InlineData("accurate")]
    public void PresetsAreValid(string preset)
    {
        var nep = NepInputPresets.Create(preset, ["O", "H"]);
        Assert.Equal(["O", "H"], nep.Types);
        Assert.Empty(NepInputValidator.Validate(nep));
    }
}
