using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Reads VASP POSCAR/CONTCAR files (VASP 4, 5 and 6) into a <see cref="Frame"/>: species, the cell (Å, scale
/// applied) and Cartesian positions (Å), plus selective-dynamics flags, velocities, NpT lattice velocities and the
/// MD predictor-corrector block when present (see <see cref="Poscar"/> for where those are kept).
/// <para>
/// Accepted: one scale factor (a negative one is the target volume in Å³) or three (per Cartesian axis, applied to
/// the x, y, z components of the lattice vectors and of Cartesian positions); a species line (VASP 5/6; possibly
/// wrapped over several lines, as are the counts, with VASP 6.4 "Si/4f2e…" hashes or POTCAR names such as "Fe_pv")
/// or none (VASP 4: species from <see cref="PoscarReadOptions.Species"/>, else a POTCAR beside the file, else a
/// symbol after every coordinate, else a title made of element symbols matching the counts, e.g. "Fe4P4O16" or
/// "Fe P O"); 'Selective dynamics' (first letter S/s); the coordinate mode (first letter C/c/K/k Cartesian, scaled
/// like the cell; anything else Direct); comments after '!' or '#'; then, optionally, a "Lattice velocities and
/// vectors" block, a velocity block (after blank lines and an optional 'Cartesian'/'Direct' line) and the
/// predictor-corrector block.
/// </para>
/// Every problem throws <see cref="ParseException"/> naming the file, the 1-based line, what was expected and what
/// was found. <see cref="FrameInfo.SourceFile"/> is the path (or the name given) and <see cref="FrameInfo.SourceIndex"/> 0.
/// </summary>
public static class PoscarReader
{
    /// <summary>Reads the POSCAR/CONTCAR at <paramref name="path"/>.</summary>
    public static Frame Read(string path, PoscarReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= PoscarReadOptions.Default;
        List<string> lines;
        bool endsWithNewline;
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            lines = ReadLines(reader, out endsWithNewline);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        Func<string?>? potcar = null;
        if (options.UsePotcar && folder is not null)
        {
            string candidate = Path.Combine(folder, "POTCAR");
            potcar = () => File.Exists(candidate) ? candidate : null;
        }
        return Parse(lines, path, options, potcar, endsWithNewline);
    }

    /// <summary>
    /// Reads a POSCAR/CONTCAR from <paramref name="reader"/>; <paramref name="fileName"/> is used in messages and as
    /// <see cref="FrameInfo.SourceFile"/>. No POTCAR is looked for.
    /// </summary>
    public static Frame Read(TextReader reader, string fileName, PoscarReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(fileName);
        var lines = ReadLines(reader, out bool endsWithNewline);
        return Parse(lines, fileName, options ?? PoscarReadOptions.Default, potcar: null, endsWithNewline);
    }

    /// <summary>
    /// Reads every POSCAR*, CONTCAR* and *.vasp file directly in <paramref name="folder"/> (names compared ignoring
    /// case; hidden files skipped), in natural order: POSCAR-2 before POSCAR-10. Files are read lazily, one per step.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (thrown at the call).</exception>
    public static IEnumerable<Frame> ReadFolder(string folder, PoscarReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"folder not found: {folder}");
        var files = Directory.EnumerateFiles(folder)
            .Where(f => IsPoscarName(Path.GetFileName(f)))
            .Order(NaturalOrderComparer.Instance)
            .ToList();
        return ReadAll(files, options);
    }

    static IEnumerable<Frame> ReadAll(List<string> files, PoscarReadOptions? options)
    {
        foreach (var f in files)
            yield return Read(f, options);
    }

    internal static bool IsPoscarName(string name) =>
        !name.StartsWith('.') &&
        (name.StartsWith("POSCAR", StringComparison.OrdinalIgnoreCase) ||
         name.StartsWith("CONTCAR", StringComparison.OrdinalIgnoreCase) ||
         name.EndsWith(".vasp", StringComparison.OrdinalIgnoreCase));

    static List<string> ReadLines(TextReader reader, out bool endsWithNewline)
    {
        string text = reader.ReadToEnd();
        endsWithNewline = text.Length == 0 || text[^1] == '\n';
        var lines = new List<string>();
        using var lines2 = new StringReader(text);
        while (lines2.ReadLine() is { } line)
            lines.Add(line);
        return lines;
    }

    // A killed run cuts a CONTCAR anywhere, also inside its last number (-0.42831313E-02 → -0.42831313), which
    // still parses. VASP writes fixed-width rows and ends every line: a last line with no line end that is shorter
    // than the equal-width rows before it was cut.
    static void CheckLastLine(List<string> lines, string file)
    {
        if (lines.Count < 2)
            return;
        var tokens = Tokenize(lines[^1]);
        var previous = Tokenize(lines[^2]);
        if (tokens.Length < 3 || previous.Length != tokens.Length || !tokens.Concat(previous).All(t => TryParseNumber(t, out _)))
            return;
        // Fixed width: every number but the last as wide as the one above it, and the last one narrower.
        bool cut = tokens[^1].Length < previous[^1].Length;
        for (int i = 0; cut && i < tokens.Length - 1; i++)
            cut = tokens[i].Length == previous[i].Length;
        if (cut)
        {
            throw new ParseException(file, lines.Count, null,
                $"the file ends inside line {lines.Count} with no line end, and its last number is narrower than the fixed-width one above it: " +
                "its last number looks cut (truncated file?)");
        }
    }

    /// <summary>
    /// Parses a finite number as VASP writes it (also Fortran 'D' exponents and ".428"); NaN, Infinity and numbers
    /// beyond the double range (1e400) are refused.
    /// </summary>
    internal static bool TryParseNumber(ReadOnlySpan<char> s, out double value) => TryParseAny(s, out value) && double.IsFinite(value);

    static bool TryParseAny(ReadOnlySpan<char> s, out double value)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return true;
        int d = s.IndexOfAny('d', 'D');
        if (d > 0 && s.Length <= 64)
        {
            Span<char> copy = stackalloc char[s.Length];
            s.CopyTo(copy);
            copy[d] = 'e';
            return double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
        return false;
    }

    /// <summary>The whitespace-separated tokens of a line, after cutting a '!' or '#' comment.</summary>
    static string[] Tokenize(string line) =>
        StripComment(line).ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    static ReadOnlySpan<char> StripComment(string line)
    {
        int c = line.AsSpan().IndexOfAny('!', '#');
        return c >= 0 ? line.AsSpan(0, c) : line;
    }

    static bool IsInteger(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    static Frame Parse(List<string> lines, string file, PoscarReadOptions options, Func<string?>? potcar, bool endsWithNewline = true)
    {
        if (!endsWithNewline)
            CheckLastLine(lines, file);
        var src = new Source(lines, file);
        if (lines.Count == 0)
            throw src.Error(1, "empty file: expected a POSCAR title line");

        // 1: title. 2: scale factor(s).
        string title = src.Next("the title line").Trim();
        int scaleLine = src.Line + 1;
        var scaleTokens = Tokenize(src.Next("the scale factor"));
        Span<double> scale = stackalloc double[3];
        int nScale = 0;
        while (nScale < scaleTokens.Length && nScale < 3 && TryParseNumber(scaleTokens[nScale], out scale[nScale]))
            nScale++;
        if (nScale == 0)
            throw src.Error(scaleLine, $"expected the scale factor (1 or 3 numbers), found {src.Found(scaleLine)}");
        if (nScale == 2)
            throw src.Error(scaleLine, $"expected 1 or 3 scale factors, found 2: {src.Found(scaleLine)}");
        if (nScale == 3 && (scale[0] <= 0 || scale[1] <= 0 || scale[2] <= 0))
            throw src.Error(scaleLine, $"three scale factors must all be positive, found {src.Found(scaleLine)}");
        if (nScale == 1 && scale[0] == 0)
            throw src.Error(scaleLine, "the scale factor is 0");

        // 3-5: lattice vectors.
        int latticeLine = src.Line + 1;
        Span<double> raw = stackalloc double[9];
        for (int i = 0; i < 3; i++)
            src.ReadVector(raw.Slice(3 * i, 3), $"lattice vector {"abc"[i]}");

        // 6…: species (VASP 5/6) and counts.
        var (symbols, counts, countsLine) = ReadSpeciesAndCounts(src);

        // Selective dynamics and coordinate mode.
        string modeText = src.Next("'Selective dynamics', 'Direct' or 'Cartesian'").Trim();
        bool selective = modeText.Length > 0 && modeText[0] is 'S' or 's';
        if (selective)
            modeText = src.Next("'Direct' or 'Cartesian' after 'Selective dynamics'").Trim();
        CheckModeLine(src, modeText, "'Direct' or 'Cartesian' coordinate-mode line");
        bool cartesian = modeText[0] is 'C' or 'c' or 'K' or 'k';

        // Coordinates.
        int n = counts.Sum();
        // Each atom needs a line: sized by the lines left, a count of 1e8 in a small file allocates nothing big (the
        // loop below stops at the end of the file, before any index beyond them).
        int capacity = Math.Min(n, Math.Max(0, src.LineCount - src.Line));
        var coords = new double[3 * capacity];
        bool[]? flags = selective ? new bool[3 * capacity] : null;
        string?[]? trailing = symbols is null ? new string?[capacity] : null;
        int firstCoordinateLine = src.Line + 1;
        for (int i = 0; i < n; i++)
        {
            if (src.AtEnd)
                throw src.Error(lines.Count, $"expected {n} coordinate lines, file ended after {i}");
            var tokens = Tokenize(src.Next("coordinates"));
            for (int k = 0; k < 3; k++)
            {
                if (k >= tokens.Length || !TryParseNumber(tokens[k], out coords[3 * i + k]))
                    throw src.Error(src.Line, $"expected 3 numbers for the coordinates of atom {i + 1}, found {src.Found(src.Line)}");
            }
            int next = 3;
            if (flags is not null)
            {
                for (int k = 0; k < 3; k++)
                {
                    if (3 + k >= tokens.Length || ParseFlag(tokens[3 + k]) is not { } flag)
                        throw src.Error(src.Line, $"expected 3 selective-dynamics flags (T or F) after the coordinates of atom {i + 1}, found {src.Found(src.Line)}");
                    flags[3 * i + k] = flag;
                }
                next = 6;
            }
            if (trailing is not null && next < tokens.Length)
                trailing[i] = tokens[next];
        }
        // A velocity block follows a blank line; a coordinate line right after the last one means the counts are
        // short of the atoms (counts "2 2" for 8 atoms read 4 and made the rest velocities).
        if (!src.AtEnd && Tokenize(src.Peek()!) is { Length: >= 3 } more && more.Take(3).All(t => TryParseNumber(t, out _)))
        {
            throw src.Error(src.Line + 1, $"line {src.Line + 1} holds a coordinate line beyond the {n} atom(s) that the counts " +
                $"({string.Join(' ', counts)}, line {countsLine}) add up to: the counts and the coordinates disagree");
        }

        var elementsByGroup = symbols ?? ResolveVasp4Species(src, options, potcar, counts, countsLine, title, trailing!, firstCoordinateLine);

        // Cell and Cartesian positions.
        var lattice = BuildLattice(src, raw, scale[..nScale], latticeLine, scaleLine, out var axisScale);
        if (cartesian)
        {
            for (int i = 0; i < n; i++)
            {
                for (int k = 0; k < 3; k++)
                    coords[3 * i + k] *= axisScale[k];
            }
        }
        else
        {
            lattice.ToCartesian(coords, coords);
        }

        var elements = new Element[n];
        for (int g = 0, a = 0; g < counts.Length; g++)
        {
            for (int j = 0; j < counts[g]; j++)
                elements[a++] = elementsByGroup[g];
        }
        var frame = new Frame(elements, coords, lattice);
        frame.Info.SourceFile = file;
        frame.Info.SourceIndex = 0;
        // Provenance NepForge wrote into the title (source_file=… source_index=…) replaces the POSCAR's own.
        string text = PoscarTitle.Apply(title, frame.Info);
        if (text.Length > 0 && !TitleIsFormulaOf(text, frame))
            frame.Info.SetExtra(Poscar.TitleKey, text);
        if (flags is not null)
            frame.SetArray(PerAtomArray.Logical(Poscar.SelectiveDynamicsArray, 3, flags));

        ReadMdBlocks(src, frame);
        return frame;
    }

    static void CheckModeLine(Source src, string text, string expected)
    {
        if (text.Length == 0)
            throw src.Error(src.Line, $"expected {expected}, found an empty line");
        var first = Tokenize(text);
        if (first.Length > 0 && TryParseNumber(first[0], out _))
            throw src.Error(src.Line, $"expected {expected}, found {src.Found(src.Line)}");
        if (text.Contains("configuration", StringComparison.OrdinalIgnoreCase))
            throw src.Error(src.Line, $"found {src.Found(src.Line)}: this is an XDATCAR, not a POSCAR");
    }

    static bool? ParseFlag(string token)
    {
        var t = token.AsSpan().TrimStart('.');
        if (t.Length == 0)
            return null;
        return t[0] switch
        {
            'T' or 't' => true,
            'F' or 'f' => false,
            _ => null,
        };
    }

    static (Element[]? Symbols, int[] Counts, int CountsLine) ReadSpeciesAndCounts(Source src)
    {
        var tokens = Tokenize(src.Next("the species line or the atom counts"));
        if (tokens.Length == 0)
            throw src.Error(src.Line, "expected the species line or the atom counts, found an empty line");
        Element[]? symbols = null;
        int symbolLines = 0;
        if (!IsInteger(tokens[0]))
        {
            // VASP 5/6: symbol lines until a line of integers.
            var list = new List<Element>();
            while (true)
            {
                symbolLines++;
                if (symbolLines > 1 && !Elements.TryGet(tokens[0], out _))
                    throw src.Error(src.Line, $"expected the atom counts (integers) after the species line, found {src.Found(src.Line)}");
                foreach (var t in tokens)
                {
                    if (!Elements.TryGet(t, out var e))
                        throw src.Error(src.Line, $"unknown element '{t}' in the species line");
                    list.Add(e);
                }
                tokens = Tokenize(src.Next("the atom counts"));
                if (tokens.Length == 0)
                    throw src.Error(src.Line, "expected the atom counts, found an empty line");
                if (IsInteger(tokens[0]))
                    break;
            }
            symbols = [.. list];
        }

        // Counts: one line (VASP 4), or integer lines until there is one per symbol.
        var counts = new List<int>();
        int countLines = 0;
        while (true)
        {
            countLines++;
            foreach (var t in tokens)
            {
                if (!int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int c))
                    throw src.Error(src.Line, $"expected atom counts (integers), found {src.Found(src.Line)}");
                if (c < 0)
                    throw src.Error(src.Line, $"atom count {c} is negative");
                counts.Add(c);
            }
            if (symbols is null || counts.Count >= symbols.Length)
                break;
            if (src.AtEnd || Tokenize(src.Peek()!) is not { Length: > 0 } more || !IsInteger(more[0]))
                break;
            tokens = Tokenize(src.Next("the atom counts"));
        }
        if (symbols is not null && counts.Count != symbols.Length)
        {
            string problem = symbolLines == 1 && countLines == 1
                ? $"species line has {symbols.Length} symbols but counts line has {counts.Count} numbers"
                : $"species lines have {symbols.Length} symbols but counts lines have {counts.Count} numbers";
            throw src.Error(src.Line, problem);
        }
        long total = counts.Sum(c => (long)c);
        if (total == 0)
            throw src.Error(src.Line, "the atom counts add up to 0");
        if (total > int.MaxValue / 3)
            throw src.Error(src.Line, $"the atom counts add up to {total}, too many");
        return (symbols, [.. counts], src.Line);
    }

    static Element[] ResolveVasp4Species(
        Source src, PoscarReadOptions options, Func<string?>? potcar, int[] counts, int countsLine, string title,
        string?[] trailing, int firstCoordinateLine)
    {
        int groups = counts.Length;
        if (options.Species is { } given)
        {
            if (given.Count != groups)
                throw src.Error(countsLine, $"the counts line has {groups} numbers but {given.Count} species were given ({string.Join(' ', given)})");
            return [.. given.Select(s => Elements.TryGet(s, out var e) ? e : throw new ArgumentException($"unknown element '{s}' in PoscarReadOptions.Species", nameof(options)))];
        }

        if (potcar?.Invoke() is { } potcarPath && ReadPotcarSpecies(potcarPath) is { Count: > 0 } fromPotcar)
        {
            if (fromPotcar.Count != groups)
                throw src.Error(countsLine, $"the counts line has {groups} numbers but the POTCAR beside the file ({potcarPath}) lists {fromPotcar.Count} species ({string.Join(' ', fromPotcar)})");
            return [.. fromPotcar];
        }

        // pymatgen style: a symbol after every coordinate, the same within each count group.
        if (TrailingSymbols(trailing, counts) is { } fromCoordinates)
            return fromCoordinates;

        // A title made of element symbols matching the groups: "Fe4P4O16", "Fe P O".
        if (ParseFormula(title) is { } formula && formula.Count == groups &&
            formula.Select((f, g) => f.Count is null || f.Count == counts[g]).All(ok => ok))
        {
            return [.. formula.Select(f => f.Element)];
        }

        throw src.Error(countsLine,
            $"VASP 4 POSCAR: no species line before the counts ({string.Join(' ', counts)}), and neither a POTCAR beside the file, " +
            $"a symbol after each coordinate (line {firstCoordinateLine}…) nor the title names them: pass the species " +
            "(PoscarReadOptions.Species) or put the POTCAR beside the file");
    }

    static Element[]? TrailingSymbols(string?[] trailing, int[] counts)
    {
        var result = new Element[counts.Length];
        int a = 0;
        for (int g = 0; g < counts.Length; g++)
        {
            Element? groupElement = null;
            for (int j = 0; j < counts[g]; j++, a++)
            {
                if (trailing[a] is not { } s || !Elements.TryGet(s, out var e) || e.Symbol != s)
                    return null;
                if (groupElement is not null && groupElement != e)
                    return null;
                groupElement = e;
            }
            if (groupElement is null)
                return null;
            result[g] = groupElement;
        }
        return result;
    }

    /// <summary>Species named by a POTCAR: its TITEL lines ("PAW_PBE Fe_pv 06Sep2000"), else its VRHFIN lines ("=Fe: …").</summary>
    internal static List<Element>? ReadPotcarSpecies(string path)
    {
        var titel = new List<Element>();
        var vrhfin = new List<Element>();
        foreach (var line in File.ReadLines(path))
        {
            var t = line.AsSpan().TrimStart();
            if (t.StartsWith("TITEL"))
            {
                int eq = t.IndexOf('=');
                if (eq < 0)
                    continue;
                var words = t[(eq + 1)..].ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 2 && Elements.TryGet(words[1], out var e))
                    titel.Add(e);
            }
            else if (t.StartsWith("VRHFIN"))
            {
                int eq = t.IndexOf('=');
                int colon = t.IndexOf(':');
                if (eq >= 0 && colon > eq && Elements.TryGet(t[(eq + 1)..colon], out var e))
                    vrhfin.Add(e);
            }
        }
        return titel.Count > 0 ? titel : vrhfin.Count > 0 ? vrhfin : null;
    }

    /// <summary>
    /// Parses a title made only of element symbols with optional integer counts ("Fe4P4O16", "Cr16 Fe35 Ni2",
    /// "Fe P O"), symbols in exact case; null if it is anything else.
    /// </summary>
    internal static List<(Element Element, int? Count)>? ParseFormula(string title)
    {
        var result = new List<(Element, int?)>();
        var s = title.AsSpan().Trim();
        int i = 0;
        while (i < s.Length)
        {
            if (char.IsWhiteSpace(s[i]))
            {
                i++;
                continue;
            }
            if (!char.IsAsciiLetterUpper(s[i]))
                return null;
            int start = i++;
            if (i < s.Length && char.IsAsciiLetterLower(s[i]))
                i++;
            var symbol = s[start..i];
            if (!Elements.TryGet(symbol, out var e) || !symbol.SequenceEqual(e.Symbol.AsSpan()))
                return null;
            int digits = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
                i++;
            int? count = null;
            if (i > digits)
            {
                if (!int.TryParse(s[digits..i], NumberStyles.None, CultureInfo.InvariantCulture, out int c))
                    return null;
                count = c;
            }
            result.Add((e, count));
        }
        return result.Count > 0 ? result : null;
    }

    static bool TitleIsFormulaOf(string title, Frame frame)
    {
        if (ParseFormula(title) is not { } formula)
            return false;
        var fromTitle = new Dictionary<Element, long>();
        foreach (var (e, c) in formula)
            fromTitle[e] = fromTitle.GetValueOrDefault(e) + (c ?? 1);
        var composition = frame.Composition();
        return composition.Count == fromTitle.Count && composition.All(c => fromTitle.GetValueOrDefault(c.Element) == c.Count);
    }

    static Lattice BuildLattice(Source src, Span<double> raw, ReadOnlySpan<double> scale, int latticeLine, int scaleLine, out double[] axisScale)
    {
        if (VaspScale.TryApply(raw, scale, scaleLine, out axisScale) is { } problem)
            throw src.Error(latticeLine, problem);
        try
        {
            return new Lattice(Mat3.FromRowMajor(raw));
        }
        catch (ArgumentException ex)
        {
            throw src.Error(latticeLine, ex.Message.Split(" (Parameter", 2)[0], ex);
        }
    }

    static void ReadMdBlocks(Source src, Frame frame)
    {
        int n = frame.AtomCount;
        src.SkipBlank();

        // NpT: "Lattice velocities and vectors", the initialisation state, 3 velocity rows, 3 lattice rows.
        if (!src.AtEnd && src.Peek()!.TrimStart() is { Length: > 0 } header && header[0] is 'L' or 'l')
        {
            src.Next("the lattice-velocity block");
            var state = src.Next("the lattice-velocity initialisation state").Trim();
            if (!IsInteger(state))
                throw src.Error(src.Line, $"expected the lattice-velocity initialisation state (an integer), found {src.Found(src.Line)}");
            Span<double> velocities = stackalloc double[9];
            Span<double> vectors = stackalloc double[9];
            for (int i = 0; i < 3; i++)
                src.ReadVector(velocities.Slice(3 * i, 3), $"lattice velocity {"abc"[i]}");
            for (int i = 0; i < 3; i++)
                src.ReadVector(vectors.Slice(3 * i, 3), $"lattice vector {"abc"[i]} of the lattice-velocity block");
            frame.Info.SetExtra(Poscar.LatticeVelocitiesKey, Poscar.FormatNine(velocities));
            frame.Info.SetExtra(Poscar.LatticeVectorsKey, Poscar.FormatNine(vectors));
            if (state != "1")
                frame.Info.SetExtra(Poscar.LatticeInitKey, state);
            src.SkipBlank();
        }

        // Velocities: N rows of 3, optionally after a 'Cartesian'/'Direct' line.
        if (!src.AtEnd)
        {
            var tokens = Tokenize(src.Peek()!);
            bool? direct = null;
            if (!TryParseNumber(tokens[0], out _))
            {
                string mode = src.Next("velocities").Trim();
                if (mode.Contains("configuration", StringComparison.OrdinalIgnoreCase))
                    throw src.Error(src.Line, $"found {src.Found(src.Line)} after the coordinates: this is an XDATCAR, not a POSCAR");
                direct = mode[0] switch
                {
                    'C' or 'c' or 'K' or 'k' => false,
                    'D' or 'd' => true,
                    _ => throw src.Error(src.Line, $"expected velocities (or a 'Cartesian'/'Direct' line before them) after the coordinates, found {src.Found(src.Line)}"),
                };
            }
            if (direct is not null || tokens.Length >= 3)
            {
                var v = new double[3 * n];
                for (int i = 0; i < n; i++)
                {
                    if (src.AtEnd)
                        throw src.Error(src.Line, $"expected {n} velocity lines, file ended after {i}");
                    var row = Tokenize(src.Next("velocities"));
                    for (int k = 0; k < 3; k++)
                    {
                        if (k >= row.Length || !TryParseNumber(row[k], out v[3 * i + k]))
                            throw src.Error(src.Line, $"expected 3 numbers for the velocity of atom {i + 1}, found {src.Found(src.Line)}");
                    }
                }
                frame.SetArray(PerAtomArray.Real(direct == true ? Poscar.DirectVelocitiesArray : Poscar.VelocitiesArray, 3, v));
                src.SkipBlank();
            }
        }

        // Predictor-corrector: everything left, verbatim (parsed on demand by Poscar.GetPredictorCorrector).
        if (!src.AtEnd)
            frame.Info.SetExtra(Poscar.PredictorCorrectorKey, src.RestVerbatim());
    }

    /// <summary>Lines with a cursor and error helpers.</summary>
    sealed class Source(List<string> lines, string file)
    {
        int _next;

        /// <summary>1-based number of the line last returned by <see cref="Next"/>.</summary>
        public int Line => _next;

        /// <summary>Lines in the file.</summary>
        public int LineCount => lines.Count;

        public bool AtEnd => _next >= lines.Count;

        public string? Peek() => AtEnd ? null : lines[_next];

        public string Next(string what)
        {
            if (AtEnd)
                throw Error(Math.Max(lines.Count, 1), $"expected {what}, file ended after line {lines.Count}");
            return lines[_next++];
        }

        public void SkipBlank()
        {
            while (!AtEnd && StripComment(lines[_next]).IsWhiteSpace())
                _next++;
        }

        /// <summary>The remaining lines up to the last non-blank one, joined with '\n'.</summary>
        public string RestVerbatim()
        {
            int end = lines.Count;
            while (end > _next && string.IsNullOrWhiteSpace(lines[end - 1]))
                end--;
            var rest = string.Join('\n', lines.GetRange(_next, end - _next));
            _next = lines.Count;
            return rest;
        }

        public void ReadVector(Span<double> destination, string what)
        {
            var tokens = Tokenize(Next(what));
            for (int k = 0; k < 3; k++)
            {
                if (k >= tokens.Length || !TryParseNumber(tokens[k], out destination[k]))
                    throw Error(Line, $"expected 3 numbers for {what}, found {Found(Line)}");
            }
        }

        /// <summary>How a line is quoted in a message.</summary>
        public string Found(int line)
        {
            if (line < 1 || line > lines.Count)
                return "nothing";
            string text = lines[line - 1].Trim();
            if (text.Length == 0)
                return "an empty line";
            return text.Length > 80 ? $"'{text[..77]}...'" : $"'{text}'";
        }

        public ParseException Error(int line, string problem) => new(file, line, null, problem);

        public ParseException Error(int line, string problem, Exception inner) => new(file, line, null, problem, inner);
    }
}
