using NepForge.Nep;
using Xunit.Abstractions;

namespace NepForge.Tests.Nep;

/// <summary>
/// The 58 cases of shared/fixtures/nep (13 models × structures, NEP_CPU in double precision): descriptors and
/// energies to 1e-10 relative (1e-12 absolute), forces and virials to 1e-9 relative to max(1, |reference|).
/// </summary>
public class NepFixtureTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => NepReferenceCase.Names;

    [FixtureTheory]
    [MemberData(nameof(Cases))]
    public void Descriptors_energies_forces_and_virials_match_NEP_CPU(string name)
    {
        var c = NepReferenceCase.Load(name);
        var calculator = new NepCalculator(c.Model, threads: 1);
        var result = calculator.Compute(c.Frame);
        var descriptors = calculator.Descriptors(c.Frame);

        double dq = MaxRelative(descriptors, c.Flat("descriptors"), 1e-2);
        double du = MaxRelative(result.AtomEnergies, c.Flat("energy_per_atom"), 1e-2);
        double de = MaxRelative([result.Energy], [c.Reference.GetProperty("energy_total").GetDouble()], 1e-2);
        var refForces = c.Flat("forces");
        double forceScale = Math.Max(1, refForces.Max(Math.Abs));
        double df = result.Forces.Zip(refForces, (a, b) => Math.Abs(a - b)).DefaultIfEmpty().Max() / forceScale;
        double dw = MaxRelative(result.AtomVirials, c.Flat("virial_per_atom"), 1);
        var w = result.Virial;
        double dwt = MaxRelative([w.M00, w.M01, w.M02, w.M10, w.M11, w.M12, w.M20, w.M21, w.M22], c.Flat("virial_total"), 1);
        output.WriteLine($"{name}: q {dq:e1}, U_i {du:e1}, E {de:e1}, F {df:e1}, W_i {dw:e1}, W {dwt:e1}");

        Assert.Equal(c.Reference.GetProperty("descriptor_dim").GetInt32(), c.Model.Dimension);
        Assert.True(dq <= 1e-10, $"descriptors differ by {dq:e2}");
        Assert.True(du <= 1e-10, $"per-atom energies differ by {du:e2}");
        Assert.True(de <= 1e-10, $"total energy differs by {de:e2}");
        Assert.True(df <= 1e-9, $"forces differ by {df:e2} (relative to max |F|)");
        Assert.True(dw <= 1e-9, $"per-atom virials differ by {dw:e2}");
        Assert.True(dwt <= 1e-9, $"total virial differs by {dwt:e2}");
    }

    [FixtureTheory]
    [MemberData(nameof(Cases))]
    public void Neighbour_counts_match_NEP_CPU(string name)
    {
        var c = NepReferenceCase.Load(name);
        var list = NepNeighborList.Build(c.Frame.Positions, c.Frame.Lattice, Math.Max(c.Model.RadialCutoffMax, c.Model.AngularCutoffMax), 1);
        var radial = c.Flat("num_neighbors_radial");
        var angular = c.Flat("num_neighbors_angular");
        for (int i = 0; i < c.Frame.AtomCount; i++)
        {
            int r = 0, a = 0;
            for (int e = list.Start[i]; e < list.Start[i + 1]; e++)
            {
                r += list.Distance[e] < c.Model.RadialCutoffMax ? 1 : 0;
                a += list.Distance[e] < c.Model.AngularCutoffMax ? 1 : 0;
            }
            Assert.Equal((int)radial[i], r);
            Assert.Equal((int)angular[i], a);
        }
    }

    /// <summary>max |a − b| / max(floor, |b|): relative where values are large, absolute (times floor) near zero.</summary>
    static double MaxRelative(double[] actual, double[] expected, double floor)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(floor, Math.Abs(expected[i])));
        return worst;
    }
}
