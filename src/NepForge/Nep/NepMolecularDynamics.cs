using System.Globalization;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>The thermostat / barostat of <see cref="NepMolecularDynamics"/>.</summary>
public enum MdEnsemble
{
    /// <summary>Plain velocity Verlet.</summary>
    Nve,

    /// <summary>Langevin thermostat (BAOAB splitting).</summary>
    NvtLangevin,

    /// <summary>Bussi–Donadio–Parrinello stochastic velocity rescaling (CSVR; GPUMD's nvt_bdp).</summary>
    NvtBussi,

    /// <summary>Bussi thermostat with an isotropic Berendsen barostat.</summary>
    NptBerendsen,
}

/// <summary>Settings of a CPU MD run.</summary>
public sealed record MdOptions
{
    /// <summary>Thermostat temperature, K (and of the initial velocities).</summary>
    public required double Temperature { get; init; }

    /// <summary>Steps (of the ramp, when <see cref="EndTemperature"/> is set).</summary>
    public required int Steps { get; init; }

    /// <summary>End of a linear ramp of the thermostat target from <see cref="Temperature"/> over <see cref="Steps"/>, K; null = constant.</summary>
    public double? EndTemperature { get; init; }

    /// <summary>Steps at the end temperature after <see cref="Steps"/> (the hold that sampling can keep to).</summary>
    public int HoldSteps { get; init; }

    /// <summary>The thermostat target over the run.</summary>
    public MdTemperatureRamp Ramp => new(Temperature, EndTemperature ?? Temperature, Steps, HoldSteps);

    /// <summary>Time step, fs.</summary>
    public double TimeStepFs { get; init; } = 1.0;

    /// <summary>Ensemble.</summary>
    public MdEnsemble Ensemble { get; init; } = MdEnsemble.NvtBussi;

    /// <summary>Thermostat time constant, fs (Langevin: 1/γ).</summary>
    public double ThermostatFs { get; init; } = 100;

    /// <summary>Target pressure, GPa (NPT).</summary>
    public double PressureGpa { get; init; }

    /// <summary>Barostat time constant, fs (NPT).</summary>
    public double BarostatFs { get; init; } = 1000;

    /// <summary>Isothermal compressibility, 1/GPa (NPT; 0.01 ≈ a 100 GPa bulk modulus).</summary>
    public double CompressibilityPerGpa { get; init; } = 0.01;

    /// <summary>Write a frame every this many steps (step 0 included).</summary>
    public int DumpEvery { get; init; } = 10;

    /// <summary>Seed of the initial velocities and the thermostat noise; recorded in every frame.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Steps done ("md", steps), about 200 times a run and at its end.</summary>
    public IProgress<NepForge.Progress.StepProgress>? Progress { get; init; }
}

/// <summary>One dumped MD frame and its thermodynamics.</summary>
/// <param name="Frame">Positions, cell, velocities (array <c>vel</c>, Å/fs) and the model's predictions under names that are not DFT labels (<c>nep_energy</c>, array <c>nep_forces</c>).</param>
/// <param name="Step">MD step.</param>
/// <param name="TemperatureK">Instantaneous temperature.</param>
/// <param name="PotentialEnergy">eV.</param>
/// <param name="PressureGpa">Instantaneous pressure (virial + kinetic).</param>
public sealed record MdFrame(Frame Frame, int Step, double TemperatureK, double PotentialEnergy, double PressureGpa);

/// <summary>
/// Molecular dynamics with the CPU NEP evaluator, for exploring small systems where GPUMD is not at hand:
/// velocity Verlet with a Langevin (BAOAB), Bussi (CSVR) or no thermostat, optionally a Berendsen barostat.
/// Frames are written like GPUMD's dump, but the model's energy and forces go under <c>nep_*</c> names: they are
/// predictions, never DFT labels. Units: Å, fs, amu, eV.
/// </summary>
public sealed class NepMolecularDynamics
{
    /// <summary>Frame info key of the thermostat target at the frame's step, K.</summary>
    public const string TargetTemperatureKey = "md_target_temperature";

    /// <summary>Frame info key: T when the frame lies in the hold after a ramp, F in the ramp (only with hold steps).</summary>
    public const string HoldKey = "md_hold";

    /// <summary>amu·Å²/fs² in eV.</summary>
    public const double MassVelocitySquaredToEv = 103.642696562;

    readonly NepCalculator _calculator;
    readonly MdOptions _options;

