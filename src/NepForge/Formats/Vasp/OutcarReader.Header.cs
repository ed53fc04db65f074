using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

public sealed partial class OutcarReader
{
    List<int>? _ionsPerType;

    // Header lines other than POTCAR: (handled in the dispatcher): version, TITEL, ions per type, INCAR parameters.
    void OnHeaderLine(ReadOnlySpan<byte> t)
    {
        switch (t[0])
        {
            case (byte)'v':
                if (Run.Version is null && t.StartsWith("vasp."u8))
                {
                    int end = t.IndexOf((byte)' ');
                    Run.Version = Encoding.ASCII.GetString(end > 5 ? t[5..end] : t[5..]);
                }
                break;
            case (byte)'T':
                if (t.StartsWith("TITEL"u8))
                {
                    int eq = t.IndexOf((byte)'=');
                    if (eq > 0)
                        _titelLines.Add(Encoding.ASCII.GetString(t[(eq + 1)..]).Trim());
                }
                else if (t.StartsWith("TEBEG"u8))
                {
                    if (OutcarNumbers.TryDouble(t, "TEBEG"u8, out double b))
                        Run.Tebeg = b;
                    if (OutcarNumbers.TryDouble(t, "TEEND"u8, out double e))
                        Run.Teend = e;
                }
                break;
            case (byte)'i':
                if (t.StartsWith("ions per type"u8))
                {
                    int eq = t.IndexOf((byte)'=');
                    _ionsPerType = [];
                    foreach (var tok in Encoding.ASCII.GetString(t[(eq + 1)..]).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (int.TryParse(tok, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c))
                            _ionsPerType.Add(c);
                    }
                }
                break;
            case (byte)'n':
                if (t.StartsWith("number of dos"u8) && _nions == 0 && OutcarNumbers.TryInteger(t, "NIONS"u8, out int nions))
                    _nions = nions;
                break;
            case (byte)'N':
                if (t.StartsWith("NELM"u8) && OutcarNumbers.TryInteger(t, "NELM"u8, out int nelm))
                    Run.Nelm = nelm;
                else if (t.StartsWith("NSW"u8) && OutcarNumbers.TryInteger(t, "NSW"u8, out int nsw))
                    Run.Nsw = nsw;
                break;
            case (byte)'E':
                if (t.StartsWith("EDIFF "u8) || t.StartsWith("EDIFF="u8))
                {
                    if (OutcarNumbers.TryDouble(t, "EDIFF"u8, out double ediff))
                        Run.Ediff = ediff;
                }
                break;
            case (byte)'I':
                if (t.StartsWith("IBRION"u8) && OutcarNumbers.TryInteger(t, "IBRION"u8, out int ibrion))
                    Run.Ibrion = ibrion;
                else if (t.StartsWith("ISIF"u8) && OutcarNumbers.TryInteger(t, "ISIF"u8, out int isif))
                    Run.Isif = isif;
                else if (t.StartsWith("ISPIN"u8) && OutcarNumbers.TryInteger(t, "ISPIN"u8, out int ispin))
                    Run.Ispin = ispin;
                break;
            case (byte)'P':
                if (t.StartsWith("POTIM"u8) && OutcarNumbers.TryDouble(t, "POTIM"u8, out double potim))
                    Run.Potim = potim;
                break;
        }
        if (t.StartsWith("ML_LMLFF"u8) || t.StartsWith("ML_MODE"u8))
        {
            int eq = t.IndexOf((byte)'=');
            if (eq > 0)
            {
                string value = Encoding.ASCII.GetString(t[(eq + 1)..]).Trim().TrimStart('.').ToUpperInvariant();
                if (value.StartsWith('T') || value.StartsWith("TRAIN", StringComparison.Ordinal) || value.StartsWith("RUN", StringComparison.Ordinal) ||
                    value.StartsWith("REFIT", StringComparison.Ordinal) || value.StartsWith("SELECT", StringComparison.Ordinal))
                    Run.MachineLearning = true;
            }
        }
    }

