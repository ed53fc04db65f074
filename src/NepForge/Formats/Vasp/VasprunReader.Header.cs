using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

public sealed partial class VasprunReader
{
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
}
