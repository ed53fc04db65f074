using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Streaming OUTCAR reader: one ionic step in memory at a time, whatever the file size (10 GB AIMD OUTCARs are
/// normal). Per step: cell, Cartesian positions, forces, the three energies (TOTEN by default), the virial from the
/// <c>in kB</c> line (pressure sign, eV per cell) and the electronic convergence of the step. Handles fused numbers,
/// <c>*****</c> fields (step skipped with a warning), truncated files (complete steps kept, warning with the line),
/// machine-learned force-field steps (VASP ≥ 6.3; DFT steps only unless asked), ISIF=0 (no virial), NWRITE=0
/// (steps without a force table are reported, not invented), species from <c>POTCAR:</c> or <c>TITEL</c> lines, and
/// the VASP ≤ 6.3 "ions per type" bug for more than 10 species.
/// </summary>
public sealed partial class OutcarReader : IDisposable
{
    readonly Utf8LineReader _lines;
    readonly string _file;
    readonly OutcarReadOptions _options;
    readonly List<ParseDiagnostic> _diagnostics = [];
    readonly List<string> _potcarLines = [];
    readonly List<string> _titelLines = [];
    Element[]? _elements;
    int _nions;
    bool _headerDone;

    // The step being assembled. DFT and ML blocks interleave in on-the-fly ML runs, so each keeps its own.
    readonly double[] _stressDft = new double[6], _stressMl = new double[6];
    bool _hasStressDft, _hasStressMl;
    Mat3? _lattice;
    double[]? _positionsDft, _forcesDft, _positionsMl, _forcesMl;
    bool _badDft, _badMl;
    string? _badReason;
    int _ionic, _electronic, _mlSteps;
    bool? _ediffReached;
    double? _toten;
    bool _totenIsMl;
    long _totenLine;
    long _index;
    int _stepsWithoutForces;

    /// <summary>Reads an OUTCAR from a stream; <paramref name="fileName"/> appears in messages and provenance.</summary>
    public OutcarReader(Stream stream, string fileName, OutcarReadOptions? options = null, bool leaveOpen = false)
    {
        _lines = new Utf8LineReader(stream, leaveOpen) { Name = fileName };
        _file = fileName;
        _options = options ?? OutcarReadOptions.Default;
    }

    /// <summary>Opens a file ("-" = stdin, ".gz" decompressed).</summary>
    public static OutcarReader Open(string path, OutcarReadOptions? options = null) => new(Utf8LineReader.OpenRead(path), path, options);

    /// <summary>Streams every step of a file.</summary>
    public static IEnumerable<VaspStep> ReadSteps(string path, OutcarReadOptions? options = null)
    {
        using var r = Open(path, options);
        while (r.TryRead(out var s))
            yield return s;
    }

    /// <summary>What the header says about the run; complete once the first step has been read.</summary>
    public VaspRunInfo Run { get; } = new();

    /// <summary>Warnings so far.</summary>
    public IReadOnlyList<ParseDiagnostic> Diagnostics => _diagnostics;

    /// <summary>Steps returned so far.</summary>
    public long StepsRead { get; private set; }

    /// <summary>Steps skipped (stars, NWRITE=0 without a force table, ML placeholders, ML when not asked for).</summary>
    public long StepsSkipped { get; private set; }

    /// <summary>Machine-learned force-field steps seen but not returned (<see cref="OutcarReadOptions.IncludeMachineLearned"/> off).</summary>
    public long MachineLearnedStepsLeftOut { get; private set; }

    /// <summary>True when the file stopped inside a step (the run was killed or is still going).</summary>
    public bool Truncated { get; private set; }

    /// <summary>Bytes consumed so far.</summary>
    public long BytesRead => _lines.BytesConsumed;

    /// <summary>Reads the next step; false at the end of the file.</summary>
    public bool TryRead([NotNullWhen(true)] out VaspStep? step)
    {
        while (_lines.TryReadLine(out var line))
        {
            step = OnLine(line);
            if (step is not null)
            {
                StepsRead++;
                return true;
            }
        }
        Finish();
        step = null;
        return false;
    }

    bool _finished;

    void Finish()
    {
        if (_finished)
            return;
        _finished = true;
        if (MachineLearnedStepsLeftOut > 0)
        {
            Warn(_lines.LineNumber, $"{MachineLearnedStepsLeftOut} step(s) of VASP's machine-learned force field were left out " +
                "(their labels are not DFT); include them, marked ml_frame=T, with --ml-frames");
        }
        if (_stepsWithoutForces > 0)
        {
            Warn(_lines.LineNumber, $"{_stepsWithoutForces} ionic step(s) have energies but no POSITION/TOTAL-FORCE table " +
                "(NWRITE < 1 prints it only for the first and last step): they are not frames; read vasprun.xml for every step");
        }
        if (Run.Finished)
            SkipUnfinishedStep();
        if (!Run.Finished && (_toten is not null || _positionsDft is not null || _ionic > 0 || _mlSteps > 0 || StepsRead == 0))
        {
            Truncated = true;
            string where = _toten is not null || _positionsDft is not null || _electronic > 0
                ? $"inside ionic step {Math.Max(_ionic, 1)}"
                : "after the last complete step";
            Warn(_lines.LineNumber, $"file ends at line {_lines.LineNumber} {where} without VASP's timing footer (killed or still running?); " +
                $"{StepsRead} complete step(s) kept");
        }
    }

    // Dispatch on the first non-blank byte: most OUTCAR lines are rejected after one or two comparisons.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    VaspStep? OnLine(ReadOnlySpan<byte> line)
    {
        int s = 0;
        while (s < line.Length && line[s] == ' ')
            s++;
        if (s >= line.Length)
            return null;
        var t = line[s..];
        switch (t[0])
        {
            case (byte)'-':
                if (t.Length > 40)
                    OnDashLine(t);
                return null;
            case (byte)'F':
                if (t.StartsWith("FORCE on cell"u8))
                    ReadStress(ml: false);
                return null;
            case (byte)'M':
                if (t.StartsWith("ML FORCE on cell"u8))
                    ReadStress(ml: true);
                else if (t.StartsWith("ML energy  without entropy"u8))
                    return CompleteStep(t, ml: true);
                else if (!_headerDone)
                    OnHeaderLine(t);
                return null;
            case (byte)'d':
                if (t.StartsWith("direct lattice vectors"u8))
                    ReadLattice();
                return null;
            case (byte)'P':
                if (t.StartsWith("POSITION"u8) && t.IndexOf("TOTAL-FORCE"u8) > 0)
                    ReadPositions(t.IndexOf("(ML)"u8) > 0);
                else if (!_headerDone && t.StartsWith("POTCAR:"u8))
                    _potcarLines.Add(Encoding.ASCII.GetString(t[7..]).Trim());
                else if (!_headerDone)
                    OnHeaderLine(t);
                return null;
            case (byte)'f':
                if (t.StartsWith("free  energy"u8))
                    OnToten(t);
                return null;
            case (byte)'e':
                if (t.StartsWith("energy  without entropy"u8))
                    return CompleteStep(t, ml: false);
                return null;
            case (byte)'G':
                if (t.StartsWith("General timing and accounting"u8))
                    Run.Finished = true;
                return null;
            case (byte)'i':
                // Every "in kB" line belongs to a stress block, which reads it; one met here lost its header.
                if (t.StartsWith("in kB"u8))
                    MarkBad(false, $"the 'in kB' line {_lines.LineNumber} has no 'FORCE on cell' header");
                else if (!_headerDone)
                    OnHeaderLine(t);
                return null;
            default:
                if (!_headerDone)
                    OnHeaderLine(t);
                return null;
        }
    }

    void OnDashLine(ReadOnlySpan<byte> t)
    {
        int it = t.IndexOf("Iteration"u8);
        if (it > 0)
        {
            // "---- Iteration    2(  14)  ----": ionic step 2, electronic step 14.
            Span<double> v = stackalloc double[2];
            var rest = t[(it + 9)..];
            int open = rest.IndexOf((byte)'(');
            int close = rest.IndexOf((byte)')');
            if (open > 0 && close > open &&
                int.TryParse(rest[..open].Trim(" "u8), NumberStyles.Integer, CultureInfo.InvariantCulture, out int ionic) &&
                int.TryParse(rest[(open + 1)..close].Trim(" "u8), NumberStyles.Integer, CultureInfo.InvariantCulture, out int elec))
            {
                EndHeader();
                if (ionic != _ionic)
                {
                    SkipUnfinishedStep();
                    _ionic = ionic;
                    _ediffReached = null;
                }
                _electronic = elec;
            }
            return;
        }
        if (t.IndexOf("aborting loop"u8) > 0)
        {
            if (t.IndexOf("EDIFF was not reached"u8) > 0 || t.IndexOf("unconverged"u8) > 0)
                _ediffReached = false;
            else if (t.IndexOf("EDIFF is reached"u8) > 0)
                _ediffReached = IsVasp6 ? true : null; // VASP 5 prints "reached" even at NELM: count iterations instead
        }
    }

    // A step whose force table (or TOTEN) was read but whose "energy  without entropy" line never came: the file
    // lost a line. Said, not dropped silently.
    void SkipUnfinishedStep()
    {
        if (_positionsDft is null && _toten is null)
            return;
        if (_totenIsMl && _positionsDft is null)
            return;
        StepsSkipped++;
        string missing = _toten is null ? "'free  energy TOTEN'" : "'energy  without entropy'";
        Warn(_lines.LineNumber, $"ionic step {Math.Max(_ionic, 1)} skipped: no {missing} line before the next step");
        ResetStep(ml: false);
    }

    bool IsVasp6 => Run.Version is { } v && v.Length > 0 && v[0] >= '6';

    void ReadStress(bool ml)
    {
        // Scan the block for the "in kB" line (its offset differs between VASP versions). The block ends at its
        // first blank line: a block without "in kB" (a damaged file) must not swallow the lattice that follows it.
        Span<double> v = stackalloc double[6];
        long start = _lines.LineNumber;
        for (int k = 0; k < 30 && _lines.TryReadLine(out var line); k++)
        {
            var t = line.TrimStart(" "u8);
            if (t.IsEmpty || t.SequenceEqual("\r"u8))
                break;
            if (!t.StartsWith("in kB"u8))
                continue;
            int n = OutcarNumbers.Read(t, 5, v);
            if (n == 6)
            {
                v.CopyTo(ml ? _stressMl : _stressDft);
                if (ml)
                    _hasStressMl = true;
                else
                    _hasStressDft = true;
            }
            else
            {
                MarkBad(ml, n == -1 ? "the stress ('in kB') has ***** fields" : $"cannot read 6 numbers from the 'in kB' line: '{Show(t)}'");
            }
            return;
        }
        MarkBad(ml, $"the stress block of line {start} has no 'in kB' line");
    }

    void ReadLattice()
    {
        Span<double> v = stackalloc double[3];
        Span<double> m = stackalloc double[9];
        for (int r = 0; r < 3; r++)
        {
            if (!_lines.TryReadLine(out var line))
                return;
            int n = OutcarNumbers.Read(line, 0, v);
            if (n != 3)
            {
                if (_headerDone)
                    MarkBad(false, n == -1 ? "the cell has ***** fields" : $"cannot read lattice vector {r + 1}: '{Show(line)}'");
                return;
            }
            v.CopyTo(m[(3 * r)..]);
        }
        _lattice = Mat3.FromRowMajor(m);
    }

    void ReadPositions(bool ml)
    {
        EndHeader();
        if (!_lines.TryReadLine(out _)) // the dashes under the header
            return;
        int n = _nions > 0 ? _nions : -1;
        var positions = new List<double>(n > 0 ? 3 * n : 96);
        var forces = new List<double>(n > 0 ? 3 * n : 96);
        Span<double> v = stackalloc double[6];
        bool bad = false;
        string? reason = null;
        while (_lines.TryReadLine(out var line))
        {
            var t = line.TrimStart(" "u8);
            if (t.StartsWith("---"u8))
                break;
            int got = OutcarNumbers.Read(line, 0, v);
            if (got != 6)
            {
                if (got == -1)
                {
                    bad = true;
                    reason ??= $"the force table has ***** fields (line {_lines.LineNumber})";
                    positions.AddRange([double.NaN, double.NaN, double.NaN]);
                    forces.AddRange([double.NaN, double.NaN, double.NaN]);
                    continue;
                }
                // Anything else is a damaged table (a truncated file); the step cannot be used.
                bad = true;
                reason ??= $"line {_lines.LineNumber} of the force table is not 6 numbers: '{Show(t)}'";
                break;
            }
            positions.Add(v[0]);
            positions.Add(v[1]);
            positions.Add(v[2]);
            forces.Add(v[3]);
            forces.Add(v[4]);
            forces.Add(v[5]);
        }
        if (ml)
        {
            _positionsMl = [.. positions];
            _forcesMl = [.. forces];
        }
        else
        {
            _positionsDft = [.. positions];
            _forcesDft = [.. forces];
        }
        if (bad)
            MarkBad(ml, reason!);
    }

    void OnToten(ReadOnlySpan<byte> t)
    {
        // "free  energy   TOTEN  =  -28.38622624 eV" or "free  energy ML TOTEN  = …"
        int eq = t.IndexOf((byte)'=');
        if (eq < 0 || t.IndexOf("TOTEN"u8) < 0)
            return;
        Span<double> v = stackalloc double[1];
        bool ml = t.IndexOf(" ML "u8) > 0;
        int n = OutcarNumbers.Read(t, eq + 1, v);
        _totenLine = _lines.LineNumber;
        _totenIsMl = ml;
        if (n == 1)
        {
            _toten = v[0];
        }
        else
        {
            _toten = double.NaN;
            MarkBad(ml, "TOTEN has ***** fields");
        }
    }

    void MarkBad(bool ml, string reason)
    {
        if (ml)
            _badMl = true;
        else
            _badDft = true;
        _badReason ??= reason;
    }

    VaspStep? CompleteStep(ReadOnlySpan<byte> t, bool ml)
    {
        // "energy  without entropy=  -28.38622624  energy(sigma->0) =  -28.38622624" (ML: prefixed by "ML ").
        if (_toten is not { } toten || _totenIsMl != ml)
            return null;
        double? noEntropy = null, sigma0 = null;
        Span<double> v = stackalloc double[1];
        int eq1 = t.IndexOf((byte)'=');
        if (eq1 > 0 && OutcarNumbers.Read(t, eq1 + 1, v) == 1)
            noEntropy = v[0];
        int sig = t.IndexOf("sigma->0"u8);
        if (sig > 0)
        {
            int eq2 = t[sig..].IndexOf((byte)'=');
            if (eq2 > 0 && OutcarNumbers.Read(t, sig + eq2 + 1, v) == 1)
                sigma0 = v[0];
        }
        long line = _lines.LineNumber;
        var result = ml ? BuildMl(toten, noEntropy, sigma0, line) : BuildDft(toten, noEntropy, sigma0, line);
        ResetStep(ml);
        return result;
    }

    VaspStep? BuildDft(double toten, double? noEntropy, double? sigma0, long line)
    {
        if (_positionsDft is null)
        {
            _stepsWithoutForces++;
            StepsSkipped++;
            return null;
        }
        if (_badDft)
        {
            StepsSkipped++;
            Warn(line, $"ionic step {_ionic} skipped: {_badReason}");
            return null;
        }
        var frame = MakeFrame(_positionsDft, _forcesDft!, _hasStressDft ? _stressDft : null, toten, noEntropy, sigma0, line, _ionic);
        if (frame is null)
            return null;
        return new VaspStep
        {
            Frame = frame,
            Line = line,
            IonicStep = _ionic,
            FreeEnergy = toten,
            EnergyWithoutEntropy = noEntropy,
            EnergySigma0 = sigma0,
            ElectronicSteps = _electronic,
            Nelm = Run.Nelm,
            EdiffReached = _ediffReached,
        };
    }

    VaspStep? BuildMl(double toten, double? noEntropy, double? sigma0, long line)
    {
        _mlSteps++;
        if (!_options.IncludeMachineLearned || _positionsMl is null)
        {
            MachineLearnedStepsLeftOut++;
            return null;
        }
        if (_badMl)
        {
            StepsSkipped++;
            Warn(line, $"machine-learned step {_mlSteps} skipped: {_badReason}");
            return null;
        }
        if (toten == 0 && _forcesMl!.All(f => f == 0))
        {
            // VASP prints zeros before the force field exists (the first steps of ML_ISTART=0).
            StepsSkipped++;
            Warn(line, $"machine-learned step {_mlSteps} skipped: energy and forces are 0 (the force field did not exist yet)");
            return null;
        }
        var frame = MakeFrame(_positionsMl, _forcesMl!, _hasStressMl ? _stressMl : null, toten, noEntropy, sigma0, line, _mlSteps);
        if (frame is null)
            return null;
        frame.Info.SetExtra("ml_frame", "T");
        return new VaspStep
        {
            Frame = frame,
            Line = line,
            IonicStep = _mlSteps,
            FreeEnergy = toten,
            EnergyWithoutEntropy = noEntropy,
            EnergySigma0 = sigma0,
            ElectronicSteps = 0,
            Nelm = Run.Nelm,
            IsMachineLearned = true,
        };
    }

    Frame? MakeFrame(double[] positions, double[] forces, double[]? stressKb, double toten, double? noEntropy, double? sigma0,
        long line, int step)
    {
        var elements = Species(positions.Length / 3, line);
        if (_lattice is not { } m)
            throw new ParseException(_file, line, null, "a complete ionic step but no 'direct lattice vectors' block before it");
        Lattice lattice;
        try
        {
            lattice = new Lattice(m);
        }
        catch (ArgumentException e)
        {
            // A degenerate or non-finite cell (a duplicated or damaged lattice line) is bad input, named as such.
            throw new ParseException(_file, line, null, $"ionic step {step}: bad cell: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
        double? energy = _options.Energy switch
        {
            VaspEnergyKind.Free => toten,
            VaspEnergyKind.Sigma0 => sigma0,
            _ => noEntropy,
        };
        if (energy is null)
        {
            StepsSkipped++;
            Warn(line, $"ionic step {step} skipped: no {VaspEnergyKinds.Name(_options.Energy)} printed");
            return null;
        }
        var frame = new Frame((Element[])elements.Clone(), positions, lattice) { Energy = energy, Forces = forces };
        if (stressKb is not null)
        {
            // "in kB" order XX YY ZZ XY YZ ZX, pressure sign; virial (eV) = σ[kB] · V / 1602.18 (same sign).
            double f = lattice.Volume * Units.KBarToEvPerA3;
            frame.Virial = new Mat3(
                stressKb[0] * f, stressKb[3] * f, stressKb[5] * f,
                stressKb[3] * f, stressKb[1] * f, stressKb[4] * f,
                stressKb[5] * f, stressKb[4] * f, stressKb[2] * f);
        }
        frame.Info.SourceFile = _file;
        frame.Info.SourceIndex = _index++;
        frame.Info.SourceStep = step;
        frame.Info.EnergyKind = VaspEnergyKinds.Name(_options.Energy);
        if (Run.Version is { } version)
            frame.Info.SetExtra("vasp_version", version);
        // NaN or an overflowed number printed by VASP is never a label: an error naming the step, or skipped and reported.
        if (FrameChecks.NonFinite(frame) is { } nonFinite)
        {
            if (!_options.SkipBad)
                throw new ParseException(_file, line, null, $"ionic step {step}: {nonFinite}");
            StepsSkipped++;
            Warn(line, $"ionic step {step} skipped: {nonFinite}");
            return null;
        }
        return frame;
    }

    void ResetStep(bool ml)
    {
        _toten = null;
        if (ml)
        {
            _positionsMl = _forcesMl = null;
            _hasStressMl = false;
            _badMl = false;
        }
        else
        {
            _positionsDft = _forcesDft = null;
            _hasStressDft = false;
            _badDft = false;
            _electronic = 0;
        }
        if (!_badDft && !_badMl)
            _badReason = null;
    }

    internal void Warn(long line, string message)
    {
        var d = new ParseDiagnostic(_file, line, null, message);
        _diagnostics.Add(d);
        _options.OnDiagnostic?.Invoke(d);
    }

    static string Show(ReadOnlySpan<byte> s) => Encoding.ASCII.GetString(s.Length > 100 ? s[..100] : s).Trim();

    /// <inheritdoc />
    public void Dispose() => _lines.Dispose();
}
