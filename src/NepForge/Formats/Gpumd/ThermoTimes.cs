using System.Globalization;

namespace NepForge.Formats.Gpumd;

/// <summary>
/// The simulated time of every thermo.out row, from the run.in that made it: each <c>run N</c> block with a
/// <c>dump_thermo K</c> writes N / K rows, K × time_step fs apart; blocks without dump_thermo write none but advance
/// the clock (GPUMD's dump keywords apply to the next run only; time_step stays, 1 fs by default).
/// </summary>
public static class ThermoTimes
{
    /// <summary>Times in ps of <paramref name="rows"/> rows, or null when run.in does not account for exactly that many.</summary>
    public static double[]? FromRunIn(string runInPath, int rows)
    {
        if (!File.Exists(runInPath))
            return null;
        var times = new List<double>();
        double clockFs = 0, timeStepFs = 1;
        long dumpThermo = 0;
        foreach (string raw in File.ReadLines(runInPath))
        {
            string line = raw.Split('#', 2)[0].Trim();
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
                continue;
            switch (parts[0])
            {
                case "time_step" when double.TryParse(parts[1], CultureInfo.InvariantCulture, out double dt) && dt > 0:
                    timeStepFs = dt;
                    break;
                case "dump_thermo" when long.TryParse(parts[1], CultureInfo.InvariantCulture, out long k) && k > 0:
                    dumpThermo = k;
                    break;
                case "run" when long.TryParse(parts[1], CultureInfo.InvariantCulture, out long n) && n > 0:
                    for (long step = dumpThermo; dumpThermo > 0 && step <= n; step += dumpThermo)
                        times.Add((clockFs + (step * timeStepFs)) / 1000);
                    clockFs += n * timeStepFs;
                    dumpThermo = 0;
                    break;
            }
        }
        return times.Count == rows ? [.. times] : null;
    }
}
