using System.Diagnostics;
using System.Globalization;

namespace NepForge.Tests.Workflow;

/// <summary>
/// A scripted stand-in for CP2K, so the workflow's resume, supersede and lock logic is tested on machines without
/// it. <see cref="Install"/> writes a bash + awk <c>cp2k.psmp</c> into <c>bin/</c> of a test folder; the nepforge
/// child processes started here get that folder first on PATH, so <c>Cp2kRunner.Resolve</c> picks it up exactly as
/// it would pick up the real one. For each job the script reads <c>in.inp</c> (&amp;CELL A/B/C and &amp;COORD, as
/// <c>Cp2kInputWriter</c> writes them) and writes what <c>Cp2kOutputParser</c> reads: <c>out.log</c> (energy line,
/// PROGRAM ENDED), <c>forces.out</c> (Ha/bohr) and <c>stress.out</c> (GPa, pressure sign).
/// The labels are a Morse pair potential with a cosine cutoff (energy, forces = −grad, virial), a pure function of the
/// input cell and positions: a rerun gives the same numbers bit for bit.
/// </summary>
/// <remarks>
/// Environment of the script (set by <see cref="StartInfo"/> from the properties):
/// <c>FAKE_DFT_LEDGER</c> — a file it appends the job folder to, once per invocation (so tests can see that no job
/// ran twice); <c>FAKE_DFT_SLEEP</c> — seconds to sleep between writing the log's first line and the results (so a
/// kill lands while jobs run); <c>FAKE_DFT_GATE</c> — a file: jobs wait while it exists (see <see cref="Hold"/>), so a
/// test decides when they end without guessing how long the machine takes; <c>FAKE_DFT_FAIL</c> — a path suffix: the
/// job whose folder ends with it aborts the way CP2K does (an [ABORT] box in the log, exit code 1).
/// </remarks>
public sealed class FakeDftEngine
{
    /// <summary>Morse well depth (eV), width (1/Å), minimum (Å) and the cutoff radius (Å) of the pair potential.</summary>
    public const double Depth = 0.5, Width = 1.5, Minimum = 1.5, Cutoff = 4.0;

