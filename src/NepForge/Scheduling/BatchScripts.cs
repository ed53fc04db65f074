using System.Globalization;
using System.Text;

namespace NepForge.Scheduling;

/// <summary>The batch systems NepForge writes job scripts for.</summary>
public enum BatchSystem
{
    /// <summary>Slurm (<c>sbatch</c>).</summary>
    Slurm,

    /// <summary>PBS Pro / OpenPBS (<c>qsub</c>).</summary>
    Pbs,

    /// <summary>IBM Spectrum LSF (<c>bsub</c>).</summary>
    Lsf,
}

/// <summary>
/// Job scripts and submit command lines for Slurm, PBS and LSF from the same options. Slurm is driven for real
/// (<see cref="SlurmClient"/>); PBS and LSF scripts are rendered and their command lines given (no servers here).
/// </summary>
public static class BatchScripts
{
    /// <summary>The script file name in a job folder.</summary>
    public static string FileName(BatchSystem system) => system switch
    {
        BatchSystem.Slurm => "job.sh",
        BatchSystem.Pbs => "job.pbs",
        _ => "job.lsf",
    };

    /// <summary>Renders the script that runs <see cref="SlurmScriptOptions.Command"/> in <paramref name="folder"/>.</summary>
    public static string Render(BatchSystem system, string folder, SlurmScriptOptions o)
    {
        if (system == BatchSystem.Slurm)
            return SlurmScript.Render(folder, o);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Ntasks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.CpusPerTask, 1);
        string dir = Path.GetFullPath(folder);
        var sb = new StringBuilder("#!/bin/bash\n");
        var inv = CultureInfo.InvariantCulture;
        if (system == BatchSystem.Pbs)
        {
            if (o.JobName is { } name)
                sb.Append("#PBS -N ").Append(name).Append('\n');
            if (o.Partition is { } q)
                sb.Append("#PBS -q ").Append(q).Append('\n');
            sb.Append(inv, $"#PBS -l select=1:ncpus={o.Ntasks * o.CpusPerTask}:mpiprocs={o.Ntasks}:ompthreads={o.OmpThreads ?? o.CpusPerTask}\n");
            if (o.Time is { } t)
                sb.Append("#PBS -l walltime=").Append(Hms(t)).Append('\n');
            sb.Append("#PBS -o ").Append(DirectivePath(Path.Combine(dir, "pbs.out"))).Append('\n');
            sb.Append("#PBS -e ").Append(DirectivePath(Path.Combine(dir, "pbs.err"))).Append('\n');
        }
        else
        {
            if (o.JobName is { } name)
                sb.Append("#BSUB -J ").Append(name).Append('\n');
            if (o.Partition is { } q)
                sb.Append("#BSUB -q ").Append(q).Append('\n');
            sb.Append(inv, $"#BSUB -n {o.Ntasks * o.CpusPerTask}\n");
            sb.Append("#BSUB -R \"span[hosts=1]\"\n");
            if (o.Time is { } t)
                sb.Append(inv, $"#BSUB -W {(int)Math.Ceiling(t.TotalMinutes) / 60}:{(int)Math.Ceiling(t.TotalMinutes) % 60:00}\n");
            sb.Append("#BSUB -o ").Append(DirectivePath(Path.Combine(dir, "lsf.out"))).Append('\n');
            sb.Append("#BSUB -e ").Append(DirectivePath(Path.Combine(dir, "lsf.err"))).Append('\n');
        }
        if (!string.IsNullOrWhiteSpace(o.Template))
            sb.Append(o.Template.ReplaceLineEndings("\n").TrimEnd('\n')).Append('\n');
        sb.Append("cd ").Append(SlurmScript.ShellQuote(dir)).Append(" || exit 1\n");
        sb.Append(inv, $"export OMP_NUM_THREADS={o.OmpThreads ?? o.CpusPerTask}\n");
        sb.Append(o.Command.ReplaceLineEndings("\n").TrimEnd('\n')).Append('\n');
        return sb.ToString();
    }

    /// <summary>The command line that submits <paramref name="script"/>, as a user would type it.</summary>
    public static string SubmitCommandLine(BatchSystem system, string script) => system switch
    {
        BatchSystem.Slurm => $"sbatch --parsable {SlurmScript.ShellQuote(script)}",
        BatchSystem.Pbs => $"qsub {SlurmScript.ShellQuote(script)}",
        _ => $"bsub < {SlurmScript.ShellQuote(script)}",
    };

    static string Hms(TimeSpan t)
    {
        long total = (long)Math.Ceiling(t.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{total / 3600:00}:{total / 60 % 60:00}:{total % 60:00}");
    }

    // qsub and bsub read a double-quoted directive value as one word: a folder with spaces (or shell characters) must
    // not split or run anything. Quotes and line breaks cannot be carried at all.
    static string DirectivePath(string path)
    {
        if (path.Any(c => c is '"' or '\n' or '\r' or '\0'))
            throw new ArgumentException($"the job path '{path}' holds a double quote or a line break, which a batch directive cannot carry; use another folder");
        return "\"" + path + "\"";
    }
}
