using System.Globalization;
using NepForge.IO;

namespace NepForge.Scheduling;

/// <summary>
/// Runs job folders through Slurm: one folder is one <c>sbatch</c>; several are one job array
/// (<c>--array=0-N%max</c>), so a batch of a thousand structures is one submission and one line in <c>squeue</c>.
/// The array script lists the folders; task <c>i</c> runs in folder <c>i</c> and sends its stdout/stderr there.
/// </summary>
public sealed class SlurmExecutor : IJobExecutor
{
    readonly SlurmClient _client;
    readonly SlurmScriptOptions _options;
    readonly int _arrayMax;
    readonly string _scriptFolder;

    /// <param name="client">Talks to Slurm.</param>
    /// <param name="options">#SBATCH lines, the user's template and the command.</param>
    /// <param name="arrayMax">Array tasks running at once (<c>%max</c>); 0 = no limit.</param>
    /// <param name="scriptFolder">Where array scripts are written (one per submission).</param>
    public SlurmExecutor(SlurmClient client, SlurmScriptOptions options, int arrayMax, string scriptFolder)
    {
        _client = client;
        _options = options;
        _arrayMax = arrayMax;
        _scriptFolder = scriptFolder;
    }

    /// <inheritdoc/>
    public string Name => "slurm";

    /// <inheritdoc/>
    public int? Slots => null;

    /// <inheritdoc/>
    public IReadOnlyList<string> Submit(IReadOnlyList<string> folders, string jobName)
    {
        if (folders.Count == 0)
            return [];
        string script = WriteScript(folders, jobName);
        if (folders.Count == 1)
            return [_client.Submit(script, folders[0], jobName)];
        string arrayId = _client.SubmitArray(script, folders.Count, _arrayMax, _scriptFolder, jobName);
        return SlurmClient.ArrayTaskIds(arrayId, folders.Count);
    }

    /// <summary>
    /// What <see cref="Submit"/> would do, without submitting: writes the same script (one folder: its job.sh;
    /// several: one array script) and returns the one <c>sbatch</c> command line that would submit it.
    /// </summary>
    public string Preview(IReadOnlyList<string> folders, string jobName)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentOutOfRangeException.ThrowIfZero(folders.Count);
        string script = WriteScript(folders, jobName);
        var args = folders.Count == 1
            ? SlurmClient.SbatchArguments(script, folders[0], jobName, [])
            : SlurmClient.SbatchArguments(script, _scriptFolder, jobName, [SlurmClient.ArraySpec(folders.Count, _arrayMax)]);
        return "sbatch " + string.Join(' ', args.Select(a => a.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$') ? SlurmScript.ShellQuote(a) : a));
    }

    string WriteScript(IReadOnlyList<string> folders, string jobName)
    {
        var options = _options with { JobName = jobName, RecordExitCode = true };
        if (folders.Count == 1)
        {
            string script = Path.Combine(folders[0], "job.sh");
            AtomicFile.WriteAllText(script, SlurmScript.Render(folders[0], options));
            return script;
        }
        Directory.CreateDirectory(_scriptFolder);
        string arrayScript = Path.Combine(_scriptFolder, jobName + ".sh");
        AtomicFile.WriteAllText(arrayScript, SlurmScript.RenderArray(folders, options));
        return arrayScript;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, JobStatus> Poll(IReadOnlyList<ExecutorJob> jobs) =>
        _client.Poll(jobs.Select(j => j.Id).Distinct().ToList());

    /// <inheritdoc/>
    public string? Find(string folder, string jobName, int? arrayIndex)
    {
        string? id = _client.FindByName(jobName);
        return id is null ? null : arrayIndex is int i ? string.Create(CultureInfo.InvariantCulture, $"{id}_{i}") : id;
    }

    /// <inheritdoc/>
    public void Cancel(IReadOnlyList<ExecutorJob> jobs) => _client.Cancel(jobs.Select(j => j.Id).ToList());
}