    /// <summary>The script: bash for the plumbing, awk for the numbers.</summary>
    public const string Script = """
        #!/bin/bash
        # Fake cp2k.psmp for NepForge's tests: a Morse pair potential, not DFT. Usage: cp2k.psmp -i in.inp -o out.log
        set -u
        inp=in.inp
        log=out.log
        while [ $# -gt 0 ]; do
          case "$1" in
            -i) inp=$2; shift 2 ;;
            -o) log=$2; shift 2 ;;
            *) shift ;;
          esac
        done
        if [ -n "${FAKE_DFT_LEDGER:-}" ]; then echo "$PWD" >> "$FAKE_DFT_LEDGER"; fi
        echo " fake CP2K for NepForge tests: Morse pair potential" > "$log"
        sleep "${FAKE_DFT_SLEEP:-0}"
        if [ -n "${FAKE_DFT_GATE:-}" ]; then while [ -e "$FAKE_DFT_GATE" ]; do sleep 0.05; done; fi
        if [ -n "${FAKE_DFT_FAIL:-}" ] && [[ "$PWD" == *"$FAKE_DFT_FAIL" ]]; then
          {
            echo " *******************************************************************************"
            echo " *   ___                                                                       *"
            echo " *  /   \                                                                      *"
            echo " * [ABORT]                                                                     *"
            echo " *  \___/        SCF failed (FAKE_DFT_FAIL names this folder)                  *"
            echo " *******************************************************************************"
          } >> "$log"
          exit 1
        fi
        awk -v D=__DEPTH__ -v A=__WIDTH__ -v R0=__MINIMUM__ -v RC=__CUTOFF__ -v LOG="$log" '
        function abs(v) { return v < 0 ? -v : v }
        BEGIN { n = 0 }
        /^[ \t]*&CELL/ { cell = 1; next }
        /^[ \t]*&END CELL/ { cell = 0; next }
        /^[ \t]*&COORD/ { coord = 1; next }
        /^[ \t]*&END COORD/ { coord = 0; next }
        cell && ($1 == "A" || $1 == "B" || $1 == "C") { k = index("ABC", $1) - 1; h[k,0] = $2 + 0; h[k,1] = $3 + 0; h[k,2] = $4 + 0; next }
        coord && NF >= 4 { el[n] = $1; x[n,0] = $2 + 0; x[n,1] = $3 + 0; x[n,2] = $4 + 0; n++ }
        END {
          if (n == 0) { print " ABORT: no &COORD atoms in the input" >> LOG; exit 1 }
          pi = atan2(0, -1)
          # Rows of h are the cell vectors (r = s h); g = h^-1 by cofactors.
          det = h[0,0]*(h[1,1]*h[2,2]-h[1,2]*h[2,1]) - h[0,1]*(h[1,0]*h[2,2]-h[1,2]*h[2,0]) + h[0,2]*(h[1,0]*h[2,1]-h[1,1]*h[2,0])
          g[0,0] = (h[1,1]*h[2,2]-h[1,2]*h[2,1])/det; g[0,1] = (h[0,2]*h[2,1]-h[0,1]*h[2,2])/det; g[0,2] = (h[0,1]*h[1,2]-h[0,2]*h[1,1])/det
          g[1,0] = (h[1,2]*h[2,0]-h[1,0]*h[2,2])/det; g[1,1] = (h[0,0]*h[2,2]-h[0,2]*h[2,0])/det; g[1,2] = (h[0,2]*h[1,0]-h[0,0]*h[1,2])/det
          g[2,0] = (h[1,0]*h[2,1]-h[1,1]*h[2,0])/det; g[2,1] = (h[0,1]*h[2,0]-h[0,0]*h[2,1])/det; g[2,2] = (h[0,0]*h[1,1]-h[0,1]*h[1,0])/det
          e = 0
          for (i = 0; i < n; i++) for (c = 0; c < 3; c++) f[i,c] = 0
          for (a = 0; a < 3; a++) for (b = 0; b < 3; b++) w[a,b] = 0
          for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) {
            # Fractional difference wrapped to [-1/2, 1/2), then the 27 nearest images (exact while RC <= the cell widths).
            for (c = 0; c < 3; c++) { d = 0; for (a = 0; a < 3; a++) d += (x[i,a] - x[j,a]) * g[a,c]; y = d + 0.5; fl = int(y); if (fl > y) fl--; s[c] = d - fl }
            for (i1 = -1; i1 <= 1; i1++) for (i2 = -1; i2 <= 1; i2++) for (i3 = -1; i3 <= 1; i3++) {
              r2 = 0
              for (c = 0; c < 3; c++) { v[c] = (s[0]+i1)*h[0,c] + (s[1]+i2)*h[1,c] + (s[2]+i3)*h[2,c]; r2 += v[c]*v[c] }
              if (r2 >= RC*RC || r2 == 0) continue
              r = sqrt(r2)
              ex = exp(-A*(r-R0)); phi = D*(ex*ex - 2*ex); dphi = 2*A*D*(ex - ex*ex)
              fc = 0.5*(1 + cos(pi*r/RC)); dfc = -0.5*pi/RC*sin(pi*r/RC)
              e += phi*fc; du = dphi*fc + phi*dfc
              for (c = 0; c < 3; c++) { fi = -du*v[c]/r; f[i,c] += fi; f[j,c] -= fi }
              for (a = 0; a < 3; a++) for (b = 0; b < 3; b++) w[a,b] += -du*v[a]*v[b]/r
            }
          }
          ha = 27.211386245988; bohr = 0.529177210903; gpa = 160.21766208
          print " ATOMIC FORCES in [a.u.]" > "forces.out"
          print "" > "forces.out"
          print " # Atom   Kind   Element          X              Y              Z" > "forces.out"
          for (i = 0; i < n; i++) {
            if (!(el[i] in kind)) kind[el[i]] = ++kinds
            printf "%8d %6d %6s %24.16e %24.16e %24.16e\n", i + 1, kind[el[i]], el[i], f[i,0]*bohr/ha, f[i,1]*bohr/ha, f[i,2]*bohr/ha > "forces.out"
          }
          print " SUM OF ATOMIC FORCES" > "forces.out"
          vol = abs(det)
          print " STRESS| Analytical stress tensor [GPa]" > "stress.out"
          print " STRESS|                        x                   y                   z" > "stress.out"
          split("x y z", axis, " ")
          for (a = 0; a < 3; a++) printf " STRESS|      %s %24.16e %24.16e %24.16e\n", axis[a+1], w[a,0]/vol*gpa, w[a,1]/vol*gpa, w[a,2]/vol*gpa > "stress.out"
          printf " ENERGY| Total FORCE_EVAL ( QS ) energy [a.u.]: %24.16e\n", e/ha >> LOG
          print "  **** **** ******  **  PROGRAM ENDED AT                 fake" >> LOG
        }' "$inp"
        """;

    /// <summary>The folder holding <c>cp2k.psmp</c> (first on the children's PATH).</summary>
    public string BinDir { get; }

