using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.ExtXyz;

public sealed partial class ExtXyzReader
{
    enum ColumnRole
    {
        Other,
        Species,
        AtomicNumber,
        Position,
        Force,
    }

    readonly record struct Column(string Name, ColumnType Type, int Width, ColumnRole Role);

    /// <summary>What the comment line of one frame says, decoded.</summary>
    sealed class FrameHeader
    {
        public required Column[] Columns { get; init; }
        public int ForceColumn { get; init; } = -1;
        public Mat3? Lattice { get; set; }
        public Pbc? Pbc { get; set; }
        public double? Energy { get; set; }
        public double? FreeEnergy { get; set; }
        public Mat3? Virial { get; set; }
        public Mat3? Stress { get; set; }
        public string? StressRaw { get; set; }
        public bool IsGpumdDump { get; set; }
        public FrameInfo Info { get; } = new();
        public long CommentLine { get; init; }

        public int TokenCount => Columns.Sum(c => c.Width);

        public string Describe() => string.Join(' ', Columns.Select(c => new ColumnSpec(c.Name, c.Type, c.Width).ToString()));

        public object[] AllocateArrays(int n)
        {
            var arrays = new object[Columns.Length];
            for (int i = 0; i < Columns.Length; i++)
            {
                var c = Columns[i];
                if (c.Role != ColumnRole.Other)
                    continue;
                int len = n * c.Width;
                arrays[i] = c.Type switch
                {
                    ColumnType.Real => new double[len],
                    ColumnType.Integer => new long[len],
                    ColumnType.Logical => new bool[len],
                    _ => new string[len],
                };
            }
            return arrays;
        }

        public void ResizeArrays(object[] arrays, int n)
        {
            for (int i = 0; i < Columns.Length; i++)
            {
                var c = Columns[i];
                if (c.Role != ColumnRole.Other)
                    continue;
                int len = n * c.Width;
                arrays[i] = arrays[i] switch
                {
                    double[] d => Resized(d, len),
                    long[] l => Resized(l, len),
                    bool[] b => Resized(b, len),
                    string[] s => Resized(s, len),
                    var other => other,
                };
            }
        }

        static T[] Resized<T>(T[] array, int length)
        {
            Array.Resize(ref array, length);
            return array;
        }

        public Frame Build(ExtXyzReader reader, Element[] elements, double[] positions, double[]? forces, object[] extra,
            long frameNo, long headerLine)
        {
            Lattice? lattice = null;
            if (Lattice is { } m)
            {
                try
                {
                    lattice = new Lattice(m, Pbc ?? Structures.Pbc.All);
                }
                catch (ArgumentException e)
                {
                    throw new ParseException(reader._file, CommentLine, frameNo, $"Lattice= is not a valid cell: {e.Message}");
                }
            }
            else if (Pbc is { } p && (p.A || p.B || p.C))
            {
                throw new ParseException(reader._file, CommentLine, frameNo, $"missing lattice: pbc=\"{p}\" says periodic but there is no Lattice= key");
            }

            var frame = new Frame(elements, positions, lattice) { Forces = forces, Info = Info };
            frame.Energy = Energy;
            if (Energy is null && FreeEnergy is { } free)
            {
                frame.Energy = free;
                Info.EnergyKind ??= "free_energy";
            }
            else if (FreeEnergy is { } f2)
            {
                Info.Extra.Add(new("free_energy", f2.ToString("R", CultureInfo.InvariantCulture)));
            }

            // A file NepForge wrote from a dump already carries gpumd_stress=; its stress= is then the ASE-sign one.
            if (IsGpumdDump && Info.GetExtra("gpumd_stress") is not null)
                IsGpumdDump = false;
            if (IsGpumdDump && StressRaw is not null)
            {
                // GPUMD dump.xyz: stress= is the pressure tensor with the kinetic part, not a DFT label.
                Info.Extra.Add(new("gpumd_stress", StressRaw));
                Stress = null;
            }
            frame.Virial = Virial;
            if (Stress is { } s)
            {
                if (lattice is null)
                {
                    reader.Report(CommentLine, frameNo, "stress= without a Lattice cannot become a virial; ignored");
                }
                else
                {
                    var fromStress = (-lattice.Volume) * s;
                    if (Virial is { } w)
                    {
                        double perAtom = Mat3.MaxAbsDifference(w, fromStress) / elements.Length;
                        if (perAtom > 1e-3)
                        {
                            reader.Report(CommentLine, frameNo,
                                $"virial= and stress= disagree by {perAtom:G3} eV/atom (GPUMD's nep would stop with 'Virials and stresses … inconsistent'); virial= kept");
                        }
                    }
                    else
                    {
                        frame.Virial = fromStress;
                    }
                }
            }
            if (IsGpumdDump)
                Info.EnergyKind ??= "gpumd_potential";

            for (int i = 0; i < Columns.Length; i++)
            {
                var c = Columns[i];
                if (c.Role != ColumnRole.Other)
                    continue;
                frame.Arrays.Add(c.Type switch
                {
                    ColumnType.Real => PerAtomArray.Real(c.Name, c.Width, (double[])extra[i]),
                    ColumnType.Integer => PerAtomArray.Integer(c.Name, c.Width, (long[])extra[i]),
                    ColumnType.Logical => PerAtomArray.Logical(c.Name, c.Width, (bool[])extra[i]),
                    _ => PerAtomArray.String(c.Name, c.Width, (string[])extra[i]),
                });
            }
            Info.SourceFile ??= reader._file;
            Info.SourceIndex ??= frameNo - 1;
            if (!reader._options.AllowNonFinite && FrameChecks.NonFinite(frame, out int atom) is { } nonFinite)
                throw new ParseException(reader._file, atom >= 0 ? headerLine + 2 + atom : CommentLine, frameNo, nonFinite);
            return frame;
        }
    }

