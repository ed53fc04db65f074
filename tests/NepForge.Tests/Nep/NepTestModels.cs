using System.Globalization;
using System.Text;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Tests.Nep;

/// <summary>Small random nep.txt models of every kind, and random structures, for tests that need no fixtures.</summary>
static class NepTestModels
{
    /// <summary>Header lines and parameter counts of a model kind; the body is random.</summary>
    public sealed record Kind(string Name, string Token, string[] Species, string? Zbl, string Cutoff, string LMax, int NMaxR = 2, int NMaxA = 2,
        int BasisR = 3, int BasisA = 3, int Neurons = 4);

    public static readonly Kind[] Kinds =
    [
        new("nep3", "nep3", ["Si", "O"], null, "cutoff 4.2 3.6 50 20", "l_max 4 2 1"),
        new("nep4", "nep4", ["Si", "O"], null, "cutoff 4.2 3.6 50 20", "l_max 4 2 0"),
        new("nep5", "nep5", ["Si", "O"], null, "cutoff 4.2 3.6 50 20", "l_max 4 0 1"),
        new("nep4 3-body L_max 6", "nep4", ["Si", "O"], null, "cutoff 4.2 3.6 50 20", "l_max 6 0 0"),
        new("nep4 all invariants", "nep4", ["Si", "O"], null, "cutoff 4.2 3.6 50 20", "l_max 4 2 1 1 1 1 1"),
        new("nep4 per-species cutoffs", "nep4", ["Si", "O", "C"], null, "cutoff 4.5 3.8 3.6 3.1 4.0 3.4 50 20", "l_max 4 2 1"),
        new("nep4_zbl universal", "nep4_zbl", ["Si", "O"], "zbl 1.0 2.0", "cutoff 4.2 3.6 50 20", "l_max 4 2 1"),
        new("nep4_zbl typewise", "nep4_zbl", ["Si", "O"], "zbl 1.0 2.2 0.8", "cutoff 4.2 3.6 50 20", "l_max 4 2 0"),
        new("nep5_zbl flexible", "nep5_zbl", ["Si", "O"], "zbl 0 0", "cutoff 4.2 3.6 50 20", "l_max 4 2 1"),
        // The shape of a general-purpose model such as NEP89: 89 species (H…Ac), NEP4 with typewise ZBL.
        new("nep4_zbl 89 species", "nep4_zbl", [.. Enumerable.Range(1, 89).Select(z => Elements.FromZ(z).Symbol)], "zbl 1.0 2.0 0.7", "cutoff 4.2 3.6 100 30", "l_max 4 2 1"),
    ];

    public static TheoryData<string> KindNames => [.. Kinds.Select(k => k.Name)];

    public static Kind Get(string name) => Kinds.Single(k => k.Name == name);

    /// <summary>The text of a random model of <paramref name="kind"/>.</summary>
    public static string Text(Kind kind, int seed = 1)
    {
        var rng = new Random(seed);
        int types = kind.Species.Length;
        var flags = kind.LMax.Split(' ')[1..].Select(int.Parse).ToArray();
        int lMax = flags[0], blocks = lMax + flags[1..].Count(f => f != 0);
        int dim = kind.NMaxR + 1 + (kind.NMaxA + 1) * blocks;
        int network = kind.Token.StartsWith("nep3", StringComparison.Ordinal) ? (dim + 2) * kind.Neurons + 1
            : kind.Token.StartsWith("nep4", StringComparison.Ordinal) ? (dim + 2) * kind.Neurons * types + 1
            : ((dim + 2) * kind.Neurons + 1) * types + 1;
        int count = network + types * types * ((kind.NMaxR + 1) * (kind.BasisR + 1) + (kind.NMaxA + 1) * (kind.BasisA + 1));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{kind.Token} {types} {string.Join(' ', kind.Species)}\n");
        if (kind.Zbl is not null)
            sb.Append(kind.Zbl).Append('\n');
        sb.Append(kind.Cutoff).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"n_max {kind.NMaxR} {kind.NMaxA}\nbasis_size {kind.BasisR} {kind.BasisA}\n{kind.LMax}\nANN {kind.Neurons} 0\n");
        for (int p = 0; p < count; p++)
            sb.Append(CultureInfo.InvariantCulture, $"{rng.NextDouble() - 0.5:e7}\n");
        for (int d = 0; d < dim; d++)
            sb.Append(CultureInfo.InvariantCulture, $"{0.5 + rng.NextDouble():e7}\n");
        if (kind.Zbl == "zbl 0 0")
        {
            for (int pair = 0; pair < types * (types + 1) / 2; pair++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{0.8 + 0.2 * rng.NextDouble():e7}\n{1.8 + 0.3 * rng.NextDouble():e7}\n");
                for (int k = 0; k < 4; k++)
                    sb.Append(CultureInfo.InvariantCulture, $"{0.1 + 0.3 * rng.NextDouble():e7}\n{0.2 + 3 * rng.NextDouble():e7}\n");
            }
        }
        return sb.ToString();
    }

    public static NepModel Model(Kind kind, int seed = 1) => NepModelReader.Read(new StringReader(Text(kind, seed)), kind.Name + ".txt");

    /// <summary>
    /// A random triclinic cell with <paramref name="atoms"/> atoms of the given species, no two closer than
    /// <paramref name="minDistance"/> (images included); thin enough that atoms see their own images.
    /// </summary>
    public static Frame RandomFrame(IReadOnlyList<Element> species, int atoms, int seed, double edge = 5.0, double minDistance = 1.3, Pbc? pbc = null)
    {
        var rng = new Random(seed);
        var lattice = new Lattice(
            new Vec3(edge * (0.9 + 0.2 * rng.NextDouble()), 0.3 * rng.NextDouble(), 0.2 * rng.NextDouble()),
            new Vec3(edge * 0.4 * rng.NextDouble(), edge * (0.9 + 0.2 * rng.NextDouble()), 0.3 * rng.NextDouble()),
            new Vec3(0.5 * rng.NextDouble(), edge * 0.3 * rng.NextDouble(), edge * (0.9 + 0.2 * rng.NextDouble())),
            pbc);
        var positions = new List<Vec3>();
        while (positions.Count < atoms)
        {
            var p = lattice.ToCartesian(new Vec3(rng.NextDouble(), rng.NextDouble(), rng.NextDouble()));
            if (positions.All(q => lattice.Distance(p, q) >= minDistance) &&
                lattice.ImagesWithin(Vec3.Zero, minDistance).All(im => im.Vector.LengthSquared == 0))
                positions.Add(p);
        }
        var elements = Enumerable.Range(0, atoms).Select(i => species[i % species.Count]).ToArray();
        return new Frame(elements, [.. positions.SelectMany(p => new[] { p.X, p.Y, p.Z })], lattice);
    }
}
