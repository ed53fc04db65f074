using System.Security.Cryptography;
using System.Text;
using NepForge.Formats.ExtXyz;
using NepForge.Structures;
using NepForge.Tests.Cli;

namespace NepForge.Tests.Formats.ExtXyz;

/// <summary>
/// The pipelined writer (read, format and write on separate threads) must give the same bytes as before it: the
/// hashes below are of the outputs of main at 56b41e4, before the background writer, with the fixture folder's path
/// replaced by FIXTURES (extract and convert record the source path).
/// </summary>
public class ExtXyzWriterPipelineTests
{
    static string Hash(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(File.ReadAllText(path).Replace(Fixtures.Root, "FIXTURES", StringComparison.Ordinal))));

    [FixtureFact]
    public void Extract_output_is_byte_identical_to_the_writer_before_the_pipeline()
    {
        using var cli = new CliRunner();
        string o = cli.PathOf("x.xyz");
        var (code, _, err) = cli.Run("extract", Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md.10"), Fixtures.Path("vasp/gpumd-tools/WH-AIMD/OUTCAR"),
            Fixtures.Path("vasp/custodian/npt_nvt/OUTCAR"), "-o", o);
        Assert.True(code == 0, err);
        Assert.Equal("d735329c89ac982a70e28520131c6b2ff25992c842c84394f31ce46a6e7d2dfe", Hash(o));
    }

    [FixtureFact]
    public void Convert_output_is_byte_identical_to_the_writer_before_the_pipeline()
    {
        using var cli = new CliRunner();
        string o = cli.PathOf("t.xyz");
        Assert.Equal(0, cli.Run("convert", Fixtures.Path("gpumd/nep_train/train.xyz"), "-o", o).Code);
        Assert.Equal("a8df7582c1678f07ce16f3c52b7dcd3dfa6bbeaa0199fd47939d7590baacf2e2", Hash(o));
        // examples/ of this checkout (tests run from artifacts/bin/NepForge.Tests/release/).
        string si8 = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        string o2 = cli.PathOf("s.xyz");
        Assert.Equal(0, cli.Run("convert", si8, "-o", o2).Code);
        Assert.Equal("23306a3806cc53a71799b5b6b41b86495d171c7e4e55d6764a42274a79553b57", Hash(o2));
    }

    static IEnumerable<Frame> Many(List<Frame> source, int copies)
    {
        for (int c = 0; c < copies; c++)
            foreach (var f in source)
                yield return f;
    }

    [FixtureFact]
    public void Many_batches_through_the_pipeline_equal_frame_by_frame_writing()
    {
        // 25 frames × 250 atoms × 40 copies = 250,000 atoms: several batches of 65,536 atoms, split between workers.
        var frames = ExtXyzReader.ReadFrames(Fixtures.Path("gpumd/nep_train/train.xyz")).ToList();
        string expected = ExtXyzWriter.WriteString(Many(frames, 40));
        using var ms = new MemoryStream();
        using (var w = new ExtXyzWriter(ms, leaveOpen: true))
        {
            w.WriteAll(Many(frames, 40));
            Assert.Equal(1000, w.FramesWritten);
        }
        Assert.Equal(expected, Encoding.UTF8.GetString(ms.ToArray()));
    }

    [Fact]
    public void Cancellation_ends_WriteAll_and_the_reader()
    {
        using var cts = new CancellationTokenSource();
        long pulled = 0;
        IEnumerable<Frame> Endless()
        {
            var lattice = Lattice.Orthorhombic(5, 5, 5);
            for (long i = 0; ; i++)
            {
                if (Interlocked.Increment(ref pulled) == 50_000)
                    cts.Cancel();
                yield return new Frame([Elements.Get("Si")], [0.1, 0.2, 0.3], lattice) { Energy = -1 };
            }
        }
        var run = Task.Run(() =>
        {
            using var w = new ExtXyzWriter(Stream.Null);
            w.WriteAll(Endless(), cts.Token);
        });
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "WriteAll did not stop on cancellation");
        Assert.IsAssignableFrom<OperationCanceledException>(run.Exception!.GetBaseException());
    }
}
