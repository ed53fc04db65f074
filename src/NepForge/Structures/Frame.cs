namespace NepForge.Structures;

/// <summary>
/// One labelled structure: elements and Cartesian positions per atom (Å), an optional cell, optional DFT labels
/// (energy in eV, forces in eV/Å, virial in eV per cell with the pressure sign as GPUMD's <c>virial=</c>), other
/// per-atom arrays, and metadata saying where the frame came from.
/// Per-atom vectors are flat row-major arrays [n×3].
/// </summary>
public sealed class Frame
{
    /// <summary>Creates a frame; <paramref name="positions"/> must hold 3 values per element.</summary>
    public Frame(Element[] elements, double[] positions, Lattice? lattice)
    {
        ArgumentNullException.ThrowIfNull(elements);
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Length != 3 * elements.Length)
            throw new ArgumentException($"{elements.Length} atoms need {3 * elements.Length} coordinates, got {positions.Length}", nameof(positions));
        Elements = elements;
        Positions = positions;
        Lattice = lattice;
    }

    /// <summary>Number of atoms.</summary>
    public int AtomCount => Elements.Length;

    /// <summary>Element of each atom.</summary>
    public Element[] Elements { get; }

    /// <summary>Cartesian positions, Å, flat [n×3].</summary>
    public double[] Positions { get; }

    /// <summary>The cell and its periodicity; null for a frame with no cell (a molecule in vacuum).</summary>
    public Lattice? Lattice { get; set; }

    /// <summary>Total energy label, eV per cell. Which energy it is: <see cref="FrameInfo.EnergyKind"/>.</summary>
    public double? Energy { get; set; }

    /// <summary>Force labels, eV/Å, flat [n×3].</summary>
    public double[]? Forces
    {
        get => _forces;
        set
        {
            if (value is not null && value.Length != 3 * AtomCount)
                throw new ArgumentException($"{AtomCount} atoms need {3 * AtomCount} force components, got {value.Length}", nameof(value));
            _forces = value;
        }
    }

    double[]? _forces;

    /// <summary>
    /// Virial label, eV per cell, pressure sign (positive = compressed), as GPUMD's <c>virial=</c>; equals
    /// VASP's "in kB" × V / 1602.18 and −V × ASE stress.
    /// </summary>
    public Mat3? Virial { get; set; }

    /// <summary>Other per-atom arrays (velocities, masses, flags…), in file order.</summary>
    public List<PerAtomArray> Arrays { get; } = [];

    /// <summary>Metadata: config_type, weight, source, energy kind, seed, extra keys.</summary>
    public FrameInfo Info { get; set; } = new();

    /// <summary>Stress with the pressure sign in GPa (virial / V × 160.2177): VASP's "in kB" / 10, NEP's stress_*.out.</summary>
    public Mat3? StressGpa => Virial is { } w && Lattice is { } l ? (Units.EvPerA3ToGpa / l.Volume) * w : null;

    /// <summary>Stress with ASE's sign (positive = tensile) in eV/Å³: −virial / V. What extxyz <c>stress=</c> holds.</summary>
    public Mat3? AseStress => Virial is { } w && Lattice is { } l ? (-1.0 / l.Volume) * w : null;

    /// <summary>Energy per atom, eV.</summary>
    public double? EnergyPerAtom => Energy / AtomCount;

    /// <summary>Position of atom i.</summary>
    public Vec3 Position(int i) => Vec3.At(Positions, i);

    /// <summary>Force on atom i (requires forces).</summary>
    public Vec3 Force(int i) => Vec3.At(Forces ?? throw new InvalidOperationException("frame has no forces"), i);

    /// <summary>True when the frame has energy, forces or virial.</summary>
    public bool HasLabels => Energy is not null || Forces is not null || Virial is not null;

    /// <summary>Looks up a per-atom array by name, ignoring case.</summary>
    public PerAtomArray? GetArray(string name) =>
        Arrays.Find(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds or replaces (by name, ignoring case) a per-atom array.</summary>
    public void SetArray(PerAtomArray array)
    {
        if (array.Length != AtomCount * array.Width)
            throw new ArgumentException($"array '{array.Name}' has {array.Length} values, {AtomCount}×{array.Width} needed", nameof(array));
        int i = Arrays.FindIndex(a => string.Equals(a.Name, array.Name, StringComparison.OrdinalIgnoreCase));
        if (i >= 0)
            Arrays[i] = array;
        else
            Arrays.Add(array);
    }

    /// <summary>Velocities (Å/fs) if the frame carries them ("vel", "velo", "velocities").</summary>
    public double[]? Velocities =>
        (GetArray("vel") ?? GetArray("velo") ?? GetArray("velocities")) is { Type: ColumnType.Real, Width: 3 } a ? a.Reals : null;

    /// <summary>Removes energy, forces and virial (e.g. for model-predicted frames that go to DFT).</summary>
    public void ClearLabels()
    {
        Energy = null;
        Forces = null;
        Virial = null;
    }

    /// <summary>Counts of each element, in order of first appearance.</summary>
    public IReadOnlyList<(Element Element, int Count)> Composition()
    {
        var order = new List<Element>();
        var counts = new Dictionary<Element, int>();
        foreach (var e in Elements)
        {
            if (counts.TryGetValue(e, out int c))
            {
                counts[e] = c + 1;
            }
            else
            {
                counts[e] = 1;
                order.Add(e);
            }
        }
        return order.ConvertAll(e => (e, counts[e]));
    }

    /// <summary>Chemical formula in order of first appearance, e.g. "Te125Pb125".</summary>
    public string Formula => string.Concat(Composition().Select(c => c.Count == 1 ? c.Element.Symbol : $"{c.Element.Symbol}{c.Count}"));

    /// <summary>A deep copy.</summary>
    public Frame Clone()
    {
        var f = new Frame((Element[])Elements.Clone(), (double[])Positions.Clone(), Lattice)
        {
            Energy = Energy,
            Forces = (double[]?)Forces?.Clone(),
            Virial = Virial,
            Info = Info.Clone(),
        };
        foreach (var a in Arrays)
            f.Arrays.Add(a.Clone());
        return f;
    }

    /// <summary>A deep copy keeping only the atoms in <paramref name="atoms"/>, in that order.</summary>
    public Frame SelectAtoms(ReadOnlySpan<int> atoms)
    {
        var elements = new Element[atoms.Length];
        var positions = new double[3 * atoms.Length];
        double[]? forces = Forces is null ? null : new double[3 * atoms.Length];
        for (int i = 0; i < atoms.Length; i++)
        {
            int a = atoms[i];
            elements[i] = Elements[a];
            Array.Copy(Positions, 3 * a, positions, 3 * i, 3);
            if (forces is not null)
                Array.Copy(Forces!, 3 * a, forces, 3 * i, 3);
        }
        var f = new Frame(elements, positions, Lattice) { Energy = Energy, Forces = forces, Virial = Virial, Info = Info.Clone() };
        foreach (var arr in Arrays)
            f.Arrays.Add(arr.Select(atoms));
        return f;
    }

    /// <summary>
    /// True when both frames hold identical data: elements, every coordinate and label bit for bit, cell, arrays and
    /// metadata. This is the round-trip criterion.
    /// </summary>
    public bool ContentEquals(Frame other) =>
        Elements.AsSpan().SequenceEqual(other.Elements) &&
        Positions.AsSpan().SequenceEqual(other.Positions) &&
        Equals(Lattice, other.Lattice) &&
        Energy.Equals(other.Energy) &&
        (Forces is null ? other.Forces is null : other.Forces is not null && Forces.AsSpan().SequenceEqual(other.Forces)) &&
        Virial.Equals(other.Virial) &&
        Arrays.Count == other.Arrays.Count &&
        Arrays.Zip(other.Arrays).All(p => p.First.ContentEquals(p.Second)) &&
        Info.ContentEquals(other.Info);
}
