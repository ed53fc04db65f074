using NepForge.Cli;
using NepForge.Progress;

namespace NepForge.Tests.Cli;

public sealed class ProgressDisplayTests
{
    [Fact]
    public void A_bar_line_has_percentage_rate_and_eta()
    {
        // 50 of 100 frames in 5 s: 10 frames/s, 50 left → 5 s.
        string line = ProgressDisplay.Format(new StepProgress("evaluating", 50, 100, "frames"), TimeSpan.FromSeconds(5));
        Assert.Equal("evaluating [############............]  50.0%  50/100 frames  10 frames/s  ETA 0:05", line);
        // Bytes are shown in MB/GB; an unknown total gives a count and a rate, no ETA.
        Assert.Equal("reading OUTCAR  50.0%  154.0M/308.0M bytes  15.4M bytes/s  ETA 0:10",
            ProgressDisplay.Format(new StepProgress("reading OUTCAR", 154_000_000, 308_000_000, "bytes"), TimeSpan.FromSeconds(10), bar: false));
        Assert.Equal("nep descriptors  40 frames  20 frames/s",
            ProgressDisplay.Format(new StepProgress("nep descriptors", 40, 0, "frames"), TimeSpan.FromSeconds(2), bar: false));
    }

    [Fact]
    public void Plain_lines_are_periodic_with_the_first_and_the_last()
    {
        var now = TimeSpan.Zero;
        var error = new StringWriter();
        var display = new ProgressDisplay(error, interactive: false, clock: () => now) { PlainInterval = TimeSpan.FromSeconds(10) };
        for (int step = 0; step <= 100; step++)
        {
            now = TimeSpan.FromSeconds(step * 0.5);
            display.Report(new StepProgress("md", step, 100, "steps"));
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // 50 s in all: the first report, one every 10 s (at 10, 20, 30, 40 s) and the last (50 s, "done").
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("md   0.0%  0/100 steps", lines[0], StringComparison.Ordinal);
        Assert.Contains("20/100 steps  2 steps/s  ETA 0:40", lines[1], StringComparison.Ordinal);
        Assert.Equal("md 100.0%  100/100 steps  2 steps/s  done in 0:50", lines[^1]);
        Assert.DoesNotContain('\r', error.ToString());
    }

    [Fact]
    public void A_terminal_bar_is_redrawn_in_place_and_cleared_at_the_end()
    {
        var now = TimeSpan.Zero;
        var error = new StringWriter();
        var display = new ProgressDisplay(error, interactive: true, clock: () => now);
        display.Report(new StepProgress("md", 0, 10, "steps"));
        now = TimeSpan.FromSeconds(1);
        display.Report(new StepProgress("md", 5, 10, "steps"));
        now = TimeSpan.FromSeconds(2);
        display.Report(new StepProgress("md", 10, 10, "steps"));
        string text = error.ToString();
        Assert.DoesNotContain('\n', text);
        Assert.Contains("\rmd [############............]  50.0%  5/10 steps  5 steps/s  ETA 0:01", text, StringComparison.Ordinal);
        Assert.EndsWith("\r" + new string(' ', 150) + "\r", text, StringComparison.Ordinal); // cleared for the summary
    }
}
