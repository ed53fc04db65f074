using System.Xml;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

public sealed partial class VasprunReader
{
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
            Line = Line,
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
            Line = Line,
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
        // NaN or an overflowed number is never a label: an error naming the step, or skipped and reported.
        if (FrameChecks.NonFinite(frame) is { } nonFinite)
        {
            if (!_options.SkipBad)
                throw new ParseException(_file, line, null, $"ionic step {ionic}: {nonFinite}");
            StepsSkipped++;
            Warn(line, ionic, $"ionic step {ionic} skipped: {nonFinite}");
            return null;
        }
        return frame;
    }

    int AtomCount(long line) =>
        _atoms?.Length ?? throw new ParseException(_file, line, _ionic, "an ionic step before <atominfo> (the per-atom species)");

    int MajorVersion => Run.Version is { Length: > 0 } v && char.IsAsciiDigit(v[0]) ? v[0] - '0' : 0;
}
