using NepForge.Fuzz;
using NepForge.IO;
using NepForge.Workflow;
using SharpFuzz;

// nepforge-sharpfuzz READER FIXTURES REPO: one AFL++ fuzz target (run by bench/fuzz/sharpfuzz.sh on an instrumented
// NepForge.Core.dll). A clean error (file:line) is the expected answer to a bad input; anything else escapes and AFL++
// records it as a crash: an unexpected exception type, or a non-finite number read without a word.
// nepforge-sharpfuzz --seeds READER FIXTURES REPO DIR: writes the reader's starting inputs into DIR (the real file,
// and its first lines: AFL++ mutates small inputs much faster).
bool seeds = args.Length == 5 && args[0] == "--seeds";
string[] a = seeds ? args[1..] : args;
if (!seeds && args.Length != 3)
{
    Console.Error.WriteLine("usage: nepforge-sharpfuzz [--seeds] READER FIXTURES REPO [DIR]");
    return 2;
}
var target = Target.All(a[1], a[2]).SingleOrDefault(t => t.Name == a[0]);
if (target is null)
{
    Console.Error.WriteLine($"no reader {a[0]}");
    return 2;
}
if (seeds)
{
    byte[] input = target.Seed.Length == 0 ? Target.StateSeed() : File.ReadAllBytes(target.Seed);
    Directory.CreateDirectory(a[3]);
    File.WriteAllBytes(Path.Combine(a[3], "whole"), input);
    int cut = input.Length;
    for (int i = 0, lines = 0; i < input.Length; i++)
    {
        if (input[i] == (byte)'\n' && ++lines == 60)
        {
            cut = i + 1;
            break;
        }
    }
    if (cut < input.Length)
        File.WriteAllBytes(Path.Combine(a[3], "head"), input[..cut]);
    return 0;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    Outcome outcome;
    try
    {
        outcome = target.Run(copy.ToArray(), false);
    }
    catch (Exception e) when (e is ParseException or WorkflowException or InvalidDataException or IOException)
    {
        return;
    }
    if (outcome.NonFinite is { } bad)
        throw new InvalidOperationException("silent non-finite value: " + bad);
});
return 0;
