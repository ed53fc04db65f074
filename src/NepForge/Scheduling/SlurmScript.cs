using System.Globalization;
using System.Text;

namespace NepForge.Scheduling;

/// <summary>What goes into a batch script's <c>#SBATCH</c> lines and body.</summary>
public sealed record SlurmScriptOptions
{
    /// <summary><c>--job-name</c>; none when null (sbatch uses the script's name, or the caller passes one).</summary>
    public string? JobName { get; init; }

    /// <summary><c>--partition</c>; the cluster's default when null.</summary>
    public string? Partition { get; init; }

    /// <summary><c>--ntasks</c> (MPI ranks).</summary>
    public int Ntasks { get; init; } = 1;

    /// <summary><c>--cpus-per-task</c>, and OMP_NUM_THREADS unless <see cref="OmpThreads"/> is set.</summary>
    public int CpusPerTask { get; init; } = 1;

    /// <summary>OMP_NUM_THREADS; default <see cref="CpusPerTask"/>. Always exported: cp2k.psmp otherwise uses every core.</summary>
    public int? OmpThreads { get; init; }

    /// <summary><c>--time</c>; none when null.</summary>
    public TimeSpan? Time { get; init; }

    /// <summary>stdout file name, in the job folder (<c>%j</c> = job id, <c>%A_%a</c> for array tasks).</summary>
    public string OutputFile { get; init; } = "slurm-%j.out";

    /// <summary>stderr file name, in the job folder.</summary>
    public string ErrorFile { get; init; } = "slurm-%j.err";

    /// <summary>
    /// The user's own lines, placed after the generated <c>#SBATCH</c> lines: more <c>#SBATCH</c> options (account, qos,
    /// mem), <c>module load</c>, <c>source</c>, environment. Sbatch reads options only before the first command, so
    /// <c>#SBATCH</c> lines here must come first.
    /// </summary>
    public string? Template { get; init; }

    /// <summary>The command run in the job folder.</summary>
    public string Command { get; init; } = SlurmScript.Cp2kCommand;

    /// <summary>Write the command's exit code to <c>.exit_code</c> in the job folder when it ends.</summary>
    public bool RecordExitCode { get; init; }
}

/// <summary>Writes Slurm batch scripts for job folders (see <c>DftJobs</c>).</summary>
public static class SlurmScript
{
    /// <summary>The default launch command: CP2K on the folder's <c>in.inp</c>.</summary>
    public const string Cp2kCommand = "cp2k.psmp -i in.inp -o out.log";

    /// <summary>A script that runs <see cref="SlurmScriptOptions.Command"/> in <paramref name="folder"/>.</summary>
    public static string Render(string folder, SlurmScriptOptions options)
    {
        string dir = Path.GetFullPath(folder);
        var sb = Header(options, Path.Combine(dir, options.OutputFile), Path.Combine(dir, options.ErrorFile));
        sb.Append("cd ").Append(ShellQuote(dir)).Append(" || exit 1\n");
        return Body(sb, options);
    }

    /// <summary>
    /// An array script: task <c>i</c> (<c>SLURM_ARRAY_TASK_ID</c>) runs in <c>folders[i]</c>; submit with
    /// <see cref="SlurmClient.SubmitArray"/> and the same count. Output files go in each task's folder.
    /// </summary>
    public static string RenderArray(IReadOnlyList<string> folders, SlurmScriptOptions options)
    {
        if (folders.Count == 0)
            throw new ArgumentException("no folders", nameof(folders));
        // Slurm opens the output files before the script runs, so they cannot depend on the task's folder: they go to
        // the first folder's parent, named by array and task (%A_%a), unless the caller chose otherwise.
        string root = Path.GetDirectoryName(Path.GetFullPath(folders[0]))!;
        string output = options.OutputFile == "slurm-%j.out" ? "slurm-%A_%a.out" : options.OutputFile;
        string error = options.ErrorFile == "slurm-%j.err" ? "slurm-%A_%a.err" : options.ErrorFile;
        var sb = Header(options, Path.Combine(root, output), Path.Combine(root, error));
        sb.Append("folders=(\n");
        foreach (string f in folders)
            sb.Append("  ").Append(ShellQuote(Path.GetFullPath(f))).Append('\n');
        sb.Append(")\n");
        sb.Append("cd \"${folders[$SLURM_ARRAY_TASK_ID]}\" || exit 1\n");
        if (options.RecordExitCode)
        {
            // From here on each task's output lands in its own folder.
            sb.Append("exec >\"slurm-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.out\" 2>\"slurm-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.err\"\n");
        }
        return Body(sb, options);
    }

