using NepForge.Dft;
using NepForge.Dft.Vasp;
using NepForge.Scheduling;
using NepForge.Structures;

namespace NepForge.Tests.Dft;

/// <summary>An executor the test drives by hand: it records submissions and reports whatever states the test sets.</summary>
sealed class ScriptedExecutor(int? slots) : IJobExecutor
{
    public List<IReadOnlyList<string>> Submissions { get; } = [];
    public Dictionary<string, JobStatus> States { get; } = [];
    public Dictionary<string, string> Findable { get; } = [];
    public int Polls { get; private set; }
    int _next;

    public string Name => "scripted";
    public int? Slots => slots;

    public IReadOnlyList<string> Submit(IReadOnlyList<string> folders, string jobName)
    {
        Submissions.Add(folders.ToList());
        var ids = folders.Select(_ => "j" + (++_next).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var id in ids)
            States[id] = new JobStatus(id, JobState.Queued, "PENDING");
        return ids;
    }

    public IReadOnlyDictionary<string, JobStatus> Poll(IReadOnlyList<ExecutorJob> jobs)
    {
        Polls++;
        return jobs.ToDictionary(j => j.Id, j => States.TryGetValue(j.Id, out var s) ? s : new JobStatus(j.Id, JobState.Unknown, ""));
    }

    public string? Find(string folder, string jobName, int? arrayIndex) => Findable.GetValueOrDefault(jobName);

    public void Cancel(IReadOnlyList<ExecutorJob> jobs)
    {
    }

    public void End(string id, JobState state = JobState.Completed, string raw = "COMPLETED") => States[id] = new JobStatus(id, state, raw, null, state == JobState.Completed ? null : raw);
}

