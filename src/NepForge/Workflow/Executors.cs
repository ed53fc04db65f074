using NepForge.Scheduling;

namespace NepForge.Workflow;

/// <summary>Builds the executor an <see cref="ExecutorSpec"/> describes (used by the workflow and by <c>dft submit</c>).</summary>
public static class Executors
{
    /// <summary>The executor of <paramref name="e"/> running <paramref name="command"/> in each job folder; Slurm array scripts go to <paramref name="scriptDir"/>.</summary>
    public static IJobExecutor Create(ExecutorSpec e, string command, string scriptDir)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind == "local"
            ? new LocalExecutor(new LocalExecutorOptions { Command = command, Slots = e.Parallel, Timeout = e.Timeout is double s ? TimeSpan.FromSeconds(s) : null })
            : new SlurmExecutor(new SlurmClient(), new SlurmScriptOptions
            {
                Command = command,
                Partition = e.Partition,
                Time = e.TimeMinutes is int m ? TimeSpan.FromMinutes(m) : null,
                Template = e.Template is { } t ? File.ReadAllText(t) : null,
                Ntasks = e.Ntasks,
                CpusPerTask = e.CpusPerTask,
            }, e.ArrayMax, scriptDir);
    }
}
