using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Tests.Formats.ExtXyz;

/// <summary>The parallel path of <see cref="ExtXyzReader.ReadFrames(string, ExtXyzReadOptions?)"/> must be indistinguishable from the sequential reader.</summary>
public sealed class ParallelReadTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nepforge-par").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // ~4 MB: several 1 MB batches.
    static string BigText(int frames = 1500)
    {
        var rng = new Random(5);
        var list = new List<Frame>();
        for (int f = 0; f < frames; f++)
        {
            int n = 20 + rng.Next(10);
            var el = Enumerable.Range(0, n).Select(i => Elements.Get(i % 2 == 0 ? "Si" : "O")).ToArray();
            var pos = Enumerable.Range(0, 3 * n).Select(_ => Math.Round(rng.NextDouble() * 10, 7)).ToArray();
            var force = Enumerable.Range(0, 3 * n).Select(_ => Math.Round(rng.NextDouble() - 0.5, 7)).ToArray();
            list.Add(new Frame(el, pos, Lattice.Orthorhombic(10, 10, 10)) { Energy = -f, Forces = force, Virial = Mat3.Diagonal(1, 2, f) });
        }
        return ExtXyzWriter.WriteString(list);
    }

    (List<Frame> Frames, List<ParseDiagnostic> Warnings, ParseException? Error) Read(string text, bool parallel)
    {
        string path = Path.Combine(_dir, "data.xyz");
        File.WriteAllText(path, text);
        var warnings = new List<ParseDiagnostic>();
        var frames = new List<Frame>();
        var options = new ExtXyzReadOptions { OnDiagnostic = warnings.Add };
        try
        {
            if (parallel)
            {
                foreach (var f in ExtXyzReader.ReadFrames(path, options))
                    frames.Add(f);
            }
            else
            {
                using var r = ExtXyzReader.Open(path, options);
                while (r.TryRead(out var f))
                    frames.Add(f);
            }
        }
        catch (ParseException e)
        {
            return (frames, warnings, e);
        }
        return (frames, warnings, null);
    }

    void AssertSame(string text)
    {
        var seq = Read(text, parallel: false);
        var par = Read(text, parallel: true);
        Assert.Equal(seq.Frames.Count, par.Frames.Count);
        for (int i = 0; i < seq.Frames.Count; i++)
            Assert.True(seq.Frames[i].ContentEquals(par.Frames[i]), $"frame {i} differs");
        Assert.Equal(seq.Warnings.Select(w => w.ToString()), par.Warnings.Select(w => w.ToString()));
        Assert.Equal(seq.Error?.Message, par.Error?.Message);
    }

    [Fact]
    public void Clean_file_gives_identical_frames()
    {
        var text = BigText();
        AssertSame(text);
        Assert.Equal(1500, Read(text, true).Frames.Count);
    }

    [Fact]
    public void Error_in_a_late_frame_is_the_same_error_after_the_same_frames()
    {
        var lines = BigText().Split('\n').ToList();
        int target = lines.Count * 3 / 4;
        while (!lines[target].StartsWith("Si ", StringComparison.Ordinal))
            target++;
        lines[target] = "Si 1 2 x 0 0 0";
        var (_, _, error) = Read(string.Join('\n', lines), true);
        Assert.NotNull(error);
        Assert.Equal(target + 1, error.Line);
        AssertSame(string.Join('\n', lines));
    }

    [Fact]
    public void Blank_line_wrong_counts_and_truncation_behave_the_same()
    {
        var text = BigText(600);
        int mid = text.IndexOf("\n24\n", text.Length / 2, StringComparison.Ordinal);
        AssertSame(text[..(mid + 1)] + "\n" + text[(mid + 1)..]);          // blank line mid-file
        AssertSame(text + "\n\n");                                          // trailing blanks
        AssertSame(text[..(text.Length - 40)]);                             // truncated last frame
        AssertSame(text[..(mid + 1)] + "25" + text[(mid + 3)..]);           // one atom too many declared
        AssertSame(text[..(mid + 1)] + "23" + text[(mid + 3)..]);           // one atom too few declared
        AssertSame(text[..(mid + 1)] + "x" + text[(mid + 3)..]);            // bad count line
    }
}
