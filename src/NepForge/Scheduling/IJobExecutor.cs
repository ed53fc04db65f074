namespace NepForge.Scheduling;

/// <summary>A job of an executor: the folder it runs in and the executor's id for it.</summary>
/// <param name="Folder">The job folder.</param>
/// <param name="Id">The executor's id (Slurm job id, array task id <c>A_i</c>, or <c>local:pid:start</c>).</param>
public readonly record struct ExecutorJob(string Folder, string Id);

/// <summary>
/// Runs job folders somewhere: each folder's command runs in the folder and leaves its outputs there. Executors are
/// stateless between calls; the ids they return are all a later call (or a later process) needs to find the jobs again.
/// </summary>
public interface IJobExecutor
{
    /// <summary>local, slurm, …: recorded with each attempt.</summary>
    string Name { get; }

    /// <summary>How many jobs may run at once through this executor; null when the scheduler queues them itself.</summary>
    int? Slots { get; }

    /// <summary>Starts (or queues) one job per folder under <paramref name="jobName"/>; returns their ids in order.</summary>
    IReadOnlyList<string> Submit(IReadOnlyList<string> folders, string jobName);

    /// <summary>Where each job stands, keyed by id; one scheduler query for all of them.</summary>
    IReadOnlyDictionary<string, JobStatus> Poll(IReadOnlyList<ExecutorJob> jobs);

    /// <summary>
    /// The id of a job submitted under <paramref name="jobName"/> (element <paramref name="arrayIndex"/> of an array) for
    /// <paramref name="folder"/> whose submission was interrupted before its id was recorded; null when it never started.
    /// </summary>
    string? Find(string folder, string jobName, int? arrayIndex);

    /// <summary>Stops jobs (the whole process tree of each).</summary>
    void Cancel(IReadOnlyList<ExecutorJob> jobs);
}
