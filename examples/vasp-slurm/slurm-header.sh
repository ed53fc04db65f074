#SBATCH --account=myproject       # your allocation
#SBATCH --qos=normal
#SBATCH --mem-per-cpu=2G
# Everything above is read by sbatch (it must come first); below runs before VASP in every job.
module purge
module load intel-oneapi vasp/6.4.2
export I_MPI_PMI_LIBRARY=/usr/lib64/libpmi2.so
