using NepForge.Scheduling;

namespace NepForge.Tests.Scheduling;

/// <summary>Answers commands from a queue per program; records every call.</summary>
sealed class FakeRunner : ICommandRunner
{
    readonly Dictionary<string, Queue<CommandResult>> _replies = [];

    public List<(string File, List<string> Args)> Calls { get; } = [];

    public FakeRunner Reply(string file, int exitCode, string stdout, string stderr = "")
    {
        if (!_replies.TryGetValue(file, out var q))
            _replies[file] = q = new Queue<CommandResult>();
        q.Enqueue(new CommandResult(exitCode, stdout, stderr));
        return this;
    }

    public CommandResult Run(string file, IReadOnlyList<string> args, string? workDir, TimeSpan timeout)
    {
        Calls.Add((file, args.ToList()));
        return _replies.TryGetValue(file, out var q) && q.Count > 0 ? q.Dequeue() : new CommandResult(0, "", "");
    }

    public int Count(string file) => Calls.Count(c => c.File == file);
}

public sealed class SlurmClientTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-slurm-unit").FullName;
    readonly string _script;
    readonly List<TimeSpan> _waits = [];

    public SlurmClientTests()
    {
        _script = Path.Combine(_dir, "job.sh");
        File.WriteAllText(_script, "#!/bin/bash\ntrue\n");
    }

    public void Dispose() => Directory.Delete(_dir, true);

    SlurmClient Client(FakeRunner runner) => new(runner, _waits.Add);

    [Theory]
    [InlineData("123\n", "123")]
    [InlineData("123;cluster\n", "123")]
    [InlineData("  42 ; c1 \n", "42")]
    [InlineData("sbatch: warning: something\n77\n", "77")]
    public void ParsesSbatchReplies(string stdout, string expected)
    {
        Assert.True(SlurmClient.TryParseSbatchReply(stdout, out string id));
        Assert.Equal(expected, id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Submitted batch job\n")]
    [InlineData("abc;cluster")]
    public void RejectsGarbageReplies(string stdout) => Assert.False(SlurmClient.TryParseSbatchReply(stdout, out _));

    [Fact]
    public void SubmitPassesNameChdirAndParsableFlag()
    {
        var runner = new FakeRunner().Reply("sbatch", 0, "55;local\n");
        Assert.Equal("55", Client(runner).Submit(_script, _dir, "myjob"));
        var args = runner.Calls.Single().Args;
        Assert.Contains("--parsable", args);
        Assert.Contains("--job-name=myjob", args);
        Assert.Contains("--chdir=" + _dir, args);
        Assert.Equal(_script, args[^1]);
    }

    [Fact]
    public void GarbageReplyLooksUpByNameInsteadOfResubmitting()
    {
        var runner = new FakeRunner().Reply("sbatch", 0, "???\n").Reply("squeue", 0, "901\n");
        Assert.Equal("901", Client(runner).Submit(_script, _dir, "lost"));
        Assert.Equal(1, runner.Count("sbatch"));
        Assert.Contains("--name=lost", runner.Calls.Single(c => c.File == "squeue").Args);
    }

    [Fact]
    public void GarbageReplyFallsBackToSacctAndTakesNewest()
    {
        var runner = new FakeRunner().Reply("sbatch", 0, "oops").Reply("squeue", 0, "").Reply("sacct", 0, "12\n15\n");
        Assert.Equal("15", Client(runner).Submit(_script, _dir, "lost"));
        Assert.Equal(1, runner.Count("sbatch"));
    }

    [Fact]
    public void GarbageReplyWithNoJobFoundThrowsWithoutResubmitting()
    {
        var runner = new FakeRunner().Reply("sbatch", 0, "oops").Reply("sacct", 1, "", "Slurm accounting storage is disabled");
        var e = Assert.Throws<SlurmException>(() => Client(runner).Submit(_script, _dir, "lost"));
        Assert.Contains("not resubmitting", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, runner.Count("sbatch"));
    }

    [Fact]
    public void SubmitLimitWaitsAndRetries()
    {
        var runner = new FakeRunner()
            .Reply("sbatch", 1, "", "sbatch: error: QOSMaxSubmitJobPerUserLimit")
            .Reply("sbatch", 1, "", "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)")
            .Reply("sbatch", 1, "", "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation")
            .Reply("sbatch", 0, "7\n");
        Assert.Equal("7", Client(runner).Submit(_script, _dir, "busy"));
        Assert.Equal(4, runner.Count("sbatch"));
        Assert.Equal(3, _waits.Count);
        Assert.True(_waits[1] > _waits[0]);
        Assert.Equal(3, runner.Count("squeue")); // looked for the job before every retry
    }

    [Fact]
    public void TimedOutSubmitThatDidQueueIsFoundNotRepeated()
    {
        var runner = new FakeRunner()
            .Reply("sbatch", 1, "", "sbatch: error: Socket timed out on send/recv operation")
            .Reply("squeue", 0, "88\n");
        Assert.Equal("88", Client(runner).Submit(_script, _dir, "slow"));
        Assert.Equal(1, runner.Count("sbatch"));
        Assert.Empty(_waits);
    }

    [Fact]
    public void SubmitLimitGivesUpAfterMaxRetries()
    {
        var runner = new FakeRunner();
        for (int i = 0; i < 5; i++)
            runner.Reply("sbatch", 1, "", "AssocMaxSubmitJobLimit");
        var client = new SlurmClient(runner, _waits.Add, new SlurmClientOptions { MaxRetries = 2 });
        Assert.Throws<SlurmException>(() => client.Submit(_script, _dir, "x"));
        Assert.Equal(3, runner.Count("sbatch"));
    }

    [Fact]
    public void OtherSbatchErrorsThrowAtOnce()
    {
        var runner = new FakeRunner().Reply("sbatch", 1, "", "sbatch: error: invalid partition specified: nope");
        var e = Assert.Throws<SlurmException>(() => Client(runner).Submit(_script, _dir, "x"));
        Assert.Contains("invalid partition", e.Message, StringComparison.Ordinal);
        Assert.Single(runner.Calls);
    }

    [Fact]
    public void SubmitArrayPassesRange()
    {
        var runner = new FakeRunner().Reply("sbatch", 0, "9\n");
        Assert.Equal("9", Client(runner).SubmitArray(_script, 3, 2, _dir, "arr"));
        Assert.Contains("--array=0-2%2", runner.Calls.Single().Args);
        Assert.Equal(["9_0", "9_1", "9_2"], SlurmClient.ArrayTaskIds("9", 3));
    }

    [Theory]
    [InlineData("PENDING", JobState.Queued)]
    [InlineData("CONFIGURING", JobState.Queued)]
    [InlineData("RUNNING", JobState.Running)]
    [InlineData("COMPLETING", JobState.Running)]
    [InlineData("COMPLETED", JobState.Completed)]
    [InlineData("FAILED", JobState.Failed)]
    [InlineData("TIMEOUT", JobState.Failed)]
    [InlineData("OUT_OF_MEMORY", JobState.Failed)]
    [InlineData("NODE_FAIL", JobState.Failed)]
    [InlineData("CANCELLED by 0", JobState.Failed)]
    [InlineData("CANCELLED+", JobState.Failed)]
    [InlineData("PREEMPTED", JobState.Failed)]
    [InlineData("BOOT_FAIL", JobState.Failed)]
    [InlineData("DEADLINE", JobState.Failed)]
    [InlineData("WHATEVER", JobState.Unknown)]
    public void MapsStates(string raw, JobState expected) => Assert.Equal(expected, SlurmClient.MapState(raw));

    [Fact]
    public void PollUsesOneSqueueAndSacctForJobsThatLeft()
    {
        var runner = new FakeRunner()
            .Reply("squeue", 0, "10 RUNNING\n11 PENDING\n")
            .Reply("sacct", 0, "12|COMPLETED|0:0\n13|FAILED|3:0\n14|CANCELLED by 0|0:15\n");
        var st = Client(runner).Poll(["10", "11", "12", "13", "14"]);
        Assert.Equal(1, runner.Count("squeue"));
        Assert.Equal(["-h", "-r", "-o", "%i %T", "-j", "10,11,12,13,14"], runner.Calls[0].Args);
        Assert.Equal(["-n", "-P", "-X", "-o", "JobID,State,ExitCode", "-j", "12,13,14"], runner.Calls[1].Args);
        Assert.Equal(JobState.Running, st["10"].State);
        Assert.Equal(JobState.Queued, st["11"].State);
        Assert.Equal(JobState.Completed, st["12"].State);
        Assert.Equal(JobState.Failed, st["13"].State);
        Assert.Equal(3, st["13"].ExitCode);
        Assert.Contains("exit code 3", st["13"].Reason, StringComparison.Ordinal);
        Assert.Equal(JobState.Failed, st["14"].State);
        Assert.Equal("CANCELLED", st["14"].RawState);
        Assert.Equal("CANCELLED by 0", st["14"].Reason);
    }

    [Fact]
    public void PollWithoutAccountingFallsBackToScontrol()
    {
        var runner = new FakeRunner()
            .Reply("squeue", 1, "", "slurm_load_jobs error: Invalid job id specified")
            .Reply("sacct", 1, "", "Slurm accounting storage is disabled")
            .Reply("scontrol", 0, "JobId=5 JobName=x UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0\n")
            .Reply("scontrol", 1, "", "slurm_load_jobs error: Invalid job id specified")
            .Reply("sacct", 0, "6|TIMEOUT|0:0");
        var st = Client(runner).Poll(["5", "6"]);
        Assert.Equal(JobState.Failed, st["5"].State);
        Assert.Equal(3, st["5"].ExitCode);
        Assert.Contains("NonZeroExitCode", st["5"].Reason, StringComparison.Ordinal);
        Assert.Equal(JobState.Failed, st["6"].State);
        Assert.Equal("TIMEOUT", st["6"].RawState);
        Assert.Contains("-c", runner.Calls.Last().Args);
    }

    [Fact]
    public void PollReportsUnknownWhenNothingKnowsTheJob()
    {
        var runner = new FakeRunner().Reply("squeue", 1, "", "Invalid job id specified").Reply("sacct", 1, "", "disabled")
            .Reply("scontrol", 1, "", "Invalid job id specified").Reply("sacct", 1, "", "disabled");
        Assert.Equal(JobState.Unknown, Client(runner).Poll(["99"])["99"].State);
    }

    [Fact]
    public void PollRetriesTransientSqueueErrors()
    {
        var runner = new FakeRunner().Reply("squeue", 1, "", "squeue: error: Socket timed out on send/recv operation").Reply("squeue", 0, "3_1 RUNNING\n");
        var st = Client(runner).Poll(["3_1"]);
        Assert.Equal(JobState.Running, st["3_1"].State);
        Assert.Single(_waits);
    }

    [Fact]
    public void SacctSkipsSteps()
    {
        var rows = SlurmClient.ParseSacct("7|COMPLETED|0:0\n7.batch|COMPLETED|0:0\n7.extern|COMPLETED|0:0\n").ToList();
        Assert.Single(rows);
    }
}
