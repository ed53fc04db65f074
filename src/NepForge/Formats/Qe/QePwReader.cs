using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Qe;

/// <summary>One ionic step of a pw.x run.</summary>
/// <param name="Frame">Structure with energy (eV), forces (eV/Å) and virial (eV, pressure sign) where printed.</param>
/// <param name="Converged">Whether its SCF converged ("convergence NOT achieved" otherwise).</param>
public sealed record QeStep(Frame Frame, bool Converged);

/// <summary>What a pw.x output holds.</summary>
/// <param name="Steps">Every ionic step with an energy (scf: one; relax / vc-relax / md: one per step).</param>
/// <param name="JobDone">Whether the run reached "JOB DONE." (a killed run has not).</param>
public sealed record QeRun(IReadOnlyList<QeStep> Steps, bool JobDone);

/// <summary>
/// Reads Quantum ESPRESSO <c>pw.x</c> text output: the cell (<c>lattice parameter (alat)</c> + <c>crystal axes</c>),
/// the initial positions (<c>site n. … tau</c>), then per ionic step the converged <c>!    total energy</c> (the
/// last <c>!</c> line of the step: some versions print one per SCF iteration), <c>Forces acting on atoms</c>, the
/// <c>total   stress</c> (Ry/bohr³, pressure sign) and the next step's <c>ATOMIC_POSITIONS</c> /
/// <c>CELL_PARAMETERS</c>. Units: Ry → eV (CODATA 2018, 13.605693122994), bohr → Å 0.529177210903; the virial is
/// σ·V in eV with QE's (pressure) sign, GPUMD's convention.
/// </summary>
public static class QePwReader
{
    /// <summary>Ry in eV (CODATA 2018).</summary>
    public const double RydbergToEv = Units.HartreeToEv / 2;

