using System.Diagnostics;
using System.Globalization;
using NepForge.Formats.Vasp;

namespace NepForge.Bench;

/// <summary>Wall-clock OUTCAR read throughput and peak working set, as key=value lines for the comparison scripts.</summary>
public static class VaspThroughput
{
    public static int RunOutcar(string[] args) => Run(args, path => OutcarReader.ReadSteps(path));

    public static int RunVasprun(string[] args) => Run(args, path => VasprunReader.ReadSteps(path));

    static int Run(string[] args, Func<string, IEnumerable<VaspStep>> read)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: outcar|vasprun FILE [--repeat N]");
            return 2;
        }
        string path = args[0];
        int repeat = args.Length >= 3 && args[1] == "--repeat" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var info = new FileInfo(path);
        long bytes = (info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info).Length; // a symlinked input counts its target
        double best = double.MaxValue, bestCpu = 0;
        var self = Process.GetCurrentProcess();
        long steps = 0, atoms = 0;
        for (int r = 0; r < repeat; r++)
        {
            self.Refresh();
            var cpu0 = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            steps = 0;
            atoms = 0;
            foreach (var s in read(path))
            {
                steps++;
                atoms += s.Frame.AtomCount;
            }
            double wall = sw.Elapsed.TotalSeconds;
            self.Refresh();
            if (wall < best)
                (best, bestCpu) = (wall, (self.TotalProcessorTime - cpu0).TotalSeconds);
        }
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"file_bytes={bytes} steps={steps} atoms={atoms}"));
        Console.WriteLine(string.Create(inv, $"read_s={best:F3} read_MBps={bytes / 1e6 / best:F1} read_cpu_s={bestCpu:F3} read_MBps_cpu={bytes / 1e6 / bestCpu:F1}"));
        Console.WriteLine(string.Create(inv, $"peak_working_set_MB={Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F1}"));
        return 0;
    }
}
