using NepForge.Structures;

namespace NepForge.Tests.Structures;

public class FrameTests
{
    static Element E(string s) => Elements.Get(s);

    /// <summary>Te, Pb, Te, Pb, Pb with distinct positions, forces, velocities, tags and a full info block.</summary>
    static Frame Sample()
    {
        var elements = new[] { E("Te"), E("Pb"), E("Te"), E("Pb"), E("Pb") };
        var positions = new double[15];
        var forces = new double[15];
        for (int i = 0; i < 15; i++)
        {
            positions[i] = 0.1 * i + 0.05;
            forces[i] = -0.01 * i;
        }
        var f = new Frame(elements, positions, Lattice.Orthorhombic(6.5, 6.5, 6.5))
        {
            Energy = -20.5,
            Forces = forces,
            Virial = new Mat3(1, 0.1, 0.2, 0.1, 2, 0.3, 0.2, 0.3, 3),
        };
        f.SetArray(PerAtomArray.Real("vel", 3, [.. Enumerable.Range(0, 15).Select(i => 1000.0 + i)]));
        f.SetArray(PerAtomArray.Integer("tag", 1, [10, 11, 12, 13, 14]));
        f.SetArray(PerAtomArray.String("label", 1, ["a", "b", "c", "d", "e"]));
        f.SetArray(PerAtomArray.Logical("fix", 3, [.. Enumerable.Range(0, 15).Select(i => i % 2 == 0)]));
        f.Info.ConfigType = "aimd_300K";
        f.Info.Weight = 2.5;
        f.Info.SourceFile = "OUTCAR";
        f.Info.SourceIndex = 7;
        f.Info.SourceStep = 70;
        f.Info.EnergyKind = "free_energy";
        f.Info.Seed = 99;
        f.Info.SetExtra("pbc_note", "x");
        return f;
    }

    [Fact]
    public void CompositionAndFormulaInOrderOfFirstAppearance()
    {
        var f = Sample();
        var comp = f.Composition();
        Assert.Equal(2, comp.Count);
        Assert.Equal(("Te", 2), (comp[0].Element.Symbol, comp[0].Count));
        Assert.Equal(("Pb", 3), (comp[1].Element.Symbol, comp[1].Count));
        Assert.Equal("Te2Pb3", f.Formula);

        var water = new Frame([E("O"), E("H"), E("H")], new double[9], null);
        Assert.Equal("OH2", water.Formula);
        var single = new Frame([E("Si")], new double[3], null);
        Assert.Equal("Si", single.Formula);
        var empty = new Frame([], [], null);
        Assert.Equal("", empty.Formula);
        Assert.Empty(empty.Composition());
    }

    [Fact]
    public void ConstructorAndForcesValidateLengths()
    {
        Assert.Throws<ArgumentException>(() => new Frame([E("Si")], new double[4], null));
        var f = new Frame([E("Si"), E("Si")], new double[6], null);
        Assert.Throws<ArgumentException>(() => f.Forces = new double[3]);
        Assert.Throws<ArgumentException>(() => f.SetArray(PerAtomArray.Real("q", 1, [1.0])));
        f.Forces = [1, 2, 3, 4, 5, 6];
        Assert.Equal(new Vec3(4, 5, 6), f.Force(1));
        Assert.True(f.HasLabels);
        f.ClearLabels();
        Assert.False(f.HasLabels);
        Assert.Null(f.Forces);
        Assert.Throws<InvalidOperationException>(() => f.Force(0));
    }

    [Fact]
    public void SelectAtomsKeepsEverythingInTheGivenOrder()
    {
        var f = Sample();
        int[] pick = [4, 0, 2];
        var s = f.SelectAtoms(pick);
        Assert.Equal(3, s.AtomCount);
        Assert.Equal(["Pb", "Te", "Te"], s.Elements.Select(e => e.Symbol));
        Assert.Equal("PbTe2", s.Formula);
        for (int i = 0; i < pick.Length; i++)
        {
            Assert.Equal(f.Position(pick[i]), s.Position(i));
            Assert.Equal(f.Force(pick[i]), s.Force(i));
        }
        Assert.Equal([12.0 * 0.1 + 0.05, 13 * 0.1 + 0.05, 14 * 0.1 + 0.05], s.Positions.AsSpan(0, 3).ToArray());
        Assert.Equal([1012.0, 1013, 1014, 1000, 1001, 1002, 1006, 1007, 1008], s.GetArray("vel")!.Reals!);
        Assert.Equal([1012.0, 1013, 1014, 1000, 1001, 1002, 1006, 1007, 1008], s.Velocities!);
        Assert.Equal([14L, 10, 12], s.GetArray("TAG")!.Integers!);
        Assert.Equal(["e", "a", "c"], s.GetArray("label")!.Strings!);
        // fix[i] = (i even): atom 4 → 12,13,14; atom 0 → 0,1,2; atom 2 → 6,7,8.
        Assert.Equal([true, false, true, true, false, true, true, false, true], s.GetArray("fix")!.Logicals!);
        Assert.Equal(["vel", "tag", "label", "fix"], s.Arrays.Select(a => a.Name));
        Assert.Equal(f.Energy, s.Energy);
        Assert.Equal(f.Virial, s.Virial);
        Assert.Same(f.Lattice, s.Lattice);
        Assert.True(f.Info.ContentEquals(s.Info));
        Assert.NotSame(f.Info, s.Info);

        // A copy: changing the selection leaves the original alone.
        s.Positions[0] = 123;
        s.Forces![0] = 123;
        s.GetArray("vel")!.Reals![0] = 123;
        Assert.Equal(12 * 0.1 + 0.05, f.Positions[12]);
        Assert.Equal(-0.12, f.Forces![12]);
        Assert.Equal(1012.0, f.GetArray("vel")!.Reals![12]);

        // Without forces.
        var noForces = Sample();
        noForces.Forces = null;
        Assert.Null(noForces.SelectAtoms([1]).Forces);
    }