    // The header ends at the first electronic iteration or force table: resolve the species of every atom.
    void EndHeader()
    {
        if (_headerDone)
            return;
        _headerDone = true;
        var names = _titelLines.Count > 0 ? _titelLines : FirstHalf(_potcarLines);
        var species = new List<Element>();
        foreach (var line in names)
        {
            var e = SpeciesOfPotcar(line) ?? throw new ParseException(_file, _lines.LineNumber, null,
                $"cannot tell the element of POTCAR '{line}'");
            species.Add(e);
            Run.Species.Add(e.Symbol);
        }
        var counts = _ionsPerType ?? [];
        if (species.Count == 0)
        {
            throw new ParseException(_file, _lines.LineNumber, null,
                "no POTCAR: or TITEL lines before the first ionic step: cannot tell the species (is this an OUTCAR?)");
        }
        if (counts.Count < species.Count)
            counts = RecoverCounts(species, counts);
        else if (counts.Count > species.Count)
        {
            throw new ParseException(_file, _lines.LineNumber, null,
                $"'ions per type' lists {counts.Count} counts but the POTCAR has {species.Count} species");
        }
        Run.IonsPerType.AddRange(counts);
        // Summed as long: a damaged count (2^31 − 1) must give this message, not an overflow.
        long total = counts.Sum(c => (long)c);
        if (_nions > 0 && total != _nions)
        {
            throw new ParseException(_file, _lines.LineNumber, null,
                $"'ions per type' adds up to {total} but NIONS = {_nions}");
        }
        if (total > MaxAtoms)
        {
            throw new ParseException(_file, _lines.LineNumber, null,
                $"'ions per type' adds up to {total} atoms, more than any DFT run ({MaxAtoms:N0}): a damaged header?");
        }
        _elements = new Element[total];
        for (int g = 0, a = 0; g < counts.Count; g++)
        {
            for (int j = 0; j < counts[g]; j++)
                _elements[a++] = species[g];
        }
        if (_nions == 0)
            _nions = (int)total;
    }

    // The species array is allocated before any atom line is read, so its size is checked against a physical bound.
    const long MaxAtoms = 10_000_000;

    // VASP ≤ 6.3 prints "ions per type" for the first 10 species only. One missing count follows from NIONS; more
    // come from a POSCAR/CONTCAR beside the OUTCAR with the same species; otherwise say so and stop.
    List<int> RecoverCounts(List<Element> species, List<int> counts)
    {
        if (species.Count - counts.Count == 1 && _nions > counts.Sum(c => (long)c))
        {
            Warn(_lines.LineNumber, $"'ions per type' lists {counts.Count} of {species.Count} species (VASP ≤ 6.3 prints at most 10); " +
                "the last count was recovered from NIONS");
            return [.. counts, (int)(_nions - counts.Sum(c => (long)c))];
        }
        string? dir = _file == "-" ? null : Path.GetDirectoryName(Path.GetFullPath(_file));
        foreach (var name in new[] { "POSCAR", "CONTCAR" })
        {
            string? path = dir is null ? null : Path.Combine(dir, name);
            if (path is null || !File.Exists(path))
                continue;
            try
            {
                var poscar = PoscarReader.Read(path);
                var groups = new List<(Element Element, int Count)>();
                foreach (var e in poscar.Elements)
                {
                    if (groups.Count > 0 && groups[^1].Element == e)
                        groups[^1] = (e, groups[^1].Count + 1);
                    else
                        groups.Add((e, 1));
                }
                if (groups.Select(g => g.Element).SequenceEqual(species) && poscar.AtomCount == _nions)
                {
                    Warn(_lines.LineNumber, $"'ions per type' lists {counts.Count} of {species.Count} species (VASP ≤ 6.3 prints at most 10); " +
                        $"the counts were taken from {name} beside the OUTCAR");
                    return groups.ConvertAll(g => g.Count);
                }
            }
            catch (ParseException)
            {
            }
        }
        throw new ParseException(_file, _lines.LineNumber, null,
            $"'ions per type' lists {counts.Count} counts but the POTCAR has {species.Count} species: VASP ≤ 6.3 prints at most 10, " +
            "so the atom counts per species cannot be known from this OUTCAR. Put the run's POSCAR beside it, or read its vasprun.xml instead");
    }

    static List<string> FirstHalf(List<string> lines) =>
        lines.Count % 2 == 0 ? lines.GetRange(0, lines.Count / 2) : lines;

    // "PAW_PBE Ti_sv 08Apr2002", "PAW_PBE H1.25 07Sep2000", "US Si": the element is the first token that starts with one.
    internal static Element? SpeciesOfPotcar(string line)
    {
        foreach (var token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int n = 0;
            if (token.Length > 0 && char.IsAsciiLetterUpper(token[0]))
            {
                n = 1;
                if (token.Length > 1 && char.IsAsciiLetterLower(token[1]))
                    n = 2;
            }
            if (n == 0 || token.StartsWith("PAW", StringComparison.Ordinal))
                continue;
            if (n < token.Length && char.IsAsciiLetter(token[n]) && token[n] != '_')
                continue; // "GGA", "LDA": a word, not a symbol
            if (Elements.TryGet(token.AsSpan(0, n), out var e))
                return e;
        }
        return null;
    }

    Element[] Species(int atoms, long line)
    {
        EndHeader();
        if (_elements!.Length != atoms)
        {
            throw new ParseException(_file, line, null,
                $"the force table has {atoms} atoms but the header's 'ions per type' adds up to {_elements.Length}");
        }
        return _elements;
    }
}
