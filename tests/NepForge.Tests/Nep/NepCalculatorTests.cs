using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Tests.Nep;

/// <summary>Threads, batches and the descriptor outputs give the same numbers as one thread.</summary>
public class NepCalculatorTests
{
    [Fact]
    public void Two_threads_and_batches_agree_with_one_thread()
    {
        var model = NepTestModels.Model(NepTestModels.Get("nep4_zbl universal"));
        var frame = Supercell.Make(NepTestModels.RandomFrame(model.Species, atoms: 8, seed: 2, edge: 5.2, minDistance: 1.5), 2, 2, 2);
        var one = new NepCalculator(model, threads: 1).Compute(frame);
        var two = new NepCalculator(model, threads: 2);
        var parallel = two.Compute(frame);
        Assert.Equal(one.Energy, parallel.Energy, 1e-11);
        for (int c = 0; c < one.Forces.Length; c++)
            Assert.Equal(one.Forces[c], parallel.Forces[c], 1e-11);
        for (int c = 0; c < one.AtomVirials.Length; c++)
            Assert.Equal(one.AtomVirials[c], parallel.AtomVirials[c], 1e-11);
        var batch = two.Compute([frame, frame, frame, frame, frame]);
        Assert.All(batch, r => Assert.Equal(one.Energy, r.Energy, 1e-11));
    }

    [Fact]
    public void Scaled_descriptors_are_the_unscaled_ones_times_q_scaler()
    {
        var model = NepTestModels.Model(NepTestModels.Get("nep4 all invariants"));
        var frame = NepTestModels.RandomFrame(model.Species, atoms: 5, seed: 4, edge: 4.0, minDistance: 1.4);
        var calculator = new NepCalculator(model, threads: 1);
        var scaled = calculator.Descriptors(frame);
        var raw = calculator.Descriptors(frame, scaled: false);
        Assert.Equal(5 * model.Dimension, raw.Length);
        for (int k = 0; k < raw.Length; k++)
            Assert.Equal(raw[k] * model.QScaler[k % model.Dimension], scaled[k], 1e-15);
        Assert.Contains(raw, v => v != 0);
    }

    [Fact]
    public void Species_the_model_lacks_are_an_error_naming_them()
    {
        var model = NepTestModels.Model(NepTestModels.Get("nep4"));
        var frame = NepTestModels.RandomFrame([Elements.Get("Si"), Elements.Get("Ge")], atoms: 2, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new NepCalculator(model).Compute(frame));
        Assert.Contains("Ge", e.Message, StringComparison.Ordinal);
    }
}