public sealed class DftBatchTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("nepforge-batch").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // The structure of the converged fixture OUTCAR (pymatgen's static_silicon): its output must match the job's input.
    static Frame Si2() => new([Elements.Get("Si"), Elements.Get("Si")], [2.05077, 2.05077, 2.05077, 3.41795, 3.41795, 3.41795],
        new Lattice(new Vec3(0, 2.734364, 2.734364), new Vec3(2.734364, 0, 2.734364), new Vec3(2.734364, 2.734364, 0)));

    List<string> Prepare(int n)
    {
        var (written, _) = DftJobs.Prepare(Enumerable.Range(0, n).Select(_ => Si2()), _root,
            new DftEngineInputs { Vasp = new VaspInputSet { IncarTemplate = Incar.Parse("ENCUT = 400\nNELM = 60\n") } });
        return written;
    }

    // What VASP would leave: a fixture OUTCAR.
    static void Ran(string folder, string outcar) => File.Copy(Fixtures.Path("vasp/" + outcar), Path.Combine(folder, "OUTCAR"), overwrite: true);

    const string Converged = "pymatgen-core/static_silicon/OUTCAR";
    const string Unconverged = "aiida-vasp/elec-unconverged/OUTCAR";

    [FixtureFact]
    public void Nothing_queued_running_or_finished_is_submitted_twice_even_by_a_new_driver()
    {
        var folders = Prepare(3);
        var exec = new ScriptedExecutor(null);
        var first = new DftBatch(_root, exec).Pass();
        Assert.Equal(3, first.Submitted);
        Assert.Single(exec.Submissions); // one submission (an array on Slurm) for the batch
        var ids = folders.Select(f => DftJobRecord.Load(f)!.JobId!).ToList();

        exec.States[ids[1]] = new JobStatus(ids[1], JobState.Running, "RUNNING");
        exec.End(ids[0]);
        Ran(folders[0], Converged);
        // A driver started afresh (the first one was killed) reads the records and only polls.
        var again = new DftBatch(_root, exec).Pass();
        Assert.Equal(0, again.Submitted);
        Assert.Equal((1, 1, 1), (again.Converged, again.Running, again.Queued));
        Assert.Single(exec.Submissions);
        Assert.Equal(ids, folders.Select(f => DftJobRecord.Load(f)!.JobId!).ToList());
        Assert.Equal("converged", DftJobRecord.Load(folders[0])!.History[0].Outcome);
    }

    [FixtureFact]
    public void A_submission_cut_short_is_looked_up_by_name_and_only_resubmitted_when_absent()
    {
        var folders = Prepare(2);
        foreach (var (folder, name) in folders.Zip(["nf-found", "nf-lost"]))
        {
            var record = DftJobRecord.Load(folder)!;
            record.Phase = DftRunPhase.Submitting;
            record.JobName = name;
            record.Attempts = 1;
            record.History.Add(new DftAttempt { Number = 1, Executor = "scripted" });
            record.Save(folder);
        }
        var exec = new ScriptedExecutor(null);
        exec.Findable["nf-found"] = "123";
        exec.States["123"] = new JobStatus("123", JobState.Running, "RUNNING");
        var summary = new DftBatch(_root, exec).Pass();
        Assert.Equal("123", DftJobRecord.Load(folders[0])!.JobId);
        Assert.Equal(1, summary.Submitted);
        Assert.Equal([folders[1]], exec.Submissions.Single());
        Assert.Equal(1, DftJobRecord.Load(folders[1])!.Attempts); // the lost attempt was undone, not counted
    }

    [FixtureFact]
    public void Unconverged_vasp_job_climbs_the_escalation_ladder_then_is_quarantined()
    {
        string job = Prepare(1)[0];
        var exec = new ScriptedExecutor(null);
        var batch = new DftBatch(_root, exec, new DftBatchOptions { MaxAttempts = 3 });
        batch.Pass();
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            exec.End(DftJobRecord.Load(job)!.JobId!);
            Ran(job, Unconverged);
            var s = batch.Pass();
            var incar = Incar.Load(Path.Combine(job, "INCAR"));
            if (attempt == 1)
                Assert.Equal(("All", "200"), (incar["ALGO"], incar["NELM"]));
            if (attempt == 2)
                Assert.Equal(("Damped", "0.5", "300"), (incar["ALGO"], incar["TIME"], incar["NELM"]));
            Assert.Equal(attempt < 3 ? 1 : 0, s.Submitted);
            Assert.True(File.Exists(Path.Combine(job, $"attempt-{attempt}", "OUTCAR")) == (attempt < 3));
        }
        var record = DftJobRecord.Load(job)!;
        Assert.Equal(DftRunPhase.Quarantined, record.Phase);
        Assert.StartsWith("gave up after 3 attempt(s); last: unconverged", record.Reason);
        Assert.Equal(DftJobState.Quarantined, DftJobs.Describe(job).State);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(job, "escalation.log")).Length);
        Assert.NotEqual(record.InputHashes["INCAR"], DftJobRecord.HashInputs(Path.Combine(job, "attempt-1")).GetValueOrDefault("INCAR"));
    }

    [FixtureFact]
    public void Cancelled_job_is_resubmitted_unchanged_with_the_schedulers_reason()
    {
        string job = Prepare(1)[0];
        string incar = File.ReadAllText(Path.Combine(job, "INCAR"));
        var exec = new ScriptedExecutor(null);
        var batch = new DftBatch(_root, exec, new DftBatchOptions { MaxAttempts = 2 });
        batch.Pass();
        exec.End(DftJobRecord.Load(job)!.JobId!, JobState.Failed, "CANCELLED");
        Assert.Equal(1, batch.Pass().Retried);
        Assert.Equal(incar, File.ReadAllText(Path.Combine(job, "INCAR")));
        var record = DftJobRecord.Load(job)!;
        Assert.Contains("CANCELLED", record.History[0].Outcome);
        exec.End(record.JobId!, JobState.Failed, "TIMEOUT");
        batch.Pass();
        record = DftJobRecord.Load(job)!;
        Assert.Equal(DftRunPhase.Quarantined, record.Phase);
        Assert.Contains("TIMEOUT", record.Reason);
    }

    [FixtureFact]
    public void Too_many_failures_stop_the_batch_before_the_rest_is_submitted()
    {
        var folders = Prepare(8);
        var exec = new ScriptedExecutor(5);
        var batch = new DftBatch(_root, exec, new DftBatchOptions { MaxAttempts = 1, MaxFailedFraction = 0.5 });
        var first = batch.Pass();
        Assert.Equal((5, 3), (first.Submitted, first.Waiting)); // five slots
        foreach (string f in folders.Take(5))
        {
            exec.End(DftJobRecord.Load(f)!.JobId!);
            Ran(f, f == folders[0] ? Converged : Unconverged);
        }
        var s = batch.Pass();
        Assert.Equal((1, 4, 0), (s.Converged, s.Quarantined, s.Submitted));
        Assert.Contains("4 of 5 finished jobs failed for good", s.Stopped);
        Assert.Single(exec.Submissions);
    }

    [Fact]
    public void Escalation_steps_parse_and_reject_junk()
    {
        Assert.Equal("ALGO=All NELM=200", EscalationStep.Parse("ALGO=All, NELM=200").ToString());
        Assert.Throws<FormatException>(() => EscalationStep.Parse("ALGO"));
        Assert.Throws<FormatException>(() => EscalationStep.Parse("  "));
    }

    [Fact]
    public void Cp2k_ladder_replaces_keyword_values_and_refuses_missing_keywords()
    {
        string job = Path.Combine(_root, "000001");
        Directory.CreateDirectory(job);
        File.WriteAllText(Path.Combine(job, "in.inp"), "&SCF\n  MAX_SCF 40\n  &MIXING\n    alpha 0.4\n  &END\n&END SCF\n");
        var ladder = new[] { EscalationStep.Parse("MAX_SCF=100 ALPHA=0.1") };
        Assert.Equal("in.inp: MAX_SCF=100 ALPHA=0.1", DftEscalation.Apply(job, "cp2k", 0, ladder));
        Assert.Equal("&SCF\n  MAX_SCF 100\n  &MIXING\n    alpha 0.1\n  &END\n&END SCF\n", File.ReadAllText(Path.Combine(job, "in.inp")));
        Assert.Null(DftEscalation.Apply(job, "cp2k", 1, ladder));
        Assert.Throws<InvalidOperationException>(() => DftEscalation.Apply(job, "cp2k", 0, [EscalationStep.Parse("EPS_SCF=1e-5")]));
        // The built-in ladder: MAX_SCF doubled and mixing halved, twice.
        Assert.Equal("in.inp: MAX_SCF 100 → 200, mixing ALPHA 0.1 → 0.05", DftEscalation.Apply(job, "cp2k", 1, null));
        Assert.Null(DftEscalation.Apply(job, "cp2k", 2, null));
    }
}
