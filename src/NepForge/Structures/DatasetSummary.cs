namespace NepForge.Structures;

/// <summary>
/// Running statistics over a stream of frames, for <c>nepforge info</c>: sizes, species, which labels are present,
/// ranges of energy per atom, force magnitude and stress, config_types. O(1) memory in the number of frames.
/// </summary>
public sealed class DatasetSummary
{
    readonly Dictionary<Element, long> _species = [];
    readonly Dictionary<string, long> _configTypes = new(StringComparer.Ordinal);
    readonly List<Element> _speciesOrder = [];
    readonly List<string> _configTypeOrder = [];

    /// <summary>Frames seen.</summary>
    public long Frames { get; private set; }

    /// <summary>Atoms over all frames.</summary>
    public long Atoms { get; private set; }

    /// <summary>Smallest and largest frame, atoms.</summary>
    public (int Min, int Max) AtomsPerFrame { get; private set; } = (int.MaxValue, 0);

    /// <summary>Frames with an energy, with forces, with a virial, with a cell.</summary>
    public long WithEnergy { get; private set; }

    /// <inheritdoc cref="WithEnergy"/>
    public long WithForces { get; private set; }

    /// <inheritdoc cref="WithEnergy"/>
    public long WithVirial { get; private set; }

    /// <inheritdoc cref="WithEnergy"/>
    public long WithLattice { get; private set; }

    /// <summary>Energy per atom range, eV/atom (NaN when no frame has an energy).</summary>
    public (double Min, double Max) EnergyPerAtom => (_eMin, _eMax);

    /// <summary>Mean energy per atom, eV/atom.</summary>
    public double MeanEnergyPerAtom => WithEnergy > 0 ? _eSum / WithEnergy : double.NaN;

    /// <summary>Range of per-atom force magnitudes |F| over all atoms, eV/Å.</summary>
    public (double Min, double Max) ForceMagnitude => (_fMin, _fMax);

    /// <summary>RMS force component, eV/Å.</summary>
    public double ForceRms => _fCount > 0 ? Math.Sqrt(_fSq / _fCount) : double.NaN;

    /// <summary>Range of the hydrostatic pressure (trace of the stress / 3, pressure sign), GPa.</summary>
    public (double Min, double Max) PressureGpa => (_pMin, _pMax);

    /// <summary>Range of the cell volume per atom, Å³/atom.</summary>
    public (double Min, double Max) VolumePerAtom => (_vMin, _vMax);

    /// <summary>Atoms per element over all frames, in order of first appearance.</summary>
    public IReadOnlyDictionary<Element, long> Species => _species;

    /// <summary>Frames per config_type ("" for none).</summary>
    public IReadOnlyDictionary<string, long> ConfigTypes => _configTypes;

    /// <summary>
    /// The keys of <see cref="Species"/> in order of first appearance, as a list: printing through it instead of
    /// enumerating the dictionary saves the JIT compilation of its enumerator at every start of <c>nepforge info</c>.
    /// </summary>
    public IReadOnlyList<Element> SpeciesInOrder => _speciesOrder;

    /// <summary>The keys of <see cref="ConfigTypes"/> in order of first appearance (see <see cref="SpeciesInOrder"/>).</summary>
    public IReadOnlyList<string> ConfigTypesInOrder => _configTypeOrder;

    /// <summary>Distinct energy kinds recorded (free_energy, energy_sigma0…).</summary>
    public SortedSet<string> EnergyKinds { get; } = new(StringComparer.Ordinal);

    double _eMin = double.NaN, _eMax = double.NaN, _eSum;
    double _fMin = double.NaN, _fMax = double.NaN, _fSq;
    long _fCount;
    double _pMin = double.NaN, _pMax = double.NaN;
    double _vMin = double.NaN, _vMax = double.NaN;

    /// <summary>Adds one frame.</summary>
    public void Add(Frame f)
    {
        Frames++;
        int n = f.AtomCount;
        Atoms += n;
        AtomsPerFrame = (Math.Min(AtomsPerFrame.Min, n), Math.Max(AtomsPerFrame.Max, n));
        // TryGetValue, not GetValueOrDefault: that generic extension is JIT-compiled at every start of `info`.
        foreach (var e in f.Elements)
        {
            if (!_species.TryGetValue(e, out long atoms))
                _speciesOrder.Add(e);
            _species[e] = atoms + 1;
        }
        string ct = f.Info.ConfigType ?? "";
        if (!_configTypes.TryGetValue(ct, out long frames))
            _configTypeOrder.Add(ct);
        _configTypes[ct] = frames + 1;
        if (f.Info.EnergyKind is { } kind)
            EnergyKinds.Add(kind);
        if (f.Lattice is { } l)
        {
            WithLattice++;
            Widen(ref _vMin, ref _vMax, l.Volume / n);
        }
        if (f.Energy is { } energy)
        {
            WithEnergy++;
            double epa = energy / n;
            _eSum += epa;
            Widen(ref _eMin, ref _eMax, epa);
        }
        if (f.Forces is { } forces)
        {
            WithForces++;
            for (int i = 0; i < n; i++)
            {
                double sq = forces[3 * i] * forces[3 * i] + forces[3 * i + 1] * forces[3 * i + 1] + forces[3 * i + 2] * forces[3 * i + 2];
                _fSq += sq;
                Widen(ref _fMin, ref _fMax, Math.Sqrt(sq));
            }
            _fCount += 3L * n;
        }
        if (f.Virial is not null)
        {
            WithVirial++;
            if (f.StressGpa is { } s)
                Widen(ref _pMin, ref _pMax, s.Trace / 3);
        }
    }

    /// <summary>The <c>nepforge info --json</c> array: one object per (file, summary), as indented JSON.</summary>
    public static string ToJson(IEnumerable<(string File, DatasetSummary Summary)> summaries) => DatasetSummaryReport.ToJson(summaries);

    static void Widen(ref double min, ref double max, double v)
    {
        if (double.IsNaN(min) || v < min)
            min = v;
        if (double.IsNaN(max) || v > max)
            max = v;
    }
}
