using System.Globalization;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Tests.Nep;

public sealed class NepMolecularDynamicsTests
{
    static NepCalculator Si() => new(NepModelReader.Read(Fixtures.Path("nep/potentials/Si_2022_NEP4_5body.txt")), 1);

    // Diamond Si, 64 atoms.
    static Frame Si64()
    {
        const double a = 5.431;
        double[] basis = [0, 0, 0, 0, .5, .5, .5, 0, .5, .5, .5, 0, .25, .25, .25, .25, .75, .75, .75, .25, .75, .75, .75, .25];
        var pos = new List<double>();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                for (int k = 0; k < 2; k++)
                {
                    for (int b = 0; b < 8; b++)
                    {
                        pos.Add((i + basis[3 * b]) * a);
                        pos.Add((j + basis[3 * b + 1]) * a);
                        pos.Add((k + basis[3 * b + 2]) * a);
                    }
                }
            }
        }
        var si = Elements.Get("Si");
        return new Frame(Enumerable.Repeat(si, 64).ToArray(), pos.ToArray(), new Lattice(new Vec3(2 * a, 0, 0), new Vec3(0, 2 * a, 0), new Vec3(0, 0, 2 * a)));
    }

    static double Extra(MdFrame f, string key) => double.Parse(f.Frame.Info.GetExtra(key)!, CultureInfo.InvariantCulture);

    static double KineticEv(MdFrame f, int atoms) => 0.5 * (3 * atoms - 3) * Units.BoltzmannEvPerK * f.TemperatureK;

    [FixtureFact]
    public void Nve_conserves_the_total_energy()
    {
        var frames = new NepMolecularDynamics(Si(), new MdOptions { Temperature = 600, Steps = 500, TimeStepFs = 1, Ensemble = MdEnsemble.Nve, DumpEvery = 50 }).Run(Si64()).ToList();
        var total = frames.Select(f => f.PotentialEnergy + KineticEv(f, 64)).ToList();
        // The kinetic energy moves a lot (600 K → about 300 K by equipartition) while the total stays put.
        Assert.True(frames[^1].TemperatureK < 450);
        Assert.True(total.Max() - total.Min() < 2e-3 * 64, $"total energy drifts: {string.Join(", ", total)}");
    }

    [FixtureFact]
    public void Bussi_and_langevin_hold_the_temperature_and_a_seed_repeats_the_run()
    {
        foreach (var ensemble in new[] { MdEnsemble.NvtBussi, MdEnsemble.NvtLangevin })
        {
            var options = new MdOptions { Temperature = 500, Steps = 1000, ThermostatFs = 50, Ensemble = ensemble, DumpEvery = 10, Seed = 3 };
            var frames = new NepMolecularDynamics(Si(), options).Run(Si64()).ToList();
            double mean = frames.Skip(30).Average(f => f.TemperatureK);
            Assert.InRange(mean, 440, 560);
            var again = new NepMolecularDynamics(Si(), options).Run(Si64()).ToList();
            Assert.Equal(frames[^1].Frame.Positions, again[^1].Frame.Positions);
            var other = new NepMolecularDynamics(Si(), options with { Seed = 4 }).Run(Si64()).ToList();
            Assert.NotEqual(frames[^1].Frame.Positions, other[^1].Frame.Positions);
        }
    }

    // Issue 13, point 9: the Langevin noise moved the centre of mass, and its kinetic energy was still counted over
    // 3N − 3 degrees of freedom (306.9 K reported for a 300 K run of 64 atoms). Every ensemble must report the
    // temperature of the internal motion, and no ensemble may let the centre of mass drift.
    [FixtureTheory]
    [InlineData(MdEnsemble.NvtLangevin)]
    [InlineData(MdEnsemble.NvtBussi)]
    [InlineData(MdEnsemble.Nve)]
    [InlineData(MdEnsemble.NptBerendsen)]
    public void Temperature_is_that_of_the_internal_motion_and_the_centre_of_mass_stays_at_rest(MdEnsemble ensemble)
    {
        var frames = new NepMolecularDynamics(Si(), new MdOptions { Temperature = 300, Steps = 200, ThermostatFs = 20, Ensemble = ensemble, DumpEvery = 20, Seed = 5 })
            .Run(Si64()).ToList();
        double mass = Elements.Get("Si").Mass;
        foreach (var f in frames)
        {
            var v = f.Frame.GetArray("vel")!.Reals!;
            double px = 0, py = 0, pz = 0, twiceK = 0;
            for (int i = 0; i < 64; i++)
            {
                px += mass * v[3 * i];
                py += mass * v[3 * i + 1];
                pz += mass * v[3 * i + 2];
                twiceK += mass * (v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2]);
            }
            double pNorm = Math.Sqrt(px * px + py * py + pz * pz);
            // Per-atom momentum is of order m·σ_v ≈ 28 × 0.003 amu·Å/fs; the total must vanish to rounding.
            Assert.True(pNorm < 1e-9, $"{ensemble} step {f.Step}: centre-of-mass momentum {pNorm:E3} amu·Å/fs");
            double internalK = (twiceK - (px * px + py * py + pz * pz) / (64 * mass)) / 2 * NepMolecularDynamics.MassVelocitySquaredToEv;
            double expected = 2 * internalK / (189 * Units.BoltzmannEvPerK);
            Assert.Equal(expected, f.TemperatureK, 1e-9 * expected);
            Assert.Equal(f.TemperatureK, Extra(f, "md_temperature"));
        }
        Assert.Equal(300, frames[0].TemperatureK, 1e-9);
    }

    [Fact]
    public void Internal_kinetic_energy_leaves_out_the_centre_of_mass_motion()
    {
        // Two atoms of 1 and 3 amu moving together at 0.01 Å/fs along x: all of it is centre-of-mass motion.
        Assert.Equal(0, NepMolecularDynamics.InternalKineticEnergy([0.01, 0, 0, 0.01, 0, 0], [1, 3]), 1e-15);
        // Equal and opposite momenta (1 × 0.03 = 3 × 0.01): all internal, ½(1·0.03² + 3·0.01²) amu·Å²/fs².
        Assert.Equal(0.5 * (0.0009 + 0.0003) * NepMolecularDynamics.MassVelocitySquaredToEv,
            NepMolecularDynamics.InternalKineticEnergy([0.03, 0, 0, -0.01, 0, 0], [1, 3]), 1e-15);
    }

    [FixtureFact]
    public void Berendsen_npt_relaxes_the_pressure_toward_the_target()
    {
        var frames = new NepMolecularDynamics(Si(), new MdOptions
        {
            Temperature = 300,
            Steps = 3000,
            Ensemble = MdEnsemble.NptBerendsen,
            PressureGpa = 5,
            BarostatFs = 200,
            DumpEvery = 50,
        }).Run(Si64()).ToList();
        double start = frames[0].PressureGpa;
        double end = frames.Skip(frames.Count / 2).Average(f => f.PressureGpa);
        Assert.True(Math.Abs(end - 5) < Math.Abs(start - 5) / 2, $"pressure {start:F2} → {end:F2} GPa, target 5");
        Assert.True(frames[^1].Frame.Lattice!.Volume < frames[0].Frame.Lattice!.Volume, "compressing toward 5 GPa shrinks the cell");
    }

    [FixtureFact]
    public void Dumped_frames_carry_predictions_under_nep_names_never_as_dft_labels()
    {
        var calc = Si();
        var frames = new NepMolecularDynamics(calc, new MdOptions { Temperature = 300, Steps = 20, DumpEvery = 10, Seed = 8 }).Run(Si64()).ToList();
        Assert.Equal([0, 10, 20], frames.Select(f => f.Step));
        foreach (var f in frames)
        {
            Assert.False(f.Frame.HasLabels);
            Assert.Equal(calc.Compute(f.Frame).Energy, Extra(f, "nep_energy"), 1e-9);
            Assert.Equal(calc.Compute(f.Frame).Forces, f.Frame.GetArray("nep_forces")!.Reals!, new ToleranceComparer(1e-9));
            Assert.Equal(8, f.Frame.Info.Seed);
            Assert.NotNull(f.Frame.GetArray("vel"));
        }
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
