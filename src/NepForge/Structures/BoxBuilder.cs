using System.Globalization;

namespace NepForge.Structures;

/// <summary><paramref name="Count"/> copies of <paramref name="Molecule"/> in a box.</summary>
public sealed record BoxSpecies(Molecule Molecule, int Count);

/// <summary>What box to build: the molecules, the box (lengths or a density), packmol's tolerance and seed.</summary>
public sealed record BoxBuildOptions
{
    /// <summary>The molecules and how many of each, in output order.</summary>
    public required IReadOnlyList<BoxSpecies> Species { get; init; }

    /// <summary>Box lengths a, b, c (Å) of the orthorhombic cell; give this or <see cref="Density"/>.</summary>
    public Vec3? Box { get; init; }

    /// <summary>Density, g/cm³: a cubic box whose volume holds the total mass at this density.</summary>
    public double? Density { get; init; }

    /// <summary>Smallest distance between atoms of different molecules, Å (packmol <c>tolerance</c>).</summary>
    public double Tolerance { get; init; } = 2.0;

    /// <summary>
    /// Gap left on every face of the box, Å; null = <see cref="Tolerance"/>/2. Atoms are packed inside the box shrunk by
    /// this on each side, so that atoms facing each other across a periodic boundary are ≥ 2·margin apart.
    /// </summary>
    public double? Margin { get; init; }

    /// <summary>packmol's seed (≥ 0).</summary>
    public int Seed { get; init; }

    /// <summary>packmol's <c>nloop</c> (null = its default).</summary>
    public int? Nloop { get; init; }

    /// <summary>After packing, fail when two atoms of different molecules (periodic images included) are closer than
    /// this fraction of <see cref="Tolerance"/>. packmol's own constraints are soft: atoms may stick out of the packing
    /// box by ~0.1 Å.</summary>
    public double MinDistanceFraction { get; init; } = 0.7;

    /// <summary>The packmol executable (null = "packmol" on PATH).</summary>
    public string? PackmolExecutable { get; init; }

    /// <summary>Stop packmol after this long (null = no limit).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>config_type of the frame; null = <see cref="BoxBuilder.DefaultConfigType"/> ("box_H2O32_CO24").</summary>
    public string? ConfigType { get; init; }
}

/// <summary>A built box and how it was made.</summary>
/// <param name="Frame">The periodic frame: molecules whole, cell = box, pbc T T T, config_type and seed set.</param>
/// <param name="MoleculeOf">Index of the molecule each atom belongs to (0-based, in output order).</param>
/// <param name="MinIntermolecularDistance">Closest approach of atoms of different molecules under periodic
/// boundaries, Å; null when none is within 2·tolerance.</param>
/// <param name="Packmol">packmol's result (log, version, perfect packing or not).</param>
public sealed record BoxBuildResult(Frame Frame, int[] MoleculeOf, double? MinIntermolecularDistance, PackmolResult Packmol)
{
    /// <summary>Density of the box, g/cm³.</summary>
    public double Density => BoxBuilder.DensityOf(Frame);
}

/// <summary>
/// Builds periodic boxes of molecules (liquids, gases, mixtures) with packmol, e.g. as starting points of AIMD runs
/// for NEP training sets.
/// </summary>
/// <remarks>
/// packmol 20.14 has no periodic boundary option. The molecules are packed inside the box shrunk by a margin on each
/// face (default tolerance/2), so any two atoms facing each other across a face are ≥ 2·margin = tolerance apart; the
/// cell is then the full box. Afterwards every intermolecular pair, periodic images included, is checked with
/// <see cref="NeighborSearch"/>.
/// </remarks>
public static class BoxBuilder
{
    /// <summary>1 amu/Å³ in g/cm³ (= 1.66053906660e-24 g / 1e-24 cm³, CODATA 2018).</summary>
    public const double AmuPerA3ToGPerCm3 = 1.66053906660;

    /// <summary>Total mass of the species, amu.</summary>
    public static double TotalMass(IEnumerable<BoxSpecies> species) => species.Sum(s => s.Count * s.Molecule.Mass);

    /// <summary>Edge of the cubic box (Å) holding <paramref name="massAmu"/> at <paramref name="density"/> g/cm³.</summary>
    public static double CubicEdgeForDensity(double massAmu, double density)
    {
        if (!(massAmu > 0) || !(density > 0) || !double.IsFinite(density))
            throw new ArgumentException($"mass {massAmu} amu and density {density} g/cm³ must be > 0");
        return Math.Cbrt(massAmu * AmuPerA3ToGPerCm3 / density);
    }

    /// <summary>Density of a frame with a cell, g/cm³.</summary>
    public static double DensityOf(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var lattice = frame.Lattice ?? throw new ArgumentException("the frame has no cell", nameof(frame));
        return frame.Elements.Sum(e => e.Mass) / lattice.Volume * AmuPerA3ToGPerCm3;
    }

