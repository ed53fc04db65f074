using System.Globalization;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;

namespace NepForge.Tests.Structures;

public class SupercellTests
{
    // A skewed 5-atom labelled frame: Si and O at random fractional positions, forces, energy, virial, velocities.
    static Frame Labelled(int seed = 3)
    {
        var rng = new Random(seed);
        var lattice = new Lattice(new Mat3(5.1, 0, 0, 1.3, 4.7, 0, -0.8, 0.9, 6.2));
        var el = new[] { "Si", "O", "O", "Si", "O" }.Select(Elements.Get).ToArray();
        var pos = new double[15];
        var force = new double[15];
        var vel = new double[15];
        for (int i = 0; i < 5; i++)
        {
            lattice.ToCartesian(new Vec3(rng.NextDouble(), rng.NextDouble(), rng.NextDouble())).Store(pos, i);
            for (int k = 0; k < 3; k++)
            {
                force[3 * i + k] = rng.NextDouble() - 0.5;
                vel[3 * i + k] = 0.01 * (rng.NextDouble() - 0.5);
            }
        }
        var f = new Frame(el, pos, lattice)
        {
            Energy = -31.25,
            Forces = force,
            Virial = new Mat3(1.5, 0.2, -0.1, 0.2, 2.5, 0.3, -0.1, 0.3, -0.7),
        };
        f.SetArray(PerAtomArray.Real("vel", 3, vel));
        f.Info.ConfigType = "aimd_300K";
        f.Info.Weight = 2;
        f.Info.SourceFile = "runs/300K/OUTCAR";
        f.Info.SourceIndex = 17;
        f.Info.SourceStep = 18;
        f.Info.EnergyKind = "free_energy";
        return f;
    }

    [Fact]
    public void Diagonal_repeat_scales_labels_tiles_forces_and_keeps_provenance()
    {
        var f = Labelled();
        var s = Supercell.Make(f, 2, 3, 1);
        Assert.Equal(30, s.AtomCount);
        Assert.Equal(-31.25 * 6, s.Energy);
        Assert.Equal(6 * f.Virial!.Value, s.Virial!.Value);
        Assert.True(Mat3.MaxAbsDifference(new Mat3(10.2, 0, 0, 3.9, 14.1, 0, -0.8, 0.9, 6.2), s.Lattice!.Matrix) < 1e-12);
        Assert.Equal(6 * f.Lattice!.Volume, s.Lattice.Volume, 9);
        for (int c = 0; c < 6; c++)
        {
            // Copies in ASE's repeat order: (0,0,0), (0,1,0), (0,2,0), (1,0,0), …; each copy = original + translation.
            var t = new Vec3(c / 3, c % 3, 0) * f.Lattice.Matrix;
            for (int i = 0; i < 5; i++)
            {
                int j = c * 5 + i;
                Assert.Same(f.Elements[i], s.Elements[j]);
                Assert.Equal(f.Force(i), s.Force(j));
                var expected = f.Position(i) + t;
                Assert.True((s.Position(j) - expected).Length < 1e-12, $"copy {c} atom {i}");
                Assert.Equal(f.Velocities![3 * i + 2], s.Velocities![3 * j + 2]);
            }
        }
        // The per-atom energy is intensive, the total force is 6× (every copy feels the same force).
        Assert.Equal(f.EnergyPerAtom!.Value, s.EnergyPerAtom!.Value, 12);
        Assert.Equal("aimd_300K", s.Info.ConfigType);
        Assert.Equal(2, s.Info.Weight);
        Assert.Equal("runs/300K/OUTCAR", s.Info.SourceFile);
        Assert.Equal(17, s.Info.SourceIndex);
        Assert.Equal(18, s.Info.SourceStep);
        Assert.Equal("free_energy", s.Info.EnergyKind);
        Assert.Equal("2 0 0 0 3 0 0 0 1", s.Info.GetExtra("supercell"));
        // The original is untouched.
        Assert.Equal(5, f.AtomCount);
        Assert.Equal(-31.25, f.Energy);
    }

    [Fact]
    public void Stress_is_unchanged_because_virial_and_volume_scale_together()
    {
        var f = Labelled();
        var s = Supercell.Make(f, 2, 2, 2);
        Assert.True(Mat3.MaxAbsDifference(f.StressGpa!.Value, s.StressGpa!.Value) < 1e-12);
    }

