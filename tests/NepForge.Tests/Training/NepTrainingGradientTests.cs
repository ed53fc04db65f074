using NepForge.Nep;
using NepForge.Structures;
using NepForge.Training.Cpu;

namespace NepForge.Tests.Training;

/// <summary>
/// The CPU trainer's exact gradient of GPUMD's loss (nep_training.md §15) against central finite differences of the
/// loss itself, for every parameter block (w0, b0, w1, c_R, c_A) and every loss term, with weights, energy_weight,
/// type_weight, force_delta and λ_shear on, every higher-order invariant, and ZBL on and off.
/// </summary>
public class NepTrainingGradientTests
{
    internal static NepTrainingSettings Settings(bool zbl, NepInvariant[] invariants, int lMax = 4, double lambdaV = 0.3) => new()
    {
        Species = [Elements.Get("Si"), Elements.Get("O")],
        RadialCutoffs = [4.2, 4.6],
        AngularCutoffs = [3.1, 3.5],
        TypewiseCutoffs = true,
        NMaxRadial = 3,
        NMaxAngular = 2,
        BasisRadial = 4,
        BasisAngular = 3,
        LMax = lMax,
        Invariants = invariants,
        Neurons = 5,
        LambdaE = 1.0,
        LambdaF = 0.7,
        LambdaV = lambdaV,
        LambdaShear = 1.6,
        Lambda1 = 0.01,
        Lambda2 = 0.02,
        ForceDelta = 0.5,
        TypeWeights = [1.0, 1.4],
        ZblOuter = zbl ? 2.0 : 0,
    };

    internal static List<Frame> RandomFrames(int count, int atoms, int seed, bool labels = true)
    {
        var random = new Random(seed);
        var frames = new List<Frame>();
        for (int f = 0; f < count; f++)
        {
            var lattice = new Lattice(new Vec3(6.0 + random.NextDouble(), 0.3, 0), new Vec3(-0.2, 6.2 + random.NextDouble(), 0.1), new Vec3(0.1, 0.2, 5.8 + random.NextDouble()));
            var elements = new Element[atoms];
            var positions = new double[3 * atoms];
            for (int i = 0; i < atoms; i++)
            {
                elements[i] = Elements.Get(i % 3 == 0 ? "Si" : "O");
                // A jittered grid keeps atoms apart (ZBL stays finite) while giving every pair distance.
                int gx = i % 3, gy = i / 3 % 3, gz = i / 9;
                positions[3 * i] = 2.0 * gx + 0.4 * random.NextDouble();
                positions[3 * i + 1] = 2.0 * gy + 0.4 * random.NextDouble();
                positions[3 * i + 2] = 1.9 * gz + 0.4 * random.NextDouble();
            }
            var frame = new Frame(elements, positions, lattice);
            if (labels)
            {
                frame.Energy = -5.0 * atoms + random.NextDouble();
                frame.Forces = [.. Enumerable.Range(0, 3 * atoms).Select(_ => random.NextDouble() - 0.5)];
                if (f % 3 != 1)
                {
                    var w = new double[9];
                    for (int c = 0; c < 9; c++)
                        w[c] = random.NextDouble() - 0.5;
                    frame.Virial = Mat3.FromRowMajor(w);
                }
                frame.Info.Weight = 0.5 + f * 0.4;
                if (f == 2)
                    frame.Info.SetExtra("energy_weight", "0.3");
            }
            frames.Add(frame);
        }
        return frames;
    }

    static NepTrainingEngine Engine(NepTrainingSettings s, List<Frame> frames)
    {
        NepZbl? zbl = s.ZblOuter > 0 ? new NepZbl(NepZblKind.Universal, s.ZblOuter / 2, s.ZblOuter, 0, [], s.Species) : null;
        var structures = frames.Select((f, i) => NepTrainingStructure.Build(f, i, "test", s, zbl)).ToList();
        return new NepTrainingEngine(s, structures, [], 1);
    }

    static double Loss(NepTrainingEngine engine, double[] theta, double[] scratch)
    {
        var rmse = engine.Gradient([.. Enumerable.Range(0, engine.Train.Count)], theta, scratch);
        var (l1, l2) = NepLoss.Regularization(engine.Settings, engine.Layout, theta);
        return engine.DataLoss(rmse) + l1 + l2;
    }

    [Theory]
    [InlineData(false, new[] { NepInvariant.Q222 })]
    [InlineData(true, new[] { NepInvariant.Q222, NepInvariant.Q1111 })]
    [InlineData(false, new[] { NepInvariant.Q112, NepInvariant.Q123, NepInvariant.Q233, NepInvariant.Q134 })]
    public void Gradient_equals_central_differences_for_every_parameter(bool zbl, NepInvariant[] invariants)
    {
        var s = Settings(zbl, invariants);
        var engine = Engine(s, RandomFrames(4, 14, 7));
        var random = new Random(3);
        var theta = new double[engine.Layout.Count];
        for (int v = 0; v < theta.Length; v++)
            theta[v] = random.NextDouble() * 2 - 1;
        engine.QScaler().CopyTo(engine.View.QScaler, 0);

        var gradient = new double[theta.Length];
        var scratch = new double[theta.Length];
        var rmse = engine.Gradient([.. Enumerable.Range(0, engine.Train.Count)], theta, gradient);
        Assert.True(rmse.Energy > 0 && rmse.Force > 0 && rmse.Virial > 0);
        NepLoss.AddRegularizationGradient(s, engine.Layout, theta, gradient);

        double worst = 0;
        int checkedCount = 0;
        for (int v = 0; v < theta.Length; v++)
        {
            if (v == engine.Layout.OutputBias)
                continue;
            double h = 1e-5 * Math.Max(1, Math.Abs(theta[v]));
            double keep = theta[v];
            theta[v] = keep + h;
            double plus = Loss(engine, theta, scratch);
            theta[v] = keep - h;
            double minus = Loss(engine, theta, scratch);
            theta[v] = keep;
            double numeric = (plus - minus) / (2 * h);
            double error = Math.Abs(numeric - gradient[v]) / Math.Max(1e-3, Math.Abs(numeric));
            worst = Math.Max(worst, error);
            Assert.True(error < 1e-6, $"parameter {v}: analytic {gradient[v]:R}, numeric {numeric:R}");
            checkedCount++;
        }
        Assert.Equal(engine.Layout.Count - 1, checkedCount);
    }

    [Fact]
    public void Output_bias_does_not_change_the_loss()
    {
        var s = Settings(false, [NepInvariant.Q222]);
        var engine = Engine(s, RandomFrames(3, 10, 11));
        var theta = new double[engine.Layout.Count];
        var random = new Random(5);
        for (int v = 0; v < theta.Length; v++)
            theta[v] = random.NextDouble() - 0.5;
        engine.QScaler().CopyTo(engine.View.QScaler, 0);
        var scratch = new double[theta.Length];
        double before = engine.DataLoss(engine.Gradient([0, 1, 2], theta, scratch));
        theta[engine.Layout.OutputBias] += 3.7;
        double after = engine.DataLoss(engine.Gradient([0, 1, 2], theta, scratch));
        Assert.Equal(before, after, 10);
    }
}
