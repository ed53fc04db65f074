using System.IO.Compression;
using System.Text;
using System.Text.Json;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Tests.Formats.Vasp;

public sealed class XdatcarReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-xdatcar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string Vasp(string relative) => Fixtures.Path(Path.Combine("vasp", relative));

    static List<Frame> ReadText(string text, XdatcarReadOptions? options = null, string name = "XDATCAR")
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return [.. XdatcarReader.ReadFrames(stream, name, options)];
    }

    static string Lines(params string[] lines) => string.Join('\n', lines) + "\n";

    const string Cubic = "4.0 0 0\n0 4.0 0\n0 0 4.0";

    static void AssertPosition(Vec3 expected, Vec3 actual, double tolerance = 1e-12)
    {
        Assert.True((expected - actual).Length <= tolerance, $"expected {expected}, got {actual}");
    }

    // ---- fixtures (shared/fixtures/vasp/pymatgen-core, see PROVENANCE.md) ----

    [FixtureFact]
    public void Xdatcar4_blank_line_separators_give_4_Li2O_frames()
    {
        var options = new XdatcarReadOptions();
        var frames = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR_4"), options).ToList();
        Assert.Equal(4, frames.Count);
        foreach (var (f, i) in frames.Select((f, i) => (f, i)))
        {
            Assert.Equal([("Li", 2), ("O", 1)], f.Composition().Select(c => (c.Element.Symbol, c.Count)));
            Assert.Equal(i, f.Info.SourceIndex);
            Assert.Null(f.Info.SourceStep); // no 'Direct configuration=' lines
            Assert.EndsWith("XDATCAR_4", f.Info.SourceFile, StringComparison.Ordinal);
            Assert.False(f.HasLabels);
        }
        // 0.25·(a + b + c), with a = (-2.305, -2.305, 0) etc.
        AssertPosition(new Vec3(-1.1525, -1.1525, -1.1525), frames[0].Position(0));
        Assert.Empty(options.Diagnostics);
    }

    [FixtureFact]
    public void Xdatcar5_gives_4_Li2O_frames_numbered_by_configuration()
    {
        var frames = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR_5")).ToList();
        Assert.Equal(4, frames.Count);
        Assert.All(frames, f => Assert.Equal("Li2O", f.Formula));
        Assert.Equal([1L, 2L, 3L, 4L], frames.Select(f => f.Info.SourceStep!.Value));
        Assert.Equal([0L, 1L, 2L, 3L], frames.Select(f => f.Info.SourceIndex!.Value));
        Assert.Same(frames[0].Lattice, frames[3].Lattice); // fixed cell: one header
    }

    [FixtureFact]
    public void Xdatcar4_and_5_hold_the_same_structures()
    {
        var a = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR_4")).ToList();
        var b = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR_5")).ToList();
        Assert.Equal(8, a.Count + b.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(a[i].Positions, b[i].Positions);
            Assert.Equal(a[i].Lattice, b[i].Lattice);
        }
    }

    [FixtureFact]
    public void Xdatcar6_variable_cell_has_a_cell_per_frame()
    {
        var frames = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR_6")).ToList();
        Assert.Equal(4, frames.Count);
        Assert.All(frames, f => Assert.Equal("Fe2O4Ti", f.Formula));
        Assert.NotEqual(frames[0].Lattice, frames[^1].Lattice);
        Assert.Equal([1L, 2L, 3L, 4L], frames.Select(f => f.Info.SourceStep!.Value));
        // Second header: b = (2.651980, 2.585749, -5.310331).
        Assert.Equal(new Vec3(2.651980, 2.585749, -5.310331), frames[1].Lattice![1]);
    }

    [FixtureFact]
    public void Xdatcar_monatomic_written_by_pymatgen_has_labels_after_coordinates()
    {
        var frames = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR_monatomic")).ToList();
        Assert.Equal(10, frames.Count);
        Assert.All(frames, f =>
        {
            Assert.Single(f.Composition());
            Assert.Equal("Ne4", f.Formula);
        });
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), frames.Select(f => f.Info.SourceStep!.Value));
        // -0.003176 -0.000510 -0.003054 in a 4.6 Å cell (with ±2.8e-16 off-diagonal terms).
        AssertPosition(new Vec3(-0.003176 * 4.6, -0.000510 * 4.6, -0.003054 * 4.6), frames[0].Position(0), 1e-12);
    }

    [FixtureFact]
    public void Xdatcar_md_lists_O_before_Fe_and_converts_to_cartesian()
    {
        var frames = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR.MD")).ToList();
        Assert.Equal(5, frames.Count);
        Assert.All(frames, f => Assert.Equal("O48Fe32", f.Formula));
        Assert.Equal("O", frames[0].Elements[0].Symbol);
        Assert.Equal("Fe", frames[0].Elements[^1].Symbol);
        Assert.Equal(Lattice.Orthorhombic(9.39, 9.39, 9.39), frames[0].Lattice);
        // Cell 9.39 Å cubic; first row of configuration 1: 0.85729725 0.44607741 0.39190768.
        AssertPosition(new Vec3(8.0500211775, 4.1886668799, 3.6800131152), frames[0].Position(0), 1e-9);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], frames.Select(f => f.Info.SourceStep!.Value));
    }

    [FixtureFact]
    public void Reads_a_gzipped_file()
    {
        string gz = Path.Combine(_dir, "XDATCAR.gz");
        using (var output = File.Create(gz))
        using (var zip = new GZipStream(output, CompressionLevel.Fastest))
        using (var input = File.OpenRead(Vasp("pymatgen-core/XDATCAR.MD")))
            input.CopyTo(zip);
        var frames = XdatcarReader.ReadFrames(gz).ToList();
        var plain = XdatcarReader.ReadFrames(Vasp("pymatgen-core/XDATCAR.MD")).ToList();
        Assert.Equal(5, frames.Count);
        Assert.Equal(plain[4].Positions, frames[4].Positions);
        Assert.Equal(gz, frames[0].Info.SourceFile);
    }

    // ---- truncated and malformed files ----

    /// <summary>XDATCAR_5: header lines 1-7, then 4 × (configuration line + 3 rows), lines 8-23.</summary>
    [FixtureTheory]
    [InlineData(7, 0, true)]   // header only
    [InlineData(8, 0, true)]   // 'Direct configuration=     1' and nothing after it
    [InlineData(10, 0, true)]  // 2 of 3 rows
    [InlineData(11, 1, false)] // exactly one frame
    [InlineData(14, 1, true)]
    [InlineData(15, 2, false)]
    [InlineData(16, 2, true)]
    [InlineData(19, 3, false)]
    [InlineData(22, 3, true)]
    [InlineData(23, 4, false)]
    public void Truncated_file_yields_the_complete_frames_and_warns(int lines, int frames, bool warns)
    {
        string path = Path.Combine(_dir, "XDATCAR_cut");
        File.WriteAllLines(path, File.ReadLines(Vasp("pymatgen-core/XDATCAR_5")).Take(lines));
        var seen = new List<ParseDiagnostic>();
        var options = new XdatcarReadOptions { OnDiagnostic = seen.Add };
        var read = XdatcarReader.ReadFrames(path, options).ToList();
        Assert.Equal(frames, read.Count);
        Assert.Equal(warns, options.Diagnostics.Count > 0);
        Assert.Equal(options.Diagnostics, seen);
        if (warns)
        {
            var d = Assert.Single(options.Diagnostics);
            Assert.Equal(path, d.File);
            Assert.Equal(frames + 1, d.Frame);
            Assert.Contains(path, d.ToString(), StringComparison.Ordinal);
        }
    }

    [FixtureTheory]
    [InlineData("   0.75000000  0.750")]             // cut inside the second column
    [InlineData("   0.00000000 -0.00000000 -0.000")] // cut inside the last number of the last row
    public void Line_cut_by_a_killed_run_drops_the_frame(string cutLine)
    {
        string path = Path.Combine(_dir, "XDATCAR_cut");
        var head = File.ReadLines(Vasp("pymatgen-core/XDATCAR_5")).Take(cutLine.StartsWith("   0.75", StringComparison.Ordinal) ? 13 : 14);
        File.WriteAllText(path, string.Join('\n', head) + "\n" + cutLine); // no newline: the write was cut
        var options = new XdatcarReadOptions();
        var frames = XdatcarReader.ReadFrames(path, options).ToList();
        Assert.Single(frames);
        var d = Assert.Single(options.Diagnostics);
        Assert.Equal(2, d.Frame);
    }

    [FixtureFact]
    public void Truncated_inside_a_repeated_header_warns()
    {
        string path = Path.Combine(_dir, "XDATCAR_cut");
        File.WriteAllLines(path, File.ReadLines(Vasp("pymatgen-core/XDATCAR_6")).Take(34)); // 2 frames (lines 1-30) + 4 header lines
        var options = new XdatcarReadOptions();
        Assert.Equal(2, XdatcarReader.ReadFrames(path, options).Count());
        Assert.Contains("configuration 3", Assert.Single(options.Diagnostics).Message, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Truncated_first_header_is_an_error()
    {
        string path = Path.Combine(_dir, "XDATCAR_cut");
        File.WriteAllLines(path, File.ReadLines(Vasp("pymatgen-core/XDATCAR_5")).Take(4));
        var ex = Assert.Throws<ParseException>(() => XdatcarReader.ReadFrames(path).ToList());
        Assert.Equal(path, ex.File);
        Assert.Contains("lattice vector c", ex.Problem, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Malformed_number_names_file_and_line()
    {
        string path = Path.Combine(_dir, "XDATCAR_bad");
        var lines = File.ReadAllLines(Vasp("pymatgen-core/XDATCAR_5"));
        lines[13] = "   0.75000000  0.75x00000  0.75000000"; // line 14: configuration 2, atom 2
        File.WriteAllLines(path, lines);
        var read = new List<Frame>();
        var ex = Assert.Throws<ParseException>(() =>
        {
            foreach (var f in XdatcarReader.ReadFrames(path))
                read.Add(f);
        });
        Assert.Single(read); // frame 1 was yielded before the error
        Assert.Equal(14, ex.Line);
        Assert.Equal(2, ex.Frame);
        Assert.Contains($"{path}:14", ex.Message, StringComparison.Ordinal);
        Assert.Contains("atom 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var ex = Assert.Throws<ParseException>(() => ReadText(""));
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void More_coordinate_rows_than_the_counts_is_an_error()
    {
        var ex = Assert.Throws<ParseException>(() => ReadText(Lines(
            "x", "1", Cubic, "Si", "1", "Direct configuration=     1", "0 0 0", "0.5 0.5 0.5")));
        Assert.Equal(10, ex.Line);
        Assert.Contains("atom counts", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_species_is_an_error()
    {
        var ex = Assert.Throws<ParseException>(() => ReadText(Lines("x", "1", Cubic, "Qq", "1", "Direct configuration= 1", "0 0 0")));
        Assert.Equal(6, ex.Line);
    }

    [Fact]
    public void Vasp_4x_header_without_lattice_vectors_is_refused_with_a_message()
    {
        var ex = Assert.Throws<ParseException>(() => ReadText(Lines(
            "   2   2   1", "   0.6400000E+02  0.4000000E-09  0.4000000E-09  0.4000000E-09  0.1000000E-14",
            "   0.3000000E+03", "  CAR ", " Si", " ", "   0 0 0", "   0.5 0.5 0.5")));
        Assert.Equal(2, ex.Line);
        Assert.Contains("VASP 4.x", ex.Problem, StringComparison.Ordinal);
    }

    // ---- layout variants ----

    [Fact]
    public void Cartesian_configurations_are_scaled_like_the_cell()
    {
        var frames = ReadText(Lines("x", "2.0", Cubic, "Si", "1",
            "Cartesian configuration=     1", "1 0.5 0.25",
            "Direct configuration=     2", "0.5 0.5 0.5"));
        Assert.Equal(2, frames.Count);
        Assert.Equal(new Vec3(2, 1, 0.5), frames[0].Position(0));
        Assert.Equal(new Vec3(4, 4, 4), frames[1].Position(0));
        Assert.Equal(Lattice.Orthorhombic(8, 8, 8), frames[0].Lattice);
    }

    [Fact]
    public void Negative_scale_is_the_target_volume_and_three_scales_act_per_axis()
    {
        var a = Assert.Single(ReadText(Lines("x", "-512", Cubic, "Si", "1", "Direct configuration= 1", "0.5 0.5 0.5")));
        Assert.Equal(512, a.Lattice!.Volume, 1e-9);
        AssertPosition(new Vec3(4, 4, 4), a.Position(0));
        var b = Assert.Single(ReadText(Lines("x", "1 2 3", Cubic, "Si", "1", "Cartesian configuration= 1", "1 1 1")));
        Assert.Equal(Lattice.Orthorhombic(4, 8, 12), b.Lattice);
        Assert.Equal(new Vec3(1, 2, 3), b.Position(0));
    }

    [Fact]
    public void Vasp4_header_species_from_the_options()
    {
        string text = Lines("x", "1", Cubic, "1 2", "Direct configuration= 1", "0 0 0", "0.5 0 0", "0 0.5 0");
        var f = Assert.Single(ReadText(text, new XdatcarReadOptions { Species = ["Ga", "As_d"] }));
        Assert.Equal(["Ga", "As", "As"], f.Elements.Select(e => e.Symbol));
        var wrong = Assert.Throws<ParseException>(() => ReadText(text, new XdatcarReadOptions { Species = ["Ga"] }));
        Assert.Equal(6, wrong.Line);
        Assert.Throws<ArgumentException>(() => ReadText(text, new XdatcarReadOptions { Species = ["Ga", "Xx"] }));
        var none = Assert.Throws<ParseException>(() => ReadText(text));
        Assert.Contains("XdatcarReadOptions.Species", none.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Vasp4_header_species_from_a_potcar_beside_the_file()
    {
        string path = Path.Combine(_dir, "XDATCAR");
        File.WriteAllText(path, Lines("x", "1", Cubic, "1 1", "Direct configuration= 1", "0 0 0", "0.5 0.5 0.5",
            "Direct configuration= 2", "0 0 0.1", "0.5 0.5 0.5"));
        File.WriteAllText(Path.Combine(_dir, "POTCAR"), "  PAW_PBE Na_pv 19Sep2006\n   TITEL  = PAW_PBE Na_pv 19Sep2006\n  PAW_PBE Cl 06Sep2000\n   TITEL  = PAW_PBE Cl 06Sep2000\n");
        var frames = XdatcarReader.ReadFrames(path).ToList();
        Assert.Equal(2, frames.Count);
        Assert.All(frames, f => Assert.Equal("NaCl", f.Formula));
        Assert.Throws<ParseException>(() => XdatcarReader.ReadFrames(path, new XdatcarReadOptions { UsePotcar = false }).ToList());
    }

    [Fact]
    public void Vasp4_header_species_from_coordinate_labels_or_the_title()
    {
        var labelled = ReadText(Lines("x", "1", Cubic, "1 1", "Direct configuration= 1", "0 0 0 Mg", "0.5 0.5 0.5 O",
            "Direct configuration= 2", "0 0 0 Mg", "0.5 0.5 0.4 O"));
        Assert.Equal(2, labelled.Count);
        Assert.All(labelled, f => Assert.Equal("MgO", f.Formula));
        var titled = Assert.Single(ReadText(Lines("Mg1 O1", "1", Cubic, "1 1", "Direct configuration= 1", "0 0 0", "0.5 0.5 0.5")));
        Assert.Equal("MgO", titled.Formula);
    }

    [Fact]
    public void Repeated_headers_whose_title_mentions_configuration()
    {
        string header = Lines("relaxed configuration", "1", Cubic, "Si", "1");
        var frames = ReadText(header + Lines("Direct configuration=     1", "0 0 0") + header.Replace("4.0 0 0", "4.5 0 0", StringComparison.Ordinal) +
            Lines("Direct configuration=     2", "0.5 0 0"));
        Assert.Equal(2, frames.Count);
        Assert.Equal(new Vec3(2.25, 0, 0), frames[1].Position(0));
        Assert.Equal(Lattice.Orthorhombic(4.5, 4, 4), frames[1].Lattice);
    }

    [Fact]
    public void Vasp4_konfig_lines()
    {
        var frames = ReadText(Lines("x", "1", Cubic, "Si", "1", "Konfig=    1", "0 0 0", "Konfig=    2", "0.25 0 0"));
        Assert.Equal([1L, 2L], frames.Select(f => f.Info.SourceStep!.Value));
        Assert.Equal(new Vec3(1, 0, 0), frames[1].Position(0));
    }

    [Fact]
    public void Header_without_configurations_warns_and_yields_nothing()
    {
        var options = new XdatcarReadOptions();
        Assert.Empty(ReadText(Lines("x", "1", Cubic, "Si", "1"), options));
        Assert.Contains("no frames", Assert.Single(options.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crlf_line_ends_and_windows_paths_do_not_matter()
    {
        string text = Lines("x", "1", Cubic, "Si", "1", "Direct configuration= 7", "0.25 0.25 0.25").Replace("\n", "\r\n", StringComparison.Ordinal);
        var f = Assert.Single(ReadText(text));
        Assert.Equal(7, f.Info.SourceStep);
        Assert.Equal(new Vec3(1, 1, 1), f.Position(0));
    }

    [Fact]
    public void Streams_one_frame_at_a_time()
    {
        // An endless XDATCAR: taking 3 frames must return, so the reader never reads the whole input.
        using var endless = new EndlessXdatcar();
        var frames = XdatcarReader.ReadFrames(endless, "endless").Take(3).ToList();
        Assert.Equal([1L, 2L, 3L], frames.Select(f => f.Info.SourceStep!.Value));
        Assert.True(endless.BytesServed < 4 << 20, $"served {endless.BytesServed} bytes");
    }

    /// <summary>A read-only stream that serves a header and then configurations forever.</summary>
    sealed class EndlessXdatcar : Stream
    {
        byte[] _chunk = Encoding.ASCII.GetBytes(Lines("endless", "1", Cubic, "Si", "2"));
        int _offset;
        long _next = 1;

        public long BytesServed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_offset == _chunk.Length)
            {
                _chunk = Encoding.ASCII.GetBytes($"Direct configuration= {_next++,5}\n   0.0 0.0 0.0\n   0.5 0.5 0.5\n");
                _offset = 0;
            }
            int n = Math.Min(count, _chunk.Length - _offset);
            Array.Copy(_chunk, _offset, buffer, offset, n);
            _offset += n;
            BytesServed += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    // ---- ASE cross-check (Debian python3-ase, format='vasp-xdatcar') on the VASP-written fixtures ----

    const string AseScript = """
        import json, sys
        from ase.io import read
        frames = read(sys.argv[1], index=':', format='vasp-xdatcar')
        print(json.dumps([{'cell': a.cell.array.tolist(), 'positions': a.positions.tolist(),
                           'symbols': a.get_chemical_symbols()} for a in frames]))
        """;

    [AseFixtureTheory]
    [InlineData("pymatgen-core/XDATCAR_5")]
    [InlineData("pymatgen-core/XDATCAR_6")]
    [InlineData("pymatgen-core/XDATCAR.MD")]
    public void Agrees_with_ase(string relative)
    {
        string path = Vasp(relative);
        using var json = JsonDocument.Parse(RunAse(path));
        var ase = json.RootElement.EnumerateArray().ToList();
        var frames = XdatcarReader.ReadFrames(path).ToList();
        Assert.Equal(ase.Count, frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            var symbols = ase[i].GetProperty("symbols").EnumerateArray().Select(s => s.GetString()).ToList();
            Assert.Equal(symbols, frames[i].Elements.Select(e => e.Symbol));
            var cell = ase[i].GetProperty("cell").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
            Assert.True(Mat3.MaxAbsDifference(Mat3.FromRowMajor(cell), frames[i].Lattice!.Matrix) <= 1e-8, $"frame {i}: cell differs");
            var positions = ase[i].GetProperty("positions").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
            Assert.Equal(positions.Length, frames[i].Positions.Length);
            for (int k = 0; k < positions.Length; k++)
                Assert.True(Math.Abs(positions[k] - frames[i].Positions[k]) <= 1e-8, $"frame {i}, coordinate {k}: ASE {positions[k]:R}, NepForge {frames[i].Positions[k]:R}");
        }
    }

    static string RunAse(string path) => Ase.RunChecked(AseScript, path);
}
