using System.Diagnostics;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Gpumd;
using NepForge.Nep;
using NepForge.Structures;
using NepForge.Tests.Cli;
using NepForge.Training.Cpu;

namespace NepForge.Tests.Training;

/// <summary>
/// The CPU trainer end to end on a small two-species set: the nep.txt it writes is a NEP4 model our evaluator reads
/// and whose energies, forces and virials equal the trainer's own predictions; GPUMD's parameter count; training
/// lowers the error; same seed ⇒ same model whatever the thread count; kill -9 and rerun ⇒ the same model as an
/// uninterrupted run; unsupported nep.in keywords are refused by name.
/// </summary>
public sealed class NepCpuTrainerTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    const string NepIn = """
        type 2 Si O
        cutoff 4.5 3.2
        n_max 3 2
        basis_size 4 3
        l_max 4 2 1
        neuron 6
        batch 4
        generation 60
        output_interval 20

        """;

    string Folder(string name, string nepIn = NepIn, int frames = 6)
    {
        string dir = _cli.PathOf(name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nep.in"), nepIn);
        var teacher = Teacher(NepTrainingSettings.FromInput(NepInput.Parse(NepIn)));
        ExtXyzWriter.WriteFile(Path.Combine(dir, "train.xyz"), Label(teacher, NepTrainingGradientTests.RandomFrames(frames, 12, 21, labels: false)));
        ExtXyzWriter.WriteFile(Path.Combine(dir, "test.xyz"), Label(teacher, NepTrainingGradientTests.RandomFrames(2, 12, 22, labels: false)));
        return dir;
    }

    /// <summary>A random model of the same architecture, so the data has a known, learnable answer.</summary>
    internal static NepModel Teacher(NepTrainingSettings s)
    {
        var layout = new NepParameterLayout(s);
        var theta = new double[layout.Count];
        NepCpuTrainer.Initialize(theta, layout, s, 1234);
        var scaler = Enumerable.Repeat(0.5, s.Dimension).ToArray();
        string text = NepTrainingOutputs.ModelText(s, (100, 100), theta, scaler);
        return NepModelReader.Read(new StringReader(text), "teacher");
    }

    internal static List<Frame> Label(NepModel teacher, List<Frame> frames)
    {
        var calculator = new NepCalculator(teacher, 1);
        foreach (var f in frames)
        {
            var r = calculator.Compute(f);
            f.Energy = r.Energy;
            f.Forces = r.Forces;
            f.Virial = r.Virial;
        }
        return frames;
    }

    [Fact]
    public void Writes_a_nep4_model_our_evaluator_reads_with_the_trainers_own_predictions()
    {
        string dir = Folder("model");
        var result = NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = dir, Seed = 5, Threads = 1 });
        Assert.Equal(60, result.Generation);
        var model = NepModelReader.Read(Path.Combine(dir, "nep.txt"));
        Assert.Equal(NepVersion.Nep4, model.Version);
        Assert.Equal(NepInputDefaults.ParameterCount(NepInput.Read(Path.Combine(dir, "nep.in"))), model.ParameterCount);
        Assert.Equal(result.Parameters, model.ParameterCount);

        // energy_train.out holds the nep.txt model's predictions (batch order = sorted by energy, round-robin).
        var frames = ExtXyzReader.ReadFrames(Path.Combine(dir, "train.xyz")).ToList();
        var calculator = new NepCalculator(model, 1);
        var energy = PredictionFile.Read(Path.Combine(dir, "energy_train.out"));
        var force = PredictionFile.Read(Path.Combine(dir, "force_train.out"));
        var virial = PredictionFile.Read(Path.Combine(dir, "virial_train.out"));
        Assert.Equal(frames.Count, energy.Rows);
        var order = frames.Select((f, i) => (f.EnergyPerAtom!.Value, i)).OrderBy(x => x.Value).Select(x => x.i).ToArray();
        var batches = new[] { order.Where((_, r) => r % 2 == 0), order.Where((_, r) => r % 2 == 1) }.SelectMany(b => b).ToArray();
        int atomRow = 0;
        for (int row = 0; row < batches.Length; row++)
        {
            var frame = frames[batches[row]];
            var r = calculator.Compute(frame);
            // The files hold C's %g: 6 significant digits.
            Close(r.Energy / frame.AtomCount, energy.Predicted[row]);
            Close(frame.EnergyPerAtom!.Value, energy.Target[row]);
            for (int i = 0; i < frame.AtomCount; i++, atomRow++)
            {
                for (int c = 0; c < 3; c++)
                    Close(r.Forces[3 * i + c], force.Predicted[3 * atomRow + c]);
            }
            Close(r.Virial.M00 / frame.AtomCount, virial.Predicted[6 * row]);
            Close(r.Virial.M01 / frame.AtomCount, virial.Predicted[6 * row + 3]);
        }
        var loss = LossFile.Read(Path.Combine(dir, "loss.out"));
        Assert.Equal([20.0, 40.0, 60.0], loss.Generations);
        Assert.True(loss.HasTest);
        Assert.True(File.Exists(Path.Combine(dir, "energy_test.out")));
    }

    static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 6e-6 * Math.Max(1e-3, Math.Abs(expected)), $"expected {expected:R}, found {actual:R}");

    [Fact]
    public void Training_lowers_the_error_and_is_the_same_for_one_and_two_threads()
    {
        string one = Folder("one"), two = Folder("two");
        var a = NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = one, Seed = 9, Threads = 1, Generations = 200 });
        var b = NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = two, Seed = 9, Threads = 2, Generations = 200 });
        Assert.Equal(File.ReadAllText(Path.Combine(one, "nep.txt")), File.ReadAllText(Path.Combine(two, "nep.txt")));
        var loss = LossFile.Read(Path.Combine(one, "loss.out"));
        var force = loss.Get("rmse_f_train")!.Values;
        Assert.True(force[^1] < 0.5 * force[0], $"force RMSE {force[0]} → {force[^1]}");
        Assert.Equal(a.Train.Force, b.Train.Force);
    }

    [Fact]
    public void The_loss_curve_can_be_drawn_against_wall_time()
    {
        string dir = Folder("time");
        NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = dir, Seed = 1, Threads = 1 });
        var minutes = NepCpuTrainer.ElapsedMinutes(Path.Combine(dir, NepCpuTrainer.TimeLogFile), [20, 40, 60]);
        Assert.Equal(3, minutes.Count);
        Assert.True(minutes[0] >= 0 && minutes[0] <= minutes[1] && minutes[1] <= minutes[2], string.Join(" ", minutes));
        string svg = _cli.PathOf("time.svg");
        var (code, _, err) = _cli.Run("plot", "loss", Path.Combine(dir, "loss.out"), "--time", "-o", svg);
        Assert.True(code == 0, err);
        Assert.Contains("wall time (min)", File.ReadAllText(svg), StringComparison.Ordinal);
        // GPUMD's own loss.out has no wall times: said plainly.
        File.Delete(Path.Combine(dir, NepCpuTrainer.TimeLogFile));
        var (bad, _, err2) = _cli.Run("plot", "loss", Path.Combine(dir, "loss.out"), "--time", "-o", svg);
        Assert.Equal(1, bad);
        Assert.Contains("logged by the CPU trainer", err2, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_seed_gives_a_different_model()
    {
        string a = Folder("s1"), b = Folder("s2");
        NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = a, Seed = 1, Threads = 1, Generations = 20 });
        NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = b, Seed = 2, Threads = 1, Generations = 20 });
        Assert.NotEqual(File.ReadAllText(Path.Combine(a, "nep.txt")), File.ReadAllText(Path.Combine(b, "nep.txt")));
    }

    [Fact]
    public void Killed_with_sigkill_and_rerun_gives_the_same_model_as_an_uninterrupted_run()
    {
        if (OperatingSystem.IsWindows())
            return;
        // Long enough that a kill lands (a run of 6000 steps takes a few seconds since the trainer's short-span loops).
        const string longer = "type 2 Si O\ncutoff 4.5 3.2\nn_max 3 2\nbasis_size 4 3\nl_max 4 2 1\nneuron 6\ngeneration 6000\noutput_interval 50\n";
        string straight = Folder("straight", longer), killed = Folder("killed", longer);
        var (code, _, err) = _cli.Run("nep", "train", straight, "--engine", "cpu", "--seed", "3", "--threads", "1");
        Assert.True(code == 0, err);

        string exe = Path.Combine(AppContext.BaseDirectory, "nepforge");
        int kills = 0;
        var random = new Random(7);
        for (int round = 0; round < 4; round++)
        {
            var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in new[] { "nep", "train", killed, "--engine", "cpu", "--seed", "3", "--threads", "1" })
                psi.ArgumentList.Add(arg);
            using var p = Process.Start(psi)!;
            _ = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(0.6 + 1.4 * random.NextDouble())))
            {
                Process.Start("kill", ["-KILL", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                p.WaitForExit();
                kills++;
            }
        }
        Assert.True(kills >= 1, "no kill landed: the run finished before it could be interrupted");
        var (again, _, err2) = _cli.Run("nep", "train", killed, "--engine", "cpu", "--seed", "3", "--threads", "1");
        Assert.True(again == 0, err2);
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "nep.txt")), File.ReadAllText(Path.Combine(killed, "nep.txt")));
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "loss.out")), File.ReadAllText(Path.Combine(killed, "loss.out")));
        Assert.Empty(Directory.GetFiles(killed, ".*.tmp"));
    }

    [Fact]
    public void A_checkpoint_of_another_run_is_refused_unless_fresh()
    {
        string dir = Folder("other");
        NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = dir, Seed = 1, Threads = 1, Generations = 20 });
        var e = Assert.Throws<InvalidOperationException>(() => NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = dir, Seed = 2, Threads = 1, Generations = 20 }));
        Assert.Contains("--fresh", e.Message, StringComparison.Ordinal);
        var fresh = NepCpuTrainer.Train(new NepCpuTrainingOptions { Directory = dir, Seed = 2, Threads = 1, Generations = 20, Fresh = true });
        Assert.False(fresh.Resumed);
    }

    [Theory]
    [InlineData("model_type 1", "model_type")]
    [InlineData("neuron 10 10", "two hidden layers")]
    [InlineData("fine_tune a.txt a.restart", "fine_tune")]
    [InlineData("charge_mode 1", "charge")]
    public void Keywords_the_cpu_engine_cannot_honour_are_refused_by_name(string line, string expected)
    {
        string dir = Folder("refuse", NepIn + line + "\n");
        var (code, _, err) = _cli.Run("nep", "train", dir, "--engine", "cpu", "--seed", "1");
        Assert.Equal(1, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Contains("nep.in:", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Population_is_reported_as_unused_not_silently_ignored()
    {
        string dir = Folder("population", NepIn + "population 60\n");
        var (code, _, err) = _cli.Run("nep", "train", dir, "--engine", "cpu", "--seed", "1", "--generations", "20");
        Assert.True(code == 0, err);
        Assert.Contains("'population 60' tunes GPUMD's evolution strategy", err, StringComparison.Ordinal);
        Assert.Contains("seed 1", err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_committee_trains_each_member_with_its_own_seed()
    {
        string dir = Folder("committee");
        var (code, stdout, err) = _cli.Run("nep", "train", dir, "--engine", "cpu", "--seed", "4", "--committee", "2", "--bootstrap", "--generations", "20");
        Assert.True(code == 0, err);
        Assert.Contains("(seed 5)", err, StringComparison.Ordinal);
        var m1 = NepModelReader.Read(Path.Combine(dir, "model-1", "nep.txt"));
        var m2 = NepModelReader.Read(Path.Combine(dir, "model-2", "nep.txt"));
        Assert.NotEqual(m1.Parameters, m2.Parameters);
        Assert.Equal(6, ExtXyzReader.ReadFrames(Path.Combine(dir, "model-2", "train.xyz")).Count());
        Assert.Contains(Path.Combine(dir, "model-2", "nep.txt"), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_count_of_the_pbte_example_is_gpumds_3033()
    {
        var s = NepTrainingSettings.FromInput(NepInput.Parse("type 2 Te Pb\ngeneration 20000\n"));
        Assert.Equal(3033, new NepParameterLayout(s).Count);
        Assert.Equal(42, s.Dimension);
        Assert.Equal(Math.Sqrt(3033e-6 / 2), s.Lambda1, 12);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-3.74744, "-3.74744")]
    [InlineData(0.0759645, "0.0759645")]
    [InlineData(-1e6, "-1e+06")]
    [InlineData(1.23456789e-5, "1.23457e-05")]
    [InlineData(123456.7, "123457")]
    [InlineData(0.5, "0.5")]
    public void Prediction_numbers_are_written_as_cs_percent_g(double value, string expected) =>
        Assert.Equal(expected, NepTrainingOutputs.G(value));
}

/// <summary>The CPU trainer's q_scaler and neighbour maxima against GPUMD's own PbTe run (nep_training.md §14).</summary>
public sealed class NepTrainingFixtureTests
{
    [FixtureFact]
    public void Q_scaler_and_neighbour_maxima_equal_gpumds_pbte_example()
    {
        var s = NepTrainingSettings.FromInput(NepInput.Read(Fixtures.Path("gpumd/nep_train/nep.in")));
        var frames = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/nep_train/train.xyz")).ToList();
        var structures = frames.Select((f, i) => NepTrainingStructure.Build(f, i, "train.xyz", s, null)).ToList();
        var engine = new NepTrainingEngine(s, structures, [], 2);
        var scaler = engine.QScaler();
        var gpumd = NepModelReader.Read(Fixtures.Path("nep/potentials/PbTe_NEP4_GPUMD_example.txt"));
        Assert.Equal(gpumd.QScaler.Count, scaler.Length);
        for (int d = 0; d < scaler.Length; d++)
        {
            // GPUMD computes in float32: 2e-6 relative is its precision (nep_training.md §14.2).
            Assert.True(Math.Abs(scaler[d] - gpumd.QScaler[d]) < 1e-5 * gpumd.QScaler[d], $"component {d}: {scaler[d]:R} vs GPUMD {gpumd.QScaler[d]:R}");
        }
        Assert.Equal((73, 8), engine.NeighborMaxima());
        Assert.Equal(gpumd.ParameterCount, engine.Layout.Count);
    }
}
