using System.Diagnostics;
using System.Globalization;
using NepForge.Formats.ExtXyz;

namespace NepForge.Bench;

/// <summary>
/// Wall-clock read and write throughput of the extxyz reader/writer on one large file, plus peak working set,
/// printed as key=value lines that bench/compare_ase.sh puts next to ASE's numbers.
/// </summary>
public static class Throughput
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: throughput FILE.xyz [--repeat N]");
            return 2;
        }
        string path = args[0];
        int repeat = args.Length >= 3 && args[1] == "--repeat" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        long bytes = new FileInfo(path).Length;

        double bestRead = double.MaxValue;
        long frames = 0, atoms = 0;
        for (int r = 0; r < repeat; r++)
        {
            var sw = Stopwatch.StartNew();
            frames = 0;
            atoms = 0;
            foreach (var f in ExtXyzReader.ReadFrames(path))
            {
                frames++;
                atoms += f.AtomCount;
            }
            bestRead = Math.Min(bestRead, sw.Elapsed.TotalSeconds);
        }
        long peakRead = Process.GetCurrentProcess().PeakWorkingSet64;

        // Write: like ASE's write(file, frames), the frames are in memory first, so only formatting and output count.
        var all = ExtXyzReader.ReadFrames(path).ToList();
        string outPath = path + ".nepforge-out.xyz";
        double bestWrite = double.MaxValue;
        long written = 0;
        for (int r = 0; r < repeat; r++)
        {
            var sw = Stopwatch.StartNew();
            ExtXyzWriter.WriteFile(outPath, all);
            bestWrite = Math.Min(bestWrite, sw.Elapsed.TotalSeconds);
            written = new FileInfo(outPath).Length;
        }
        File.Delete(outPath);
        long peakAfterWrite = Process.GetCurrentProcess().PeakWorkingSet64;
        all = null;

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"file_bytes={bytes} frames={frames} atoms={atoms}"));
        Console.WriteLine(string.Create(inv, $"read_s={bestRead:F3} read_MBps={bytes / 1e6 / bestRead:F1}"));
        Console.WriteLine(string.Create(inv, $"write_s={bestWrite:F3} write_MBps={written / 1e6 / bestWrite:F1} written_bytes={written}"));
        Console.WriteLine(string.Create(inv, $"peak_working_set_streaming_read_MB={peakRead / 1e6:F1} peak_with_all_frames_in_memory_MB={peakAfterWrite / 1e6:F1}"));
        return 0;
    }
}
