using NepForge.Sampling.Analysis;
using NepForge.Structures;

namespace NepForge.Tests.Sampling.Analysis;

public class RdfTests
{
    static ElementPair Pair(string text) => ElementPair.Parse(text);

    // A cubic crystal: conventional cell with the given fractional basis, repeated n×n×n.
    static Frame Crystal(string symbol, double a, double[][] basis, int n)
    {
        var el = Elements.Get(symbol);
        var elements = new List<Element>();
        var pos = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++)
                    foreach (var b in basis)
                    {
                        elements.Add(el);
                        pos.AddRange([(i + b[0]) * a, (j + b[1]) * a, (k + b[2]) * a]);
                    }
        return new Frame([.. elements], [.. pos], Lattice.Orthorhombic(n * a, n * a, n * a));
    }

    static readonly double[][] Fcc = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
    static readonly double[][] Diamond = [.. Fcc, .. Fcc.Select(b => new[] { b[0] + 0.25, b[1] + 0.25, b[2] + 0.25 })];

    // ∫ g ρ 4πr² dr from 0 to rCut with the bin centre rule, ρ = N/V.
    static double Integrate(PairDistribution rdf, ElementPair pair, double density, double rCut)
    {
        var g = rdf.G(pair);
        double sum = 0;
        for (int k = 0; k < rdf.Bins && (k + 1) * rdf.BinWidth <= rCut + 1e-12; k++)
        {
            double r = rdf.BinCentre(k);
            sum += g[k] * density * 4 * Math.PI * r * r * rdf.BinWidth;
        }
        return sum;
    }

    static int PeakBin(double[] g) => Array.IndexOf(g, g.Max());

    [Theory]
    [InlineData(1)] // one conventional cell: thinner than r_max, every image counted
    [InlineData(3)]
    public void Fcc_copper_has_12_neighbours_at_a_over_root_2(int n)
    {
        const double a = 3.615;
        var f = Crystal("Cu", a, Fcc, n);
        var rdf = new PairDistribution(6.0, 240);
        rdf.Add(f);
        var cu = Pair("Cu-Cu");
        Assert.Equal([cu], rdf.Pairs);
        var g = rdf.G(cu);
        double nn = a / Math.Sqrt(2); // 2.556 Å
        Assert.Equal(nn, rdf.BinCentre(PeakBin(g)), rdf.BinWidth / 2 + 1e-12);
        Assert.Equal(rdf.BinCentre(PeakBin(g)), rdf.FirstPeak(cu)!.Value.R);
        double rho = f.AtomCount / f.Lattice!.Volume;
        // First minimum: between the shells at a/√2 and a (g = 0 there).
        Assert.Equal(12, Integrate(rdf, cu, rho, 3.0), 0.01);
        Assert.Equal(12 + 6, Integrate(rdf, cu, rho, 3.7), 0.02);
        var cn = rdf.Coordination(cu);
        Assert.Equal(12, cn[(int)(3.0 / rdf.BinWidth) - 1], 12);
        Assert.Equal(0, cn[(int)(2.5 / rdf.BinWidth) - 1]);
        Assert.Equal(nn, rdf.MinDistance(cu)!.Value, 1e-9);
    }

    [Fact]
    public void Diamond_silicon_has_4_neighbours_at_a_root_3_over_4()
    {
        const double a = 5.431;
        var f = Crystal("Si", a, Diamond, 2);
        var rdf = new PairDistribution(6.0, 120, [Pair("Si-Si")]);
        rdf.Add(f);
        var si = Pair("Si-Si");
        double nn = a * Math.Sqrt(3) / 4; // 2.3517 Å
        // The highest g is the 12-atom shell at a/√2 (g ∝ count / r²); the first peak is the bond.
        Assert.Equal(nn, rdf.FirstPeak(si)!.Value.R, rdf.BinWidth / 2 + 1e-12);
        double rho = f.AtomCount / f.Lattice!.Volume;
        Assert.Equal(4, Integrate(rdf, si, rho, 3.0), 0.01);     // first minimum before a/√2 = 3.84 Å
        Assert.Equal(4 + 12, Integrate(rdf, si, rho, 4.0), 0.02);
        Assert.Equal(4, rdf.Coordination(si)[(int)(3.0 / rdf.BinWidth) - 1], 12);
        // 64 atoms × 4 bonds / 2: every bond counted once in n.
        Assert.Equal(128, rdf.Counts(si).Take((int)(3.0 / rdf.BinWidth)).Sum());
    }

    [Fact]
    public void Ideal_gas_gives_g_of_one()
    {
        // 5 frames × 2000 uniform random atoms in a 30 Å cube (streaming over frames, different seeds).
        var rdf = new PairDistribution(6.0, 12);
        var ar = Elements.Get("Ar");
        for (int s = 0; s < 5; s++)
        {
            var rng = new Random(100 + s);
            var pos = new double[3 * 2000];
            for (int i = 0; i < pos.Length; i++)
                pos[i] = rng.NextDouble() * 30;
            rdf.Add(new Frame(Enumerable.Repeat(ar, 2000).ToArray(), pos, Lattice.Orthorhombic(30, 30, 30)));
        }
        Assert.Equal(5, rdf.Frames);
        var g = rdf.G(Pair("Ar-Ar"));
        for (int k = 2; k < rdf.Bins; k++) // r > 1 Å
            Assert.InRange(g[k], 0.93, 1.07);
        // Bins from 2 to 6 Å hold ≥ 10⁴ pairs each: within 3 %.
        for (int k = 4; k < rdf.Bins; k++)
            Assert.InRange(g[k], 0.97, 1.03);
        Assert.InRange(g.Skip(4).Average(), 0.99, 1.01);
    }

    [Fact]
    public void Unlike_pairs_use_the_density_of_the_other_species_and_are_symmetric()
    {
        // Rock salt NaCl: each Na has 6 Cl at a/2 and 12 Na at a/√2.
        const double a = 5.64;
        var na = Elements.Get("Na");
        var cl = Elements.Get("Cl");
        var elements = new List<Element>();
        var pos = new List<double>();
        foreach (var b in Fcc)
        {
            elements.Add(na);
            pos.AddRange(b.Select(x => x * a));
            elements.Add(cl);
            pos.AddRange(b.Select((x, i) => (x + (i == 0 ? 0.5 : 0)) * a));
        }
        var f = new Frame([.. elements], [.. pos], Lattice.Orthorhombic(a, a, a));
        var rdf = new PairDistribution(5.0, 100, [Pair("Na-Cl"), Pair("Cl-Na"), Pair("Na-Na")]);
        rdf.Add(f);
        double rhoCl = 4 / f.Lattice!.Volume;
        Assert.Equal(6, Integrate(rdf, Pair("Na-Cl"), rhoCl, 3.5), 0.01);
        Assert.Equal(rdf.G(Pair("Na-Cl")), rdf.G(Pair("Cl-Na")));
        Assert.Equal(6, rdf.Coordination(Pair("Cl-Na"))[69], 12);
        Assert.Equal(12, Integrate(rdf, Pair("Na-Na"), 4 / f.Lattice.Volume, 4.5), 0.02);
        Assert.Equal(a / 2, rdf.MinDistance(Pair("Na-Cl"))!.Value, 1e-9);
        Assert.Equal(["Na-Cl", "Cl-Na", "Na-Na"], rdf.Pairs.Select(p => p.Label));
    }

    static Frame WaterLattice(int n, double spacing)
    {
        Assert.True(Molecule.TryGetBuiltin("H2O", out var w));
        var elements = new List<Element>();
        var pos = new List<double>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++)
                    for (int a = 0; a < 3; a++)
                    {
                        elements.Add(w.Elements[a]);
                        var p = w.Position(a);
                        pos.AddRange([p.X + i * spacing + 1, p.Y + j * spacing + 1, p.Z + k * spacing + 1]);
                    }
        return new Frame([.. elements], [.. pos], Lattice.Orthorhombic(n * spacing, n * spacing, n * spacing));
    }

    [Fact]
    public void Water_partials_from_a_regular_lattice()
    {
        var f = WaterLattice(4, 3.3);
        var rdf = new PairDistribution(3.0, 60, [Pair("O-H"), Pair("H-H")]);
        rdf.Add(f);
        var oh = Pair("O-H");
        var hh = Pair("H-H");
        Assert.Equal(0.9572, rdf.MinDistance(oh)!.Value, 1e-9);
        Assert.Equal(2 * 0.9572 * Math.Sin(104.52 / 2 * Math.PI / 180), rdf.MinDistance(hh)!.Value, 1e-9);
        var noh = rdf.Counts(oh);
        Assert.Equal(128, noh[(int)(0.9572 / rdf.BinWidth)]); // 64 molecules × 2 bonds
        Assert.Equal(2, rdf.Coordination(oh)[(int)(1.2 / rdf.BinWidth)], 12);
        Assert.Equal(1, rdf.Coordination(Pair("H-O"))[(int)(1.2 / rdf.BinWidth)], 12);
        Assert.Equal(64, rdf.Counts(hh).Take((int)(1.6 / rdf.BinWidth)).Sum());
    }

    [PackmolFact]
    public void Water_partials_from_a_packmol_box()
    {
        Assert.True(Molecule.TryGetBuiltin("H2O", out var w));
        var box = BoxBuilder.Build(new BoxBuildOptions { Species = [new(w, 64)], Density = 1.0, Seed = 21 }).Frame;
        var rdf = new PairDistribution(6.0, 120);
        rdf.Add(box);
        Assert.Equal(["H-H", "H-O", "O-O"], rdf.Pairs.Select(p => p.Label));
        var oh = Pair("O-H");
        // The bond peak: every O has exactly 2 H within 1.2 Å, every H one O.
        Assert.Equal(0.957, rdf.MinDistance(oh)!.Value, 1e-3);
        Assert.Equal(0.975, rdf.FirstPeak(oh)!.Value.R, 1e-9); // bin [0.95, 1.0)
        Assert.Equal(2, rdf.Coordination(oh)[23], 12);
        Assert.Equal(1, rdf.Coordination(Pair("H-O"))[23], 12);
        // Intramolecular H–H at 1.514 Å, then nothing closer than the tolerance's fraction between molecules.
        var hh = rdf.Counts(Pair("H-H"));
        Assert.Equal(64, hh.Take(31).Sum()); // r < 1.55 Å
        Assert.Equal(0, hh.Take(30).Sum());
        Assert.True(rdf.MinDistance(Pair("O-O")) >= 1.4);
        // g_OO tends to 1 at long range (64 molecules: loose).
        var goo = rdf.G(Pair("O-O"));
        Assert.InRange(goo.Skip(100).Average(), 0.7, 1.3);
    }

    [Fact]
    public void Frames_without_a_cell_count_distances_but_have_no_g()
    {
        var h = Elements.Get("H");
        var rdf = new PairDistribution(2.0, 4);
        rdf.Add(new Frame([h, h], [0, 0, 0, 0, 0, 0.7414], null));
        Assert.Equal(1, rdf.Frames);
        Assert.Equal(0, rdf.PeriodicFrames);
        Assert.Equal([0L, 1, 0, 0], rdf.Counts(Pair("H-H")));
        Assert.All(rdf.G(Pair("H-H")), v => Assert.True(double.IsNaN(v)));
        Assert.Equal(1, rdf.Coordination(Pair("H-H"))[1], 12);
        var csv = new StringWriter();
        rdf.WriteCsv(csv);
        Assert.Equal("r,g_H-H,n_H-H,cn_H-H\n0.25,nan,0,0\n0.75,nan,1,1\n1.25,nan,0,1\n1.75,nan,0,1\n", csv.ToString());
    }

    [Fact]
    public void Pair_parsing()
    {
        Assert.Equal("O-H", Pair(" O-H ").Label);
        Assert.Equal("O-H", Pair("O:H").Label);
        Assert.Throws<FormatException>(() => Pair("OH"));
        Assert.Throws<FormatException>(() => Pair("O-Xx"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairDistribution(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairDistribution(6, 0));
    }
}
