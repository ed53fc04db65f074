using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NepForge.Structures;

/// <summary>One <c>structure … end structure</c> block: <paramref name="Count"/> copies of a molecule kept inside an
/// axis-aligned box from <paramref name="Low"/> to <paramref name="High"/> (Å).</summary>
public sealed record PackmolStructure(Molecule Molecule, int Count, Vec3 Low, Vec3 High);

/// <summary>What to ask packmol for.</summary>
public sealed record PackmolJob
{
    /// <summary>The molecules to pack, written to the output in this order (all copies of the first, then the next…).</summary>
    public required IReadOnlyList<PackmolStructure> Structures { get; init; }

    /// <summary>packmol <c>tolerance</c>: the smallest distance between atoms of different molecules, Å.</summary>
    public double Tolerance { get; init; } = 2.0;

    /// <summary>packmol <c>seed</c> (≥ 0); the same seed and input give the same packing.</summary>
    public int Seed { get; init; }

    /// <summary>packmol <c>nloop</c> (its default: 50 per molecule type) when set.</summary>
    public int? Nloop { get; init; }

    /// <summary>The packmol executable; null = "packmol" found on PATH.</summary>
    public string? Executable { get; init; }

    /// <summary>Kill packmol after this long (null = wait as long as it takes).</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// What packmol produced: positions (Å, flat [n×3], in the order of <see cref="PackmolJob.Structures"/>), whether it
/// reported a perfect packing ("Success!") or not ("ENDED WITHOUT PERFECT PACKING": the best solution found), its
/// log (stdout and stderr) and its version.
/// </summary>
public sealed record PackmolResult(double[] Positions, bool PerfectPacking, string Log, string? Version, TimeSpan Elapsed)
{
    /// <summary>The last <paramref name="lines"/> non-blank lines of the log.</summary>
    public string LogTail(int lines = 15) => Packmol.Tail(Log, lines);
}

/// <summary>packmol is not installed (or not where it was said to be).</summary>
public sealed class PackmolNotFoundException(string message) : InvalidOperationException(message);

/// <summary>
/// Runs packmol (L. Martínez et al., J. Comput. Chem. 30, 2157 (2009); Debian/Ubuntu package <c>packmol</c>) on
/// molecules in boxes and reads its XYZ output back.
/// </summary>
/// <remarks>
/// packmol reads its input from standard input only (20.14 ignores a file argument), and it rewinds that input, so
/// a pipe does not work ("Fortran runtime error: Illegal seek"): the input is written to a file in a scratch folder
/// and given as a redirection through /bin/sh (cmd.exe on Windows). Its output has 6 decimals (f14.6).
/// </remarks>
public static partial class Packmol
{
    /// <summary>How to install packmol, for error messages.</summary>
    public const string InstallHint =
        "install it with `sudo apt-get install packmol` (Debian/Ubuntu) or `conda install -c conda-forge packmol`";

