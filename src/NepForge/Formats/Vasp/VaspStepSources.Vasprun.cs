using System.Diagnostics.CodeAnalysis;
using NepForge.IO;

namespace NepForge.Formats.Vasp;

public static partial class VaspStepSources
{
    /// <summary>A vasprun.xml.</summary>
    public static IVaspStepSource Vasprun(string path, VaspEnergyKind energy, bool includeMl, Action<ParseDiagnostic>? warn, bool skipBad = false) =>
        new VasprunSource(VasprunReader.Open(path, new VasprunReadOptions { Energy = energy, IncludeMachineLearned = includeMl, OnDiagnostic = warn, SkipBad = skipBad }));

    sealed class VasprunSource(VasprunReader reader) : IVaspStepSource
    {
        public VaspRunInfo Run => reader.Run;
        public bool TryRead([NotNullWhen(true)] out VaspStep? result) => reader.TryRead(out result);
        public long BytesRead => reader.BytesRead;
        public bool Truncated => reader.Truncated;
        public long Skipped => reader.StepsSkipped + reader.MachineLearnedStepsLeftOut;
        public void Dispose() => reader.Dispose();
    }
}
