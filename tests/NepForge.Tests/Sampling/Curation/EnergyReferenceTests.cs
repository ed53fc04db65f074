using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Sampling.Curation;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Sampling.Curation;

/// <summary>Issue 13, point 7: per-species reference energies, fitted or given, recorded per frame and undoable.</summary>
public sealed class EnergyReferenceTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    const double MuH = -13.6, MuO = -432.1;

    // H_a O_b frames whose energies are exactly a·μ_H + b·μ_O plus a per-frame offset (the "binding" part).
    static List<Frame> Water(params (int H, int O, double Offset)[] compositions) =>
    [
        .. compositions.Select((c, k) =>
        {
            var elements = Enumerable.Repeat(Elements.Get("H"), c.H).Concat(Enumerable.Repeat(Elements.Get("O"), c.O)).ToArray();
            var positions = Enumerable.Range(0, 3 * elements.Length).Select(i => 1.1 * i).ToArray();
            return new Frame(elements, positions, Lattice.Orthorhombic(20, 20, 20))
            {
                Energy = c.H * MuH + c.O * MuO + c.Offset,
                Forces = new double[3 * elements.Length],
            };
        }),
    ];

    [Fact]
    public void Least_squares_recovers_the_references_and_undo_restores_the_energies()
    {
        var frames = Water((2, 1, 0), (4, 2, 0), (2, 2, 0), (0, 2, 0), (2, 0, 0));
        var (reference, rms) = EnergyReference.Fit(frames);
        var refs = reference.References.ToDictionary(r => r.Element.Symbol, r => r.Energy);
        Assert.Equal(MuH, refs["H"], 1e-9);
        Assert.Equal(MuO, refs["O"], 1e-9);
        Assert.Equal(0, rms, 1e-9);

        var original = frames.Select(f => f.Energy!.Value).ToList();
        foreach (var f in frames)
            reference.Apply(f);
        Assert.All(frames, f => Assert.Equal(0, f.Energy!.Value, 1e-9));
        Assert.Equal(2 * MuH + MuO, double.Parse(frames[0].Info.GetExtra(EnergyReference.ShiftKey)!, CultureInfo.InvariantCulture), 1e-9);
        Assert.Throws<InvalidOperationException>(() => reference.Apply(frames[0])); // never shifted twice
        Assert.All(frames, f => Assert.True(EnergyReference.Undo(f)));
        Assert.Equal(original, frames.Select(f => f.Energy!.Value), new Tolerance(1e-9));
        Assert.All(frames, f => Assert.Null(f.Info.GetExtra(EnergyReference.ShiftKey)));
    }

    [Fact]
    public void One_ratio_of_species_cannot_be_fitted_and_says_so()
    {
        var e = Assert.Throws<InvalidOperationException>(() => EnergyReference.Fit(Water((2, 1, 0), (4, 2, -0.3), (6, 3, 0.1))));
        Assert.Contains("do not determine a reference energy for each of H, O", e.Message);
        Assert.Contains("--ref", e.Message);
    }

    [Fact]
    public void Cli_subtracts_given_references_records_the_shift_and_undoes_it_and_validate_stops_warning()
    {
        // Two H4O2 frames at about −148 eV/atom: validate warns on each.
        var frames = Water((4, 2, -5.2), (4, 2, -4.9));
        string input = _cli.PathOf("in.xyz");
        ExtXyzWriter.WriteFile(input, frames);
        var (code, stdout, stderr) = _cli.Run("validate", input);
        Assert.True(stdout.Contains("energy-below-minus-100", StringComparison.Ordinal), stdout + stderr);

        (code, stdout, stderr) = _cli.Run("energy-ref", input, "-o", _cli.PathOf("ref.xyz"), "--ref", "H=-13.6", "O=-432.1");
        Assert.True(code == 0, stderr);
        Assert.Contains("H         -13.60000000", stdout, StringComparison.Ordinal);
        Assert.Contains("O        -432.10000000", stdout, StringComparison.Ordinal);
        var shifted = ExtXyzReader.ReadFrames(_cli.PathOf("ref.xyz")).ToList();
        Assert.Equal([-5.2, -4.9], shifted.Select(f => Math.Round(f.Energy!.Value, 9)));
        Assert.Equal("-918.6", shifted[0].Info.GetExtra(EnergyReference.ShiftKey));
        Assert.Equal("H:-13.6 O:-432.1", shifted[0].Info.GetExtra(EnergyReference.ReferenceKey));
        (_, stdout, _) = _cli.Run("validate", _cli.PathOf("ref.xyz"));
        Assert.DoesNotContain("energy-below-minus-100", stdout, StringComparison.Ordinal);

        (code, _, stderr) = _cli.Run("energy-ref", _cli.PathOf("ref.xyz"), "-o", _cli.PathOf("back.xyz"), "--undo");
        Assert.True(code == 0, stderr);
        var back = ExtXyzReader.ReadFrames(_cli.PathOf("back.xyz")).ToList();
        Assert.Equal(frames.Select(f => f.Energy!.Value), back.Select(f => f.Energy!.Value), new Tolerance(1e-9));
        Assert.All(back, f => Assert.Null(f.Info.GetExtra(EnergyReference.ShiftKey)));

        // A species without a reference, and a malformed pair, are clear errors.
        (code, _, stderr) = _cli.Run("energy-ref", input, "-o", _cli.PathOf("x.xyz"), "--ref", "H=-13.6");
        Assert.Equal(1, code);
        Assert.Contains("O, which has no reference energy", stderr, StringComparison.Ordinal);
        (code, _, stderr) = _cli.Run("energy-ref", input, "-o", _cli.PathOf("x.xyz"), "--ref", "H:-13.6");
        Assert.Equal(2, code);
        Assert.Contains("expected ELEMENT=ENERGY", stderr, StringComparison.Ordinal);
    }

    sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
