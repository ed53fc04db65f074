using System.Diagnostics;
using NepForge.Dft.Cp2k;
using NepForge.Formats.Cp2k;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Workflow;

/// <summary>
/// The stand-in engine the workflow tests rely on: its outputs, read by the real CP2K parser, are one potential
/// (forces = −∂E/∂r, virial = −∂E/∂ε with the pressure sign) and the same bytes on every run. A unit slip in the
/// script (Ha, bohr, GPa) would break these identities.
/// </summary>
public sealed class FakeDftEngineTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "nepforge-fake-dft-" + Guid.NewGuid().ToString("N"));
    readonly FakeDftEngine _engine;
    int _jobs;

    public FakeDftEngineTests() => _engine = FakeDftEngine.Install(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Diamond Si8 in a sheared cell, every atom moved a little off its site (so forces and shear stress are not zero).
    static Frame Structure()
    {
        string start = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/quickstart/start.xyz"));
        var frame = ExtXyzReader.ReadFrames(start).Single().Clone();
        frame.Lattice = new Lattice(new Vec3(5.431, 0, 0), new Vec3(0.3, 5.431, 0), new Vec3(0.2, -0.1, 5.431));
        for (int i = 0; i < frame.Positions.Length; i++)
            frame.Positions[i] += 0.08 * Math.Sin(1.7 * i + 0.3);
        return frame;
    }

    // Runs the fake in a fresh job folder written by the real input writer; returns the folder and the parsed labels.
    (string Folder, Frame Labelled) Label(Frame frame)
    {
        string folder = Path.Combine(_dir, "job" + _jobs++);
        Directory.CreateDirectory(folder);
        Cp2kInputWriter.Write(Path.Combine(folder, Cp2kRunner.DefaultInputName), frame);
        var psi = new ProcessStartInfo(_engine.Executable) { WorkingDirectory = folder, UseShellExecute = false };
        foreach (string a in new[] { "-i", Cp2kRunner.DefaultInputName, "-o", Cp2kRunner.DefaultLogName })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        var result = Cp2kOutputParser.Parse(frame, folder);
        Assert.Equal(Cp2kRunState.Converged, result.Status.State);
        return (folder, result.Frame!);
    }

    static Frame Strained(Frame frame, int a, int b, double eps)
    {
        // Row vectors: r' = r (I + ε), for the cell rows and the positions alike.
        var strained = frame.Clone();
        double[] m = frame.Lattice!.Matrix.ToArray();
        var rows = new double[9];
        for (int row = 0; row < 3; row++)
        {
            for (int c = 0; c < 3; c++)
                rows[3 * row + c] = m[3 * row + c] + (c == b ? eps * m[3 * row + a] : 0);
        }
        strained.Lattice = new Lattice(Mat3.FromRowMajor(rows));
        for (int i = 0; i < frame.AtomCount; i++)
            strained.Positions[3 * i + b] += eps * frame.Positions[3 * i + a];
        return strained;
    }

    [UnixFact]
    public void Its_forces_are_minus_the_energy_gradient_and_its_virial_minus_the_strain_derivative()
    {
        var frame = Structure();
        var (_, labelled) = Label(frame);
        double energy = labelled.Energy!.Value;
        Assert.True(energy < 0, $"E = {energy} eV: the atoms sit near the Morse minimum, so the energy is negative");
        double[] forces = labelled.Forces!;
        Assert.Contains(forces, f => Math.Abs(f) > 0.01);
        for (int k = 0; k < 3; k++)
            Assert.Equal(0, Enumerable.Range(0, frame.AtomCount).Sum(i => forces[3 * i + k]), 1e-12); // pair forces cancel

        const double H = 1e-4;
        foreach (int atom in new[] { 0, 5 })
        {
            for (int k = 0; k < 3; k++)
            {
                var plus = frame.Clone();
                plus.Positions[3 * atom + k] += H;
                var minus = frame.Clone();
                minus.Positions[3 * atom + k] -= H;
                double gradient = (Label(plus).Labelled.Energy!.Value - Label(minus).Labelled.Energy!.Value) / (2 * H);
                Assert.Equal(-gradient, forces[3 * atom + k], 1e-6);
            }
        }
        var virial = labelled.Virial!.Value;
        Assert.True(Math.Abs(virial[0, 1]) > 1e-3, $"shear virial {virial[0, 1]} eV: the sheared cell should carry some");
        foreach (var (a, b) in new[] { (0, 0), (1, 1), (2, 2), (0, 1), (2, 1) })
        {
            double derivative = (Label(Strained(frame, a, b, H)).Labelled.Energy!.Value - Label(Strained(frame, a, b, -H)).Labelled.Energy!.Value) / (2 * H);
            Assert.Equal(-derivative, virial[a, b], 1e-5);
        }
    }

    [UnixFact]
    public void The_same_input_gives_the_same_output_bytes()
    {
        var (first, _) = Label(Structure());
        var (second, _) = Label(Structure());
        foreach (string file in new[] { Cp2kRunner.DefaultLogName, Cp2kInputWriter.ForcesFile, Cp2kInputWriter.StressFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, file)), File.ReadAllBytes(Path.Combine(second, file)));
    }
}
