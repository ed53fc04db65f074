using System.Globalization;
using System.Xml;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

public sealed partial class VasprunReader
{
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
}
