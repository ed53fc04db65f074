using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Sampling.Selection;

/// <summary>How per-atom descriptors become one vector per structure.</summary>
public enum FeatureReduction
{
    /// <summary>Mean over atoms of the scaled descriptor (NepTrain's default, <c>global_mean</c>).</summary>
    Mean,

    /// <summary>For each species of the model, in its order: mean then population std over that species' atoms (zeros when absent).</summary>
    PerElement,
}

/// <summary>Structure-level features from NEP descriptors.</summary>
public static class StructureFeatures
{
    /// <summary>Length of the feature vector.</summary>
    public static int Dimension(NepModel model, FeatureReduction reduction)
    {
        ArgumentNullException.ThrowIfNull(model);
        return reduction == FeatureReduction.Mean ? model.Dimension : 2 * model.Dimension * model.TypeCount;
    }

    /// <summary>The feature vector of <paramref name="frame"/> (scaled descriptors, as NepTrain uses).</summary>
    public static double[] Of(NepCalculator calculator, Frame frame, FeatureReduction reduction)
    {
        ArgumentNullException.ThrowIfNull(calculator);
        ArgumentNullException.ThrowIfNull(frame);
        var model = calculator.Model;
        return Reduce(calculator.Descriptors(frame, scaled: true), model.TypesOf(frame), model.Dimension, model.TypeCount, reduction);
    }

    /// <summary>Reduces flat per-atom descriptors [N × dim] with atom types to one vector.</summary>
    public static double[] Reduce(ReadOnlySpan<double> perAtom, ReadOnlySpan<int> types, int dim, int typeCount, FeatureReduction reduction)
    {
        int n = types.Length;
        if (perAtom.Length != n * dim)
            throw new ArgumentException($"{perAtom.Length} descriptor values for {n} atoms × {dim}", nameof(perAtom));
        if (reduction == FeatureReduction.Mean)
        {
            var mean = new double[dim];
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < dim; k++)
                    mean[k] += perAtom[i * dim + k];
            }
            for (int k = 0; k < dim; k++)
                mean[k] /= Math.Max(n, 1);
            return mean;
        }
        var result = new double[2 * dim * typeCount];
        var count = new int[typeCount];
        for (int i = 0; i < n; i++)
        {
            int t = types[i];
            count[t]++;
            for (int k = 0; k < dim; k++)
                result[2 * dim * t + k] += perAtom[i * dim + k];
        }
        for (int t = 0; t < typeCount; t++)
        {
            if (count[t] == 0)
                continue;
            for (int k = 0; k < dim; k++)
                result[2 * dim * t + k] /= count[t];
        }
        for (int i = 0; i < n; i++)
        {
            int t = types[i];
            for (int k = 0; k < dim; k++)
            {
                double d = perAtom[i * dim + k] - result[2 * dim * t + k];
                result[2 * dim * t + dim + k] += d * d;
            }
        }
        for (int t = 0; t < typeCount; t++)
        {
            if (count[t] == 0)
                continue;
            for (int k = 0; k < dim; k++)
                result[2 * dim * t + dim + k] = Math.Sqrt(result[2 * dim * t + dim + k] / count[t]);
        }
        return result;
    }
}