    [Fact]
    public void CloneIsDeep()
    {
        var f = Sample();
        var c = f.Clone();
        Assert.True(f.ContentEquals(c));
        Assert.True(c.ContentEquals(f));
        Assert.NotSame(f.Positions, c.Positions);
        Assert.NotSame(f.Forces, c.Forces);
        Assert.NotSame(f.Elements, c.Elements);
        Assert.NotSame(f.Info, c.Info);
        Assert.NotSame(f.Arrays[0], c.Arrays[0]);
        Assert.NotSame(f.Arrays[0].Reals, c.Arrays[0].Reals);

        c.Positions[3] += 1;
        c.Forces![3] += 1;
        c.GetArray("vel")!.Reals![0] = -1;
        c.GetArray("tag")!.Integers![0] = -1;
        c.GetArray("label")!.Strings![0] = "z";
        c.GetArray("fix")!.Logicals![0] = false;
        c.Info.ConfigType = "changed";
        c.Info.SetExtra("pbc_note", "y");
        c.Elements[0] = E("Si");
        c.Energy = 0;

        var fresh = Sample();
        Assert.True(f.ContentEquals(fresh)); // the original did not change
        Assert.Equal("aimd_300K", f.Info.ConfigType);
        Assert.Equal("x", f.Info.GetExtra("PBC_NOTE"));
        Assert.Equal(1000.0, f.GetArray("vel")!.Reals![0]);
        Assert.False(f.ContentEquals(c));
    }

    [Fact]
    public void ContentEqualsDetectsSmallestChanges()
    {
        var f = Sample();

        var c = f.Clone();
        c.Positions[7] = Math.BitIncrement(c.Positions[7]);
        Assert.False(f.ContentEquals(c));
        Assert.False(c.ContentEquals(f));

        c = f.Clone();
        c.Forces![14] = Math.BitDecrement(c.Forces[14]);
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Energy = Math.BitIncrement(-20.5);
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Virial = f.Virial!.Value with { M21 = Math.BitIncrement(0.3) };
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Forces = null;
        Assert.False(f.ContentEquals(c));
        Assert.False(c.ContentEquals(f));

        c = f.Clone();
        c.Lattice = c.Lattice!.WithPbc(new Pbc(true, true, false));
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Lattice = null;
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.GetArray("vel")!.Reals![5] = Math.BitIncrement(c.GetArray("vel")!.Reals![5]);
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Arrays.RemoveAt(3);
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Info.Weight = 2.5000000000000004;
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Info.SetExtra("another", "1");
        Assert.False(f.ContentEquals(c));

        c = f.Clone();
        c.Elements[1] = E("Te");
        Assert.False(f.ContentEquals(c));

        // An equal lattice that is a different object is still equal.
        c = f.Clone();
        c.Lattice = Lattice.Orthorhombic(6.5, 6.5, 6.5);
        Assert.True(f.ContentEquals(c));
    }

