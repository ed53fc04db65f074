using System.Globalization;
using System.Text;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Sampling.Analysis;

/// <summary>
/// Checks an extended-XYZ training set for everything that makes GPUMD's <c>nep</c> stop, silently train on less
/// data than the file holds, or learn from wrong labels (<c>nepforge validate</c>).
/// </summary>
/// <remarks>
/// <para>Errors (nep fails, reads less, or learns nonsense): a blank line (nep stops reading there and drops every
/// later frame; a blank line at the very end is harmless), a frame the reader cannot parse or a truncated file,
/// species outside nep.in's <c>type</c> list, virial= and stress= disagreeing by more than 1e-3 eV/atom (nep stops),
/// a weight outside (0, 100] (nep stops), no Lattice=, no energy, no forces, NaN or ∞ anywhere.</para>
/// <para>Warnings: energies below −100 eV/atom (GPUMD's own warning: single-precision training, subtract reference
/// energies), |ΣF|/N above a threshold (forces of a periodic DFT cell sum to ~0: a large sum means wrong units,
/// mixed frames or a bad calculation), duplicate frames, atoms closer than 0.5 × the sum of covalent radii, a
/// virial that is not symmetric (nep keeps only one of each off-diagonal pair), pbc with an F (nep treats every axis
/// as periodic), energies of different kinds (free energy vs σ→0) mixed in one file, and reader warnings.</para>
/// <para>Two streaming passes: a raw line scan (blank lines with their line numbers, where each frame starts, read
/// the way nep reads: count line, comment, N atom lines), then the frames. Memory: the frame being checked, the
/// duplicate index (<see cref="DedupIndex"/>) and 8 bytes per frame for the line numbers.</para>
/// </remarks>
public sealed class DatasetValidator
{
    /// <summary>A validator with <paramref name="options"/> (defaults when null).</summary>
    public DatasetValidator(ValidationOptions? options = null)
    {
        Options = options ?? new ValidationOptions();
        Options.Validate();
    }

    /// <summary>The limits in force.</summary>
    public ValidationOptions Options { get; }

