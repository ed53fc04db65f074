using System.Text.Json;
using NepForge.Formats;
using NepForge.Nep;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Nep;

/// <summary>The nep verbs: eval (labels, error report), descriptors (.npy/.csv), info, refusals.</summary>
public sealed class NepCliTests : IDisposable
{
    readonly CliRunner _cli = new();
    readonly NepModel _model;
    readonly string _modelPath;
    readonly List<Frame> _frames;

    public NepCliTests()
    {
        var kind = NepTestModels.Get("nep4_zbl universal");
        _modelPath = _cli.PathOf("nep.txt");
        File.WriteAllText(_modelPath, NepTestModels.Text(kind));
        _model = NepTestModels.Model(kind);
        _frames = [.. Enumerable.Range(0, 3).Select(s => NepTestModels.RandomFrame(_model.Species, atoms: 4 + s, seed: 20 + s, edge: 4.5, minDistance: 1.5))];
        _frames[2].Info.ConfigType = "liquid";
    }

    public void Dispose() => _cli.Dispose();

    string WriteInput(IEnumerable<Frame> frames)
    {
        string path = _cli.PathOf("in.xyz");
        StructureWriter.Write(path, StructureFormat.ExtXyz, frames);
        return path;
    }

    [Fact]
    public void Eval_writes_predictions_as_labels_keeps_DFT_labels_and_reports_errors()
    {
        // "DFT" labels = the prediction shifted by exactly 1 meV/atom, 2 meV/Å on every force component, 3 meV/atom on the virial.
        var calculator = new NepCalculator(_model, 1);
        var labelled = _frames.Select(f =>
        {
            var r = calculator.Compute(f);
            var g = f.Clone();
            g.Energy = r.Energy - 0.001 * f.AtomCount;
            g.Forces = [.. r.Forces.Select(v => v - 0.002)];
            g.Virial = r.Virial + (-0.003 * f.AtomCount) * Mat3.Identity;
            return g;
        }).ToList();
        string input = WriteInput(labelled);
        var (code, stdout, stderr) = _cli.Run("nep", "eval", "--model", _modelPath, input, "-o", _cli.PathOf("out.xyz"), "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var errors = json.RootElement.GetProperty("errors");
        Assert.Equal(1.0, errors.GetProperty("energy_mev_per_atom").GetProperty("rmse").GetDouble(), 1e-6);
        Assert.Equal(2.0, errors.GetProperty("force_mev_per_angstrom").GetProperty("rmse").GetDouble(), 1e-6);
        Assert.Equal(2.0, errors.GetProperty("force_mev_per_angstrom").GetProperty("mae").GetDouble(), 1e-6);
        // Virial over xx yy zz xy yz zx: three components off by 3, three exact.
        Assert.Equal(Math.Sqrt(4.5), errors.GetProperty("virial_mev_per_atom").GetProperty("rmse").GetDouble(), 1e-6);
        Assert.True(json.RootElement.GetProperty("by_config_type").TryGetProperty("liquid", out _));

        var written = StructureReader.Read(_cli.PathOf("out.xyz")).ToList();
        Assert.Equal(3, written.Count);
        for (int k = 0; k < 3; k++)
        {
            var r = calculator.Compute(_frames[k]);
            Assert.Equal(r.Energy, written[k].Energy!.Value, 1e-9);
            Assert.Equal(r.Forces[0], written[k].Forces![0], 1e-9);
            Assert.Equal(r.Virial.M01, written[k].Virial!.Value.M01, 1e-9);
            Assert.Equal(labelled[k].Energy!.Value, double.Parse(written[k].Info.GetExtra(NepLabels.DftEnergy)!, System.Globalization.CultureInfo.InvariantCulture), 1e-9);
            Assert.Equal(labelled[k].Forces![1], written[k].GetArray(NepLabels.DftForces)!.Reals![1], 1e-9);
            Assert.NotNull(written[k].Info.GetExtra(NepLabels.DftVirial));
        }

        (code, stdout, _) = _cli.Run("nep", "eval", "-m", _modelPath, input);
        Assert.Equal(0, code);
        Assert.Contains("energy (meV/atom)", stdout, StringComparison.Ordinal);
        Assert.Contains("liquid", stdout, StringComparison.Ordinal);
        Assert.Contains("worst frames", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptors_go_to_npy_per_atom_and_csv_per_structure()
    {
        string input = WriteInput(_frames);
        var (code, _, stderr) = _cli.Run("nep", "descriptors", "-m", _modelPath, input, "-o", _cli.PathOf("d.npy"));
        Assert.True(code == 0, stderr);
        var bytes = File.ReadAllBytes(_cli.PathOf("d.npy"));
        int atoms = _frames.Sum(f => f.AtomCount), dim = _model.Dimension;
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, bytes[8] | (bytes[9] << 8));
        Assert.Contains($"'shape': ({atoms}, {dim})", header, StringComparison.Ordinal);
        Assert.Equal(10 + header.Length + 8 * atoms * dim, bytes.Length);
        var expected = new NepCalculator(_model, 1).Descriptors(_frames[1]);
        int offset = 10 + header.Length + 8 * dim * _frames[0].AtomCount;
        for (int k = 0; k < expected.Length; k++)
            Assert.Equal(expected[k], BitConverter.ToDouble(bytes, offset + 8 * k));

        (code, _, stderr) = _cli.Run("nep", "descriptors", "-m", _modelPath, input, "-o", _cli.PathOf("d.csv"), "--per-structure", "--unscaled");
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(_cli.PathOf("d.csv"));
        Assert.Equal(4, lines.Length);
        Assert.Equal(2 + dim, lines[0].Split(',').Length);
        var raw = new NepCalculator(_model, 1).Descriptors(_frames[2], scaled: false);
        double mean0 = Enumerable.Range(0, _frames[2].AtomCount).Average(i => raw[i * dim]);
        Assert.Equal(mean0, double.Parse(lines[3].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture), 1e-12);
    }

    [NumPyFact]
    public void Descriptors_npy_loads_in_numpy_with_the_same_values()
    {
        string input = WriteInput(_frames);
        var (code, _, stderr) = _cli.Run("nep", "descriptors", "-m", _modelPath, input, "-o", _cli.PathOf("d.npy"));
        Assert.True(code == 0, stderr);
        var bytes = File.ReadAllBytes(_cli.PathOf("d.npy"));
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);

        // numpy.load must accept the file; print the shape and two values exactly (repr of float64 round-trips).
        string stdout = Ase.RunChecked(
            "import sys, numpy as np\n" +
            "a = np.load(sys.argv[1])\n" +
            "print(a.dtype.str, a.shape[0], a.shape[1], repr(float(a[0, 0])), repr(float(a[-1, -1])))",
            _cli.PathOf("d.npy"));
        var parts = stdout.Trim().Split(' ');
        int atoms = _frames.Sum(f => f.AtomCount), dim = _model.Dimension;
        Assert.Equal("<f8", parts[0]);
        Assert.Equal(atoms, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(dim, int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
        var calculator = new NepCalculator(_model, 1);
        var first = calculator.Descriptors(_frames[0]);
        var last = calculator.Descriptors(_frames[^1]);
        Assert.Equal(first[0], double.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(last[^1], double.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Info_summarises_the_model()
    {
        var (code, stdout, _) = _cli.Run("nep", "info", _modelPath);
        Assert.Equal(0, code);
        Assert.Contains("nep4_zbl", stdout, StringComparison.Ordinal);
        Assert.Contains($"descriptor    {_model.Dimension} components", stdout, StringComparison.Ordinal);
        Assert.Contains($"parameters    {_model.ParameterCount}", stdout, StringComparison.Ordinal);
        Assert.Contains("between 1 and 2 Å", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusals_name_the_problem()
    {
        string input = WriteInput(_frames);
        File.WriteAllText(_cli.PathOf("dipole.txt"), File.ReadAllText(_modelPath).Replace("nep4_zbl", "nep4_dipole", StringComparison.Ordinal));
        var (code, _, stderr) = _cli.Run("nep", "eval", "-m", _cli.PathOf("dipole.txt"), input);
        Assert.Equal(1, code);
        Assert.Contains("dipole.txt:1: 'nep4_dipole' is a dipole model", stderr, StringComparison.Ordinal);
        (code, _, stderr) = _cli.Run("nep", "descriptors", "-m", _modelPath, input, "-o", _cli.PathOf("d.txt"));
        Assert.Equal(2, code);
        Assert.Contains(".npy or .csv", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.PathOf("d.txt")));
    }

    [Fact]
    public void Root_help_lists_the_nep_verb()
    {
        var (_, stdout, _) = _cli.Run("--help");
        Assert.Contains("nep", stdout.Split('\n').Where(l => l.TrimStart().StartsWith("nep ", StringComparison.Ordinal)).FirstOrDefault() ?? "", StringComparison.Ordinal);
    }
}
