using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Streams the configurations of a VASP XDATCAR as <see cref="Frame"/>s (Cartesian positions in Å, the cell with the
/// scale applied, no labels), one frame in memory at a time.
/// <para>
/// Accepted: the VASP 5/6 layout (a POSCAR-like header — title, scale, three lattice vectors, species, counts —
/// written once, then a <c>Direct configuration=     N</c> line before each block of N coordinate rows); variable-cell
/// runs (NpT, ISIF ≥ 3), where the whole header is repeated before every configuration, possibly with another cell;
/// headers without a species line (VASP 4 style: species from <see cref="XdatcarReadOptions.Species"/>, else a POTCAR
/// beside the file, else a symbol after every coordinate, else a title made of element symbols matching the counts);
/// files whose configurations are separated by blank lines instead of <c>Direct configuration=</c> lines (written by
/// some tools); a species label after each coordinate (pymatgen writes one); <c>Cartesian configuration=</c> blocks
/// (scaled like the cell, as in a POSCAR); 1 or 3 scale factors, a negative one being the target volume in Å³.
/// </para>
/// <para>
/// Each frame has <see cref="FrameInfo.SourceFile"/> = the path (or the name given), <see cref="FrameInfo.SourceIndex"/>
/// = its 0-based position in the file and <see cref="FrameInfo.SourceStep"/> = the N of its
/// <c>Direct configuration= N</c> line when there is one (the MD step, counted in NBLOCK units as VASP writes it).
/// A file that ends inside a configuration (a killed run) yields its complete frames and reports a warning through
/// <see cref="XdatcarReadOptions.OnDiagnostic"/> and <see cref="XdatcarReadOptions.Diagnostics"/>; anything else that
/// is wrong throws <see cref="ParseException"/> naming the file, the 1-based line and the 1-based frame.
/// </para>
/// The original VASP 4.x XDATCAR, whose header has no lattice vectors, is refused with a message.
/// </summary>
public static class XdatcarReader
{
    /// <summary>
    /// Reads the XDATCAR at <paramref name="path"/> lazily ("-" is stdin, a ".gz" name is decompressed); the file is
    /// opened when the enumeration starts and closed when it ends.
    /// </summary>
    public static IEnumerable<Frame> ReadFrames(string path, XdatcarReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new XdatcarReadOptions();
        CheckSpecies(options);
        Func<string?>? potcar = null;
        if (options.UsePotcar && path != "-" && Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            string candidate = Path.Combine(folder, "POTCAR");
            potcar = () => File.Exists(candidate) ? candidate : null;
        }
        return Iterate(() => Utf8LineReader.OpenRead(path), leaveOpen: false, path, options, potcar);
    }

    /// <summary>
    /// Reads an XDATCAR from <paramref name="stream"/> lazily (it can be enumerated once; the stream is left open);
    /// <paramref name="fileName"/> is used in messages and as <see cref="FrameInfo.SourceFile"/>. No POTCAR is looked for.
    /// </summary>
    public static IEnumerable<Frame> ReadFrames(Stream stream, string fileName, XdatcarReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        options ??= new XdatcarReadOptions();
        CheckSpecies(options);
        return Iterate(() => stream, leaveOpen: true, fileName, options, potcar: null);
    }

    static void CheckSpecies(XdatcarReadOptions options)
    {
        foreach (var s in options.Species ?? [])
        {
            if (!Elements.TryGet(s, out _))
                throw new ArgumentException($"unknown element '{s}' in XdatcarReadOptions.Species", nameof(options));
        }
    }

    static IEnumerable<Frame> Iterate(Func<Stream> open, bool leaveOpen, string file, XdatcarReadOptions options, Func<string?>? potcar)
    {
        using var reader = new Utf8LineReader(open(), leaveOpen) { Name = file };
        var parser = new Parser(reader, file, options, potcar);
        while (parser.TryReadFrame(out var frame))
            yield return frame;
    }

    /// <summary>One header: the cell and the species of every atom (or the counts, while the species are unknown).</summary>
    sealed class Header
    {
        public required string Title { get; init; }
        public required Lattice Lattice { get; init; }
        public required double[] AxisScale { get; init; }
        public required int[] Counts { get; init; }
        public required long CountsLine { get; init; }
        public int AtomCount { get; init; }

        /// <summary>Species of each atom; null until resolved from the first configuration (VASP 4 style header).</summary>
        public Element[]? PerAtom { get; set; }

        // The species per count group, expanded to PerAtom only once a whole configuration has been read.
        public Element[]? Groups { get; set; }
    }

    /// <summary>The file ended where more was needed.</summary>
    sealed class EndOfInputException(string what) : Exception(what)
    {
        public string What { get; } = what;
    }

    sealed class Parser(Utf8LineReader reader, string file, XdatcarReadOptions options, Func<string?>? potcar)
    {
        Range[] _tokens = new Range[8];
        byte[] _pushed = new byte[256];
        int _pushedLength = -1;
        long _pushedLine;
        bool _pushedNewline;
        long _line;
        bool _lastHadNewline = true;
        Header? _header;
        int _index; // frames returned so far
        bool _blankSeparated;
        bool _skippedBlank;
        bool _done;
        List<Element>? _potcarSpecies;
        bool _potcarRead;

        public bool TryReadFrame([NotNullWhen(true)] out Frame? frame)
        {
            frame = null;
            if (_done)
                return false;
            bool firstHeader = _header is null;
            try
            {
                if (_header is null)
                {
                    if (!ReadLine(out var title))
                        throw Error(1, "empty file: expected an XDATCAR title line");
                    _header = ReadHeader(title);
                }
                firstHeader = false;
                frame = ReadFrame();
                if (frame is null)
                    _done = true;
                else
                    _index++;
                return frame is not null;
            }
            catch (EndOfInputException eof)
            {
                _done = true;
                if (firstHeader)
                    throw Error(Math.Max(_line, 1), $"expected {eof.What}, file ended after line {_line}");
                Warn(_line, $"the file ends inside configuration {_index + 1} (expected {eof.What} after line {_line}): it is dropped, {_index} complete frames read");
                return false;
            }
        }

        Frame? ReadFrame()
        {
            bool cartesian = false;
            long? step = null;
            bool justReadHeader = _index == 0;
            while (true)
            {
                if (!ReadNonBlank(out var line))
                {
                    if (_index == 0)
                        Warn(_line, "the header is not followed by any configuration: no frames");
                    return null;
                }
                if (IsConfigurationLine(line, out cartesian, out step))
                    break;
                if (LooksLikeCoordinates(line))
                {
                    // Without configuration lines, a blank line must end each configuration: coordinates running on
                    // mean the counts are smaller than the atoms (counts "0 1" for 3 atoms gave 3× the frames).
                    if (_index > 0 && (!_blankSeparated || !_skippedBlank))
                    {
                        throw Error(_line, $"expected 'Direct configuration=' or a new header after the {_header!.AtomCount} coordinate lines of configuration {_index}, " +
                            $"found {Found(line)}: do the atom counts ({string.Join(' ', _header.Counts)}) match the coordinate lines?");
                    }
                    // No 'Direct configuration=' lines: configurations follow one another, separated by blank lines.
                    _blankSeparated = true;
                    cartesian = false;
                    step = null;
                    PushBack(line);
                    break;
                }
                if (justReadHeader)
                {
                    throw Error(_line, $"expected 'Direct configuration=' (or coordinates) after the atom counts on line {_header!.CountsLine}, found {Found(line)}");
                }
                // A repeated header: a variable-cell run writes the whole header before every configuration.
                _header = ReadHeader(line);
                justReadHeader = true;
            }
            return ReadCoordinates(_header!, cartesian, step);
        }

        Frame? ReadCoordinates(Header h, bool cartesian, long? step)
        {
            int n = h.AtomCount;
            // Grown with the lines read: counts of 1e8 in a small file must not allocate gigabytes first.
            int capacity = Math.Min(n, 4096);
            var coords = new double[3 * capacity];
            string?[]? trailing = h.PerAtom is null && h.Groups is null ? new string?[capacity] : null;
            long firstLine = _line + 1;
            int previousLength = -1, lastLength = -1;
            bool fixedWidth = true;
            for (int i = 0; i < n; i++)
            {
                if (!ReadLine(out var line))
                {
                    Warn(_line, $"the file ends inside configuration {_index + 1} after {i} of its {n} coordinate lines: it is dropped, {_index} complete frames read");
                    return null;
                }
                if (i == capacity)
                {
                    capacity = (int)Math.Min(2L * capacity, n);
                    Array.Resize(ref coords, 3 * capacity);
                    if (trailing is not null)
                        Array.Resize(ref trailing, capacity);
                }
                int count = Tokenize(line);
                bool ok = count >= 3;
                for (int k = 0; ok && k < 3; k++)
                    ok = TryFinite(line[_tokens[k]], out coords[3 * i + k]);
                if (!ok)
                {
                    string found = Found(line);
                    long at = _line;
                    if (!ReadLine(out _))
                    {
                        Warn(at, $"the last line of the file ({found}) is an incomplete coordinate line of configuration {_index + 1}: it is dropped, {_index} complete frames read");
                        return null;
                    }
                    throw Error(at, $"expected 3 numbers for the coordinates of atom {i + 1}, found {found}");
                }
                if (trailing is not null && count > 3)
                    trailing[i] = Encoding.UTF8.GetString(line[_tokens[3]]);
                if (previousLength >= 0 && line.Length != previousLength && i < n - 1)
                    fixedWidth = false;
                if (i < n - 1)
                    previousLength = line.Length;
                lastLength = line.Length;
            }
            // VASP writes fixed-width rows: a shorter last row with no newline after it was cut by a killed run.
            if (!_lastHadNewline && fixedWidth && previousLength >= 0 && lastLength < previousLength)
            {
                Warn(_line, $"the last line of the file is shorter than the other coordinate lines and has no newline: configuration {_index + 1} looks cut and is dropped, {_index} complete frames read");
                return null;
            }

            h.PerAtom ??= h.Groups is { } groups ? Expand(groups, h.Counts) : ResolveSpecies(h, trailing!, firstLine);
            if (cartesian)
            {
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < 3; k++)
                        coords[3 * i + k] *= h.AxisScale[k];
                }
            }
            else
            {
                h.Lattice.ToCartesian(coords, coords);
            }
            var frame = new Frame((Element[])h.PerAtom.Clone(), coords, h.Lattice);
            frame.Info.SourceFile = file;
            frame.Info.SourceIndex = _index;
            frame.Info.SourceStep = step;
            return frame;
        }

        Header ReadHeader(ReadOnlySpan<byte> titleLine)
        {
            string title = Encoding.UTF8.GetString(titleLine).Trim();

            // Scale: 1 factor (negative = target volume) or 3 (per Cartesian axis).
            var line = Need("the scale factor");
            long scaleLine = _line;
            int count = Tokenize(line);
            Span<double> scale = stackalloc double[3];
            int nScale = 0;
            while (nScale < count && nScale < 3 && TryFinite(line[_tokens[nScale]], out scale[nScale]))
                nScale++;
            if (nScale == 3 && count >= 4 && FastDouble.TryParse(line[_tokens[3]], out _))
            {
                throw Error(scaleLine, $"found {count} numbers where the scale factor should be ({Found(line)}): this looks like a VASP 4.x XDATCAR, " +
                    "whose header has no lattice vectors; it cannot be read (take the cell from the run's POSCAR/CONTCAR or use vasprun.xml)");
            }
            if (nScale == 0)
                throw Error(scaleLine, $"expected the scale factor (1 or 3 numbers) after the title, found {Found(line)}");
            if (nScale == 2)
                throw Error(scaleLine, $"expected 1 or 3 scale factors, found 2: {Found(line)}");
            if (nScale == 3 && (scale[0] <= 0 || scale[1] <= 0 || scale[2] <= 0))
                throw Error(scaleLine, $"three scale factors must all be positive, found {Found(line)}");
            if (nScale == 1 && scale[0] == 0)
                throw Error(scaleLine, "the scale factor is 0");

            // Lattice vectors.
            long latticeLine = _line + 1;
            Span<double> raw = stackalloc double[9];
            for (int r = 0; r < 3; r++)
            {
                line = Need($"lattice vector {"abc"[r]}");
                count = Tokenize(line);
                for (int k = 0; k < 3; k++)
                {
                    if (k >= count || !TryFinite(line[_tokens[k]], out raw[3 * r + k]))
                        throw Error(_line, $"expected 3 numbers for lattice vector {"abc"[r]}, found {Found(line)}");
                }
            }
            var lattice = BuildLattice(raw, scale[..nScale], latticeLine, scaleLine, out var axisScale);

            // Species (VASP 5/6; possibly wrapped over several lines) and counts.
            line = Need("the species line or the atom counts");
            count = Tokenize(line);
            if (count == 0)
                throw Error(_line, "expected the species line or the atom counts, found an empty line");
            List<Element>? symbols = null;
            if (!IsInteger(line[_tokens[0]]))
            {
                symbols = [];
                while (true)
                {
                    for (int t = 0; t < count; t++)
                    {
                        if (!Elements.TryGet(line[_tokens[t]], out var e))
                            throw Error(_line, $"unknown element '{Encoding.UTF8.GetString(line[_tokens[t]])}' in the species line");
                        symbols.Add(e);
                    }
                    line = Need("the atom counts");
                    count = Tokenize(line);
                    if (count == 0)
                        throw Error(_line, "expected the atom counts, found an empty line");
                    if (IsInteger(line[_tokens[0]]))
                        break;
                }
            }
            var counts = new List<int>();
            while (true)
            {
                for (int t = 0; t < count; t++)
                {
                    if (!int.TryParse(line[_tokens[t]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int c))
                        throw Error(_line, $"expected atom counts (integers), found {Found(line)}");
                    if (c < 0)
                        throw Error(_line, $"atom count {c} is negative");
                    counts.Add(c);
                }
                if (symbols is null || counts.Count >= symbols.Count)
                    break;
                line = Need("the rest of the atom counts");
                count = Tokenize(line);
                if (count == 0 || !IsInteger(line[_tokens[0]]))
                    throw Error(_line, $"the species line has {symbols.Count} symbols but the counts line has {counts.Count} numbers");
            }
            long countsLine = _line;
            if (symbols is not null && counts.Count != symbols.Count)
                throw Error(countsLine, $"the species line has {symbols.Count} symbols but the counts line has {counts.Count} numbers");
            long total = counts.Sum(c => (long)c);
            if (total == 0)
                throw Error(countsLine, "the atom counts add up to 0");
            if (total > int.MaxValue / 3)
                throw Error(countsLine, $"the atom counts add up to {total}, too many");

            var header = new Header
            {
                Title = title,
                Lattice = lattice,
                AxisScale = axisScale,
                Counts = [.. counts],
                CountsLine = countsLine,
                AtomCount = (int)total,
            };
            var groups = symbols?.ToArray() ?? GivenSpecies(header);
            if (groups is not null)
                header.Groups = groups;
            return header;
        }

        /// <summary>Species from the options or the POTCAR, for a header without a species line; null if neither.</summary>
        Element[]? GivenSpecies(Header h)
        {
            int groups = h.Counts.Length;
            if (options.Species is { } given)
            {
                if (given.Count != groups)
                    throw Error(h.CountsLine, $"the counts line has {groups} numbers but {given.Count} species were given ({string.Join(' ', given)})");
                return [.. given.Select(Elements.Get)];
            }
            if (!_potcarRead)
            {
                _potcarRead = true;
                if (potcar?.Invoke() is { } path)
                {
                    _potcarSpecies = PoscarReader.ReadPotcarSpecies(path);
                    if (_potcarSpecies is { Count: > 0 } && _potcarSpecies.Count != groups)
                    {
                        throw Error(h.CountsLine, $"the counts line has {groups} numbers but the POTCAR beside the file ({path}) lists " +
                            $"{_potcarSpecies.Count} species ({string.Join(' ', _potcarSpecies)})");
                    }
                }
            }
            return _potcarSpecies is { Count: > 0 } p && p.Count == groups ? [.. p] : null;
        }

        /// <summary>Species for a header without a species line, from the coordinate labels or the title.</summary>
        Element[] ResolveSpecies(Header h, string?[] trailing, long firstCoordinateLine)
        {
            int groups = h.Counts.Length;
            // pymatgen style: a symbol after every coordinate, the same within each count group.
            var fromLabels = new Element[groups];
            bool labelsOk = true;
            for (int g = 0, a = 0; g < groups && labelsOk; g++)
            {
                for (int j = 0; j < h.Counts[g] && labelsOk; j++, a++)
                {
                    labelsOk = trailing[a] is { } s && Elements.TryGet(s, out var e) && e.Symbol == s &&
                        (j == 0 || fromLabels[g] == e);
                    if (labelsOk && j == 0)
                        fromLabels[g] = Elements.Get(trailing[a]!);
                }
                labelsOk &= h.Counts[g] > 0;
            }
            if (labelsOk)
                return Expand(fromLabels, h.Counts);

            // A title made of element symbols matching the groups: "Fe4P4O16", "Fe P O".
            if (PoscarReader.ParseFormula(h.Title) is { } formula && formula.Count == groups &&
                formula.Select((f, g) => f.Count is null || f.Count == h.Counts[g]).All(ok => ok))
            {
                return Expand([.. formula.Select(f => f.Element)], h.Counts);
            }

            throw Error(h.CountsLine,
                $"no species line before the counts ({string.Join(' ', h.Counts)}), and neither a POTCAR beside the file, " +
                $"a symbol after each coordinate (line {firstCoordinateLine}…) nor the title names them: pass the species " +
                "(XdatcarReadOptions.Species) or put the POTCAR beside the file");
        }

        static Element[] Expand(Element[] groups, int[] counts)
        {
            var perAtom = new Element[counts.Sum()];
            for (int g = 0, a = 0; g < groups.Length; g++)
            {
                for (int j = 0; j < counts[g]; j++)
                    perAtom[a++] = groups[g];
            }
            return perAtom;
        }

        Lattice BuildLattice(Span<double> raw, ReadOnlySpan<double> scale, long latticeLine, long scaleLine, out double[] axisScale)
        {
            if (VaspScale.TryApply(raw, scale, scaleLine, out axisScale) is { } problem)
                throw Error(latticeLine, problem);
            try
            {
                return new Lattice(Mat3.FromRowMajor(raw));
            }
            catch (ArgumentException ex)
            {
                throw new ParseException(file, latticeLine, _index + 1, ex.Message.Split(" (Parameter", 2)[0], ex);
            }
        }

        /// <summary>
        /// A line whose first word is 'Direct' or 'Cartesian' ('Direct configuration=     N', 'Cartesian configuration= N',
        /// a bare 'Direct') or 'Konfig' (VASP 4's 'Konfig=N'); the N after '=' is the step.
        /// </summary>
        bool IsConfigurationLine(ReadOnlySpan<byte> line, out bool cartesian, out long? step)
        {
            var t = line.Trim(" \t"u8);
            cartesian = false;
            step = null;
            bool isConfig = IsWord(t, "direct"u8) || IsWord(t, "cartesian"u8) || IsWord(t, "konfig"u8);
            if (!isConfig || LooksLikeCoordinates(line))
                return false;
            cartesian = t[0] is (byte)'C' or (byte)'c';
            int eq = t.IndexOf((byte)'=');
            if (eq >= 0 && long.TryParse(t[(eq + 1)..].Trim(" \t"u8), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
                step = n;
            return true;
        }

        /// <summary>True when the first word of <paramref name="t"/> (up to a blank or '=') is the word, ignoring case.</summary>
        static bool IsWord(ReadOnlySpan<byte> t, ReadOnlySpan<byte> lowerWord)
        {
            int end = t.IndexOfAny(" \t="u8);
            var word = end >= 0 ? t[..end] : t;
            return System.Text.Ascii.EqualsIgnoreCase(word, lowerWord);
        }

        bool LooksLikeCoordinates(ReadOnlySpan<byte> line)
        {
            if (Tokenize(line) < 3)
                return false;
            for (int k = 0; k < 3; k++)
            {
                if (!FastDouble.TryParse(line[_tokens[k]], out _))
                    return false;
            }
            return true;
        }

        static bool IsInteger(ReadOnlySpan<byte> token) =>
            int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

        /// <summary>Splits a line on blanks into <see cref="_tokens"/>; returns the number of tokens.</summary>
        int Tokenize(ReadOnlySpan<byte> line) => ByteTokenizer.Split(line, ref _tokens);

        bool ReadLine(out ReadOnlySpan<byte> line)
        {
            if (_pushedLength >= 0)
            {
                line = _pushed.AsSpan(0, _pushedLength);
                _line = _pushedLine;
                _lastHadNewline = _pushedNewline;
                _pushedLength = -1;
                return true;
            }
            long before = reader.BytesConsumed;
            if (!reader.TryReadLine(out line))
                return false;
            _line = reader.LineNumber;
            _lastHadNewline = reader.BytesConsumed - before > line.Length;
            return true;
        }

        /// <summary>The next line that is not blank; false at the end of the file.</summary>
        // _skippedBlank: whether a blank line came before the line returned.
        bool ReadNonBlank(out ReadOnlySpan<byte> line)
        {
            _skippedBlank = false;
            while (ReadLine(out line))
            {
                if (!line.Trim(" \t\r\f\v"u8).IsEmpty)
                    return true;
                _skippedBlank = true;
            }
            return false;
        }

        ReadOnlySpan<byte> Need(string what) => ReadLine(out var line) ? line : throw new EndOfInputException(what);

        void PushBack(ReadOnlySpan<byte> line)
        {
            if (_pushed.Length < line.Length)
                _pushed = new byte[Math.Max(line.Length, 2 * _pushed.Length)];
            line.CopyTo(_pushed);
            _pushedLength = line.Length;
            _pushedLine = _line;
            _pushedNewline = _lastHadNewline;
        }

        static string Found(ReadOnlySpan<byte> line)
        {
            string text = Encoding.UTF8.GetString(line).Trim();
            if (text.Length == 0)
                return "an empty line";
            return text.Length > 80 ? $"'{text[..77]}...'" : $"'{text}'";
        }

        ParseException Error(long line, string problem) => new(file, line, _index + 1, problem);

        void Warn(long line, string message) => options.Report(new ParseDiagnostic(file, line, _index + 1, message));
    }

    // NaN, Infinity and numbers beyond the double range (1e400) are not coordinates.
    static bool TryFinite(ReadOnlySpan<byte> s, out double value) => FastDouble.TryParse(s, out value) && double.IsFinite(value);
}