    /// <summary>Checks a file ("-" = stdin, read into memory; ".gz" decompressed).</summary>
    public ValidationReport Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "-")
        {
            var buffer = new MemoryStream();
            using (var stdin = Utf8LineReader.OpenRead(path))
                stdin.CopyTo(buffer);
            buffer.Position = 0;
            return Validate(buffer, "<stdin>");
        }
        RawScan scan;
        using (var s = Utf8LineReader.OpenRead(path))
            scan = Scan(s);
        using var again = Utf8LineReader.OpenRead(path);
        return Check(again, path, scan);
    }

    /// <summary>Checks a seekable stream (read twice) whose name is <paramref name="name"/> in messages.</summary>
    public ValidationReport Validate(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException("validation reads the data twice: the stream must be seekable", nameof(stream));
        long start = stream.Position;
        var scan = Scan(stream);
        stream.Position = start;
        return Check(stream, name, scan);
    }

    /// <summary>Checks extended-XYZ text held in memory (tests, small inputs).</summary>
    public ValidationReport ValidateString(string text, string name = "<string>")
    {
        ArgumentNullException.ThrowIfNull(text);
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return Validate(ms, name);
    }

    /// <summary>
    /// The species of the <c>type</c> line of a nep.in ("type 2 Te Pb"), in order; throws when there is none or it
    /// does not parse.
    /// </summary>
    public static List<Element> ReadNepTypes(string nepInPath)
    {
        ArgumentNullException.ThrowIfNull(nepInPath);
        int lineNo = 0;
        foreach (var raw in File.ReadLines(nepInPath))
        {
            lineNo++;
            string line = raw;
            int hash = line.IndexOf('#');
            if (hash >= 0)
                line = line[..hash];
            var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0 || !tokens[0].Equals("type", StringComparison.OrdinalIgnoreCase))
                continue;
            if (tokens.Length < 2 || !int.TryParse(tokens[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 ||
                tokens.Length != n + 2)
            {
                throw new FormatException($"{nepInPath}:{lineNo}: expected 'type N symbol1 … symbolN', found '{raw.Trim()}'");
            }
            return tokens.Skip(2).Select(t => Elements.TryGet(t, out var e) ? e
                : throw new FormatException($"{nepInPath}:{lineNo}: unknown element '{t}' in the type line")).ToList();
        }
        throw new FormatException($"{nepInPath}: no 'type' line");
    }

    sealed class RawScan
    {
        public List<long> FrameStarts { get; } = [];
        public List<ValidationIssue> Issues { get; } = [];
        public long FramesNepReads { get; set; } = -1;
    }

    // nep's way through the file: a count line, a comment, N atom lines; a line with no tokens where a count should
    // be ends its reading. Blank lines are recorded in runs.
    static RawScan Scan(Stream stream)
    {
        var scan = new RawScan();
        using var lines = new Utf8LineReader(stream, leaveOpen: true);
        long remaining = 0;          // lines still belonging to the current frame (comment + atoms)
        long runStart = -1, runEnd = -1;
        bool runInside = false;
        long runFrame = 0;

        void Flush(bool atEnd)
        {
            if (runStart < 0)
                return;
            string what = runEnd > runStart ? $"blank lines {runStart}–{runEnd}" : $"blank line {runStart}";
            if (runInside)
            {
                scan.Issues.Add(new(ValidationSeverity.Error, runFrame, runStart, "blank-line",
                    $"{what} inside frame {runFrame}: nep stops with an error on an empty atom or comment line"));
            }
            else if (!atEnd)
            {
                if (scan.FramesNepReads < 0)
                    scan.FramesNepReads = scan.FrameStarts.Count;
                scan.Issues.Add(new(ValidationSeverity.Error, scan.FrameStarts.Count, runStart, "blank-line",
                    $"{what} between frames {scan.FrameStarts.Count - 1} and {scan.FrameStarts.Count}: GPUMD's nep stops reading at a blank line and silently drops every frame after it"));
            }
            runStart = -1;
        }

        while (lines.TryReadLine(out var line))
        {
            var t = line.Trim(" \t\r\f\v"u8);
            long no = lines.LineNumber;
            bool inside = remaining > 0;
            if (inside)
                remaining--;
            if (t.IsEmpty)
            {
                if (runStart >= 0 && runInside != inside)
                    Flush(atEnd: false);
                if (runStart < 0)
                {
                    runStart = no;
                    runInside = inside;
                    runFrame = inside ? scan.FrameStarts.Count - 1 : scan.FrameStarts.Count;
                }
                runEnd = no;
                continue;
            }
            Flush(atEnd: false);
            if (inside)
                continue;
            // Where a frame should start: one integer ≥ 1. Anything else is left to the reader to report; the
            // scan moves on line by line until it finds a count again, as the reader does.
            if (long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count >= 1)
            {
                scan.FrameStarts.Add(no);
                remaining = count + 1;
            }
        }
        if (remaining > 0)
            scan.FrameStarts.RemoveAt(scan.FrameStarts.Count - 1); // truncated: the reader drops that frame too
        Flush(atEnd: true);
        if (scan.FramesNepReads < 0)
            scan.FramesNepReads = scan.FrameStarts.Count;
        return scan;
    }

    ValidationReport Check(Stream stream, string name, RawScan scan)
    {
        var issues = new List<ValidationIssue>();
        var blankIssues = new Queue<ValidationIssue>(scan.Issues);
        var diagnostics = new List<ParseDiagnostic>();
        var species = new Dictionary<Element, long>();
        var typeSet = Options.Types is { } types ? new HashSet<Element>(types) : null;
        var duplicates = new DedupIndex(Options.DuplicateTolerance);
        var energyKinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long frames = 0, atoms = 0;

        using var reader = new ExtXyzReader(stream, name, new ExtXyzReadOptions { SkipBad = true, OnDiagnostic = diagnostics.Add, AllowNonFinite = true }, leaveOpen: true);
        while (true)
        {
            bool more = reader.TryRead(out var frame);
            long index = reader.FramesRead + reader.FramesSkipped - 1;
            while (more && blankIssues.Count > 0 && blankIssues.Peek().Frame <= index)
                issues.Add(blankIssues.Dequeue());
            foreach (var d in diagnostics)
            {
                if (FromDiagnostic(d) is { } issue)
                    issues.Add(issue);
            }
            diagnostics.Clear();
            if (!more)
                break;
            frames++;
            atoms += frame!.AtomCount;
            foreach (var e in frame.Elements)
                species[e] = species.GetValueOrDefault(e) + 1;
            if (frame.Energy is not null)
            {
                string kind = frame.Info.EnergyKind ?? "";
                energyKinds[kind] = energyKinds.GetValueOrDefault(kind) + 1;
            }
            long? line = index >= 0 && index < scan.FrameStarts.Count ? scan.FrameStarts[(int)index] : null;
            CheckFrame(frame, index, line, typeSet, duplicates, scan, issues);
        }
        issues.AddRange(blankIssues);

        if (frames == 0)
            issues.Add(new(ValidationSeverity.Error, null, null, "no-frames", "the file holds no readable frame"));
        var known = energyKinds.Where(kv => kv.Key.Length > 0).ToList();
        if (known.Count > 1)
        {
            issues.Add(new(ValidationSeverity.Warning, null, null, "mixed-energy-kinds",
                $"frames carry different kinds of energy ({string.Join(", ", known.Select(kv => $"{kv.Key} {kv.Value}"))}): one model should learn one kind"));
        }
        if (Options.Types is { } listed)
        {
            var unused = listed.Where(e => !species.ContainsKey(e)).ToList();
            if (unused.Count > 0 && frames > 0)
            {
                issues.Add(new(ValidationSeverity.Warning, null, null, "type-without-atoms",
                    $"type{(unused.Count > 1 ? "s" : "")} {string.Join(" ", unused)} listed but no atom of {(unused.Count > 1 ? "them" : "it")} in the file"));
            }
        }
        return new ValidationReport
        {
            File = name,
            Frames = frames,
            Atoms = atoms,
            FramesNepReads = Math.Min(frames, scan.FramesNepReads),
            Species = species,
            Issues = issues,
        };
    }

    // Blank lines are left to the raw scan, which finds them all with their line numbers (the reader reports one
    // between frames as a warning, and one inside a frame as a skipped frame).
    static ValidationIssue? FromDiagnostic(ParseDiagnostic d)
    {
        long? frame = d.Frame is { } f ? f - 1 : null;
        string m = d.Message;
        if (m.StartsWith("blank line", StringComparison.Ordinal) || m.StartsWith("skipped: blank line", StringComparison.Ordinal))
            return null;
        if (m.Contains("virial= and stress= disagree", StringComparison.Ordinal))
            return new(ValidationSeverity.Error, frame, d.Line, "virial-stress-mismatch", m);
        if (m.StartsWith("skipped: ", StringComparison.Ordinal))
            return new(ValidationSeverity.Error, frame, d.Line, "unreadable-frame", m["skipped: ".Length..] + " (nep would stop here)");
        if (m.Contains("truncated", StringComparison.Ordinal))
            return new(ValidationSeverity.Error, frame, d.Line, "truncated", m);
        return new(ValidationSeverity.Warning, frame, d.Line, "reader-warning", m);
    }

    void CheckFrame(Frame frame, long index, long? line, HashSet<Element>? types, DedupIndex duplicates, RawScan scan,
        List<ValidationIssue> issues)
    {
        int n = frame.AtomCount;
        void Error(string code, string message) => issues.Add(new(ValidationSeverity.Error, index, line, code, message));
        void Warn(string code, string message) => issues.Add(new(ValidationSeverity.Warning, index, line, code, message));

        if (types is not null)
        {
            var missing = frame.Composition().Where(c => !types.Contains(c.Element)).ToList();
            if (missing.Count > 0)
            {
                Error("species-not-in-types",
                    $"{string.Join(", ", missing.Select(c => $"{c.Count} {c.Element.Symbol}"))} atom(s) of species not in the type list ({string.Join(" ", Options.Types!)}): nep stops");
            }
        }
        if (frame.Lattice is null)
            Error("missing-lattice", "no Lattice=: nep needs a cell for every frame (put a molecule in a box with vacuum)");
        else if (frame.Lattice.Pbc != Pbc.All)
            Warn("non-periodic", $"pbc=\"{frame.Lattice.Pbc}\": nep treats every axis as periodic, so the vacuum must be wider than the cutoff");
        if (frame.Energy is null)
            Error("missing-energy", "no energy=: nep needs an energy for every frame");
        if (frame.Forces is null)
            Error("missing-forces", "no force:R:3 (or forces:R:3) column: nep needs forces for every frame");
        if (frame.Info.Weight is { } w && double.IsFinite(w) && !(w > 0 && w <= 100))
            Error("weight-out-of-range", $"weight={G(w)}: nep accepts 0 < weight ≤ 100 and stops otherwise");

        if (FrameFilter.FindNonFinite(frame) is { } bad)
        {
            Error("non-finite", bad);
            return; // the numeric checks below would only repeat it
        }
        if (frame.EnergyPerAtom is { } epa && epa < Options.MinEnergyPerAtom)
        {
            Warn("energy-below-minus-100",
                $"{G(epa)} eV/atom < {G(Options.MinEnergyPerAtom)} eV/atom: GPUMD warns that single-precision training loses accuracy; subtract per-species reference energies");
        }
        if (frame.Forces is { } forces && n > 0)
        {
            double sx = 0, sy = 0, sz = 0;
            for (int i = 0; i < n; i++)
            {
                sx += forces[3 * i];
                sy += forces[3 * i + 1];
                sz += forces[3 * i + 2];
            }
            double perAtom = Math.Sqrt(sx * sx + sy * sy + sz * sz) / n;
            if (perAtom > Options.ForceSumPerAtom)
            {
                Warn("force-sum",
                    $"|ΣF| / N = {G(perAtom, 4)} eV/Å > {G(Options.ForceSumPerAtom)} (ΣF = ({G(sx, 4)}, {G(sy, 4)}, {G(sz, 4)}) eV/Å): forces of a periodic DFT cell sum to ~0; wrong units, mismatched frames or a bad calculation?");
            }
        }
        if (frame.Virial is { } v && n > 0)
        {
            double asym = Math.Max(Math.Abs(v.M01 - v.M10), Math.Max(Math.Abs(v.M02 - v.M20), Math.Abs(v.M12 - v.M21))) / n;
            if (asym > Options.VirialAsymmetryPerAtom)
                Warn("virial-asymmetric", $"the virial is not symmetric ({G(asym, 3)} eV/atom between off-diagonal pairs): nep keeps only one of each pair");
        }
        if (Options.MinRatio > 0 && FrameFilter.FindCloseContact(frame, null, Options.MinRatio) is { } c)
        {
            string pair = $"{frame.Elements[c.I].Symbol} {c.I} – {frame.Elements[c.J].Symbol} {c.J}{(c.I == c.J ? " (own periodic image)" : "")}";
            Warn("close-contact",
                $"{pair} at {G(c.Distance, 4)} Å = {G(c.Ratio * Options.MinRatio, 3)} × the sum of covalent radii (< {G(Options.MinRatio)}): overlapping atoms, a broken structure or wrong units?");
        }
        if (duplicates.FindOrAdd(frame, index) is { } first)
        {
            string at = first >= 0 && first < scan.FrameStarts.Count ? $" (line {scan.FrameStarts[(int)first]})" : "";
            Warn("duplicate",
                $"same species, cell and positions (every atom within {G(Options.DuplicateTolerance)} Å) as frame {first}{at}: a duplicate only weighs that structure twice; `nepforge dedup` removes it");
        }
    }

    static string G(double v, int digits = 6) => v.ToString("G" + digits, CultureInfo.InvariantCulture);
}
