using System.Diagnostics;
using System.Globalization;
using NepForge.Progress;

namespace NepForge.Cli;

/// <summary>
/// Draws any library step's <see cref="StepProgress"/> on stderr: a redrawn bar with rate and ETA when stderr is a
/// terminal, a plain line every <see cref="PlainInterval"/> (and at each step's end) when it is a log or a pipe.
/// One renderer for every verb: pass <see cref="CliContext.Progress"/> to a library entry point's progress argument.
/// Written without Spectre.Console so that start-up (<c>nepforge --version</c>) loads nothing more.
/// </summary>
public sealed class ProgressDisplay : IProgress<StepProgress>
{
    readonly TextWriter _error;
    readonly bool _interactive;
    readonly Func<TimeSpan> _clock;
    readonly Lock _lock = new();
    string? _step;
    TimeSpan _stepStart;
    TimeSpan? _lastDraw;
    long _startDone;
    bool _drawn;

    /// <summary>Plain-line mode: at most one line per step this often.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A display on <paramref name="error"/>; a bar only when it is the console's stderr on a terminal.</summary>
    public ProgressDisplay(TextWriter error, bool? interactive = null, Func<TimeSpan>? clock = null)
    {
        _error = error;
        _interactive = interactive ?? (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
        var watch = Stopwatch.StartNew();
        _clock = clock ?? (() => watch.Elapsed);
    }

    /// <inheritdoc/>
    public void Report(StepProgress value) => Report(value, null);

    /// <summary>Shows <paramref name="value"/> with a step's own figures after it (e.g. a training run's loss).</summary>
    public void Report(StepProgress value, string? detail)
    {
        lock (_lock)
        {
            var now = _clock();
            if (value.Step != _step)
            {
                ClearLocked();
                _step = value.Step;
                _stepStart = now;
                _startDone = value.Done;
                _lastDraw = null;
            }
            bool finished = value.Total > 0 && value.Done >= value.Total;
            if (_interactive)
            {
                if (finished || _lastDraw is null || now - _lastDraw >= TimeSpan.FromMilliseconds(100))
                {
                    _error.Write("\r" + Fit(Format(value, now - _stepStart, _startDone, bar: true) + detail));
                    _drawn = true;
                    _lastDraw = now;
                }
                if (finished)
                    ClearLocked();
            }
            else if (finished || _lastDraw is null || now - _lastDraw >= PlainInterval)
            {
                // The first report of a step is shown at once, so a log says what started and when.
                _error.WriteLine(Format(value, now - _stepStart, _startDone, bar: false) + detail);
                _lastDraw = now;
            }
        }
    }

    /// <summary>Removes a drawn bar before other output (a warning, the summary) is printed.</summary>
    public void Clear()
    {
        lock (_lock)
            ClearLocked();
    }

    const int Width = 150;

    // One terminal line: cut to the width (a wrapped line could not be redrawn with \r), padded over the last one.
    static string Fit(string text) => text.Length > Width ? text[..Width] : text.PadRight(Width);

    void ClearLocked()
    {
        if (!_drawn)
            return;
        _error.Write("\r" + new string(' ', Width) + "\r");
        _drawn = false;
    }

    /// <summary>"reading OUTCAR [#####.....] 45.0%  1.2/2.7 GB  120 MB/s  ETA 0:13" (no bar in plain mode).</summary>
    public static string Format(StepProgress p, TimeSpan elapsed, long startDone = 0, bool bar = true)
    {
        var sb = new System.Text.StringBuilder(p.Step.Length > 40 ? "…" + p.Step[^39..] : p.Step);
        if (p.Fraction is { } f)
        {
            if (bar)
            {
                int filled = (int)(f * 24);
                sb.Append(" [").Append('#', filled).Append('.', 24 - filled).Append(']');
            }
            sb.Append(CultureInfo.InvariantCulture, $" {f * 100,5:F1}%  {Amount(p.Done, p.Unit)}/{Amount(p.Total, p.Unit)} {p.Unit}");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {Amount(p.Done, p.Unit)} {p.Unit}");
        }
        double seconds = elapsed.TotalSeconds;
        long progressed = p.Done - startDone;
        if (seconds >= 0.5 && progressed > 0)
        {
            double rate = progressed / seconds;
            sb.Append(CultureInfo.InvariantCulture, $"  {Amount((long)rate, p.Unit)} {p.Unit}/s");
            if (p.Total > 0 && p.Done < p.Total)
                sb.Append("  ETA ").Append(Clock(TimeSpan.FromSeconds((p.Total - p.Done) / rate)));
        }
        if (p.Total > 0 && p.Done >= p.Total)
            sb.Append("  done in ").Append(Clock(elapsed));
        return sb.ToString();
    }

    // Bytes in MB/GB; every other unit as a plain count.
    static string Amount(long n, string unit) => unit != "bytes" ? n.ToString(CultureInfo.InvariantCulture)
        : n >= 1_000_000_000 ? (n / 1e9).ToString("F2", CultureInfo.InvariantCulture) + "G"
        : (n / 1e6).ToString("F1", CultureInfo.InvariantCulture) + "M";

    static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
}