    public static TheoryData<string> Matrices => new()
    {
        "2 2 1",
        "1 1 0 -1 1 0 0 0 1",   // √2 × √2 rotated, det 2
        "0 1 0 1 0 0 0 0 1",    // a ↔ b: left-handed, det −1
        "2 1 0 0 1 1 1 0 2",    // det 5, every axis mixed
        "-1 0 0 0 -1 0 0 0 3",  // negative entries, det 3
    };

    [Theory]
    [MemberData(nameof(Matrices))]
    public void Any_matrix_gives_det_copies_and_the_same_structure(string spec)
    {
        var f = Labelled(11);
        var p = Supercell.ParseMatrix(spec);
        long copies = Supercell.Copies(p);
        var s = Supercell.Make(f, p);
        Assert.Equal(5 * copies, s.AtomCount);
        Assert.Equal(f.Energy!.Value * copies, s.Energy!.Value, 9);
        Assert.Equal(copies * f.Lattice!.Volume, s.Lattice!.Volume, 8);

        // Every supercell atom is an image of its original; no two supercell atoms are images of each other.
        for (int j = 0; j < s.AtomCount; j++)
        {
            var d = f.Lattice.ToFractional(s.Position(j) - f.Position(j % 5));
            Assert.True(Math.Abs(d.X - Math.Round(d.X)) < 1e-9 && Math.Abs(d.Y - Math.Round(d.Y)) < 1e-9 && Math.Abs(d.Z - Math.Round(d.Z)) < 1e-9);
            Assert.Equal(f.Force(j % 5), s.Force(j));
        }
        var wrapped = new HashSet<(long, long, long)>();
        for (int j = 0; j < s.AtomCount; j++)
        {
            var w = s.Lattice.ToFractional(s.Lattice.Wrap(s.Position(j)));
            Assert.True(wrapped.Add((Key(w.X), Key(w.Y), Key(w.Z))), $"atom {j} is a periodic image of another atom");
        }

        // The minimum distance (and the whole neighbour histogram within 4 Å, per atom) is unchanged.
        var before = NeighborSearch.ClosestPair(f, 6)!.Value.Distance;
        var after = NeighborSearch.ClosestPair(s, 6)!.Value.Distance;
        Assert.Equal(before, after, 9);
        Assert.Equal(copies * Coordination(f, 4.0), Coordination(s, 4.0));

        static long Key(double x) => (long)Math.Round((x - Math.Floor(x + 1e-7)) * 1e6);
    }

    // Sum over atoms of the number of neighbours (images included) within the cutoff.
    static long Coordination(Frame f, double cutoff)
    {
        long n = 0;
        NeighborSearch.ForEachPair(f, cutoff, _ => n += 2); // an atom's own image: at +t and −t, reported once
        return n;
    }

    [Fact]
    public void Min_distance_unchanged_in_a_cell_thinner_than_the_search()
    {
        // A 2.2 Å cubic cell of one atom: its closest "pair" is the atom and its own image.
        var f = new Frame([Elements.Get("Cu")], [0.3, 0.2, 0.1], Lattice.Orthorhombic(2.2, 2.5, 3.0)) { Energy = -3.5, Forces = [0.1, 0, 0] };
        var s = Supercell.Make(f, 3, 2, 2);
        Assert.Equal(12, s.AtomCount);
        Assert.Equal(2.2, NeighborSearch.ClosestPair(s)!.Value.Distance, 12);
        Assert.Equal(-42.0, s.Energy!.Value, 12);
    }

    [Fact]
    public void Free_energy_extra_scales_and_history_is_kept()
    {
        var f = ExtXyzReader.ReadString(
            "1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3 energy=-4.0 free_energy=-4.25 pbc=\"T T T\"\nAl 0 0 0\n")[0];
        var s = Supercell.Make(Supercell.Make(f, 2, 1, 1), 1, 1, 2);
        Assert.Equal(-16.0, s.Energy);
        Assert.Equal(-17.0, double.Parse(s.Info.GetExtra("free_energy")!, CultureInfo.InvariantCulture));
        Assert.Equal("2 0 0 0 1 0 0 0 1;1 0 0 0 1 0 0 0 2", s.Info.GetExtra("supercell"));
    }

