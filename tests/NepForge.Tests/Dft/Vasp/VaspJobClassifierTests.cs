using NepForge.Dft.Vasp;

namespace NepForge.Tests.Dft.Vasp;

public sealed class VaspJobClassifierTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "nepforge-vaspjob-" + Guid.NewGuid().ToString("N"));

    public VaspJobClassifierTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A job folder holding the fixture as if VASP had written it there.</summary>
    string Job(string name, string? fixture, string target = "OUTCAR")
    {
        string job = Path.Combine(_dir, name);
        Directory.CreateDirectory(job);
        if (fixture is not null)
            File.Copy(Fixtures.Path("vasp/" + fixture), Path.Combine(job, target));
        return job;
    }

    [FixtureFact]
    public void Finished_aimd_run_is_converged_by_its_last_step()
    {
        var r = VaspJobClassifier.Classify(Job("md", "dpdata/OUTCAR.h2o.md"));
        Assert.Equal(VaspJobState.Converged, r.State);
        Assert.True(r.Finished);
        Assert.Equal(3, r.Steps);
        Assert.Equal(0, r.UnconvergedSteps);
        Assert.Equal(-28.46658469, r.Frame!.Energy);
        Assert.Contains("5.4.4", r.Version, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Static_single_point_is_converged()
    {
        var r = VaspJobClassifier.Classify(Job("si", "pymatgen-core/static_silicon/OUTCAR"));
        Assert.Equal(VaspJobState.Converged, r.State);
        Assert.Equal(1, r.Steps);
        Assert.Equal(2, r.Frame!.AtomCount);
        Assert.NotNull(r.Frame.Forces);
    }

    [FixtureFact]
    public void Nelm_reached_is_unconverged()
    {
        var r = VaspJobClassifier.Classify(Job("nelm", "aiida-vasp/elec-unconverged/OUTCAR"));
        Assert.Equal(VaspJobState.Unconverged, r.State);
        Assert.Contains("NELM = 8", r.Reason);
        Assert.Null(r.Frame);
        Assert.Equal(1, r.UnconvergedSteps);
    }

    [FixtureFact]
    public void Killed_relaxation_is_incomplete_and_crashed_with_an_error_in_vasp_out()
    {
        string job = Job("potim", "custodian/potim/OUTCAR");
        var r = VaspJobClassifier.Classify(job);
        Assert.Equal(VaspJobState.Incomplete, r.State);
        Assert.Equal(3, r.Steps);
        Assert.Null(r.ErrorText); // "kinetic energy error for atom" in the header is not an error

        File.WriteAllText(Path.Combine(job, "vasp.out"), " running on 16 total cores\n ZBRENT: fatal error in bracketing\n     please rerun with smaller EDIFF, or copy CONTCAR\n");
        r = VaspJobClassifier.Classify(job);
        Assert.Equal(VaspJobState.Crashed, r.State);
        Assert.Contains("ZBRENT: fatal error", r.Reason);
        Assert.Contains("vasp.out", r.Reason);
    }

    [FixtureFact]
    public void Stopped_in_the_first_electronic_loop_is_incomplete()
    {
        var r = VaspJobClassifier.Classify(Job("unfinished", "aiida-vasp/unfinished/OUTCAR"));
        Assert.Equal(VaspJobState.Incomplete, r.State);
        Assert.Equal(0, r.Steps);

        // custodian's auto-nbands OUTCAR stops mid-line with no error text of its own: Incomplete, unless a log says more.
        string job = Job("nbands", "custodian/OUTCAR_auto_nbands_parallel");
        Assert.Equal(VaspJobState.Incomplete, VaspJobClassifier.Classify(job).State);
        File.WriteAllText(Path.Combine(job, "slurm-123.out"), "slurmstepd: error: *** JOB 123 ON n1 CANCELLED AT 2024-01-01T00:00:00 DUE TO TIME LIMIT ***\n");
        r = VaspJobClassifier.Classify(job);
        Assert.Equal(VaspJobState.Incomplete, r.State);
        Assert.Contains("scheduler", r.Reason);
        File.WriteAllText(Path.Combine(job, "stderr"), "BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES\n");
        Assert.Equal(VaspJobState.Crashed, VaspJobClassifier.Classify(job).State);
    }

    [FixtureFact]
    public void Vasprun_is_used_when_there_is_no_outcar()
    {
        var r = VaspJobClassifier.Classify(Job("xml", "dpdata/vasprun.h2o.md.xml", "vasprun.xml"));
        Assert.Equal(VaspJobState.Converged, r.State);
        Assert.EndsWith("vasprun.xml", r.OutputFile, StringComparison.Ordinal);
        Assert.Equal(3, r.Steps);
        Assert.Equal(-28.46658469, r.Frame!.Energy);
    }

    [Fact]
    public void Empty_folder_is_missing_output()
    {
        var r = VaspJobClassifier.Classify(Job("empty", null));
        Assert.Equal(VaspJobState.MissingOutput, r.State);
        Assert.Null(r.OutputFile);
        Assert.Equal(VaspJobState.MissingOutput, VaspJobClassifier.Classify(Path.Combine(_dir, "does-not-exist")).State);
    }
}
