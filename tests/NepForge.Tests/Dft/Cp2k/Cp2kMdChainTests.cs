using System.Globalization;
using NepForge.Dft;
using NepForge.Dft.Cp2k;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Nep;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Dft.Cp2k;

/// <summary>CP2K AIMD temperature ramps as a chain of restarted constant-temperature segments (issue 17, item 1).</summary>
public sealed class Cp2kMdChainTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // Two-atom diamond Si primitive cell (a = 5.43 Å).
    static Frame Si2() => new([Elements.Get("Si"), Elements.Get("Si")], [0, 0, 0, 1.3575, 1.3575, 1.3575],
        new Lattice(new Vec3(0, 2.715, 2.715), new Vec3(2.715, 0, 2.715), new Vec3(2.715, 2.715, 0)));

    static readonly Cp2kMdSettings Ramp = new() { Temperature = 10, EndTemperature = 300, Steps = 120, HoldSteps = 30, Seed = 7 };

    [Fact]
    public void A_ramp_is_segments_of_at_most_50_steps_whose_targets_step_linearly_then_the_hold()
    {
        var plan = Cp2kMdChain.Plan(Ramp);
        Assert.Equal(
            [new Cp2kMdSegment("md-00", 10, 40, false), new Cp2kMdSegment("md-01", 155, 40, false), new Cp2kMdSegment("md-02", 300, 40, false), new Cp2kMdSegment("md-hold", 300, 30, true)],
            plan);
        // Short ramps still get a segment at each end; a constant temperature with a hold is one segment and the hold.
        Assert.Equal([(10.0, 3), (300.0, 2)], Cp2kMdChain.Plan(Ramp with { Steps = 5, HoldSteps = 0 }).Select(s => (s.Temperature, s.Steps)));
        Assert.Equal([(300.0, 100, false), (300.0, 20, true)], Cp2kMdChain.Plan(Ramp with { Temperature = 300, Steps = 100, HoldSteps = 20 }).Select(s => (s.Temperature, s.Steps, s.IsHold)));
        Assert.Throws<ArgumentException>(() => Cp2kMdChain.Plan(Ramp with { Steps = 1 }));
        Assert.False((Ramp with { EndTemperature = 10, HoldSteps = 0 }).IsChain);
    }

    [Fact]
    public void The_master_input_farms_the_segments_in_order_in_one_group()
    {
        Assert.Equal(
            """
            ! CP2K AIMD temperature ramp written by NepForge: NVT (CSVR) segments run one after another in this job,
            ! each restarting the previous one's positions, velocities and thermostat (CP2K FARMING, one group, in order).
            &GLOBAL
              PROJECT md-chain
              PROGRAM_NAME FARMING
              RUN_TYPE NONE
            &END GLOBAL
            &FARMING
              NGROUPS 1
              &JOB
                DIRECTORY .
                INPUT_FILE_NAME md-00.inp
                OUTPUT_FILE_NAME md-00.log
                JOB_ID 1
              &END JOB
              &JOB
                DIRECTORY .
                INPUT_FILE_NAME md-hold.inp
                OUTPUT_FILE_NAME md-hold.log
                JOB_ID 2
              &END JOB
            &END FARMING

            """, Cp2kMdChain.RenderMaster([new("md-00", 10, 5, false), new("md-hold", 10, 5, true)]));
    }

    [Fact]
    public void Each_segment_after_the_first_restarts_the_previous_one()
    {
        var plan = Cp2kMdChain.Plan(Ramp);
        var first = Cp2kMdChain.RenderSegment(Si2(), null, Ramp, plan[0], null).Split('\n');
        var second = Cp2kMdChain.RenderSegment(Si2(), null, Ramp, plan[1], plan[0]).Split('\n');
        var hold = Cp2kMdChain.RenderSegment(Si2(), null, Ramp, plan[3], plan[2]).Split('\n');
        Assert.DoesNotContain("&EXT_RESTART", first);
        Assert.Contains("  PROJECT md-00", first);
        Assert.Contains("    TEMPERATURE 10", first);
        Assert.Contains("    STEPS 40", first);
        Assert.Contains("  SEED 7", first);
        Assert.Contains("      FILENAME =md-00-stress.out", first);
        int restart = Array.IndexOf(second, "&EXT_RESTART");
        Assert.Equal(
            ["&EXT_RESTART", "  RESTART_FILE_NAME md-00-1.restart", "  RESTART_COUNTERS T", "  RESTART_POS T", "  RESTART_VEL T", "  RESTART_THERMOSTAT T", "  RESTART_RANDOMG T", "&END EXT_RESTART", "&GLOBAL", "  PROJECT md-01"],
            second[restart..(restart + 10)]);
        Assert.Contains("    TEMPERATURE 155", second);
        Assert.Contains("    &RESTART", second);
        Assert.Contains("      BACKUP_COPIES 0", second);
        Assert.Contains("  RESTART_FILE_NAME md-02-1.restart", hold);
        Assert.Contains("    TEMPERATURE 300", hold);
        Assert.Contains("    STEPS 30", hold);
        // CSVR stays the thermostat of every segment.
        Assert.All([first, second, hold], lines => Assert.Contains("      TYPE CSVR", lines));
    }

    [Fact]
    public void A_constant_temperature_without_hold_is_one_input_as_before()
    {
        Directory.CreateDirectory(_cli.PathOf("plain"));
        var plain = Ramp with { EndTemperature = null, HoldSteps = 0, Temperature = 300 };
        Cp2kMd.WriteJob(_cli.PathOf("plain"), Si2(), null, plain);
        Assert.Equal(["in.inp"], Directory.GetFiles(_cli.PathOf("plain")).Select(Path.GetFileName));
        Assert.Equal(Cp2kMd.Render(Si2(), null, plain), File.ReadAllText(_cli.PathOf("plain/in.inp")));
        Assert.False(Cp2kMdChain.IsChain(_cli.PathOf("plain")));
        Assert.Throws<ArgumentException>(() => Cp2kMd.Render(Si2(), null, Ramp));
    }

    [Fact]
    public void A_written_chain_reads_back_and_its_segment_inputs_are_inputs_of_the_job()
    {
        string job = _cli.PathOf("job");
        Directory.CreateDirectory(job);
        Cp2kMd.WriteJob(job, Si2(), null, Ramp);
        Assert.True(Cp2kMdChain.IsChain(job));
        Assert.Equal(Cp2kMdChain.Plan(Ramp), Cp2kMdChain.ReadPlan(job));
        Assert.Equal(["in.inp", "md-00.inp", "md-01.inp", "md-02.inp", "md-hold.inp"], DftJobRecord.HashInputs(job).Keys);
        // A rerun's archive keeps every input; escalation changes the SCF of every segment alike.
        File.WriteAllText(Path.Combine(job, "md-00.log"), "old log\n");
        string archive = DftJobArchive.Archive(job, 1);
        Assert.True(File.Exists(Path.Combine(archive, "md-00.log")));
        Assert.True(File.Exists(Path.Combine(job, "md-hold.inp")));
        Assert.Equal("md-00.inp…md-hold.inp: MAX_SCF 40 → 80, mixing ALPHA 0.4 → 0.2", DftEscalation.Apply(job, "cp2k", 0, null));
        Assert.All(Cp2kMdChain.ReadPlan(job), s => Assert.Contains("      MAX_SCF 80", File.ReadAllLines(Path.Combine(job, s.InputName))));
        Assert.DoesNotContain("MAX_SCF", File.ReadAllText(Path.Combine(job, "in.inp")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_outside_the_job_folder_is_refused()
    {
        string job = _cli.PathOf("bad");
        Directory.CreateDirectory(job);
        Cp2kMd.WriteJob(job, Si2(), null, Ramp);
        File.WriteAllText(Path.Combine(job, "in.inp"), File.ReadAllText(Path.Combine(job, "in.inp")).Replace("INPUT_FILE_NAME md-01.inp", "INPUT_FILE_NAME ../md-01.inp", StringComparison.Ordinal));
        var e = Assert.Throws<ParseException>(() => Cp2kMdChain.ReadPlan(job));
        Assert.Contains("'../md-01.inp' is not a segment input", e.Message, StringComparison.Ordinal);
        // After a run, status says so instead of reading the file.
        File.WriteAllText(Path.Combine(job, "out.log"), " FARMING| Hi, welcome on this farm!\n  **** **** ******  **  PROGRAM ENDED AT                 2026-12-06 07:06:27.583\n");
        ExtXyzWriter.WriteFile(Path.Combine(job, DftJobs.StructureFile), [Si2()]);
        var status = DftJobs.Inspect(job);
        Assert.Equal(DftJobState.Crashed, status.State);
        Assert.Contains("is not a segment input", status.Reason, StringComparison.Ordinal);
    }

    [Cp2kFact]
    public void A_real_ramp_runs_as_one_job_and_reads_back_as_one_trajectory_numbered_from_zero()
    {
        string xyz = _cli.PathOf("si2.xyz"), jobs = _cli.PathOf("jobs");
        ExtXyzWriter.WriteFile(xyz, [Si2()]);
        var (code, _, err) = _cli.Run("dft", "prepare", xyz, "-o", jobs, "--engine", "cp2k", "--aimd", "-T", "10:300", "--steps", "4", "--hold-steps", "2", "--seed", "5");
        Assert.True(code == 0, err);
        (code, _, err) = _cli.Run("dft", "run", jobs, "--poll", "0.3");
        Assert.True(code == 0, err);
        Assert.Contains("done: 1 converged", err, StringComparison.Ordinal);
        string job = Path.Combine(jobs, "000001");
        var status = DftJobs.Describe(job);
        Assert.Equal(DftJobState.Converged, status.State);
        Assert.StartsWith("AIMD 10→300 K in 2 segment(s) + 2 hold step(s): 7 of 7 step(s)", status.Reason, StringComparison.Ordinal);
        Assert.Contains("RESTART FILE NAME: md-00-1.restart", File.ReadAllText(Path.Combine(job, "md-01.log")), StringComparison.Ordinal);

        Assert.Equal(0, _cli.Run("dft", "collect", jobs, "-o", _cli.PathOf("aimd.xyz")).Code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("aimd.xyz")).ToList();
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], frames.Select(f => f.Info.SourceIndex!.Value));
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], frames.Select(f => f.Info.SourceStep!.Value));
        Assert.Equal(["10", "10", "10", "300", "300", "300", "300"], frames.Select(f => f.Info.GetExtra(NepMolecularDynamics.TargetTemperatureKey)));
        Assert.Equal(["F", "F", "F", "F", "T", "T", "T"], frames.Select(f => f.Info.GetExtra(NepMolecularDynamics.HoldKey)));
        // Each frame's energy is its own step's (pos files: md-00 holds steps 0-2, md-01 3-4, md-hold 5-6), so the
        // restart point (step 2, recomputed first by md-01) is there once.
        var energies = new[] { "md-00", "md-01", "md-hold" }.SelectMany(s => File.ReadLines(Path.Combine(job, $"{s}-pos-1.xyz")).Where(l => l.Contains("E =", StringComparison.Ordinal)))
            .Select(l => double.Parse(l[(l.LastIndexOf('=') + 1)..], CultureInfo.InvariantCulture) * Units.HartreeToEv).ToList();
        Assert.Equal(7, energies.Count);
        Assert.Equal(energies, frames.Select(f => f.Energy!.Value));
        Assert.All(frames, f => Assert.NotNull(f.Virial));

        (code, _, err) = _cli.Run("sample", _cli.PathOf("aimd.xyz"), "--hold-only", "-o", _cli.PathOf("hold.xyz"));
        Assert.True(code == 0, err);
        Assert.Equal([4L, 5, 6], ExtXyzReader.ReadFrames(_cli.PathOf("hold.xyz")).Select(f => f.Info.SourceStep!.Value));
    }
}
