using System.Xml;
using NepForge.IO;

namespace NepForge.Formats.Vasp;

public sealed partial class VasprunReader
{
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
}