    FrameHeader ParseComment(ReadOnlySpan<byte> bytes, long frameNo)
    {
        long line = _lines.LineNumber;
        string text = Utf8Text.Decode(bytes);
        var pairs = CommentLine.TryParse(text, out var error) ??
            throw new ParseException(_file, line, frameNo, $"cannot read the comment line: {error}");

        ColumnSpec[] specs = ColumnSpec.Default;
        foreach (var (key, value) in pairs)
        {
            if (key.Equals("properties", StringComparison.OrdinalIgnoreCase))
            {
                specs = ColumnSpec.TryParseList(value, out var perr) ??
                    throw new ParseException(_file, line, frameNo, perr!);
            }
        }
        var columns = new Column[specs.Length];
        int forceColumn = -1;
        bool hasSpecies = false, hasPos = false;
        for (int i = 0; i < specs.Length; i++)
        {
            var s = specs[i];
            string lower = s.Name.ToLowerInvariant();
            var role = ColumnRole.Other;
            if (lower is "species" or "symbols" && s.Type == ColumnType.String && s.Width == 1 && !hasSpecies)
            {
                role = ColumnRole.Species;
                hasSpecies = true;
            }
            else if (lower is "pos" or "positions" && s.Type == ColumnType.Real && s.Width == 3 && !hasPos)
            {
                role = ColumnRole.Position;
                hasPos = true;
            }
            else if (lower is "force" or "forces" && s.Type == ColumnType.Real && s.Width == 3 && forceColumn < 0)
            {
                role = ColumnRole.Force;
                forceColumn = i;
            }
            columns[i] = new(s.Name, s.Type, s.Width, role);
        }
        if (!hasSpecies)
        {
            int z = Array.FindIndex(columns, c => c.Name == "Z" && c.Type == ColumnType.Integer && c.Width == 1);
            if (z < 0)
                throw new ParseException(_file, line, frameNo, "Properties has no species:S:1 (or Z:I:1) column");
            columns[z] = columns[z] with { Role = ColumnRole.AtomicNumber };
        }
        if (!hasPos)
            throw new ParseException(_file, line, frameNo, "Properties has no pos:R:3 column");

        var header = new FrameHeader { Columns = columns, ForceColumn = forceColumn, CommentLine = line };
        foreach (var (key, value) in pairs)
        {
            switch (key.ToLowerInvariant())
            {
                case "properties":
                    break;
                case "lattice":
                    header.Lattice = Mat3.FromRowMajor(Numbers(value, key, 9, line, frameNo));
                    break;
                case "pbc":
                    header.Pbc = ParsePbc(value, line, frameNo);
                    break;
                case "energy":
                    header.Energy = Numbers(value, key, 1, line, frameNo)[0];
                    break;
                case "free_energy":
                    header.FreeEnergy = Numbers(value, key, 1, line, frameNo)[0];
                    break;
                case "virial":
                    header.Virial = Tensor(value, key, line, frameNo);
                    break;
                case "stress":
                    header.Stress = Tensor(value, key, line, frameNo);
                    header.StressRaw = value;
                    break;
                case "config_type":
                    header.Info.ConfigType = value;
                    break;
                case "weight":
                    header.Info.Weight = Numbers(value, key, 1, line, frameNo)[0];
                    break;
                case "energy_kind":
                    header.Info.EnergyKind = value;
                    break;
                case "source_file":
                    header.Info.SourceFile = value;
                    break;
                case "source_index":
                    header.Info.SourceIndex = Integer(value, key, line, frameNo);
                    break;
                case "source_step":
                    header.Info.SourceStep = Integer(value, key, line, frameNo);
                    break;
                case "seed":
                    header.Info.Seed = Integer(value, key, line, frameNo);
                    break;
                case "time":
                    header.IsGpumdDump = true; // GPUMD's dump_xyz writes Time= first on every frame
                    header.Info.Extra.Add(new(key, value));
                    break;
                default:
                    header.Info.Extra.Add(new(key, value));
                    break;
            }
        }
        return header;
    }