    [Fact]
    public void Bad_matrices_and_frames_are_refused()
    {
        var f = Labelled();
        Assert.Throws<ArgumentException>(() => Supercell.Make(f, Supercell.ParseMatrix("1 0 0 2 0 0 0 0 1")));
        Assert.Throws<ArgumentException>(() => Supercell.Make(f, new int[2, 2]));
        Assert.Throws<FormatException>(() => Supercell.ParseMatrix("2 2"));
        Assert.Throws<FormatException>(() => Supercell.ParseMatrix("2 x 1"));
        var molecule = new Frame([Elements.Get("H")], [0, 0, 0], null);
        Assert.Throws<ArgumentException>(() => Supercell.Make(molecule, 2, 2, 2));
        var slab = new Frame([Elements.Get("H")], [0, 0, 0], new Lattice(Mat3.Diagonal(3, 3, 20), new Pbc(true, true, false)));
        Assert.Equal(4, Supercell.Make(slab, 2, 2, 1).AtomCount);
        Assert.Throws<ArgumentException>(() => Supercell.Make(slab, 1, 1, 2));
        Assert.Throws<ArgumentException>(() => Supercell.Make(slab, Supercell.ParseMatrix("1 0 1 0 1 0 0 0 1")));
        Assert.Equal(new Pbc(true, true, false), Supercell.Make(slab, 2, 1, 1).Lattice!.Pbc);
    }

    [AseFixtureFact]
    public void Same_atoms_in_the_same_order_as_ase_make_supercell()
    {
        var f = Labelled(5);
        string xyz = Path.Combine(Path.GetTempPath(), $"nepforge-supercell-{Guid.NewGuid():N}.xyz");
        try
        {
            File.WriteAllText(xyz, ExtXyzWriter.WriteString([f]));
            const string script = """
                import sys, numpy as np
                from ase.io import read
                from ase.build import make_supercell
                a = read(sys.argv[1])
                for p in (np.diag([2, 1, 3]), np.array([[1, 1, 0], [-1, 1, 0], [0, 0, 1]])):
                    s = make_supercell(a, p)
                    print(len(s), ' '.join('%.10f' % x for x in s.cell.array.ravel()))
                    for sym, q in zip(s.get_chemical_symbols(), s.get_scaled_positions(wrap=True)):
                        print(sym, ' '.join('%.10f' % x for x in q))
                """;
            var (code, output, err) = Ase.Run(script, [xyz]);
            Assert.True(code == 0, err);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            int at = 0;
            foreach (var spec in new[] { "2 1 3", "1 1 0 -1 1 0 0 0 1" })
            {
                var s = Supercell.Make(f, Supercell.ParseMatrix(spec));
                var head = lines[at++].Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                Assert.Equal(s.AtomCount, (int)head[0]);
                Assert.True(Mat3.MaxAbsDifference(Mat3.FromRowMajor(head.AsSpan(1)), s.Lattice!.Matrix) < 1e-9);
                // Compared as sets of wrapped fractional positions per species, which holds whatever the order.
                var ase = new List<string>();
                var ours = new List<string>();
                for (int j = 0; j < s.AtomCount; j++)
                {
                    var t = lines[at++].Split(' ');
                    var q = t.Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                    ase.Add(Key(t[0], new Vec3(q[0], q[1], q[2])));
                    var w = s.Lattice.ToFractional(s.Lattice.Wrap(s.Position(j)));
                    ours.Add(Key(s.Elements[j].Symbol, w));
                }
                ase.Sort(StringComparer.Ordinal);
                ours.Sort(StringComparer.Ordinal);
                Assert.Equal(ase, ours);
            }
        }
        finally
        {
            File.Delete(xyz);
        }

        static string Key(string symbol, Vec3 q)
        {
            static string C(double x)
            {
                double v = Math.Round(x - Math.Floor(x), 6);
                return (v >= 1 ? 0 : v).ToString("F6", CultureInfo.InvariantCulture);
            }
            return $"{symbol} {C(q.X)} {C(q.Y)} {C(q.Z)}";
        }
    }
}
