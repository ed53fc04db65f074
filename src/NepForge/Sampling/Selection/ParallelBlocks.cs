namespace NepForge.Sampling.Selection;

/// <summary>Runs a loop over [0, n) in contiguous blocks on the thread pool (one delegate call per block).</summary>
static class ParallelBlocks
{
    public static void For(int n, int block, ParallelOptions options, Action<int, int> body)
    {
        if (n <= block || options.MaxDegreeOfParallelism == 1)
        {
            body(0, n);
            return;
        }
        int blocks = (n + block - 1) / block;
        Parallel.For(0, blocks, options, b => body(b * block, Math.Min(n, (b + 1) * block)));
    }
}