    /// <summary>"box_" and name+count of each species joined by "_": "box_H2O32_CO24".</summary>
    public static string DefaultConfigType(IEnumerable<BoxSpecies> species) =>
        "box_" + string.Join("_", species.Select(s => s.Molecule.Name + s.Count.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Packs the box with packmol and checks it; see <see cref="BoxBuildOptions"/>.</summary>
    public static BoxBuildResult Build(BoxBuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var species = options.Species;
        if (species.Count == 0)
            throw new ArgumentException("no molecules to pack", nameof(options));
        foreach (var s in species)
        {
            if (s.Count < 1)
                throw new ArgumentException($"{s.Molecule.Name}: count {s.Count} must be ≥ 1", nameof(options));
        }
        double tol = options.Tolerance;
        if (!(tol > 0) || !double.IsFinite(tol))
            throw new ArgumentException($"tolerance {tol} Å must be > 0", nameof(options));
        double margin = options.Margin ?? tol / 2;
        if (!(margin >= 0) || !double.IsFinite(margin))
            throw new ArgumentException($"margin {margin} Å must be ≥ 0", nameof(options));
        if (!(options.MinDistanceFraction >= 0))
            throw new ArgumentException($"minimum-distance fraction {options.MinDistanceFraction} must be ≥ 0", nameof(options));
        var box = BoxLengths(options, species);

        var low = new Vec3(margin, margin, margin);
        var high = new Vec3(box.X - margin, box.Y - margin, box.Z - margin);
        double largest = species.Max(s => s.Molecule.Diameter);
        for (int a = 0; a < 3; a++)
        {
            if (high[a] - low[a] < largest)
            {
                throw new ArgumentException(
                    $"box length {box[a]:0.###} Å less 2 × margin {margin:0.###} Å leaves {high[a] - low[a]:0.###} Å, " +
                    $"less than the largest molecule ({largest:0.###} Å across)");
            }
        }

        var run = Packmol.Run(new PackmolJob
        {
            Structures = [.. species.Select(s => new PackmolStructure(s.Molecule, s.Count, low, high))],
            Tolerance = tol,
            Seed = options.Seed,
            Nloop = options.Nloop,
            Executable = options.PackmolExecutable,
            Timeout = options.Timeout,
        });

        int atoms = species.Sum(s => s.Count * s.Molecule.AtomCount);
        var elements = new Element[atoms];
        var moleculeOf = new int[atoms];
        int k = 0, molecule = 0;
        foreach (var s in species)
        {
            for (int c = 0; c < s.Count; c++, molecule++)
            {
                foreach (var e in s.Molecule.Elements)
                {
                    elements[k] = e;
                    moleculeOf[k++] = molecule;
                }
            }
        }
        var frame = new Frame(elements, run.Positions, Lattice.Orthorhombic(box.X, box.Y, box.Z));
        frame.Info.ConfigType = options.ConfigType ?? DefaultConfigType(species);
        frame.Info.Seed = options.Seed;
        frame.Info.SetExtra("packmol_tolerance", tol.ToString("R", CultureInfo.InvariantCulture));

        double? min = MinIntermolecularDistance(frame, moleculeOf, 2 * tol);
        if (min is { } d && d < options.MinDistanceFraction * tol)
        {
            string how = run.PerfectPacking ? "" : " (packmol ended without a perfect packing)";
            throw new InvalidOperationException(
                $"two atoms of different molecules are {d:0.###} Å apart (periodic images included), less than " +
                $"{options.MinDistanceFraction:0.##} × tolerance {tol:0.###} Å{how}: use a larger box or lower density, " +
                "fewer molecules, a smaller --tolerance, or a larger --nloop");
        }
        return new BoxBuildResult(frame, moleculeOf, min, run);
    }

    static Vec3 BoxLengths(BoxBuildOptions options, IReadOnlyList<BoxSpecies> species)
    {
        if (options.Box is { } b)
        {
            if (options.Density is not null)
                throw new ArgumentException("give the box lengths or a density, not both");
            if (!(b.X > 0 && b.Y > 0 && b.Z > 0) || !double.IsFinite(b.X + b.Y + b.Z))
                throw new ArgumentException($"box lengths {b} Å must be > 0");
            return b;
        }
        if (options.Density is { } rho)
        {
            double edge = CubicEdgeForDensity(TotalMass(species), rho);
            return new Vec3(edge, edge, edge);
        }
        throw new ArgumentException("give the box lengths or a density");
    }

    /// <summary>
    /// The smallest distance between atoms of different molecules, periodic images included (an atom's distance to an
    /// image of its own molecule counts as intermolecular); null when no such pair is closer than
    /// <paramref name="searchRadius"/>.
    /// </summary>
    public static double? MinIntermolecularDistance(Frame frame, int[] moleculeOf, double searchRadius)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(moleculeOf);
        if (moleculeOf.Length != frame.AtomCount)
            throw new ArgumentException($"{moleculeOf.Length} molecule indices for {frame.AtomCount} atoms", nameof(moleculeOf));
        double? min = null;
        NeighborSearch.ForEachPair(frame, searchRadius, p =>
        {
            if (moleculeOf[p.I] == moleculeOf[p.J])
            {
                // Same molecule: intramolecular only when it is the direct vector, not one to a periodic image.
                var direct = frame.Position(p.J) - frame.Position(p.I);
                if (p.I != p.J && (p.Vector - direct).LengthSquared < 1e-12)
                    return;
            }
            if (min is null || p.Distance < min.Value)
                min = p.Distance;
        });
        return min;
    }
}
