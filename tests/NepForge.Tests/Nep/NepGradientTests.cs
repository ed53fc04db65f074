using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Tests.Nep;

/// <summary>
/// Forces are −∇E and the virial is −∂E/∂ε (strain of positions and cell) by central finite differences, on random
/// thin triclinic cells (atoms meet their own images, short ZBL contacts) for every model kind.
/// </summary>
public class NepGradientTests
{
    const double Step = 1e-5;

    public static TheoryData<string> Kinds => NepTestModels.KindNames;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Forces_and_virial_are_energy_derivatives_for_every_model_kind(string kind)
    {
        var model = NepTestModels.Model(NepTestModels.Get(kind));
        var frame = NepTestModels.RandomFrame(model.Species, atoms: 7, seed: 11, edge: 4.5, minDistance: 1.2);
        CheckDerivatives(model, frame);
    }

    public static TheoryData<string> FixtureModels => Fixtures.RootOrNull is null
        ? ["fixtures absent"]
        : [.. Directory.EnumerateFiles(Fixtures.Path("nep/potentials"), "*.txt").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [FixtureTheory]
    [MemberData(nameof(FixtureModels))]
    public void Forces_and_virial_are_energy_derivatives_for_every_fixture_model(string file)
    {
        var model = NepReferenceCase.ModelFile(Path.Combine("potentials", file));
        var species = model.Species.Take(3).ToArray();
        var frame = NepTestModels.RandomFrame(species, atoms: 6, seed: 5, edge: 4.0, minDistance: 1.6);
        CheckDerivatives(model, frame);
    }

    static void CheckDerivatives(NepModel model, Frame frame)
    {
        var calculator = new NepCalculator(model, threads: 1);
        var result = calculator.Compute(frame);
        double forceScale = Math.Max(1, result.Forces.Max(Math.Abs));
        for (int c = 0; c < result.Forces.Length; c++)
        {
            double e1 = Energy(calculator, frame, p => p[c] += Step);
            double e0 = Energy(calculator, frame, p => p[c] -= Step);
            double numeric = -(e1 - e0) / (2 * Step);
            Assert.True(Math.Abs(numeric - result.Forces[c]) <= 1e-6 * forceScale,
                $"force component {c}: analytic {result.Forces[c]}, finite difference {numeric}");
        }
        var w = result.Virial;
        double virialScale = Math.Max(1, new[] { w.M00, w.M01, w.M02, w.M10, w.M11, w.M12, w.M20, w.M21, w.M22 }.Max(Math.Abs));
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                double e1 = StrainedEnergy(calculator, frame, a, b, Step);
                double e0 = StrainedEnergy(calculator, frame, a, b, -Step);
                double numeric = -(e1 - e0) / (2 * Step);
                Assert.True(Math.Abs(numeric - w[b, a]) <= 1e-6 * virialScale, $"virial {a}{b}: analytic {w[b, a]}, finite difference {numeric}");
                Assert.True(Math.Abs(w[a, b] - w[b, a]) <= 1e-10 * virialScale, $"virial not symmetric at {a}{b}");
            }
        }
        double sum = 0;
        for (int axis = 0; axis < 3; axis++)
            sum = Math.Max(sum, Math.Abs(Enumerable.Range(0, frame.AtomCount).Sum(i => result.Forces[3 * i + axis])));
        Assert.True(sum <= 1e-10 * forceScale * frame.AtomCount, $"net force {sum}");
    }

    static double Energy(NepCalculator calculator, Frame frame, Action<double[]> displace)
    {
        var moved = frame.Clone();
        displace(moved.Positions);
        return calculator.Compute(moved).Energy;
    }

    // Homogeneous deformation r_a → r_a + ε·r_b of every position and cell vector.
    static double StrainedEnergy(NepCalculator calculator, Frame frame, int a, int b, double epsilon)
    {
        var moved = frame.Clone();
        for (int i = 0; i < frame.AtomCount; i++)
            moved.Positions[3 * i + a] += epsilon * frame.Positions[3 * i + b];
        var m = frame.Lattice!.Matrix;
        Span<double> rows = [m.M00, m.M01, m.M02, m.M10, m.M11, m.M12, m.M20, m.M21, m.M22];
        for (int v = 0; v < 3; v++)
            rows[3 * v + a] += epsilon * rows[3 * v + b];
        moved.Lattice = new Lattice(Mat3.FromRowMajor(rows), frame.Lattice.Pbc);
        return calculator.Compute(moved).Energy;
    }
}
