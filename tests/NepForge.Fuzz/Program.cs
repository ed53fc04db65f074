using System.Globalization;
using NepForge.Fuzz;

// nepforge-fuzz [--reader NAME|all] [--cases N] [--seed S] [--first K] [--fixtures DIR] [--timeout SECONDS] [--dump K]
// Prints one markdown row per reader: cases, ok, clean errors, unlocated errors, crashes, hangs, silent wrong, max RSS,
// then the problems (reader, case, mutation, detail) so that each can be reproduced with --first K --cases 1.
string reader = "all", fixtures = Path.GetFullPath("../shared/fixtures"), repo = Directory.GetCurrentDirectory();
int cases = 1000, seed = 14, first = 0, timeout = 10;
int? dump = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => args[++i];
    switch (args[i])
    {
        case "--reader": reader = Next(); break;
        case "--cases": cases = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--first": first = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--fixtures": fixtures = Path.GetFullPath(Next()); break;
        case "--repo": repo = Path.GetFullPath(Next()); break;
        case "--timeout": timeout = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--dump": dump = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
var targets = Target.All(fixtures, repo).Where(t => reader == "all" || t.Name == reader).ToList();
if (targets.Count == 0)
{
    Console.Error.WriteLine($"no reader {reader}");
    return 2;
}
foreach (var target in targets)
{
    byte[] input = target.Seed.Length == 0 ? Target.StateSeed() : File.ReadAllBytes(target.Seed);
    if (dump is int k)
    {
        var bytes = FuzzRunner.CaseInput(input, target.Name, seed, k, out var mutation, out bool gz);
        string name = $"fuzz-{target.Name}-{seed}-{k}{(gz ? ".gz" : "")}";
        File.WriteAllBytes(name, bytes);
        Console.WriteLine($"{name}: {mutation}");
        continue;
    }
    var stats = FuzzRunner.Run(target, input, seed, cases, TimeSpan.FromSeconds(timeout), first);
    long rss = MaxRssMb();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {stats.Reader} | {stats.Cases} | {stats[Verdict.Ok]} | {stats[Verdict.CleanError]} | {stats[Verdict.UnlocatedError]} | {stats[Verdict.Crash]} | {stats[Verdict.Hang]} | {stats[Verdict.SilentWrong]} | {rss} MB | {stats.Seconds:0} s |"));
    foreach (var p in stats.Problems.Take(40))
        Console.Error.WriteLine($"{p.Reader} case {p.Case} ({p.Mutation}): {p.Verdict}: {p.Detail}");
}
return 0;

static long MaxRssMb()
{
    try
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
    }
    catch (IOException)
    {
    }
    return -1;
}
