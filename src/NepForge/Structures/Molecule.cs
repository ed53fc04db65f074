namespace NepForge.Structures;

/// <summary>
/// A rigid molecule to pack into a box: elements and Cartesian positions (Å, flat [n×3]) in its own frame, and a
/// name used in labels (config_type). Comes from the small built-in library (<see cref="BuiltinNames"/>) or from a
/// structure file (<c>NepForge.Formats.MoleculeFile</c>).
/// </summary>
public sealed class Molecule
{
    /// <summary>Creates a molecule; <paramref name="positions"/> must hold 3 values per element.</summary>
    public Molecule(string name, Element[] elements, double[] positions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(elements);
        ArgumentNullException.ThrowIfNull(positions);
        if (elements.Length == 0)
            throw new ArgumentException($"molecule '{name}' has no atoms", nameof(elements));
        if (positions.Length != 3 * elements.Length)
            throw new ArgumentException($"{elements.Length} atoms need {3 * elements.Length} coordinates, got {positions.Length}", nameof(positions));
        foreach (double v in positions)
        {
            if (!double.IsFinite(v))
                throw new ArgumentException($"molecule '{name}' has a non-finite coordinate", nameof(positions));
        }
        Name = name;
        Elements = elements;
        Positions = positions;
    }

    /// <summary>Label of the molecule: the built-in name ("H2O") or the file's name without extension.</summary>
    public string Name { get; }

    /// <summary>Element of each atom.</summary>
    public Element[] Elements { get; }

    /// <summary>Cartesian positions, Å, flat [n×3].</summary>
    public double[] Positions { get; }

    /// <summary>Number of atoms.</summary>
    public int AtomCount => Elements.Length;

    /// <summary>Molar mass, amu (g/mol), from the standard atomic weights of <see cref="Element.Mass"/>.</summary>
    public double Mass => Elements.Sum(e => e.Mass);

    /// <summary>Position of atom i.</summary>
    public Vec3 Position(int i) => Vec3.At(Positions, i);

    /// <summary>Largest distance between two atoms of the molecule, Å (0 for one atom).</summary>
    public double Diameter
    {
        get
        {
            double max = 0;
            for (int i = 0; i < AtomCount; i++)
                for (int j = i + 1; j < AtomCount; j++)
                    max = Math.Max(max, (Position(j) - Position(i)).Length);
            return max;
        }
    }

    /// <summary>Names of the built-in molecules, in the order listed in help texts.</summary>
    public static IReadOnlyList<string> BuiltinNames { get; } = ["H2", "N2", "O2", "H2O", "CO2", "CH4", "NH3"];

    /// <summary>
    /// A built-in molecule by name (case-insensitive): H2, N2, O2, H2O, CO2, CH4, NH3, with experimental equilibrium
    /// geometries (sources beside each one). The heavy atom (or the first atom) sits at the origin.
    /// </summary>
    public static bool TryGetBuiltin(string name, out Molecule molecule)
    {
        ArgumentNullException.ThrowIfNull(name);
        molecule = null!;
        string? key = BuiltinNames.FirstOrDefault(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (key is null)
            return false;
        molecule = key switch
        {
            // Bond lengths of the diatomics: r_e from K. P. Huber and G. Herzberg, "Constants of Diatomic Molecules"
            // (Van Nostrand Reinhold, 1979), as tabulated in the NIST Chemistry WebBook; NIST CCCBDB (Release 22,
            // "Experimental geometry data") lists the same values rounded to 0.001 Å (0.741, 1.098, 1.208).
            "H2" => Diatomic("H2", "H", "H", 0.7414),
            "N2" => Diatomic("N2", "N", "N", 1.0977),
            "O2" => Diatomic("O2", "O", "O", 1.2075),
            // H2O: r(OH) = 0.9572 Å, ∠HOH = 104.52°, W. S. Benedict, N. Gailar and E. K. Plyler, J. Chem. Phys. 24,
            // 1139 (1956); CCCBDB lists 0.958 Å, 104.5°.
            "H2O" => Bent("H2O", "O", "H", 0.9572, 104.52),
            // CO2: linear, r(CO) = 1.1600 Å (r_e, G. Herzberg, "Electronic Spectra and Electronic Structure of
            // Polyatomic Molecules", 1966); CCCBDB lists 1.160 Å.
            "CO2" => Linear3("CO2", "C", "O", 1.1600),
            // CH4: tetrahedral, r(CH) = 1.087 Å (r_e, D. L. Gray and A. G. Robiette, Mol. Phys. 37, 1901 (1979);
            // CCCBDB lists 1.087 Å).
            "CH4" => Tetrahedral("CH4", "C", "H", 1.087),
            // NH3: pyramidal C3v, r(NH) = 1.012 Å, ∠HNH = 106.7° (CCCBDB experimental geometry, after W. S. Benedict
            // and E. K. Plyler, Can. J. Phys. 35, 1235 (1957)).
            "NH3" => Pyramidal("NH3", "N", "H", 1.012, 106.7),
            _ => throw new InvalidOperationException($"no geometry for built-in molecule {key}"),
        };
        return true;
    }

    /// <summary>A copy as a frame with no cell.</summary>
    public Frame ToFrame() => new((Element[])Elements.Clone(), (double[])Positions.Clone(), null);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({AtomCount} atoms)";

    static Element E(string symbol) => NepForge.Structures.Elements.Get(symbol);

    static Molecule Diatomic(string name, string a, string b, double r) =>
        new(name, [E(a), E(b)], [0, 0, 0, 0, 0, r]);

    // X at the origin, two Y in the xz plane, bisector along +z.
    static Molecule Bent(string name, string x, string y, double r, double angleDegrees)
    {
        double half = angleDegrees * Math.PI / 360;
        double s = r * Math.Sin(half), c = r * Math.Cos(half);
        return new(name, [E(x), E(y), E(y)], [0, 0, 0, s, 0, c, -s, 0, c]);
    }

    // Y–X–Y along z, X at the origin.
    static Molecule Linear3(string name, string x, string y, double r) =>
        new(name, [E(x), E(y), E(y)], [0, 0, 0, 0, 0, r, 0, 0, -r]);

    // X at the origin, four Y on alternate corners of a cube: every Y–X–Y angle is arccos(−1/3) = 109.47°.
    static Molecule Tetrahedral(string name, string x, string y, double r)
    {
        double d = r / Math.Sqrt(3);
        var h = E(y);
        return new(name, [E(x), h, h, h, h],
            [0, 0, 0, d, d, d, d, -d, -d, -d, d, -d, -d, -d, d]);
    }

    // X at the origin on the C3 axis (z), three Y below it at polar angle θ from −z, 120° apart around the axis.
    // Two Y make cos∠YXY = 1 − 1.5·sin²θ, so sin²θ = (1 − cos∠) / 1.5.
    static Molecule Pyramidal(string name, string x, string y, double r, double angleDegrees)
    {
        double cosAngle = Math.Cos(angleDegrees * Math.PI / 180);
        double sinTheta = Math.Sqrt((1 - cosAngle) / 1.5), cosTheta = Math.Sqrt(1 - sinTheta * sinTheta);
        var el = E(y);
        var pos = new double[12];
        for (int k = 0; k < 3; k++)
        {
            double phi = 2 * Math.PI * k / 3;
            new Vec3(r * sinTheta * Math.Cos(phi), r * sinTheta * Math.Sin(phi), -r * cosTheta).Store(pos, k + 1);
        }
        return new(name, [E(x), el, el, el], pos);
    }
}
