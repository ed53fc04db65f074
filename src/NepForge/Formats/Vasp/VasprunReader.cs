using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Compression;
using System.Text;
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
public sealed class VasprunReader : IDisposable
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
                stream = new GZipStream(stream, CompressionMode.Decompress);
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

    // ---------------------------------------------------------------- top level

    void ReadHeader()
    {
        while (MoveToTopLevelElement())
        {
            string name = _xml.LocalName;
            if (Is(name, _nCalculation) || (Is(name, _nStructure) && _xml.GetAttribute("name") is null))
            {
                _pendingStart = true;
                return;
            }
            if (!ReadHeaderElement(name))
                _xml.Skip();
        }
        _done = true;
    }

    bool ReadHeaderElement(string name)
    {
        if (Is(name, _nGenerator))
            ReadGenerator();
        else if (Is(name, _nIncar))
            ReadParameterBlock(fromParameters: false);
        else if (Is(name, _nParameters))
            ReadParameterBlock(fromParameters: true);
        else if (Is(name, _nAtominfo))
            ReadAtominfo();
        else
            return false;
        return true;
    }

    VaspStep? ReadNext()
    {
        while (MoveToTopLevelElement())
        {
            string name = _xml.LocalName;
            if (Is(name, _nCalculation))
            {
                DropPendingMl("a <calculation> began");
                var step = ReadCalculation();
                if (step is not null)
                    return step;
            }
            else if (Is(name, _nStructure) && _xml.GetAttribute("name") is null)
            {
                BeginMlFrame();
            }
            else if (_ml is not null && Is(name, _nVarray))
            {
                ReadMlArray();
            }
            else if (_ml is not null && Is(name, _nEnergy))
            {
                var step = EndMlFrame();
                if (step is not null)
                    return step;
            }
            else if (!ReadHeaderElement(name))
            {
                _xml.Skip();
            }
        }
        DropPendingMl("the file ended");
        return null;
    }

    /// <summary>
    /// Moves to the next child of &lt;modeling&gt; (true) or to the end of the document (false, with
    /// <see cref="VaspRunInfo.Finished"/> set when &lt;/modeling&gt; was seen). Handlers leave the reader on the node after
    /// the element they read, so the current node is looked at before reading on.
    /// </summary>
    bool MoveToTopLevelElement()
    {
        if (_pendingStart)
        {
            _pendingStart = false;
            return true;
        }
        if (_readPastCurrent)
        {
            _readPastCurrent = false;
            if (!_xml.Read())
                return false;
        }
        while (true)
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Element when _xml.Depth == 1:
                    return true;
                case XmlNodeType.Element when _xml.Depth == 0:
                    if (!Is(_xml.LocalName, _nModeling))
                        throw new ParseException(_file, Line, null, $"not a vasprun.xml: the root element is <{_xml.LocalName}>, not <modeling>");
                    if (_xml.IsEmptyElement)
                    {
                        Run.Finished = true;
                        return false;
                    }
                    break;
                case XmlNodeType.Element:
                    _xml.Skip();
                    continue;
                case XmlNodeType.EndElement when _xml.Depth == 0:
                    Run.Finished = true;
                    return false;
            }
            if (!_xml.Read())
                return false;
        }
    }

    void XmlError(XmlException e)
    {
        _done = true;
        long line = e.LineNumber > 0 ? e.LineNumber : Line;
        if (_input.AtEnd && line >= _input.Newlines)
        {
            Truncated = true;
            string where = _inStep ? $"inside ionic step {_ionic}, which is dropped" : "after the last complete step";
            Warn(line, _inStep ? _ionic : null,
                $"the file ends at line {line} {where}, before </modeling> (killed or still running?); {StepsRead} complete step(s) kept");
            _inStep = false;
            return;
        }
        throw new ParseException(_file, line, _inStep ? _ionic : null, $"not well-formed XML: {e.Message}", e);
    }

    void Warn(long line, long? frame, string message)
    {
        var d = new ParseDiagnostic(_file, line, frame, message);
        _diagnostics.Add(d);
        _options.OnDiagnostic?.Invoke(d);
    }

    static bool Is(string name, string atomized) => ReferenceEquals(name, atomized);

    // ---------------------------------------------------------------- ionic steps

    VaspStep? ReadCalculation()
    {
        int ionic = ++_ionic;
        long line = Line;
        int n = AtomCount(line);
        _inStep = true;
        _badReason = null;
        int scsteps = 0;
        double? scFree = null, scNoEntropy = null, scSigma0 = null;
        double? free = null, noEntropy = null, sigma0 = null;
        Mat3? basis = null, stress = null;
        double[]? positions = null, forces = null;
        if (!_xml.IsEmptyElement)
        {
            Advance();
            while (_xml.NodeType != XmlNodeType.EndElement)
            {
                if (_xml.NodeType != XmlNodeType.Element)
                {
                    Advance();
                    continue;
                }
                string name = _xml.LocalName;
                if (Is(name, _nScstep))
                {
                    scsteps++;
                    ReadScstep(out scFree, out scNoEntropy, out scSigma0);
                }
                else if (Is(name, _nStructure))
                {
                    ReadStructure(n, ionic, out basis, out positions);
                }
                else if (Is(name, _nVarray))
                {
                    string? what = _xml.GetAttribute("name");
                    if (what == "forces")
                        forces = ReadVectors(n, ionic, "<varray name=\"forces\">");
                    else if (what == "stress")
                        stress = ReadMatrix(ionic, "<varray name=\"stress\">");
                    else
                        _xml.Skip();
                }
                else if (Is(name, _nEnergy))
                {
                    ReadEnergy(ionic, ref free, ref noEntropy, ref sigma0, report: true);
                }
                else
                {
                    _xml.Skip();
                }
            }
        }
        // Stay on </calculation>: the step is complete even if the file ends right after it.
        _readPastCurrent = true;
        _inStep = false;

        // Energies: see the class remarks. The calculation-level e_wo_entrp / e_0_energy are used only when there is no
        // scstep in a VASP 6 file (VASP 5 mislabels them).
        double? freeEnergy = free ?? scFree;
        double? woEntropy = null, sigmaZero = null;
        if (scFree is { } scF && freeEnergy is { } f)
        {
            woEntropy = scNoEntropy + (f - scF);
            sigmaZero = scSigma0 + (f - scF);
        }
        else if (scsteps == 0 && MajorVersion >= 6)
        {
            woEntropy = noEntropy;
            sigmaZero = sigma0;
        }

        if (basis is null || positions is null)
        {
            StepsSkipped++;
            Warn(line, ionic, $"ionic step {ionic} skipped: its <calculation> has no <structure>");
            return null;
        }
        var frame = MakeFrame(ionic, line, basis.Value, positions, forces, stress, freeEnergy, woEntropy, sigmaZero);
        if (frame is null)
            return null;
        return new VaspStep
        {
            Frame = frame,
            IonicStep = ionic,
            FreeEnergy = freeEnergy,
            EnergyWithoutEntropy = woEntropy,
            EnergySigma0 = sigmaZero,
            ElectronicSteps = scsteps,
            Nelm = Run.Nelm,
            EdiffReached = null,
        };
    }

    void BeginMlFrame()
    {
        DropPendingMl("another <structure> began");
        int ionic = ++_ionic;
        if (!_options.IncludeMachineLearned)
        {
            MachineLearnedStepsLeftOut++;
            // Counted as an ionic step; its forces and energy that follow are skipped as unknown top-level elements.
            _inStep = true;
            _xml.Skip();
            _inStep = false;
            return;
        }
        _inStep = true;
        _badReason = null;
        var ml = new MlFrame { Ionic = ionic, Line = Line };
        ReadStructure(AtomCount(ml.Line), ionic, out ml.Basis, out ml.Positions);
        _ml = ml;
    }

    void ReadMlArray()
    {
        var ml = _ml!;
        string? what = _xml.GetAttribute("name");
        if (what == "forces")
            ml.Forces = ReadVectors(ml.Positions!.Length / 3, ml.Ionic, "<varray name=\"forces\">");
        else if (what == "stress")
            ml.Stress = ReadMatrix(ml.Ionic, "<varray name=\"stress\">");
        else
            _xml.Skip();
    }

    VaspStep? EndMlFrame()
    {
        var ml = _ml!;
        _ml = null;
        double? free = null, noEntropy = null, sigma0 = null;
        ReadEnergy(ml.Ionic, ref free, ref noEntropy, ref sigma0, report: true, stayOnEnd: true);
        _inStep = false;
        if (ml.Basis is null || ml.Positions is null)
        {
            StepsSkipped++;
            Warn(ml.Line, ml.Ionic, $"machine-learned step {ml.Ionic} skipped: its <structure> has no cell or positions");
            return null;
        }
        var frame = MakeFrame(ml.Ionic, ml.Line, ml.Basis.Value, ml.Positions, ml.Forces, ml.Stress, free, noEntropy, sigma0);
        if (frame is null)
            return null;
        frame.Info.SetExtra("ml_frame", "T");
        return new VaspStep
        {
            Frame = frame,
            IonicStep = ml.Ionic,
            FreeEnergy = free,
            EnergyWithoutEntropy = noEntropy,
            EnergySigma0 = sigma0,
            ElectronicSteps = 0,
            Nelm = Run.Nelm,
            IsMachineLearned = true,
        };
    }

    void DropPendingMl(string why)
    {
        if (_ml is null)
            return;
        StepsSkipped++;
        Warn(_ml.Line, _ml.Ionic, $"machine-learned step {_ml.Ionic} skipped: {why} before its <energy>");
        _ml = null;
        _inStep = false;
    }

    Frame? MakeFrame(int ionic, long line, Mat3 basis, double[] positions, double[]? forces, Mat3? stress,
        double? free, double? noEntropy, double? sigma0)
    {
        if (_badReason is not null)
        {
            StepsSkipped++;
            Warn(_badLine, ionic, $"ionic step {ionic} skipped: {_badReason}");
            return null;
        }
        double? energy = _options.Energy switch
        {
            VaspEnergyKind.Free => free,
            VaspEnergyKind.Sigma0 => sigma0,
            _ => noEntropy,
        };
        if (energy is null)
        {
            StepsSkipped++;
            Warn(line, ionic, $"ionic step {ionic} skipped: no {VaspEnergyKinds.Name(_options.Energy)} in the file");
            return null;
        }
        Lattice lattice;
        try
        {
            lattice = new Lattice(basis);
        }
        catch (ArgumentException e)
        {
            throw new ParseException(_file, line, ionic, $"bad cell: {e.Message}", e);
        }
        // Fractional → Cartesian, r = f·M with the cell vectors as rows.
        for (int i = 0; i < positions.Length; i += 3)
        {
            double f0 = positions[i], f1 = positions[i + 1], f2 = positions[i + 2];
            positions[i] = f0 * basis.M00 + f1 * basis.M10 + f2 * basis.M20;
            positions[i + 1] = f0 * basis.M01 + f1 * basis.M11 + f2 * basis.M21;
            positions[i + 2] = f0 * basis.M02 + f1 * basis.M12 + f2 * basis.M22;
        }
        var frame = new Frame((Element[])_atoms!.Clone(), positions, lattice) { Energy = energy, Forces = forces };
        if (stress is { } s)
        {
            // vasprun's stress is in kB with the pressure sign, like OUTCAR's "in kB": virial = σ·V (same sign).
            frame.Virial = (lattice.Volume * Units.KBarToEvPerA3) * s;
        }
        frame.Info.SourceFile = _file;
        frame.Info.SourceIndex = _index++;
        frame.Info.SourceStep = ionic;
        frame.Info.EnergyKind = VaspEnergyKinds.Name(_options.Energy);
        if (Run.Version is { } version)
            frame.Info.SetExtra("vasp_version", version);
        return frame;
    }

    int AtomCount(long line) =>
        _atoms?.Length ?? throw new ParseException(_file, line, _ionic, "an ionic step before <atominfo> (the per-atom species)");

    int MajorVersion => Run.Version is { Length: > 0 } v && char.IsAsciiDigit(v[0]) ? v[0] - '0' : 0;

    // ---------------------------------------------------------------- blocks of a step

    void ReadScstep(out double? free, out double? noEntropy, out double? sigma0)
    {
        free = noEntropy = sigma0 = null;
        if (_xml.IsEmptyElement)
        {
            Advance();
            return;
        }
        Advance();
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            if (_xml.NodeType != XmlNodeType.Element)
                Advance();
            else if (Is(_xml.LocalName, _nEnergy))
                ReadEnergy(_ionic, ref free, ref noEntropy, ref sigma0, report: false);
            else
                _xml.Skip();
        }
        Advance();
    }

    /// <summary>
    /// Reads e_fr_energy, e_wo_entrp and e_0_energy of an &lt;energy&gt; block. An overflowed value stays null; when
    /// <paramref name="report"/> it also marks the step bad (scstep energies are only used if they are the last).
    /// </summary>
    void ReadEnergy(long frame, ref double? free, ref double? noEntropy, ref double? sigma0, bool report, bool stayOnEnd = false)
    {
        if (_xml.IsEmptyElement)
        {
            if (stayOnEnd)
                _readPastCurrent = true;
            else
                Advance();
            return;
        }
        Advance();
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            if (_xml.NodeType != XmlNodeType.Element)
            {
                Advance();
                continue;
            }
            if (!Is(_xml.LocalName, _nI))
            {
                _xml.Skip();
                continue;
            }
            switch (_xml.GetAttribute("name"))
            {
                case "e_fr_energy":
                    free = ReadScalar(frame, "<i name=\"e_fr_energy\">", report);
                    break;
                case "e_wo_entrp":
                    noEntropy = ReadScalar(frame, "<i name=\"e_wo_entrp\">", report);
                    break;
                case "e_0_energy":
                    sigma0 = ReadScalar(frame, "<i name=\"e_0_energy\">", report);
                    break;
                default:
                    _xml.Skip();
                    break;
            }
        }
        if (stayOnEnd)
            _readPastCurrent = true;   // the frame is complete even if the file ends right after </energy>
        else
            Advance();
    }

    void ReadStructure(int n, long frame, out Mat3? basis, out double[]? positions)
    {
        basis = null;
        positions = null;
        if (_xml.IsEmptyElement)
        {
            Advance();
            return;
        }
        Advance();
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            if (_xml.NodeType != XmlNodeType.Element)
            {
                Advance();
                continue;
            }
            string name = _xml.LocalName;
            if (Is(name, _nCrystal) && !_xml.IsEmptyElement)
            {
                Advance();
                while (_xml.NodeType != XmlNodeType.EndElement)
                {
                    if (_xml.NodeType != XmlNodeType.Element)
                        Advance();
                    else if (Is(_xml.LocalName, _nVarray) && _xml.GetAttribute("name") == "basis")
                        basis = ReadMatrix(frame, "<varray name=\"basis\">");
                    else
                        _xml.Skip();
                }
                Advance();
            }
            else if (Is(name, _nVarray) && _xml.GetAttribute("name") == "positions")
            {
                positions = ReadVectors(n, frame, "<varray name=\"positions\">");
            }
            else
            {
                _xml.Skip();
            }
        }
        Advance();
    }

    /// <summary>Reads a &lt;varray&gt; of exactly <paramref name="rows"/> rows of 3 numbers into a new array.</summary>
    double[] ReadVectors(int rows, long frame, string what)
    {
        var values = new double[3 * rows];
        ReadRows(values, rows, frame, what);
        return values;
    }

    Mat3 ReadMatrix(long frame, string what)
    {
        ReadRows(_matrix, 3, frame, what);
        return Mat3.FromRowMajor(_matrix);
    }

    void ReadRows(double[] values, int rows, long frame, string what)
    {
        long start = Line;
        int row = 0;
        if (_xml.IsEmptyElement)
        {
            Advance();
        }
        else
        {
            Advance();
            while (_xml.NodeType != XmlNodeType.EndElement)
            {
                if (_xml.NodeType != XmlNodeType.Element)
                {
                    Advance();
                    continue;
                }
                if (!Is(_xml.LocalName, _nV))
                {
                    _xml.Skip();
                    continue;
                }
                long line = Line;
                int length = ReadText();
                if (row >= rows)
                    throw new ParseException(_file, line, frame, $"{what} has more than {rows} rows");
                var text = AsciiBytes(length);
                int got = SplitNumbers(text, _row, line, frame, what);
                if (got < 0)
                {
                    MarkBad(line, $"VASP wrote '{Show(text)}' in {what} (a number too wide for its field)");
                    values.AsSpan(3 * row, 3).Fill(double.NaN);
                }
                else if (got != 3)
                {
                    throw new ParseException(_file, line, frame,
                        $"expected 3 numbers in a <v> of {what}, found {(got > 3 ? "more" : got.ToString(CultureInfo.InvariantCulture))}: '{Show(text)}'");
                }
                else
                {
                    if (!double.IsFinite(_row[0]) || !double.IsFinite(_row[1]) || !double.IsFinite(_row[2]))
                        MarkBad(line, $"a value that is not finite in {what}: '{Show(text)}'");
                    _row.CopyTo(values, 3 * row);
                }
                row++;
            }
            Advance();
        }
        if (row != rows)
            throw new ParseException(_file, start, frame, $"{what} has {row} rows, {rows} expected");
    }

    double? ReadScalar(long frame, string what, bool report)
    {
        long line = Line;
        int length = ReadText();
        var text = AsciiBytes(length);
        Span<double> one = stackalloc double[1];
        int got = SplitNumbers(text, one, line, frame, what);
        if (got < 0)
        {
            if (report)
                MarkBad(line, $"VASP wrote '{Show(text)}' in {what} (a number too wide for its field)");
            return null;
        }
        if (got != 1)
            throw new ParseException(_file, line, frame, $"expected one number in {what}, found '{Show(text)}'");
        if (!double.IsFinite(one[0]))
        {
            if (report)
                MarkBad(line, $"a value that is not finite in {what}: '{Show(text)}'");
            return null;
        }
        return one[0];
    }

    void MarkBad(long line, string reason)
    {
        if (_badReason is not null)
            return;
        _badReason = reason;
        _badLine = line;
    }

    /// <summary>
    /// Splits whitespace-separated numbers into <paramref name="values"/>: the count, more than its length when there
    /// are too many, or −1 when the text holds VASP's overflow stars (then nothing is parsed: fields run together).
    /// </summary>
    int SplitNumbers(ReadOnlySpan<byte> text, Span<double> values, long line, long? frame, string what)
    {
        if (text.Contains((byte)'*'))
            return -1;
        int count = 0, i = 0;
        while (true)
        {
            while (i < text.Length && text[i] <= (byte)' ')
                i++;
            if (i == text.Length)
                return count;
            int start = i;
            while (i < text.Length && text[i] > (byte)' ')
                i++;
            if (count == values.Length)
                return count + 1;
            var token = text[start..i];
            if (!FastDouble.TryParse(token, out values[count]))
                throw new ParseException(_file, line, frame, $"expected a number in {what}, found '{Show(token)}'");
            count++;
        }
    }

    // ---------------------------------------------------------------- header

    void ReadGenerator()
    {
        ForEachChild(() =>
        {
            if (Is(_xml.LocalName, _nI) && _xml.GetAttribute("name") == "version")
                Run.Version = ReadString().Trim();
            else
                _xml.Skip();
        });
    }

    void ReadParameterBlock(bool fromParameters)
    {
        ForEachChild(() =>
        {
            string name = _xml.LocalName;
            if (Is(name, _nSeparator))
            {
                ReadParameterBlock(fromParameters);
            }
            else if (Is(name, _nI) && _xml.GetAttribute("name") is { } key && IsKnownParameter(key))
            {
                long line = Line;
                string value = ReadString().Trim();
                // <parameters> repeats some names in later sections (NELM again for GW): the first one counts.
                if (!fromParameters || _parametersSeen.Add(key))
                    SetParameter(key, value, line);
            }
            else
            {
                _xml.Skip();
            }
        });
    }

    static bool IsKnownParameter(string key) => key is "NELM" or "EDIFF" or "IBRION" or "ISIF" or "NSW" or "POTIM"
        or "TEBEG" or "TEEND" or "ISPIN" or "ML_LMLFF" or "ML_MODE";

    void SetParameter(string key, string value, long line)
    {
        switch (key)
        {
            case "NELM":
                Run.Nelm = ParseInt(key, value, line);
                break;
            case "EDIFF":
                Run.Ediff = ParseDouble(key, value, line);
                break;
            case "IBRION":
                Run.Ibrion = ParseInt(key, value, line);
                break;
            case "ISIF":
                Run.Isif = ParseInt(key, value, line);
                break;
            case "NSW":
                Run.Nsw = ParseInt(key, value, line);
                break;
            case "POTIM":
                Run.Potim = ParseDouble(key, value, line);
                break;
            case "TEBEG":
                Run.Tebeg = ParseDouble(key, value, line);
                break;
            case "TEEND":
                Run.Teend = ParseDouble(key, value, line);
                break;
            case "ISPIN":
                Run.Ispin = ParseInt(key, value, line);
                break;
            case "ML_LMLFF":
                _mlLmlff = ParseLogical(key, value, line);
                break;
            case "ML_MODE":
                _mlMode = value;
                break;
        }
        Run.MachineLearning = _mlLmlff == true || (_mlMode is { Length: > 0 } mode && !mode.Equals("none", StringComparison.OrdinalIgnoreCase));
    }

    int ParseInt(string key, string value, long line) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new ParseException(_file, line, null, $"parameter {key}: expected an integer, found '{value}'");

    double ParseDouble(string key, string value, long line) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new ParseException(_file, line, null, $"parameter {key}: expected a number, found '{value}'");

    bool ParseLogical(string key, string value, long line) => value.Trim('.').ToUpperInvariant() switch
    {
        "T" or "TRUE" => true,
        "F" or "FALSE" => false,
        _ => throw new ParseException(_file, line, null, $"parameter {key}: expected T or F, found '{value}'"),
    };

    void ReadAtominfo()
    {
        ForEachChild(() =>
        {
            if (!Is(_xml.LocalName, _nArray))
            {
                _xml.Skip();
                return;
            }
            switch (_xml.GetAttribute("name"))
            {
                case "atoms":
                    ReadAtomsArray();
                    break;
                case "atomtypes":
                    ReadAtomTypesArray();
                    break;
                default:
                    _xml.Skip();
                    break;
            }
        });
    }

    void ReadAtomsArray()
    {
        var elements = new List<Element>();
        ReadArray((fields, cells, line) =>
        {
            int column = Math.Max(0, fields.IndexOf("element"));
            if (column >= cells.Count)
                throw new ParseException(_file, line, null, "<atominfo> <array name=\"atoms\">: a row without an element");
            string symbol = cells[column].Trim();
            if (!Elements.TryGet(symbol, out var element))
                throw new ParseException(_file, line, null, $"<atominfo> <array name=\"atoms\">: unknown element '{symbol}'");
            elements.Add(element);
        });
        _atoms = [.. elements];
    }

    void ReadAtomTypesArray()
    {
        Run.Species.Clear();
        Run.IonsPerType.Clear();
        ReadArray((fields, cells, line) =>
        {
            int countColumn = fields.IndexOf("atomspertype");
            int elementColumn = fields.IndexOf("element");
            if (countColumn < 0)
                countColumn = 0;
            if (elementColumn < 0)
                elementColumn = 1;
            if (countColumn >= cells.Count || elementColumn >= cells.Count)
                throw new ParseException(_file, line, null, "<atominfo> <array name=\"atomtypes\">: a row with too few cells");
            string count = cells[countColumn].Trim();
            if (!int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ions) || ions < 0)
                throw new ParseException(_file, line, null, $"<atominfo> <array name=\"atomtypes\">: expected an atom count, found '{count}'");
            Run.Species.Add(cells[elementColumn].Trim());
            Run.IonsPerType.Add(ions);
        });
    }

    /// <summary>Reads an &lt;array&gt; of &lt;field&gt;s and a &lt;set&gt; of &lt;rc&gt; rows of &lt;c&gt; cells, calling <paramref name="row"/> per row.</summary>
    void ReadArray(Action<List<string>, List<string>, long> row)
    {
        var fields = new List<string>();
        var cells = new List<string>();
        ForEachChild(() =>
        {
            string name = _xml.LocalName;
            if (Is(name, _nField))
            {
                fields.Add(ReadString().Trim());
            }
            else if (Is(name, _nSet))
            {
                ForEachChild(() =>
                {
                    if (!Is(_xml.LocalName, _nRc))
                    {
                        _xml.Skip();
                        return;
                    }
                    long line = Line;
                    cells.Clear();
                    ForEachChild(() =>
                    {
                        if (Is(_xml.LocalName, _nC))
                            cells.Add(ReadString());
                        else
                            _xml.Skip();
                    });
                    row(fields, cells, line);
                });
            }
            else
            {
                _xml.Skip();
            }
        });
    }

    // ---------------------------------------------------------------- XML helpers

    /// <summary>
    /// On a start element: calls <paramref name="child"/> on each child element (which must consume it), then leaves the
    /// reader after the end tag.
    /// </summary>
    void ForEachChild(Action child)
    {
        if (_xml.IsEmptyElement)
        {
            Advance();
            return;
        }
        Advance();
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            if (_xml.NodeType == XmlNodeType.Element)
                child();
            else
                Advance();
        }
        Advance();
    }

    void Advance()
    {
        if (!_xml.Read())
            throw new XmlException("unexpected end of file", null, (int)Line, _lineInfo?.LinePosition ?? 0);
    }

    /// <summary>On a start element: its text into <see cref="_chars"/> (child elements skipped); returns the length.</summary>
    int ReadText()
    {
        if (_xml.IsEmptyElement)
        {
            Advance();
            return 0;
        }
        Advance();
        int length = 0;
        while (_xml.NodeType != XmlNodeType.EndElement)
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    while (true)
                    {
                        if (length == _chars.Length)
                            Array.Resize(ref _chars, 2 * _chars.Length);
                        int got = _xml.ReadValueChunk(_chars, length, _chars.Length - length);
                        if (got == 0)
                            break;
                        length += got;
                    }
                    Advance();
                    break;
                case XmlNodeType.Element:
                    _xml.Skip();
                    break;
                default:
                    Advance();
                    break;
            }
        }
        Advance();
        return length;
    }

    string ReadString() => new(_chars, 0, ReadText());

    /// <summary>The first <paramref name="length"/> chars of <see cref="_chars"/> as ASCII bytes (others become '?').</summary>
    ReadOnlySpan<byte> AsciiBytes(int length)
    {
        if (_bytes.Length < length)
            _bytes = new byte[Math.Max(length, 2 * _bytes.Length)];
        var chars = _chars.AsSpan(0, length);
        if (Ascii.FromUtf16(chars, _bytes, out _) != OperationStatus.Done)
        {
            for (int i = 0; i < length; i++)
                _bytes[i] = chars[i] < 128 ? (byte)chars[i] : (byte)'?';
        }
        return _bytes.AsSpan(0, length);
    }

    static string Show(ReadOnlySpan<byte> s) => Encoding.ASCII.GetString(s.Length > 100 ? s[..100] : s).Trim();

    /// <summary>Passes reads through, noting the end of the stream and counting its lines (to tell a truncated file from a malformed one).</summary>
    sealed class InputStream(Stream inner, bool leaveOpen) : Stream
    {
        public bool AtEnd { get; private set; }

        public long Newlines { get; private set; }

        public long Bytes { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            if (n == 0 && buffer.Length > 0)
                AtEnd = true;
            Bytes += n;
            Newlines += buffer[..n].Count((byte)'\n');
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
