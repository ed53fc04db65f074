using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Vasp;

/// <summary>
/// Reads a VASP OSZICAR into an <see cref="OszicarRun"/>: one <see cref="OszicarStep"/> per ionic line
/// (<c>n F= … E0= … d E = … [mag= …]</c>, or the MD form <c>n T= … E= … F= … E0= … EK= … SP= … SK= …</c>) with the
/// electronic lines before it (<c>DAV:</c>, <c>RMM:</c>, <c>CG :</c>… — counted, and the last one's E and dE kept).
/// Numbers are read as VASP prints them (<c>-.52663928E+03</c>, <c>301.</c>); a field printed as asterisks is NaN.
/// <para>
/// Electronic lines after the last ionic line (a killed or running job) are reported in
/// <see cref="OszicarRun.Unfinished"/> and a warning, never as a step. A last line cut by a killed job is dropped with
/// a warning (a cut ionic line counts as unfinished). Other lines (column headers, the relaxation's <c>gam=</c>/<c>trial</c>
/// lines, "bond charge predicted"…) are skipped. A malformed number anywhere else throws <see cref="ParseException"/>
/// with the file and the 1-based line. The file is streamed; memory grows only with the number of ionic steps.
/// </para>
/// </summary>
public static class OszicarReader
{
    /// <summary>Reads the OSZICAR at <paramref name="path"/> ("-" is stdin, a ".gz" name is decompressed).</summary>
    public static OszicarRun Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new Utf8LineReader(Utf8LineReader.OpenRead(path)) { Name = path };
        return Parse(reader, path);
    }

    /// <summary>Reads an OSZICAR from <paramref name="stream"/> (left open); <paramref name="fileName"/> is used in messages.</summary>
    public static OszicarRun Read(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        using var reader = new Utf8LineReader(stream, leaveOpen: true) { Name = fileName };
        return Parse(reader, fileName);
    }

    /// <summary>Reads OSZICAR text; <paramref name="fileName"/> is used in messages.</summary>
    public static OszicarRun Parse(string text, string fileName = "OSZICAR")
    {
        ArgumentNullException.ThrowIfNull(text);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false);
        return Read(stream, fileName);
    }

    static OszicarRun Parse(Utf8LineReader reader, string file)
    {
        var steps = new List<OszicarStep>();
        var diagnostics = new List<ParseDiagnostic>();
        var loop = new LoopBuilder();
        var tokens = new Range[16];
        ParseException? deferred = null; // a bad line is an error unless it is the (cut) last line of the file
        bool lastHadNewline = true;
        bool lastWasCutIonic = false;
        long lastLine = 0;

        while (true)
        {
            long before = reader.BytesConsumed;
            if (!reader.TryReadLine(out var line))
                break;
            if (deferred is not null)
                throw deferred;
            lastHadNewline = reader.BytesConsumed - before > line.Length;
            long lineNumber = reader.LineNumber;
            lastLine = lineNumber;
            int count = Tokenize(line, ref tokens);
            if (count == 0)
                continue;

            if (TryElectronic(line, out var algorithm, out var rest))
            {
                int n = Tokenize(rest, ref tokens);
                int? iteration = n > 0 && int.TryParse(rest[tokens[0]], NumberStyles.None, CultureInfo.InvariantCulture, out int it) ? it : null;
                double? energy = null, change = null;
                if (n > 1 && !TryValue(rest[tokens[1]], out energy))
                {
                    deferred = new ParseException(file, lineNumber, steps.Count + 1, $"expected the energy E of an electronic step, found '{Encoding.UTF8.GetString(rest[tokens[1]])}'");
                    continue;
                }
                if (n > 2 && !TryValue(rest[tokens[2]], out change))
                {
                    deferred = new ParseException(file, lineNumber, steps.Count + 1, $"expected the energy change dE of an electronic step, found '{Encoding.UTF8.GetString(rest[tokens[2]])}'");
                    continue;
                }
                loop.Add(algorithm, iteration, energy, change, lineNumber);
                continue;
            }

            var first = line[tokens[0]];
            int number;
            if (first.Trim("*"u8).IsEmpty)
                number = steps.Count > 0 ? steps[^1].Number + 1 : 1; // a step number too wide for its field
            else if (!int.TryParse(first, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
                continue; // column headers and the relaxation's other lines
            if (line.IndexOf((byte)'=') < 0)
                continue;
            var start = tokens[0].End.Value;
            var pairs = ParsePairs(line[start..], file, lineNumber, steps.Count + 1, out var error);
            if (error is not null)
            {
                deferred = error;
                continue;
            }
            if (!pairs.Any(p => p.Key == "F"))
            {
                diagnostics.Add(new ParseDiagnostic(file, lineNumber, null, $"a line starting with a step number but without 'F=' was skipped: '{Encoding.UTF8.GetString(line).Trim()}'"));
                continue;
            }
            var step = BuildStep(number, pairs, loop.Build(), lineNumber);
            // A cut last line: without its newline and with nothing after E0, E0 itself may be cut.
            int e0 = pairs.FindIndex(p => p.Key == "E0");
            lastWasCutIonic = !lastHadNewline && (e0 < 0 || e0 == pairs.Count - 1);
            if (lastWasCutIonic)
            {
                diagnostics.Add(new ParseDiagnostic(file, lineNumber, steps.Count + 1,
                    $"the last line of the file ('{Encoding.UTF8.GetString(line).Trim()}') has no newline and ends at E0: it may be cut, so ionic step {number} is treated as unfinished"));
                break;
            }
            steps.Add(step);
            loop.Clear();
        }

        if (deferred is not null)
        {
            diagnostics.Add(new ParseDiagnostic(deferred.File, deferred.Line, deferred.Frame,
                $"the last line of the file is incomplete and was ignored ({deferred.Problem})"));
        }
        OszicarElectronicLoop? unfinished = null;
        if (loop.Lines > 0 || lastWasCutIonic)
        {
            unfinished = loop.Build();
            diagnostics.Add(new ParseDiagnostic(file, lastWasCutIonic ? lastLine : unfinished.LastLine, steps.Count + 1,
                $"the file ends inside ionic step {steps.Count + 1} after {unfinished.Count} electronic steps: that step is unfinished and not returned"));
        }
        return new OszicarRun(file, steps, unfinished, diagnostics);
    }

    /// <summary>An electronic line: a short algorithm name of letters (spaces allowed), ':', then the iteration.</summary>
    static bool TryElectronic(ReadOnlySpan<byte> line, out string algorithm, out ReadOnlySpan<byte> rest)
    {
        algorithm = "";
        rest = default;
        int colon = line.IndexOf((byte)':');
        if (colon < 0 || colon > 12)
            return false;
        var name = line[..colon].Trim(" \t"u8);
        if (name.IsEmpty || name.Length > 8)
            return false;
        foreach (byte b in name)
        {
            if (!(char.IsAsciiLetter((char)b) || b == ' '))
                return false;
        }
        rest = line[(colon + 1)..];
        var first = rest.TrimStart(" \t"u8);
        if (first.IsEmpty || (!char.IsAsciiDigit((char)first[0]) && first[0] != '*'))
            return false;
        algorithm = Encoding.ASCII.GetString(name).Replace(" ", "", StringComparison.Ordinal);
        return true;
    }

    /// <summary>
    /// The <c>key= value [value…]</c> pairs after the step number. Keys lose their spaces ("d E =" → "dE"); a value
    /// may follow '=' directly ("=-.52E+03"); several numbers after one key are its components (non-collinear mag).
    /// </summary>
    static List<(string Key, List<double> Values, string Raw)> ParsePairs(
        ReadOnlySpan<byte> text, string file, long line, long frame, out ParseException? error)
    {
        error = null;
        var pairs = new List<(string Key, List<double> Values, string Raw)>();
        var pendingKey = new StringBuilder();
        var raw = new StringBuilder();
        bool expectingValue = false;
        int i = 0;
        while (true)
        {
            while (i < text.Length && ByteTokenizer.IsBlank(text[i]))
                i++;
            if (i >= text.Length)
                break;
            int s = i;
            while (i < text.Length && !ByteTokenizer.IsBlank(text[i]))
                i++;
            var token = text[s..i];
            int eq = token.IndexOf((byte)'=');
            if (eq >= 0)
            {
                if (expectingValue)
                {
                    error = new ParseException(file, line, frame, $"expected a number after '{pairs[^1].Key}=', found '{Encoding.UTF8.GetString(token)}'");
                    return pairs;
                }
                pendingKey.Append(Encoding.UTF8.GetString(token[..eq]));
                pairs.Add((pendingKey.ToString(), [], ""));
                pendingKey.Clear();
                var value = token[(eq + 1)..];
                expectingValue = value.IsEmpty;
                if (!value.IsEmpty && !AddValue(pairs, value, raw, file, line, frame, out error))
                    return pairs;
                continue;
            }
            if (expectingValue || (pairs.Count > 0 && pendingKey.Length == 0 && LooksNumeric(token)))
            {
                if (!AddValue(pairs, token, raw, file, line, frame, out error))
                    return pairs;
                expectingValue = false;
                continue;
            }
            pendingKey.Append(Encoding.UTF8.GetString(token)); // "d" "E" of "d E ="
        }
        if (expectingValue)
            error = new ParseException(file, line, frame, $"expected a number after '{pairs[^1].Key}=', found the end of the line");
        else if (pendingKey.Length > 0)
            pairs.Add((pendingKey.ToString(), [], "")); // trailing words without '=': kept in OszicarStep.Other
        return pairs;
    }

    static bool AddValue(List<(string Key, List<double> Values, string Raw)> pairs, ReadOnlySpan<byte> token, StringBuilder raw,
        string file, long line, long frame, out ParseException? error)
    {
        error = null;
        var (key, values, text) = pairs[^1];
        if (!TryValue(token, out var v))
        {
            error = new ParseException(file, line, frame, $"expected a number after '{key}=', found '{Encoding.UTF8.GetString(token)}'");
            return false;
        }
        values.Add(v!.Value);
        raw.Clear().Append(text);
        if (raw.Length > 0)
            raw.Append(' ');
        raw.Append(Encoding.UTF8.GetString(token));
        pairs[^1] = (key, values, raw.ToString());
        return true;
    }

    static bool LooksNumeric(ReadOnlySpan<byte> token) => TryValue(token, out _);

    /// <summary>A number as VASP prints it, or asterisks (Fortran overflow) as NaN.</summary>
    static bool TryValue(ReadOnlySpan<byte> token, out double? value)
    {
        if (FastDouble.TryParse(token, out double v))
        {
            value = v;
            return true;
        }
        if (!token.IsEmpty && token.Trim("*."u8).IsEmpty)
        {
            value = double.NaN;
            return true;
        }
        value = null;
        return false;
    }

    static OszicarStep BuildStep(int number, List<(string Key, List<double> Values, string Raw)> pairs, OszicarElectronicLoop electronic, long line)
    {
        double? f = null, e0 = null, de = null, mag = null, t = null, e = null, ek = null, sp = null, sk = null;
        Vec3? magVector = null;
        var other = new List<KeyValuePair<string, string>>();
        foreach (var (key, values, raw) in pairs)
        {
            double? first = values.Count > 0 ? values[0] : null;
            switch (key)
            {
                case "F":
                    f = first;
                    break;
                case "E0":
                    e0 = first;
                    break;
                case "dE":
                    de = first;
                    break;
                case "mag":
                    mag = first;
                    if (values.Count == 3)
                        magVector = new Vec3(values[0], values[1], values[2]);
                    break;
                case "T":
                    t = first;
                    break;
                case "E":
                    e = first;
                    break;
                case "EK":
                    ek = first;
                    break;
                case "SP":
                    sp = first;
                    break;
                case "SK":
                    sk = first;
                    break;
                default:
                    other.Add(new(key, raw));
                    break;
            }
        }
        return new OszicarStep
        {
            Number = number,
            FreeEnergy = f ?? double.NaN,
            EnergySigma0 = e0,
            EnergyChange = de,
            Magnetization = mag,
            MagnetizationVector = magVector,
            Temperature = t,
            TotalEnergy = e,
            KineticEnergy = ek,
            NosePotential = sp,
            NoseKinetic = sk,
            Other = other,
            Electronic = electronic,
            Line = line,
        };
    }

    static int Tokenize(ReadOnlySpan<byte> line, ref Range[] tokens) => ByteTokenizer.Split(line, ref tokens);

    /// <summary>Accumulates the electronic lines of the current ionic step.</summary>
    sealed class LoopBuilder
    {
        readonly List<string> _algorithms = [];
        int? _lastIteration;
        double? _lastEnergy, _lastChange;
        long _firstLine, _lastLine;

        public int Lines { get; private set; }

        public void Add(string algorithm, int? iteration, double? energy, double? change, long line)
        {
            if (Lines == 0)
                _firstLine = line;
            Lines++;
            _lastLine = line;
            _lastIteration = iteration;
            _lastEnergy = energy;
            _lastChange = change;
            if (!_algorithms.Contains(algorithm))
                _algorithms.Add(algorithm);
        }

        public OszicarElectronicLoop Build() => Lines == 0
            ? OszicarElectronicLoop.Empty
            : new OszicarElectronicLoop
            {
                Count = _lastIteration ?? Lines,
                Lines = Lines,
                Algorithms = [.. _algorithms],
                LastEnergy = _lastEnergy,
                LastEnergyChange = _lastChange,
                FirstLine = _firstLine,
                LastLine = _lastLine,
            };

        public void Clear()
        {
            _algorithms.Clear();
            Lines = 0;
            _lastIteration = null;
            _lastEnergy = _lastChange = null;
        }
    }
}