    /// <summary>Writes <see cref="Render"/>'s script as <paramref name="fileName"/> in the folder; returns its path.</summary>
    public static string Write(string folder, SlurmScriptOptions options, string fileName = "job.sh")
    {
        string path = Path.Combine(folder, fileName);
        File.WriteAllText(path, Render(folder, options));
        return path;
    }

    static StringBuilder Header(SlurmScriptOptions o, string output, string error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Ntasks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.CpusPerTask, 1);
        var sb = new StringBuilder("#!/bin/bash\n");
        if (o.JobName != null)
            Sbatch(sb, "--job-name=" + o.JobName);
        if (o.Partition != null)
            Sbatch(sb, "--partition=" + o.Partition);
        Sbatch(sb, "--ntasks=" + o.Ntasks.ToString(CultureInfo.InvariantCulture));
        Sbatch(sb, "--cpus-per-task=" + o.CpusPerTask.ToString(CultureInfo.InvariantCulture));
        if (o.Time is TimeSpan t)
            Sbatch(sb, "--time=" + FormatTime(t));
        SbatchPath(sb, "--output", output);
        SbatchPath(sb, "--error", error);
        if (!string.IsNullOrWhiteSpace(o.Template))
            sb.Append(o.Template.ReplaceLineEndings("\n").TrimEnd('\n')).Append('\n');
        return sb;
    }

    static string Body(StringBuilder sb, SlurmScriptOptions o)
    {
        int threads = o.OmpThreads ?? o.CpusPerTask;
        sb.Append("export OMP_NUM_THREADS=").Append(threads.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (o.RecordExitCode)
        {
            sb.Append("rm -f .exit_code\n");
            sb.Append("(\n").Append(o.Command.ReplaceLineEndings("\n").TrimEnd('\n')).Append("\n)\n");
            sb.Append("code=$?\necho $code > .exit_code.tmp && mv .exit_code.tmp .exit_code\nexit $code\n");
            return sb.ToString();
        }
        sb.Append(o.Command.ReplaceLineEndings("\n").TrimEnd('\n')).Append('\n');
        return sb.ToString();
    }

    // sbatch reads a double-quoted value on an #SBATCH line as one word: paths with spaces work that way. A path with a
    // double quote or a line break cannot be written there at all.
    static void SbatchPath(StringBuilder sb, string option, string path)
    {
        if (path.Any(c => c is '"' or '\n' or '\r' or '\0'))
            throw new ArgumentException($"the job path '{path}' holds a double quote or a line break, which an #SBATCH line cannot carry; use another folder");
        if (!path.Any(char.IsWhiteSpace))
        {
            Sbatch(sb, option + "=" + path);
            return;
        }
        sb.Append("#SBATCH ").Append(option).Append("=\"").Append(path).Append("\"\n");
    }

    static void Sbatch(StringBuilder sb, string option)
    {
        if (option.Any(c => c is '\n' or '\r' or ' ' or '\t'))
            throw new ArgumentException($"#SBATCH option '{option}' must not contain whitespace (sbatch does not read it)");
        sb.Append("#SBATCH ").Append(option).Append('\n');
    }

    /// <summary>Slurm's <c>D-HH:MM:SS</c> (whole seconds, rounded up).</summary>
    public static string FormatTime(TimeSpan t)
    {
        if (t <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(t), "time limit must be positive");
        long total = (long)Math.Ceiling(t.TotalSeconds);
        long days = total / 86400, h = total / 3600 % 24, m = total / 60 % 60, s = total % 60;
        return days > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{days}-{h:00}:{m:00}:{s:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{h:00}:{m:00}:{s:00}");
    }

    /// <summary>Single-quotes a word for bash.</summary>
    public static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