    double[] Numbers(string value, string key, int expected, long line, long frameNo)
    {
        // Split and parse without allocating per number: this runs for every frame's Lattice, energy, virial.
        var result = new double[expected];
        var text = value.AsSpan();
        int count = 0;
        Span<byte> ascii = stackalloc byte[64];
        foreach (var range in text.SplitAny(" \t,"))
        {
            var token = text[range];
            if (token.IsEmpty)
                continue;
            if (count < expected)
            {
                bool ok = token.Length <= ascii.Length && System.Text.Ascii.FromUtf16(token, ascii, out int n) == System.Buffers.OperationStatus.Done &&
                    FastDouble.TryParse(ascii[..n], out result[count]);
                if (!ok)
                    throw new ParseException(_file, line, frameNo, $"non-numeric value '{token}' in {key}=");
            }
            count++;
        }
        if (count != expected)
            throw new ParseException(_file, line, frameNo, $"{key}= needs {expected} number(s), found {count}: '{value}'");
        return result;
    }

    // 9 values row-major, or 6 in Voigt order xx yy zz yz xz xy (ASE, dpdata).
    Mat3 Tensor(string value, string key, long line, long frameNo)
    {
        int count = value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries).Length;
        if (count == 6)
        {
            var v = Numbers(value, key, 6, line, frameNo);
            return new(v[0], v[5], v[4], v[5], v[1], v[3], v[4], v[3], v[2]);
        }
        return Mat3.FromRowMajor(Numbers(value, key, 9, line, frameNo));
    }

    long Integer(string value, string key, long line, long frameNo) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new ParseException(_file, line, frameNo, $"{key}= needs an integer, found '{value}'");

    Pbc ParsePbc(string value, long line, long frameNo)
    {
        // A loop, not LINQ over bool?: its generic instantiations are JIT-compiled at every start (3 ms of `info`).
        var parts = value.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        var flags = new bool[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (ParseLogical(parts[i]) is not { } flag)
                throw new ParseException(_file, line, frameNo, $"pbc= needs three of T/F, found '{value}'");
            flags[i] = flag;
        }
        if (flags.Length == 1)
            return new(flags[0], flags[0], flags[0]);
        if (flags.Length != 3)
            throw new ParseException(_file, line, frameNo, $"pbc= needs three of T/F, found '{value}'");
        return new(flags[0], flags[1], flags[2]);
    }
}