    /// <summary>The full path of <c>packmol</c> on PATH, or null when it is not there.</summary>
    public static string? Find(string name = "packmol")
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || name.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        string[] extensions = OperatingSystem.IsWindows() ? [".exe", ".bat", ".cmd", ""] : [""];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string ext in extensions)
            {
                string candidate = Path.Combine(dir, name + ext);
                if (File.Exists(candidate) && (OperatingSystem.IsWindows() || IsExecutable(candidate)))
                    return candidate;
            }
        }
        return null;
    }

    static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
            return true;
        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }

    /// <summary>The packmol input for <paramref name="job"/>, molecules read from mol1.xyz, mol2.xyz… and output to out.xyz.</summary>
    public static string Input(PackmolJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"tolerance {F(job.Tolerance)}\n");
        sb.Append("filetype xyz\n");
        sb.Append("output out.xyz\n");
        sb.Append(CultureInfo.InvariantCulture, $"seed {job.Seed}\n");
        if (job.Nloop is { } nloop)
            sb.Append(CultureInfo.InvariantCulture, $"nloop {nloop}\n");
        for (int s = 0; s < job.Structures.Count; s++)
        {
            var st = job.Structures[s];
            sb.Append(CultureInfo.InvariantCulture, $"\nstructure mol{s + 1}.xyz\n");
            sb.Append(CultureInfo.InvariantCulture, $"  number {st.Count}\n");
            sb.Append(CultureInfo.InvariantCulture,
                $"  inside box {F(st.Low.X)} {F(st.Low.Y)} {F(st.Low.Z)} {F(st.High.X)} {F(st.High.Y)} {F(st.High.Z)}\n");
            sb.Append("end structure\n");
        }
        return sb.ToString();
    }

    /// <summary>Plain XYZ text of a molecule, as packmol reads it.</summary>
    public static string MoleculeXyz(Molecule molecule)
    {
        ArgumentNullException.ThrowIfNull(molecule);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{molecule.AtomCount}\n{molecule.Name}\n");
        for (int i = 0; i < molecule.AtomCount; i++)
        {
            var p = molecule.Position(i);
            sb.Append(CultureInfo.InvariantCulture, $"{molecule.Elements[i].Symbol} {F(p.X)} {F(p.Y)} {F(p.Z)}\n");
        }
        return sb.ToString();
    }

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs packmol in a scratch folder (removed afterwards) and returns the packing. Throws
    /// <see cref="PackmolNotFoundException"/> when packmol is missing, <see cref="InvalidOperationException"/> (with the
    /// tail of packmol's output) when it fails or writes no usable output, <see cref="TimeoutException"/> when it runs
    /// past <see cref="PackmolJob.Timeout"/>.
    /// </summary>
    public static PackmolResult Run(PackmolJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Structures.Count == 0)
            throw new ArgumentException("nothing to pack", nameof(job));
        if (!(job.Tolerance > 0) || !double.IsFinite(job.Tolerance))
            throw new ArgumentException($"tolerance {job.Tolerance} Å must be > 0", nameof(job));
        if (job.Seed < 0)
            throw new ArgumentException($"packmol seed {job.Seed} must be ≥ 0 (packmol takes a negative seed as \"from the clock\")", nameof(job));
        foreach (var st in job.Structures)
        {
            if (st.Count < 1)
                throw new ArgumentException($"{st.Molecule.Name}: count {st.Count} must be ≥ 1", nameof(job));
        }
        string exe = job.Executable is { } given
            ? Find(given) ?? throw new PackmolNotFoundException($"packmol not found at '{given}': {InstallHint}")
            : Find() ?? throw new PackmolNotFoundException($"packmol is not on PATH: {InstallHint}");

        var dir = Directory.CreateTempSubdirectory("nepforge-packmol-");
        try
        {
            for (int s = 0; s < job.Structures.Count; s++)
                File.WriteAllText(Path.Combine(dir.FullName, $"mol{s + 1}.xyz"), MoleculeXyz(job.Structures[s].Molecule));
            File.WriteAllText(Path.Combine(dir.FullName, "pack.inp"), Input(job));

            var (exitCode, log, elapsed) = Execute(exe, dir.FullName, job.Timeout);
            bool success = log.Contains("Success!", StringComparison.Ordinal);
            bool imperfect = log.Contains("ENDED WITHOUT PERFECT PACKING", StringComparison.Ordinal);
            string outPath = Path.Combine(dir.FullName, "out.xyz");
            if (!(success || imperfect) || !File.Exists(outPath) || (success && exitCode != 0))
            {
                throw new InvalidOperationException(
                    $"packmol failed (exit code {exitCode}); the end of its output:\n{Tail(log, 15)}");
            }
            var positions = ReadOutput(outPath, job.Structures, log);
            return new PackmolResult(positions, success && !imperfect, log, ParseVersion(log), elapsed);
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A scratch folder left in /tmp is not worth failing the run for.
            }
        }
    }

    static (int ExitCode, string Log, TimeSpan Elapsed) Execute(string exe, string workDir, TimeSpan? timeout)
    {
        var psi = new ProcessStartInfo
        {
            WorkingDirectory = workDir,
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        if (OperatingSystem.IsWindows())
        {
            psi.FileName = "cmd.exe";
            psi.Arguments = $"/d /s /c \"\"{exe}\" < pack.inp\"";
        }
        else
        {
            // exec "$0" < pack.inp: the shell only opens the file as packmol's (seekable) stdin, then becomes packmol.
            psi.FileName = "/bin/sh";
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec \"$0\" < pack.inp");
            psi.ArgumentList.Add(exe);
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start packmol ({exe})");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (timeout is { } t && !process.WaitForExit(t))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended just now.
            }
            process.WaitForExit();
            throw new TimeoutException($"packmol ran longer than {t.TotalSeconds:0.#} s and was stopped; the end of its output:\n{Tail(stdout.Result + stderr.Result, 15)}");
        }
        process.WaitForExit();
        string log = stdout.Result;
        string err = stderr.Result;
        if (err.Length > 0)
            log = log + (log.EndsWith('\n') || log.Length == 0 ? "" : "\n") + err;
        return (process.ExitCode, log, clock.Elapsed);
    }

    // packmol's XYZ: count, "Built with Packmol", then "El x y z" per atom in the order of the structures.
    static double[] ReadOutput(string path, IReadOnlyList<PackmolStructure> structures, string log)
    {
        int total = structures.Sum(s => s.Count * s.Molecule.AtomCount);
        var expected = new Element[total];
        int k = 0;
        foreach (var st in structures)
            for (int c = 0; c < st.Count; c++)
                foreach (var e in st.Molecule.Elements)
                    expected[k++] = e;

        string[] lines = File.ReadAllLines(path);
        string Problem(string what) => $"packmol's output {what}; the end of its log:\n{Tail(log, 15)}";
        if (lines.Length < 2 || !int.TryParse(lines[0].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            throw new InvalidOperationException(Problem("has no atom count"));
        if (n != total || lines.Length < 2 + n)
            throw new InvalidOperationException(Problem($"has {n} atoms ({lines.Length - 2} lines), {total} expected"));
        var positions = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            string[] parts = lines[2 + i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 4)
                throw new InvalidOperationException(Problem($"line {i + 3} has fewer than 4 fields"));
            if (!string.Equals(parts[0], expected[i].Symbol, StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(Problem($"has {parts[0]} as atom {i + 1}, {expected[i].Symbol} expected"));
            for (int d = 0; d < 3; d++)
            {
                if (!double.TryParse(parts[1 + d], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw new InvalidOperationException(Problem($"line {i + 3} has a bad coordinate '{parts[1 + d]}'"));
                positions[3 * i + d] = v;
            }
        }
        return positions;
    }

    /// <summary>packmol's version from its banner ("Version 20.14.0"), or null.</summary>
    public static string? ParseVersion(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var m = VersionRegex().Match(log);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"Version\s+([0-9][0-9A-Za-z.\-]*)")]
    private static partial Regex VersionRegex();

    internal static string Tail(string log, int lines)
    {
        var kept = log.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.All(c => c is '#' or '-')).ToList();
        return string.Join('\n', kept.Skip(Math.Max(0, kept.Count - lines)).Select(l => "  " + l.Trim()));
    }
}