    /// <summary>The fake <c>cp2k.psmp</c> itself.</summary>
    public string Executable => Path.Combine(BinDir, "cp2k.psmp");

    /// <summary>The file each job invocation appends its folder to.</summary>
    public string LedgerPath { get; }

    /// <summary>FAKE_DFT_SLEEP: seconds each job takes.</summary>
    public double SleepSeconds { get; set; }

    /// <summary>FAKE_DFT_GATE: while this file exists, every job waits before writing its results.</summary>
    public string GatePath { get; }

    /// <summary>Makes the jobs started from now on wait until <see cref="Release"/>.</summary>
    public void Hold() => File.WriteAllText(GatePath, "jobs wait while this file exists\n");

    /// <summary>Lets waiting jobs finish.</summary>
    public void Release() => File.Delete(GatePath);

    /// <summary>FAKE_DFT_FAIL: the job folder whose path ends with this aborts (null: none).</summary>
    public string? FailFolder { get; set; }

    FakeDftEngine(string dir)
    {
        BinDir = Path.Combine(dir, "bin");
        LedgerPath = Path.Combine(dir, "ledger.txt");
        GatePath = Path.Combine(dir, "gate");
    }

    /// <summary>Writes the fake <c>cp2k.psmp</c> under <paramref name="dir"/>/bin.</summary>
    public static FakeDftEngine Install(string dir)
    {
        var engine = new FakeDftEngine(dir);
        Directory.CreateDirectory(engine.BinDir);
        string path = engine.Executable;
        string text = Script.Replace("__DEPTH__", F(Depth), StringComparison.Ordinal).Replace("__WIDTH__", F(Width), StringComparison.Ordinal)
            .Replace("__MINIMUM__", F(Minimum), StringComparison.Ordinal).Replace("__CUTOFF__", F(Cutoff), StringComparison.Ordinal);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return engine;
    }

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The job folders the engine ran in, one line per invocation, in order.</summary>
    public IReadOnlyList<string> Ledger() => File.Exists(LedgerPath) ? File.ReadAllLines(LedgerPath) : [];

    /// <summary>The built <c>nepforge</c> beside the test assembly.</summary>
    public static string Nepforge => Path.Combine(AppContext.BaseDirectory, "nepforge");

    /// <summary>A <c>nepforge</c> child process with the fake first on PATH and its settings in the environment.</summary>
    public ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo(Nepforge) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = BinDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["FAKE_DFT_LEDGER"] = LedgerPath;
        psi.Environment["FAKE_DFT_SLEEP"] = F(SleepSeconds);
        psi.Environment["FAKE_DFT_GATE"] = GatePath;
        if (FailFolder is { } fail)
            psi.Environment["FAKE_DFT_FAIL"] = fail;
        else
            psi.Environment.Remove("FAKE_DFT_FAIL");
        return psi;
    }

    /// <summary>A running <c>nepforge</c> child (its output is read in the background).</summary>
    public sealed class Driver : IDisposable
    {
        readonly Process _process;
        readonly Task<string> _out, _err;

        internal Driver(ProcessStartInfo psi)
        {
            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start nepforge");
            _out = _process.StandardOutput.ReadToEndAsync();
            _err = _process.StandardError.ReadToEndAsync();
        }

        /// <summary>The child's pid.</summary>
        public int Id => _process.Id;

        /// <summary>Whether it has ended.</summary>
        public bool HasExited => _process.HasExited;

        /// <summary>Waits for it; false when it is still running after <paramref name="timeout"/>.</summary>
        public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

        /// <summary>SIGKILL, as a crash or an impatient user would (no handler runs, the lock stays behind).</summary>
        public void Kill()
        {
            using var kill = Process.Start("kill", ["-KILL", Id.ToString(CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
            _process.WaitForExit();
        }

        /// <summary>Exit code and output, once it has ended.</summary>
        public (int Code, string Out, string Err) Result()
        {
            _process.WaitForExit();
            return (_process.ExitCode, _out.Result, _err.Result);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (!_process.HasExited)
                Kill();
            _process.Dispose();
        }
    }

    /// <summary>Starts <c>nepforge ARGS</c> without waiting.</summary>
    public Driver Start(params string[] args) => new(StartInfo(args));

    /// <summary>Runs <c>nepforge ARGS</c> to the end (killed after two minutes: a hang fails the test, never the suite).</summary>
    public (int Code, string Out, string Err) Run(params string[] args)
    {
        using var driver = Start(args);
        if (!driver.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            driver.Kill();
            throw new TimeoutException($"nepforge {string.Join(' ', args)} still ran after 2 minutes");
        }
        return driver.Result();
    }
}
