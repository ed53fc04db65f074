using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge sample IN -o OUT</c>: keep every N-th, K evenly spaced, K random, or a slice of frames.</summary>
static class SampleCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Trajectory or dataset (extxyz; \"-\" = stdin)" };
        var output = CommonOptions.Output();
        var every = new Option<long?>("--every") { Description = "Keep every N-th frame (0, N, 2N, …)", HelpName = "N" };
        var count = new Option<long?>("--count") { Description = "Keep K frames evenly spaced, first and last included", HelpName = "K" };
        var random = new Option<long?>("--random") { Description = "Keep K frames chosen at random (needs --seed to repeat; the seed used is printed and recorded)", HelpName = "K" };
        var seed = new Option<int?>("--seed") { Description = "Seed of --random", HelpName = "S" };
        var range = new Option<string?>("--range") { Description = "Keep a slice A:B[:STEP] of frame indices (0-based, B excluded, negatives count from the end)", HelpName = "A:B[:STEP]" };
        var skipFirst = new Option<long>("--skip-first") { Description = "Drop the first N frames (equilibration) before sampling", HelpName = "N" };
        var holdOnly = new Option<bool>("--hold-only") { Description = "Only frames in the hold after a temperature ramp (md_hold=T, from --hold-steps of md, dft prepare --aimd with CP2K, or GPUMD exploration in a workflow), before any other choice" };
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();

        var command = new Command("sample", "Subsample a trajectory: --every N, --count K, --random K --seed S, --range A:B[:STEP], --skip-first N")
        {
            input, output, every, count, random, seed, range, skipFirst, holdOnly, from, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            CommonOptions.RefuseInputAsOutput(outPath, inPath);
            long skip = r.GetValue(skipFirst);
            if (skip < 0)
                throw new UsageException("--skip-first must be ≥ 0");
            var modes = new object?[] { r.GetValue(every), r.GetValue(count), r.GetValue(random), r.GetValue(range) }.Count(m => m is not null);
            if (modes > 1)
                throw new UsageException("give only one of --every, --count, --random, --range");
            if (r.GetValue(seed) is not null && r.GetValue(random) is null)
                throw new UsageException("--seed only applies to --random");
            var format = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            var readOptions = CommonOptions.ReadOptions(r, cli, skipBad);
            bool hold = r.GetValue(holdOnly);
            IEnumerable<Frame> Read() => hold
                ? HoldFilter.Keep(StructureReader.Read(inPath, format, readOptions), inPath)
                : StructureReader.Read(inPath, format, readOptions);

            int? seedUsed = null;
            Func<long, IEnumerable<long>>? choose = null; // given the frame count, the indices to keep
            if (r.GetValue(every) is { } n)
            {
                if (n < 1)
                    throw new UsageException("--every must be ≥ 1");
                return Finish(StreamEvery(Read(), n, skip));
            }
            if (r.GetValue(count) is { } k)
            {
                if (k < 1)
                    throw new UsageException("--count must be ≥ 1");
                choose = total => FrameSelection.Evenly(total, k, skip);
            }
            else if (r.GetValue(random) is { } kr)
            {
                if (kr < 1)
                    throw new UsageException("--random must be ≥ 1");
                int s = r.GetValue(seed) ?? Random.Shared.Next();
                seedUsed = s;
                choose = total => FrameSelection.Random(total, kr, s, skip);
            }
            else if (r.GetValue(range) is { } text)
            {
                SliceSpec slice;
                try
                {
                    slice = SliceSpec.Parse(text);
                }
                catch (FormatException e)
                {
                    throw new UsageException($"--range: {e.Message}");
                }
                if (!slice.NeedsTotal && skip == 0)
                    return Finish(StreamSlice(Read(), slice));
                choose = total => FrameSelection.Slice(total, slice).Where(i => i >= skip);
            }
            else
            {
                return Finish(Read().Skip(checked((int)Math.Min(skip, int.MaxValue))));
            }

            // Two passes: count, then pick. Stdin cannot be read twice, so its frames are held in memory.
            IEnumerable<Frame> source;
            long totalFrames;
            if (inPath == "-" || format != StructureFormat.ExtXyz || hold)
            {
                var all = Read().ToList();
                totalFrames = all.Count;
                source = all;
            }
            else
            {
                totalFrames = ExtXyzReader.CountFrames(inPath);
                source = StructureReader.Read(inPath, format, readOptions);
            }
            return Finish(FrameSelection.Pick(source, choose(totalFrames), seedUsed), totalFrames, seedUsed);

            int Finish(IEnumerable<Frame> frames, long? total = null, int? s = null)
            {
                long written = ExtXyzWriter.WriteFile(outPath, frames, CommonOptions.XyzWrite(r, stress));
                string of = total is { } t ? $" of {t}" : "";
                string seeded = s is { } sv ? $" (seed {sv})" : "";
                cli.Note($"sample: kept {written}{of} frame(s){seeded} → {outPath}");
                return CliContext.Success;
            }
        }));
        return command;
    }

    static IEnumerable<Frame> StreamEvery(IEnumerable<Frame> frames, long every, long skip)
    {
        long i = 0;
        foreach (var f in frames)
        {
            if (i >= skip && (i - skip) % every == 0)
                yield return f;
            i++;
        }
    }

    static IEnumerable<Frame> StreamSlice(IEnumerable<Frame> frames, SliceSpec slice)
    {
        long start = slice.Start ?? 0, step = slice.Step ?? 1, i = 0;
        if (step < 1)
            throw new UsageException("--range step must be ≥ 1");
        foreach (var f in frames)
        {
            if (slice.Stop is { } stop && i >= stop)
                yield break;
            if (i >= start && (i - start) % step == 0)
                yield return f;
            i++;
        }
    }
}