    [Fact]
    public void StressFromVirialInTenAngstromCube()
    {
        var f = new Frame([E("Si")], new double[3], Lattice.Orthorhombic(10, 10, 10))
        {
            Virial = Mat3.Diagonal(1.0, 1.0, 1.0),
        };
        // 1 eV / 1000 Å³ = 1e-3 eV/Å³ = 0.1602176634 GPa.
        var s = f.StressGpa!.Value;
        Assert.Equal(0.1602176634, s.M00, 1e-15);
        Assert.Equal(0.1602176634, s.M11, 1e-15);
        Assert.Equal(0.1602176634, s.M22, 1e-15);
        Assert.Equal(0.0, s.M01);
        var ase = f.AseStress!.Value;
        Assert.Equal(-1e-3, ase.M00, 1e-18);
        Assert.Equal(-1e-3, ase.M22, 1e-18);
        Assert.Equal(0.0, ase.M12);

        // Off-diagonal terms scale the same way.
        f.Virial = new Mat3(0, 2, 0, 2, 0, -0.5, 0, -0.5, 0);
        Assert.Equal(2 * 0.1602176634, f.StressGpa!.Value.M01, 1e-15);
        Assert.Equal(-0.5 * 0.1602176634, f.StressGpa!.Value.M21, 1e-15);
        Assert.Equal(5e-4, f.AseStress!.Value.M12, 1e-18);

        Assert.Equal(160.2176634, Units.EvPerA3ToGpa, 1e-12);
        Assert.Equal(1 / 1602.176634, Units.KBarToEvPerA3, 1e-18);
    }

    [Fact]
    public void StressMatchesVaspKBar()
    {
        // VASP OUTCAR: "in kB  -32.54257 …" with volume 957.93 Å³ and "Total" virial XX −19.45689 eV.
        const double inKb = -32.54257, volume = 957.93, virialXx = -19.45689;
        Assert.Equal(virialXx, inKb * volume / 1602.176634, 1e-3);
        Assert.Equal(virialXx, inKb * volume * Units.KBarToEvPerA3, 1e-3);

        double side = Math.Cbrt(volume);
        var f = new Frame([E("Si")], new double[3], Lattice.Orthorhombic(side, side, side))
        {
            Virial = Mat3.Diagonal(virialXx, 0, 0),
        };
        Assert.Equal(volume, f.Lattice!.Volume, 1e-9);
        // Pressure-sign stress in GPa = "in kB" / 10.
        Assert.Equal(inKb / 10, f.StressGpa!.Value.M00, 1e-4);
        // ASE stress = −virial / V, in eV/Å³.
        Assert.Equal(-virialXx / volume, f.AseStress!.Value.M00, 1e-15);
        Assert.Equal(-inKb * Units.KBarToEvPerA3, f.AseStress!.Value.M00, 1e-6);
    }

    [Fact]
    public void StressNeedsVirialAndCell()
    {
        var noCell = new Frame([E("Si")], new double[3], null) { Virial = Mat3.Identity };
        Assert.Null(noCell.StressGpa);
        Assert.Null(noCell.AseStress);
        var noVirial = new Frame([E("Si")], new double[3], Lattice.Orthorhombic(2, 2, 2));
        Assert.Null(noVirial.StressGpa);
        Assert.Null(noVirial.AseStress);
    }

    [Fact]
    public void EnergyPerAtomAndArrays()
    {
        var f = Sample();
        Assert.Equal(-4.1, f.EnergyPerAtom!.Value, 1e-15);
        f.Energy = null;
        Assert.Null(f.EnergyPerAtom);

        // SetArray replaces by name ignoring case, keeping the position.
        f.SetArray(PerAtomArray.Integer("TAG", 1, [1, 2, 3, 4, 5]));
        Assert.Equal(4, f.Arrays.Count);
        Assert.Equal("TAG", f.Arrays[1].Name);
        Assert.Equal([1L, 2, 3, 4, 5], f.GetArray("tag")!.Integers!);
        Assert.Null(f.GetArray("missing"));

        // Velocities only for a real array of width 3.
        var g = new Frame([E("H")], new double[3], null);
        Assert.Null(g.Velocities);
        g.SetArray(PerAtomArray.Real("velo", 1, [1.0]));
        Assert.Null(g.Velocities);
        var h = new Frame([E("H")], new double[3], null);
        h.SetArray(PerAtomArray.Integer("vel", 3, [1, 2, 3]));
        Assert.Null(h.Velocities);
        h = new Frame([E("H")], new double[3], null);
        h.SetArray(PerAtomArray.Real("Velocities", 3, [1.0, 2, 3]));
        Assert.Equal([1.0, 2, 3], h.Velocities!);
    }

    [Fact]
    public void FrameInfoExtraKeys()
    {
        var info = new FrameInfo();
        info.SetExtra("Key", "1");
        info.SetExtra("other", "2");
        info.SetExtra("KEY", "3");
        Assert.Equal(2, info.Extra.Count);
        Assert.Equal(new KeyValuePair<string, string>("KEY", "3"), info.Extra[0]);
        Assert.Equal("3", info.GetExtra("key"));
        Assert.True(info.RemoveExtra("key"));
        Assert.False(info.RemoveExtra("key"));
        Assert.Null(info.GetExtra("Key"));
        Assert.Equal("2", info.GetExtra("OTHER"));
    }
}
