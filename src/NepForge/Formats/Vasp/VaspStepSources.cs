using System.Diagnostics.CodeAnalysis;
using NepForge.IO;

namespace NepForge.Formats.Vasp;

/// <summary>The common face of the OUTCAR and vasprun.xml readers, for the extractor.</summary>
public interface IVaspStepSource : IDisposable
{
    /// <summary>Header information.</summary>
    VaspRunInfo Run { get; }

    /// <summary>Reads the next ionic step.</summary>
    bool TryRead([NotNullWhen(true)] out VaspStep? result);

    /// <summary>Bytes consumed so far (progress).</summary>
    long BytesRead { get; }

    /// <summary>The file stopped inside the run.</summary>
    bool Truncated { get; }

    /// <summary>Steps the reader skipped or left out.</summary>
    long Skipped { get; }
}

/// <summary>Opens the readers behind <see cref="IVaspStepSource"/>.</summary>
public static partial class VaspStepSources
{
    /// <summary>An OUTCAR.</summary>
    public static IVaspStepSource Outcar(string path, VaspEnergyKind energy, bool includeMl, Action<ParseDiagnostic>? warn, bool skipBad = false) =>
        new OutcarSource(OutcarReader.Open(path, new OutcarReadOptions { Energy = energy, IncludeMachineLearned = includeMl, OnDiagnostic = warn, SkipBad = skipBad }));

    sealed class OutcarSource(OutcarReader reader) : IVaspStepSource
    {
        public VaspRunInfo Run => reader.Run;
        public bool TryRead([NotNullWhen(true)] out VaspStep? result) => reader.TryRead(out result);
        public long BytesRead => reader.BytesRead;
        public bool Truncated => reader.Truncated;
        public long Skipped => reader.StepsSkipped + reader.MachineLearnedStepsLeftOut;
        public void Dispose() => reader.Dispose();
    }
}
