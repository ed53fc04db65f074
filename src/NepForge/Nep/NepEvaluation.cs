using NepForge.Formats;
using NepForge.Progress;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>What <see cref="NepEvaluation"/> reads, with which model, and where the predictions go.</summary>
public sealed record NepEvaluationOptions
{
    /// <summary>Structures to evaluate ("-" = stdin).</summary>
    public required string Input { get; init; }

    /// <summary>The input's format (null: detected from the name and content).</summary>
    public StructureFormat? Format { get; init; }

    /// <summary>How the input is read (warnings, bad frames).</summary>
    public StructureReadOptions? ReadOptions { get; init; }

    /// <summary>The frames with the predicted labels (DFT labels kept as dft_*); null: write nothing.</summary>
    public string? Output { get; init; }

    /// <summary>How the predictions are written.</summary>
    public StructureWriteOptions? WriteOptions { get; init; }
}

/// <summary>What an evaluation saw: frame and atom counts, and the error statistics against the input's labels.</summary>
public sealed record NepEvaluationResult(long Frames, long Atoms, NepErrorStatistics Statistics);

/// <summary>
/// <c>nepforge nep eval</c>'s pipeline, and the active-learning loop's acquisition error: frames through the
/// calculator in batches, each frame's prediction against its DFT labels into one <see cref="NepErrorStatistics"/>,
/// the frames with the predicted labels optionally written.
/// </summary>
public static class NepEvaluation
{
    /// <summary>Reads <see cref="NepEvaluationOptions.Input"/>, evaluates every frame, writes the predictions when asked.</summary>
    public static NepEvaluationResult Run(NepCalculator calculator, NepEvaluationOptions options, IProgress<StepProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calculator);
        ArgumentNullException.ThrowIfNull(options);
        var format = options.Format ?? StructureFormats.DetectInput(options.Input);
        var frames = StructureReader.Read(options.Input, format, options.ReadOptions);
        var stats = new NepErrorStatistics();
        long count = 0, atoms = 0;
        var predicted = Predict(calculator, frames, stats, progress, cancellationToken).Select(f =>
        {
            count++;
            atoms += f.AtomCount;
            return f;
        });
        if (options.Output is null)
        {
            foreach (var _ in predicted)
            {
            }
        }
        else
        {
            WritePredicted(options.Output, predicted, options.WriteOptions);
        }
        if (count == 0)
            throw new InvalidDataException($"'{options.Input}' holds no frames");
        return new NepEvaluationResult(count, atoms, stats);
    }

    /// <summary>The error statistics of frames already in memory (their labels untouched).</summary>
    public static NepErrorStatistics Errors(NepCalculator calculator, IEnumerable<Frame> frames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calculator);
        ArgumentNullException.ThrowIfNull(frames);
        var stats = new NepErrorStatistics();
        long index = 0;
        foreach (var batch in NepBatches.Of(frames, calculator.Threads))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var results = calculator.Compute(batch);
            for (int k = 0; k < batch.Count; k++)
                Add(stats, index++, batch[k], results[k]);
        }
        return stats;
    }

    // Each batch through the calculator; each frame's errors added, then its labels replaced by the prediction.
    static IEnumerable<Frame> Predict(NepCalculator calculator, IEnumerable<Frame> frames, NepErrorStatistics stats, IProgress<StepProgress>? progress,
        CancellationToken cancellationToken)
    {
        long index = 0;
        foreach (var batch in NepBatches.Of(frames, calculator.Threads))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var results = calculator.Compute(batch);
            for (int k = 0; k < batch.Count; k++)
            {
                Add(stats, index++, batch[k], results[k]);
                NepLabels.Apply(batch[k], results[k]);
                yield return batch[k];
            }
            progress?.Report(new StepProgress("evaluating", index, 0, "frames"));
        }
    }

    // A virial is compared only in a cell periodic in all three directions.
    static void Add(NepErrorStatistics stats, long index, Frame f, NepResult result)
    {
        bool periodic = f.Lattice is { Pbc: { A: true, B: true, C: true } };
        stats.Add(index, f.Info.ConfigType, f.AtomCount, f.Energy, f.Forces, periodic ? f.Virial : null, result);
    }

    // The one place predictions are written (format from the name, extxyz otherwise).
    static void WritePredicted(string path, IEnumerable<Frame> frames, StructureWriteOptions? options) =>
        StructureWriter.Write(path, StructureFormats.DetectOutput(path, StructureFormat.ExtXyz), frames, options);
}
