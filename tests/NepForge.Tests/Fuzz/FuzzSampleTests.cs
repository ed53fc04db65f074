using NepForge.Fuzz;

namespace NepForge.Tests.Fuzz;

/// <summary>
/// Issue 14: the fixed seeded sample of the mutation fuzzer (CI's share; bench/fuzz/run.sh runs 100,000 cases per
/// reader). Every reader, every mutation kind: no crash, no hang, no silent wrong result.
/// </summary>
public class FuzzSampleTests
{
    public static TheoryData<string> Readers() =>
        ["extxyz", "poscar", "xdatcar", "outcar", "vasprun", "oszicar", "nep.txt", "loss.out", "workflow.yaml", "workflow.state.json"];


    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NepForge.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root not found");
    }

    [FixtureTheory]
    [MemberData(nameof(Readers))]
    public void Seeded_sample_has_no_crash_hang_or_silent_wrong_result(string reader)
    {
        var target = Target.All(Fixtures.Root, RepoRoot()).Single(t => t.Name == reader);
        byte[] input = target.Seed.Length == 0 ? Target.StateSeed() : File.ReadAllBytes(target.Seed);
        var stats = FuzzRunner.Run(target, input, seed: 14, cases: 300, TimeSpan.FromSeconds(20));
        Assert.Equal(300, stats.Cases);
        Assert.True(stats[Verdict.Crash] + stats[Verdict.Hang] + stats[Verdict.SilentWrong] == 0,
            string.Join("\n", stats.Problems.Select(p => $"{p.Reader} case {p.Case} ({p.Mutation}): {p.Verdict}: {p.Detail}")));
        Assert.True(stats[Verdict.UnlocatedError] == 0,
            string.Join("\n", stats.Problems.Select(p => $"{p.Reader} case {p.Case} ({p.Mutation}): {p.Verdict}: {p.Detail}")));
        // The sample exercises both sides: some inputs still read, most mutations are reported.
        Assert.True(stats[Verdict.CleanError] > 0);
    }

    [FixtureTheory]
    [InlineData(43)]
    [InlineData(283)]
    [InlineData(595)]
    public void Binary_garbage_that_stops_yamldotnets_scanner_is_a_located_workflow_error(int k)
    {
        // These cases of the 3,000-case run made YamlDotNet's scanner throw InvalidOperationException (no line).
        var target = Target.All(Fixtures.Root, RepoRoot()).Single(t => t.Name == "workflow.yaml");
        byte[] input = File.ReadAllBytes(target.Seed);
        var original = target.Run(input, false);
        var result = FuzzRunner.RunCase(target, input, original, 14, k, TimeSpan.FromSeconds(20));
        Assert.Equal(Mutation.BinaryGarbage, result.Mutation);
        Assert.Equal(Verdict.CleanError, result.Verdict);
        Assert.Matches(@":\d+: not valid YAML: unreadable characters", result.Detail);
    }

    [FixtureFact]
    public void A_case_is_the_same_bytes_in_every_process()
    {
        // Case 5 of extxyz with seed 14, as every run of bench/fuzz/run.sh makes it (HashCode.Combine, seeded per
        // process, made the cases of one run irreproducible in the next).
        var target = Target.All(Fixtures.Root, RepoRoot()).Single(t => t.Name == "extxyz");
        var bytes = FuzzRunner.CaseInput(File.ReadAllBytes(target.Seed), "extxyz", 14, 5, out var mutation, out _);
        Assert.Equal(Mutation.WrongCount, mutation);
        Assert.Equal("b91d98b7ee17ad82a0b57d6bc9254f8268cc20886fe2f43939b6f71a01954136",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    [Fact]
    public void Cases_are_reproducible()
    {
        byte[] input = "1\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n"u8.ToArray();
        for (int k = 0; k < 24; k++)
        {
            var a = FuzzRunner.CaseInput(input, "extxyz", 14, k, out var ma, out bool ga);
            var b = FuzzRunner.CaseInput(input, "extxyz", 14, k, out var mb, out bool gb);
            Assert.Equal(a, b);
            Assert.Equal((ma, ga), (mb, gb));
        }
        Assert.Equal(Mutation.CorruptGzip, Enum.GetValues<Mutation>()[11]);
    }
}
