using BenchmarkDotNet.Attributes;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Bench;

/// <summary>In-memory extxyz read and write of a synthetic 64-frame × 256-atom labelled dataset (about 4 MB).</summary>
[MemoryDiagnoser]
public class ExtXyzBenchmarks
{
    byte[] _text = [];
    List<Frame> _frames = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var si = Elements.Get("Si");
        var o = Elements.Get("O");
        for (int f = 0; f < 64; f++)
        {
            int n = 256;
            var el = new Element[n];
            var pos = new double[3 * n];
            var force = new double[3 * n];
            for (int i = 0; i < n; i++)
            {
                el[i] = i % 3 == 0 ? si : o;
                for (int k = 0; k < 3; k++)
                {
                    pos[3 * i + k] = Math.Round(rng.NextDouble() * 15, 8);
                    force[3 * i + k] = Math.Round(rng.NextDouble() * 2 - 1, 8);
                }
            }
            _frames.Add(new Frame(el, pos, Lattice.Orthorhombic(15, 15, 15)) { Energy = -1000 - f, Forces = force, Virial = Mat3.Diagonal(1, 2, 3) });
        }
        _text = System.Text.Encoding.UTF8.GetBytes(ExtXyzWriter.WriteString(_frames));
    }

    [Benchmark]
    public int Read()
    {
        using var r = new ExtXyzReader(new MemoryStream(_text), "bench.xyz");
        int atoms = 0;
        while (r.TryRead(out var f))
            atoms += f.AtomCount;
        return atoms;
    }

    [Benchmark]
    public long Write()
    {
        using var w = new ExtXyzWriter(Stream.Null);
        foreach (var f in _frames)
            w.Write(f);
        return w.FramesWritten;
    }
}