    /// <param name="calculator">The model.</param>
    /// <param name="options">Ensemble, temperature, steps, seed.</param>
    public NepMolecularDynamics(NepCalculator calculator, MdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Temperature >= 0) || !(options.EndTemperature is null or >= 0) || options.HoldSteps < 0 || options.Steps < 0 || !(options.TimeStepFs > 0) || options.DumpEvery < 1)
            throw new ArgumentException("MD needs T ≥ 0 K, steps ≥ 0, hold steps ≥ 0, a time step > 0 fs and dump-every ≥ 1", nameof(options));
        _calculator = calculator;
        _options = options;
    }

    /// <summary>Runs from <paramref name="start"/>, yielding a frame every <see cref="MdOptions.DumpEvery"/> steps.</summary>
    public IEnumerable<MdFrame> Run(Frame start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var o = _options;
        var frame = start.Clone();
        frame.ClearLabels();
        if (o.Ensemble == MdEnsemble.NptBerendsen && frame.Lattice?.Pbc != Pbc.All)
            throw new ArgumentException("NPT needs a fully periodic cell", nameof(start));
        int n = frame.AtomCount;
        var mass = frame.Elements.Select(e => e.Mass).ToArray();
        var x = frame.Positions;
        var v = new double[3 * n];
        var rng = new Random(o.Seed);
        int dof = Math.Max(1, 3 * n - 3);
        InitialVelocities(v, mass, o.Temperature, rng, dof);

        var result = _calculator.Compute(frame);
        double dt = o.TimeStepFs;
        var ramp = o.Ramp;
        int reportEvery = Math.Max(1, ramp.TotalSteps / 200);
        for (int step = 0; ; step++)
        {
            if (step % reportEvery == 0 || step == ramp.TotalSteps)
                o.Progress?.Report(new NepForge.Progress.StepProgress("md", step, ramp.TotalSteps, "steps"));
            if (step % o.DumpEvery == 0)
                yield return Dump(frame, v, result, step, mass, dof);
            if (step == ramp.TotalSteps)
                yield break;
            // The thermostat pulls towards the target of the step being integrated (the ramp, then the hold).
            double target = ramp.TargetAt(step + 1);

            if (o.Ensemble == MdEnsemble.NvtLangevin)
            {
                // BAOAB: half kick, half drift, Ornstein–Uhlenbeck, half drift, force, half kick.
                Kick(v, result.Forces, mass, 0.5 * dt);
                Drift(x, v, 0.5 * dt);
                double c1 = Math.Exp(-dt / o.ThermostatFs);
                double c2 = Math.Sqrt(1 - c1 * c1);
                for (int i = 0; i < n; i++)
                {
                    double sigma = Math.Sqrt(Units.BoltzmannEvPerK * target / (mass[i] * MassVelocitySquaredToEv));
                    for (int k = 0; k < 3; k++)
                        v[3 * i + k] = c1 * v[3 * i + k] + c2 * sigma * Gaussian(rng);
                }
                // The per-atom noise moves the centre of mass too; take that drift out so that the 3N − 3 internal
                // degrees of freedom carry the requested temperature (the projection is orthogonal in the
                // mass-weighted velocities, so their Maxwell–Boltzmann distribution is unchanged).
                RemoveDrift(v, mass);
                Drift(x, v, 0.5 * dt);
                result = _calculator.Compute(frame);
                Kick(v, result.Forces, mass, 0.5 * dt);
                continue;
            }

            Kick(v, result.Forces, mass, 0.5 * dt);
            Drift(x, v, dt);
            result = _calculator.Compute(frame);
            Kick(v, result.Forces, mass, 0.5 * dt);
            if (o.Ensemble is MdEnsemble.NvtBussi or MdEnsemble.NptBerendsen)
                BussiRescale(v, mass, target, dt / o.ThermostatFs, dof, rng);
            if (o.Ensemble == MdEnsemble.NptBerendsen)
            {
                double p = PressureGpa(frame, v, mass, result.Virial);
                double mu = Math.Cbrt(1 - o.CompressibilityPerGpa * dt / o.BarostatFs * (o.PressureGpa - p));
                ScaleCell(frame, mu);
                result = _calculator.Compute(frame);
            }
        }
    }

    static void ScaleCell(Frame frame, double mu)
    {
        var l = frame.Lattice!;
        frame.Lattice = new Lattice(mu * l.Matrix, l.Pbc);
        for (int i = 0; i < frame.Positions.Length; i++)
            frame.Positions[i] *= mu;
    }

    static void Kick(double[] v, double[] f, double[] mass, double dt)
    {
        for (int i = 0; i < mass.Length; i++)
        {
            double s = dt / (mass[i] * MassVelocitySquaredToEv);
            for (int k = 0; k < 3; k++)
                v[3 * i + k] += s * f[3 * i + k];
        }
    }

    static void Drift(double[] x, double[] v, double dt)
    {
        for (int i = 0; i < x.Length; i++)
            x[i] += dt * v[i];
    }

    static double KineticEnergy(double[] v, double[] mass)
    {
        double k = 0;
        for (int i = 0; i < mass.Length; i++)
            k += 0.5 * mass[i] * (v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2]);
        return k * MassVelocitySquaredToEv;
    }

    /// <summary>
    /// Kinetic energy of the motion relative to the centre of mass, K − |P|²/2M (eV): what the temperature of the
    /// 3N − 3 internal degrees of freedom is measured from, whatever the ensemble.
    /// </summary>
    public static double InternalKineticEnergy(double[] v, double[] mass)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(mass);
        double total = 0, px = 0, py = 0, pz = 0;
        for (int i = 0; i < mass.Length; i++)
        {
            total += mass[i];
            px += mass[i] * v[3 * i];
            py += mass[i] * v[3 * i + 1];
            pz += mass[i] * v[3 * i + 2];
        }
        double com = total > 0 ? 0.5 * (px * px + py * py + pz * pz) / total * MassVelocitySquaredToEv : 0;
        return Math.Max(0, KineticEnergy(v, mass) - com);
    }

    static void RemoveDrift(double[] v, double[] mass)
    {
        double total = mass.Sum();
        for (int k = 0; k < 3; k++)
        {
            double p = 0;
            for (int i = 0; i < mass.Length; i++)
                p += mass[i] * v[3 * i + k];
            for (int i = 0; i < mass.Length; i++)
                v[3 * i + k] -= p / total;
        }
    }

    static double Gaussian(Random rng)
    {
        // Box–Muller; one value per call keeps the stream simple to reproduce.
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    static void InitialVelocities(double[] v, double[] mass, double temperature, Random rng, int dof)
    {
        int n = mass.Length;
        for (int i = 0; i < n; i++)
        {
            double sigma = Math.Sqrt(Units.BoltzmannEvPerK * temperature / (mass[i] * MassVelocitySquaredToEv));
            for (int k = 0; k < 3; k++)
                v[3 * i + k] = sigma * Gaussian(rng);
        }
        // No drift of the centre of mass, and exactly the requested temperature.
        RemoveDrift(v, mass);
        double ke = KineticEnergy(v, mass);
        if (ke > 0 && temperature > 0)
        {
            double scale = Math.Sqrt(0.5 * dof * Units.BoltzmannEvPerK * temperature / ke);
            for (int i = 0; i < v.Length; i++)
                v[i] *= scale;
        }
    }

    // Bussi, Donadio & Parrinello, J. Chem. Phys. 126, 014101 (2007): the kinetic energy follows the canonical
    // distribution with relaxation time tau; velocities are rescaled by one factor.
    static void BussiRescale(double[] v, double[] mass, double temperature, double dtOverTau, int dof, Random rng)
    {
        double k = InternalKineticEnergy(v, mass);
        if (k <= 0)
            return;
        double target = 0.5 * dof * Units.BoltzmannEvPerK * temperature;
        double c = Math.Exp(-dtOverTau);
        double r1 = Gaussian(rng);
        double sum = 0;
        for (int i = 0; i < dof - 1; i++)
        {
            double g = Gaussian(rng);
            sum += g * g;
        }
        double knew = k + (1 - c) * (target * (sum + r1 * r1) / dof - k) + 2 * r1 * Math.Sqrt(k * target / dof * (1 - c) * c);
        double alpha = Math.Sqrt(Math.Max(knew, 0) / k);
        for (int i = 0; i < v.Length; i++)
            v[i] *= alpha;
    }

    static double PressureGpa(Frame frame, double[] v, double[] mass, Mat3 virial)
    {
        if (frame.Lattice is not { } l || l.Pbc != Pbc.All)
            return 0;
        // P = (2K/3 + tr(W)/3) / V with the virial W in GPUMD's (pressure) sign.
        double p = (2 * KineticEnergy(v, mass) / 3 + virial.Trace / 3) / l.Volume;
        return p * Units.EvPerA3ToGpa;
    }

    MdFrame Dump(Frame frame, double[] v, NepResult result, int step, double[] mass, int dof)
    {
        var f = frame.Clone();
        f.ClearLabels();
        f.SetArray(PerAtomArray.Real("vel", 3, (double[])v.Clone()));
        f.SetArray(PerAtomArray.Real("nep_forces", 3, (double[])result.Forces.Clone()));
        double t = 2 * InternalKineticEnergy(v, mass) / (dof * Units.BoltzmannEvPerK);
        double p = PressureGpa(frame, v, mass, result.Virial);
        string I(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        f.Info.SetExtra("nep_energy", I(result.Energy));
        f.Info.SetExtra("md_step", step.ToString(CultureInfo.InvariantCulture));
        f.Info.SetExtra("md_time_fs", I(step * _options.TimeStepFs));
        f.Info.SetExtra("md_temperature", I(t));
        f.Info.SetExtra("md_ensemble", _options.Ensemble.ToString().ToLowerInvariant());
        // The thermostat's target at this step, and whether the step is in the hold after a ramp: what
        // `sample --hold-only` keeps.
        var ramp = _options.Ramp;
        f.Info.SetExtra(TargetTemperatureKey, I(ramp.TargetAt(step)));
        if (ramp.HoldSteps > 0)
            f.Info.SetExtra(HoldKey, ramp.InHold(step) ? "T" : "F");
        f.Info.Seed = _options.Seed;
        f.Info.SourceStep = step;
        return new MdFrame(f, step, t, result.Energy, p);
    }
}
