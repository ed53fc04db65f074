using System.Diagnostics.CodeAnalysis;
using System.Xml;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Streaming vasprun.xml reader: one ionic step in memory at a time, whatever the file size (a forward-only
/// <see cref="XmlReader"/>; eigenvalues, DOS and projections are skipped without being kept).
/// <para>
/// Each <c>&lt;calculation&gt;</c> becomes a <see cref="VaspStep"/>: its <c>&lt;structure&gt;</c> (fractional positions turned
/// Cartesian), <c>&lt;varray name="forces"&gt;</c> (eV/Å), <c>&lt;varray name="stress"&gt;</c> (kB, full 3×3, pressure sign,
/// turned into a virial σ·V/1602.18 eV; no stress, no virial), the number of <c>&lt;scstep&gt;</c> elements (electronic
/// iterations) and the three energies. VASP 5 writes the calculation-level <c>&lt;energy&gt;</c> block wrongly
/// (σ→0 under <c>e_wo_entrp</c>, a small difference under <c>e_0_energy</c>), so the energies come from the last
/// <c>&lt;scstep&gt;</c>, which is right in VASP 5 and 6: σ→0 and "without entropy" are the last scstep's values shifted
/// by (calculation <c>e_fr_energy</c> − scstep <c>e_fr_energy</c>), which is 0 except for classical vdW corrections
/// (DFT-D), which only the calculation-level block includes (as ASE does). The free energy is the calculation-level
/// <c>e_fr_energy</c> (the last scstep's when absent).
/// </para>
/// <para>
/// Machine-learned force-field runs (VASP ≥ 6.3) write their ML-only frames as bare <c>&lt;structure&gt;</c>,
/// <c>&lt;varray name="forces"&gt;</c>, <c>&lt;energy&gt;</c> groups outside any <c>&lt;calculation&gt;</c>: they count as ionic
/// steps but are returned only with <see cref="VasprunReadOptions.IncludeMachineLearned"/>.
/// </para>
/// A file that ends early (a killed or running job) yields its complete steps and one warning naming the line where it
/// stops; a number VASP could not print (<c>*******</c>) skips that step with a warning; anything else malformed
/// throws <see cref="ParseException"/> with the file and line.
/// </summary>
public sealed partial class VasprunReader : IDisposable
{
    readonly InputStream _input;
    readonly XmlReader _xml;
    readonly IXmlLineInfo? _lineInfo;
    readonly string _file;
    readonly VasprunReadOptions _options;
    readonly List<ParseDiagnostic> _diagnostics = [];
    readonly HashSet<string> _parametersSeen = new(StringComparer.Ordinal);
    readonly double[] _matrix = new double[9];
    readonly double[] _row = new double[3];

    // Element names, atomized in the reader's name table so that they compare by reference.
    readonly string _nModeling, _nCalculation, _nScstep, _nStructure, _nCrystal, _nVarray, _nV, _nI, _nEnergy;
    readonly string _nGenerator, _nIncar, _nParameters, _nSeparator, _nAtominfo, _nArray, _nSet, _nRc, _nC, _nField;

    char[] _chars = new char[256];
    byte[] _bytes = new byte[256];
    Element[]? _atoms;
    bool _pendingStart;       // the reader stands on a top-level start element not yet handled
    bool _readPastCurrent;    // the reader stands on the end (or empty tag) of a top-level element already handled
    bool _done, _disposed;
    int _ionic;               // ionic steps begun (DFT and machine-learned), so the 1-based number of the current one
    bool _inStep;
    long _index;              // steps returned
    string? _badReason;       // why the step being read cannot be used (an overflowed or non-finite number)
    long _badLine;
    bool? _mlLmlff;
    string? _mlMode;
    MlFrame? _ml;             // a machine-learned frame whose <energy> has not come yet

    sealed class MlFrame
    {
        public int Ionic;
        public long Line;
        public Mat3? Basis;
        public double[]? Positions;
        public double[]? Forces;
        public Mat3? Stress;
    }

    /// <summary>
    /// Reads a vasprun.xml from a stream; <paramref name="fileName"/> is used in messages and as
    /// <see cref="FrameInfo.SourceFile"/>. The header (generator, INCAR, parameters, atominfo) is read here, so
    /// <see cref="Run"/> is filled before the first step.
    /// </summary>
    /// <exception cref="ParseException">The header is malformed, or this is not a vasprun.xml.</exception>
    public VasprunReader(Stream stream, string fileName, VasprunReadOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        _file = fileName;
        _options = options ?? VasprunReadOptions.Default;
        _input = new InputStream(stream, leaveOpen);
        var names = new NameTable();
        _nModeling = names.Add("modeling");
        _nCalculation = names.Add("calculation");
        _nScstep = names.Add("scstep");
        _nStructure = names.Add("structure");
        _nCrystal = names.Add("crystal");
        _nVarray = names.Add("varray");
        _nV = names.Add("v");
        _nI = names.Add("i");
        _nEnergy = names.Add("energy");
        _nGenerator = names.Add("generator");
        _nIncar = names.Add("incar");
        _nParameters = names.Add("parameters");
        _nSeparator = names.Add("separator");
        _nAtominfo = names.Add("atominfo");
        _nArray = names.Add("array");
        _nSet = names.Add("set");
        _nRc = names.Add("rc");
        _nC = names.Add("c");
        _nField = names.Add("field");
        var settings = new XmlReaderSettings
        {
            NameTable = names,
            IgnoreWhitespace = true,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            DtdProcessing = DtdProcessing.Ignore,
            CheckCharacters = false,
            CloseInput = true,
        };
        _xml = XmlReader.Create(_input, settings);
        _lineInfo = _xml as IXmlLineInfo;
        try
        {
            try
            {
                ReadHeader();
            }
            catch (XmlException e)
            {
                XmlError(e);
            }
        }
        catch
        {
            _xml.Dispose();
            throw;
        }
    }

    /// <summary>Opens a file ("-" = stdin, a ".gz" name is decompressed on the fly) and reads its header.</summary>
    public static VasprunReader Open(string path, VasprunReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Stream stream;
        if (path == "-")
        {
            stream = Console.OpenStandardInput();
        }
        else
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                stream = new GzipInputStream(stream, path);
        }
        try
        {
            return new VasprunReader(stream, path, options);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What the file says about the run: version, species and ions per type, the INCAR/parameter values NepForge
    /// uses, and (once the end is reached) whether the run finished (<c>&lt;/modeling&gt;</c> was seen).
    /// </summary>
    public VaspRunInfo Run { get; } = new();

    /// <summary>Warnings and skipped steps so far.</summary>
    public IReadOnlyList<ParseDiagnostic> Diagnostics => _diagnostics;

    /// <summary>Steps returned so far.</summary>
    public long StepsRead { get; private set; }

    /// <summary>Steps skipped because they could not be used (overflowed numbers, no structure, no energy).</summary>
    public long StepsSkipped { get; private set; }

    /// <summary>
    /// Machine-learned force-field frames seen but not returned (<see cref="VasprunReadOptions.IncludeMachineLearned"/>
    /// off); not counted in <see cref="StepsSkipped"/>.
    /// </summary>
    public long MachineLearnedStepsLeftOut { get; private set; }

    /// <summary>True once the file was found to stop before &lt;/modeling&gt; (the run was killed or is still going).</summary>
    public bool Truncated { get; private set; }

    /// <summary>Bytes read from the (decompressed) input so far; the XML reader reads ahead a few kB.</summary>
    public long BytesRead => _input.Bytes;

    /// <summary>Streams every step of a file ("-" = stdin, ".gz" decompressed).</summary>
    public static IEnumerable<VaspStep> ReadSteps(string path, VasprunReadOptions? options = null)
    {
        using var reader = Open(path, options);
        while (reader.TryRead(out var step))
            yield return step;
    }

    /// <summary>Reads the next step; false at the end of the file (or where a truncated file stops).</summary>
    /// <exception cref="ParseException">Malformed content: a value that is not a number, a wrong row count, bad XML
    /// before the end of the file.</exception>
    public bool TryRead([NotNullWhen(true)] out VaspStep? step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        step = null;
        if (_done)
            return false;
        try
        {
            step = ReadNext();
        }
        catch (XmlException e)
        {
            XmlError(e);
        }
        catch (ParseException)
        {
            _done = true; // the reader stands somewhere inside the bad step: nothing sensible follows
            throw;
        }
        if (step is null)
        {
            _done = true;
            if (MachineLearnedStepsLeftOut > 0)
            {
                Warn(Line, null, $"{MachineLearnedStepsLeftOut} frame(s) of VASP's machine-learned force field were left out " +
                    "(their labels are not DFT); include them, marked ml_frame=T, with IncludeMachineLearned");
            }
            return false;
        }
        StepsRead++;
        return true;
    }

    /// <summary>Streams the remaining steps.</summary>
    public IEnumerable<VaspStep> ReadSteps()
    {
        while (TryRead(out var step))
            yield return step;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _xml.Dispose();
    }

    long Line => _lineInfo?.LineNumber ?? 0;
}
