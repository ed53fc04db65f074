using System.Diagnostics;
using System.Globalization;
using System.Xml;
using NepForge.IO;
using NepForge.Workflow;

namespace NepForge.Fuzz;

/// <summary>How a case ended.</summary>
public enum Verdict
{
    /// <summary>Read without error and nothing wrong found.</summary>
    Ok,
    /// <summary>An error the CLI prints as one line naming the file (ParseException, WorkflowException, InvalidDataException, IOException).</summary>
    CleanError,
    /// <summary>An error the CLI prints as one line, but without file:line (ArgumentException, InvalidOperationException, FormatException, KeyNotFoundException).</summary>
    UnlocatedError,
    /// <summary>Any other exception: a stack trace in the CLI.</summary>
    Crash,
    /// <summary>No answer within the time limit.</summary>
    Hang,
    /// <summary>Read without error or warning, but the result is wrong: a non-finite value, or structures that differ from the input's.</summary>
    SilentWrong,
}

/// <summary>One case: what was done and how it ended.</summary>
public sealed record CaseResult(string Reader, int Case, Mutation Mutation, Verdict Verdict, string Detail);

/// <summary>Counts per reader.</summary>
public sealed class FuzzStats(string reader)
{
    public string Reader { get; } = reader;
    public int Cases { get; set; }
    public Dictionary<Verdict, int> Counts { get; } = Enum.GetValues<Verdict>().ToDictionary(v => v, _ => 0);
    public List<CaseResult> Problems { get; } = [];
    public double Seconds { get; set; }
    public int this[Verdict v] => Counts[v];
}

/// <summary>
/// Seeded, reproducible mutation fuzzing: case <c>k</c> of reader <c>R</c> with seed <c>S</c> always applies the same
/// mutation (kind <c>k mod 12</c>, details from <c>Random(S, R, k)</c>) to the same real input.
/// </summary>
public static class FuzzRunner
{
    /// <summary>The mutated bytes of one case (for reproducing it by hand).</summary>
    public static byte[] CaseInput(byte[] seedInput, string reader, int seed, int index, out Mutation mutation, out bool gzip)
    {
        var kinds = Enum.GetValues<Mutation>();
        mutation = kinds[index % kinds.Length];
        // Not HashCode.Combine: it is seeded per process, and case K must be the same bytes in every run.
        var rng = new Random(unchecked((seed * 1_000_003) ^ (StableHash(reader) * 7_919) ^ (index * 104_729)));
        return Mutator.Apply(seedInput, rng, mutation, out gzip);
    }

    /// <summary>Runs <paramref name="cases"/> cases of <paramref name="target"/>.</summary>
    public static FuzzStats Run(Target target, byte[] seedInput, int seed, int cases, TimeSpan timeout, int firstCase = 0)
    {
        var stats = new FuzzStats(target.Name);
        var original = target.Run(seedInput, false);
        var clock = Stopwatch.StartNew();
        for (int k = firstCase; k < firstCase + cases; k++)
        {
            var result = RunCase(target, seedInput, original, seed, k, timeout);
            stats.Cases++;
            stats.Counts[result.Verdict]++;
            if (result.Verdict is Verdict.Crash or Verdict.Hang or Verdict.SilentWrong or Verdict.UnlocatedError && stats.Problems.Count < 200)
                stats.Problems.Add(result);
        }
        stats.Seconds = clock.Elapsed.TotalSeconds;
        return stats;
    }

    /// <summary>Runs one case and classifies it.</summary>
    public static CaseResult RunCase(Target target, byte[] seedInput, Outcome original, int seed, int k, TimeSpan timeout)
    {
        var input = CaseInput(seedInput, target.Name, seed, k, out var mutation, out bool gzip);
        var task = Task.Factory.StartNew(() => target.Run(input, gzip), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(timeout) && !task.IsCompleted)
            return new(target.Name, k, mutation, Verdict.Hang, $"no answer in {timeout.TotalSeconds:0} s");
        if (task.Exception?.GetBaseException() is { } e)
        {
            var verdict = e switch
            {
                ParseException or WorkflowException or InvalidDataException or IOException => Verdict.CleanError,
                ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException => Verdict.UnlocatedError,
                _ => Verdict.Crash,
            };
            if (e is XmlException)
                verdict = Verdict.Crash;
            string where = e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
            return new(target.Name, k, mutation, verdict, $"{e.GetType().Name}: {OneLine(e.Message)} {where}");
        }
        var outcome = task.Result;
        if (outcome.NonFinite is { } bad)
            return new(target.Name, k, mutation, Verdict.SilentWrong, "non-finite value read: " + bad);
        // Structural mutations must either be noticed (an error or a warning) or change nothing: the same frames, or
        // for a cut file the leading frames unchanged. (A changed number may make another valid file, e.g. a scale
        // factor, so count and value mutations are only checked for non-finite results and exceptions.)
        if (outcome.Items is { } items && original.Items is { } expected && outcome.Diagnostics <= original.Diagnostics &&
            mutation is Mutation.Truncate or Mutation.DeleteLine or Mutation.DuplicateLine)
        {
            bool same = items.Count == expected.Count && items.SequenceEqual(expected);
            bool prefix = mutation == Mutation.Truncate && items.Count <= expected.Count && items.SequenceEqual(expected.Take(items.Count));
            if (!same && !prefix)
            {
                int at = items.Zip(expected).TakeWhile(p => p.First == p.Second).Count();
                return new(target.Name, k, mutation, Verdict.SilentWrong,
                    string.Create(CultureInfo.InvariantCulture, $"{items.Count} frame(s) read without a warning, input has {expected.Count}; first difference at frame {at + 1}"));
            }
        }
        return new(target.Name, k, mutation, Verdict.Ok, "");
    }

    static string OneLine(string s) => s.Length > 300 ? s[..300].ReplaceLineEndings(" ") + "…" : s.ReplaceLineEndings(" ");

    static int StableHash(string s)
    {
        unchecked
        {
            int h = 17;
            foreach (char c in s)
                h = h * 31 + c;
            return h;
        }
    }
}