    /// <summary>True when the first lines of <paramref name="path"/> say it is pw.x output.</summary>
    public static bool IsPwOutput(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            for (int i = 0; i < 60 && reader.ReadLine() is { } line; i++)
            {
                if (line.Contains("Program PWSCF", StringComparison.Ordinal))
                    return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="ParseException">A block is malformed or the output has no atoms/cell.</exception>
    public static QeRun Read(string path)
    {
        var lines = File.ReadAllLines(path);
        double alat = 0; // bohr
        var axes = new Vec3?[3];
        List<string>? labels = null;
        double[]? positions = null; // Å
        Lattice? lattice = null;
        var steps = new List<QeStep>();
        double? energy = null;
        double[]? forces = null;
        Mat3? stress = null; // Ry/bohr³
        bool converged = true, done = false;
        int natoms = 0;

        void Flush()
        {
            if (energy is { } e && labels is not null && positions is not null && lattice is not null)
            {
                var frame = new Frame([.. labels.Select(Element)], (double[])positions.Clone(), lattice)
                {
                    Energy = e * RydbergToEv,
                    Forces = forces,
                    Virial = stress is { } s ? (lattice.Volume / Math.Pow(Units.BohrToAngstrom, 3) * RydbergToEv) * s : null,
                };
                frame.Info.EnergyKind = "qe_total_energy";
                frame.Info.SourceFile = path;
                frame.Info.SourceIndex = steps.Count;
                frame.Info.SourceStep = steps.Count + 1;
                steps.Add(new QeStep(frame, converged));
            }
            energy = null;
            forces = null;
            stress = null;
            converged = true;
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string t = line.Trim();
            if (t.StartsWith("number of atoms/cell", StringComparison.Ordinal))
            {
                natoms = (int)Number(t[(t.IndexOf('=', StringComparison.Ordinal) + 1)..], path, i);
            }
            else if (t.StartsWith("lattice parameter (alat)", StringComparison.Ordinal) && alat == 0)
            {
                var cols = t[(t.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                alat = Number(cols[0], path, i);
            }
            else if (t.StartsWith("celldm(1)=", StringComparison.Ordinal))
            {
                // Six decimals here, four in the "lattice parameter (alat)" line.
                alat = Number(t["celldm(1)=".Length..], path, i);
            }
            else if (t.StartsWith("a(", StringComparison.Ordinal) && t.Length > 4 && t[3] == ')' && alat > 0 && lattice is null)
            {
                int k = t[2] - '1';
                if (k is >= 0 and < 3)
                {
                    axes[k] = Triple(t, path, i) * (alat * Units.BohrToAngstrom);
                    if (axes.All(a => a is not null))
                        lattice = new Lattice(axes[0]!.Value, axes[1]!.Value, axes[2]!.Value);
                }
            }
            else if (t.StartsWith("site n.", StringComparison.Ordinal) && t.Contains("(alat units)", StringComparison.Ordinal) && labels is null)
            {
                labels = [];
                var pos = new List<double>();
                for (int j = i + 1; j < lines.Length; j++)
                {
                    var cols = lines[j].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (cols.Length < 2 || !lines[j].Contains("tau(", StringComparison.Ordinal))
                        break;
                    labels.Add(cols[1]);
                    var v = Triple(lines[j], path, j) * (alat * Units.BohrToAngstrom);
                    pos.AddRange([v.X, v.Y, v.Z]);
                    i = j;
                }
                positions = [.. pos];
            }
            else if (t.StartsWith("CELL_PARAMETERS", StringComparison.Ordinal))
            {
                double scale = t.Contains("angstrom", StringComparison.OrdinalIgnoreCase) ? 1
                    : t.Contains("bohr", StringComparison.OrdinalIgnoreCase) ? Units.BohrToAngstrom
                    : t.Contains("alat=", StringComparison.Ordinal) ? Number(t[(t.IndexOf("alat=", StringComparison.Ordinal) + 5)..].Trim(' ', ')'), path, i) * Units.BohrToAngstrom
                    : alat * Units.BohrToAngstrom;
                var rows = new Vec3[3];
                for (int k = 0; k < 3; k++)
                    rows[k] = Plain(lines[i + 1 + k], 0, path, i + 1 + k) * scale;
                lattice = new Lattice(rows[0], rows[1], rows[2]);
                i += 3;
            }
            else if (t.StartsWith("ATOMIC_POSITIONS", StringComparison.Ordinal) && natoms > 0)
            {
                string unit = t.ToLowerInvariant();
                var pos = new double[3 * natoms];
                labels = [];
                for (int k = 0; k < natoms; k++)
                {
                    var cols = lines[i + 1 + k].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    labels.Add(cols[0]);
                    var v = Plain(lines[i + 1 + k], 1, path, i + 1 + k);
                    if (unit.Contains("crystal", StringComparison.Ordinal))
                        v = lattice!.ToCartesian(v);
                    else if (unit.Contains("bohr", StringComparison.Ordinal))
                        v *= Units.BohrToAngstrom;
                    else if (unit.Contains("alat", StringComparison.Ordinal))
                        v *= alat * Units.BohrToAngstrom;
                    (pos[3 * k], pos[3 * k + 1], pos[3 * k + 2]) = (v.X, v.Y, v.Z);
                }
                positions = pos;
                i += natoms;
            }
            else if (line.StartsWith('!') && t.Contains("total energy", StringComparison.Ordinal))
            {
                var cols = t[(t.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                energy = Number(cols[0], path, i); // the last ! line of a step is the converged one
            }
            else if (t.StartsWith("convergence NOT achieved", StringComparison.Ordinal))
            {
                converged = false;
            }
            else if (t.StartsWith("Forces acting on atoms", StringComparison.Ordinal) && natoms > 0 && forces is null)
            {
                forces = new double[3 * natoms];
                int k = 0;
                for (int j = i + 1; j < lines.Length && k < natoms; j++)
                {
                    string l = lines[j];
                    int at = l.IndexOf("force =", StringComparison.Ordinal);
                    if (at < 0)
                    {
                        if (l.Trim().Length == 0)
                            continue;
                        break;
                    }
                    var v = Plain(l[(at + 7)..], 0, path, j) * (RydbergToEv / Units.BohrToAngstrom);
                    (forces[3 * k], forces[3 * k + 1], forces[3 * k + 2]) = (v.X, v.Y, v.Z);
                    k++;
                    i = j;
                }
                if (k != natoms)
                    throw new ParseException(path, i + 1, null, $"the forces block has {k} atoms, the run {natoms}");
            }
            else if (t.StartsWith("total   stress", StringComparison.Ordinal))
            {
                var m = new double[9];
                for (int k = 0; k < 3; k++)
                {
                    var v = Plain(lines[i + 1 + k], 0, path, i + 1 + k);
                    (m[3 * k], m[3 * k + 1], m[3 * k + 2]) = (v.X, v.Y, v.Z);
                }
                stress = Mat3.FromRowMajor(m);
                i += 3;
            }
            else if (t.StartsWith("End of self-consistent calculation", StringComparison.Ordinal) || t.StartsWith("End of BFGS", StringComparison.Ordinal))
            {
                // The step's results follow; nothing to do.
            }
            else if ((t.StartsWith("Writing output data file", StringComparison.Ordinal) || t.StartsWith("Writing config-only", StringComparison.Ordinal)
                      || t.StartsWith("Entering Dynamics", StringComparison.Ordinal) || t.StartsWith("BFGS Geometry Optimization", StringComparison.Ordinal)
                      || t.StartsWith("number of scf cycles", StringComparison.Ordinal)) && energy is not null)
            {
                Flush();
            }
            else if (t.StartsWith("JOB DONE", StringComparison.Ordinal))
            {
                done = true;
            }
        }
        Flush();
        if (labels is null || lattice is null)
            throw new ParseException(path, lines.Length, null, "no cell and atoms found: not pw.x output, or cut off before the header ended");
        return new QeRun(steps, done);
    }

    static Element Element(string label)
    {
        // Species labels may carry a suffix: Fe1, Fe_up, O2.
        string symbol = new([.. label.TakeWhile(char.IsLetter)]);
        if (Elements.TryGet(symbol, out var e))
            return e;
        if (symbol.Length > 1 && Elements.TryGet(symbol.AsSpan(0, 1), out e))
            return e;
        throw new FormatException($"species '{label}' is not an element symbol");
    }

    // The three numbers between "(" and ")" of a line.
    static Vec3 Triple(string line, string path, int index)
    {
        int open = line.LastIndexOf('(');
        int close = line.LastIndexOf(')');
        if (open < 0 || close < open)
            throw new ParseException(path, index + 1, null, "expected ( x y z )");
        return Plain(line.Substring(open + 1, close - open - 1), 0, path, index);
    }

    static Vec3 Plain(string text, int skip, string path, int index)
    {
        var cols = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (cols.Length < skip + 3)
            throw new ParseException(path, index + 1, null, $"expected three numbers, found \"{text.Trim()}\"");
        return new Vec3(Number(cols[skip], path, index), Number(cols[skip + 1], path, index), Number(cols[skip + 2], path, index));
    }

    static double Number(string text, string path, int index)
    {
        string s = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (double.TryParse(s.Replace('D', 'E').Replace('d', 'e'), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            return v;
        throw new ParseException(path, index + 1, null, $"expected a number, found \"{text.Trim()}\"");
    }
}
