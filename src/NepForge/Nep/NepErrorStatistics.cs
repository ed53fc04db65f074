namespace NepForge.Nep;

/// <summary>RMSE, MAE and R² of predicted against reference values, accumulated one pair at a time.</summary>
public sealed class ErrorAccumulator
{
    double _sumSq, _sumAbs, _sumRef, _sumRefSq;

    /// <summary>Number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one (predicted, reference) pair.</summary>
    public void Add(double predicted, double reference)
    {
        double d = predicted - reference;
        _sumSq += d * d;
        _sumAbs += Math.Abs(d);
        _sumRef += reference;
        _sumRefSq += reference * reference;
        Count++;
    }

    /// <summary>Root-mean-square error (NaN when empty).</summary>
    public double Rmse => Count == 0 ? double.NaN : Math.Sqrt(_sumSq / Count);

    /// <summary>Mean absolute error.</summary>
    public double Mae => Count == 0 ? double.NaN : _sumAbs / Count;

    /// <summary>Coefficient of determination 1 − SS_res / SS_tot (NaN when the reference has no spread).</summary>
    public double R2
    {
        get
        {
            if (Count == 0)
                return double.NaN;
            double total = _sumRefSq - _sumRef * _sumRef / Count;
            return total > 0 ? 1 - _sumSq / total : double.NaN;
        }
    }
}

/// <summary>Errors of one frame against its reference labels.</summary>
/// <param name="Index">0-based frame index in the input.</param>
/// <param name="ConfigType">config_type, if any.</param>
/// <param name="Atoms">Number of atoms.</param>
/// <param name="EnergyError">Predicted − reference energy per atom, meV/atom (NaN without a reference energy).</param>
/// <param name="ForceRmse">Force RMSE per component, meV/Å (NaN without reference forces).</param>
/// <param name="VirialRmse">Virial RMSE per atom over xx yy zz xy yz zx, meV/atom (NaN without a reference virial).</param>
public sealed record FrameError(long Index, string? ConfigType, int Atoms, double EnergyError, double ForceRmse, double VirialRmse);

/// <summary>
/// NEP-style error statistics of a prediction against reference labels: energy per atom (meV/atom), force components
/// (meV/Å, as GPUMD reports them), virial per atom over its 6 independent components (meV/atom); overall and per
/// config_type, plus each frame's errors for a worst-frames list.
/// </summary>
public sealed class NepErrorStatistics
{
    /// <summary>Energy per atom, meV/atom.</summary>
    public ErrorAccumulator Energy { get; } = new();

    /// <summary>Force components, meV/Å.</summary>
    public ErrorAccumulator Force { get; } = new();

    /// <summary>Virial per atom (xx yy zz xy yz zx), meV/atom.</summary>
    public ErrorAccumulator Virial { get; } = new();

    /// <summary>The same statistics per config_type ("" for frames without one).</summary>
    public SortedDictionary<string, NepErrorStatistics> ByConfigType { get; } = new(StringComparer.Ordinal);

    /// <summary>Errors of every frame that had a reference label, in input order.</summary>
    public List<FrameError> Frames { get; } = [];

    /// <summary>
    /// Adds a frame: its reference labels (energy, forces, virial; any may be null) against the
    /// prediction.
    /// </summary>
    public void Add(long index, string? configType, int atoms, double? referenceEnergy, double[]? referenceForces,
        Structures.Mat3? referenceVirial, NepResult prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        if (referenceEnergy is null && referenceForces is null && referenceVirial is null)
            return;
        string key = configType ?? "";
        if (!ByConfigType.TryGetValue(key, out var group))
            ByConfigType[key] = group = new NepErrorStatistics();
        double energyError = double.NaN, forceRmse = double.NaN, virialRmse = double.NaN;
        if (referenceEnergy is { } e)
        {
            double p = 1000 * prediction.Energy / atoms, r = 1000 * e / atoms;
            Energy.Add(p, r);
            group.Energy.Add(p, r);
            energyError = p - r;
        }
        if (referenceForces is { } f)
        {
            double sq = 0;
            for (int c = 0; c < f.Length; c++)
            {
                double p = 1000 * prediction.Forces[c], r = 1000 * f[c];
                Force.Add(p, r);
                group.Force.Add(p, r);
                sq += (p - r) * (p - r);
            }
            forceRmse = f.Length == 0 ? 0 : Math.Sqrt(sq / f.Length);
        }
        if (referenceVirial is { } w)
        {
            var pw = prediction.Virial;
            ReadOnlySpan<(double P, double R)> pairs =
            [
                (pw.M00, w.M00), (pw.M11, w.M11), (pw.M22, w.M22), (pw.M01, w.M01), (pw.M12, w.M12), (pw.M20, w.M20),
            ];
            double sq = 0;
            foreach (var (pv, rv) in pairs)
            {
                double p = 1000 * pv / atoms, r = 1000 * rv / atoms;
                Virial.Add(p, r);
                group.Virial.Add(p, r);
                sq += (p - r) * (p - r);
            }
            virialRmse = Math.Sqrt(sq / 6);
        }
        Frames.Add(new FrameError(index, configType, atoms, energyError, forceRmse, virialRmse));
    }

    /// <summary>The frames with the largest |energy error|, worst first.</summary>
    public IEnumerable<FrameError> WorstByEnergy(int count) =>
        Frames.Where(f => !double.IsNaN(f.EnergyError)).OrderByDescending(f => Math.Abs(f.EnergyError)).Take(count);

    /// <summary>The frames with the largest force RMSE, worst first.</summary>
    public IEnumerable<FrameError> WorstByForce(int count) =>
        Frames.Where(f => !double.IsNaN(f.ForceRmse)).OrderByDescending(f => f.ForceRmse).Take(count);
}
