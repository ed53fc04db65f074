using NepForge.Scheduling;

namespace NepForge.Tests.Scheduling;

public class BatchScriptsTests
{
    static readonly SlurmScriptOptions Options = new()
    {
        JobName = "nf-000007",
        Partition = "short",
        Ntasks = 2,
        CpusPerTask = 4,
        OmpThreads = 1,
        Time = TimeSpan.FromMinutes(90),
        Template = "module load cp2k/2023.1",
    };

    [Fact]
    public void Pbs_script_has_resources_walltime_and_runs_in_the_folder()
    {
        string s = BatchScripts.Render(BatchSystem.Pbs, "/scratch/jobs/000007", Options);
        Assert.Equal(
            "#!/bin/bash\n#PBS -N nf-000007\n#PBS -q short\n#PBS -l select=1:ncpus=8:mpiprocs=2:ompthreads=1\n#PBS -l walltime=01:30:00\n" +
            "#PBS -o \"/scratch/jobs/000007/pbs.out\"\n#PBS -e \"/scratch/jobs/000007/pbs.err\"\nmodule load cp2k/2023.1\n" +
            "cd '/scratch/jobs/000007' || exit 1\nexport OMP_NUM_THREADS=1\ncp2k.psmp -i in.inp -o out.log\n", s);
        Assert.Equal("qsub '/scratch/jobs/000007/job.pbs'", BatchScripts.SubmitCommandLine(BatchSystem.Pbs, "/scratch/jobs/000007/job.pbs"));
    }

    [Fact]
    public void Lsf_script_has_slots_one_host_and_hh_mm_limit()
    {
        string s = BatchScripts.Render(BatchSystem.Lsf, "/scratch/jobs/000007", Options);
        Assert.Contains("#BSUB -J nf-000007\n#BSUB -q short\n#BSUB -n 8\n#BSUB -R \"span[hosts=1]\"\n#BSUB -W 1:30\n", s);
        Assert.EndsWith("cd '/scratch/jobs/000007' || exit 1\nexport OMP_NUM_THREADS=1\ncp2k.psmp -i in.inp -o out.log\n", s);
        Assert.Equal("bsub < '/j/job.lsf'", BatchScripts.SubmitCommandLine(BatchSystem.Lsf, "/j/job.lsf"));
    }

    [Fact]
    public void Slurm_goes_through_the_slurm_renderer()
    {
        string s = BatchScripts.Render(BatchSystem.Slurm, "/j/000001", Options);
        Assert.Contains("#SBATCH --time=01:30:00", s);
        Assert.Equal("job.sh", BatchScripts.FileName(BatchSystem.Slurm));
        Assert.Equal("sbatch --parsable '/j/job.sh'", BatchScripts.SubmitCommandLine(BatchSystem.Slurm, "/j/job.sh"));
    }
}
