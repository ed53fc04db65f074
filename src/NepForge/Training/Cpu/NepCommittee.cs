using NepForge.Formats.ExtXyz;
using NepForge.IO;

namespace NepForge.Training.Cpu;

/// <summary>One member of a committee: its folder and seed.</summary>
public sealed record NepCommitteeMember(string Directory, long Seed);

/// <summary>
/// A committee of CPU-trained models for <c>select --committee</c>: DIR/model-1 … model-N, each a full training folder
/// (nep.in, train.xyz, test.xyz) trained with seed S + k − 1, optionally on a bootstrap sample of the training set.
/// A member folder that already exists is kept as it is, so a killed committee run continues where it stopped.
/// </summary>
public static class NepCommittee
{
    /// <summary>Creates the member folders (what is already there is left alone).</summary>
    public static List<NepCommitteeMember> Prepare(string dir, int count, long seed, bool bootstrap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var members = new List<NepCommitteeMember>();
        string train = Path.Combine(dir, "train.xyz");
        var frames = bootstrap ? ExtXyzReader.ReadFrames(train).ToList() : null;
        for (int k = 1; k <= count; k++)
        {
            string member = Path.Combine(dir, $"model-{k}");
            Directory.CreateDirectory(member);
            long memberSeed = seed + k - 1;
            foreach (string f in new[] { "nep.in", "test.xyz" })
            {
                string source = Path.Combine(dir, f), target = Path.Combine(member, f);
                if (File.Exists(source) && !File.Exists(target))
                    AtomicFile.Write(target, s => { using var i = File.OpenRead(source); i.CopyTo(s); });
            }
            string memberTrain = Path.Combine(member, "train.xyz");
            if (!File.Exists(memberTrain))
            {
                if (frames is null)
                {
                    AtomicFile.Write(memberTrain, s => { using var i = File.OpenRead(train); i.CopyTo(s); });
                }
                else
                {
                    var random = new Random(unchecked((int)(memberSeed ^ (memberSeed >> 32))));
                    var sample = Enumerable.Range(0, frames.Count).Select(_ => frames[random.Next(frames.Count)]).ToList();
                    ExtXyzWriter.WriteFile(memberTrain, sample);
                }
            }
            members.Add(new NepCommitteeMember(member, memberSeed));
        }
        return members;
    }

    /// <summary>Prepares and trains every member in turn; <paramref name="starting"/> is told before each.</summary>
    public static List<NepCpuTrainingResult> Train(string dir, int count, bool bootstrap, NepCpuTrainingOptions options,
        Action<int, NepCommitteeMember>? starting = null, IProgress<NepTrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var members = Prepare(dir, count, options.Seed, bootstrap);
        var results = new List<NepCpuTrainingResult>();
        for (int k = 0; k < members.Count; k++)
        {
            starting?.Invoke(k, members[k]);
            results.Add(NepCpuTrainer.Train(options with { Directory = members[k].Directory, Seed = members[k].Seed }, progress, cancel));
        }
        return results;
    }
}
