using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Cp2k;

/// <summary>
/// Reads a CP2K single-point (<c>ENERGY_FORCE</c>) log made without NepForge: the structure from the log itself
/// (<see cref="Cp2kLogStructure"/>), the energy, the <c>ATOMIC FORCES in [a.u.]</c> table and the stress, either as
/// CP2K ≥ 2023 prints it (<c>STRESS| Analytical stress tensor [GPa]</c>) or as CP2K 6–9 do (<c>STRESS TENSOR [GPa]</c>
/// with X/Y/Z rows). The virial is σ·V/160.2 eV with CP2K's (pressure) sign.
/// </summary>
public static class Cp2kLogReader
{
    /// <summary>True when the first lines of <paramref name="path"/> say it is a CP2K log.</summary>
    public static bool IsCp2kLog(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            for (int i = 0; i < 80 && reader.ReadLine() is { } line; i++)
            {
                if (line.Contains("CP2K| version string", StringComparison.Ordinal) || line.TrimStart().StartsWith("DBCSR| ", StringComparison.Ordinal)
                    || line.Contains("CP2K|", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return false;
    }

    /// <summary>How the run ended and, when it converged, the labelled frame.</summary>
    /// <exception cref="ParseException">A table is malformed, or the log prints no structure.</exception>
    public static (Cp2kRunStatus Status, Frame? Frame) Read(string path)
    {
        var status = Cp2kOutputParser.Classify(path);
        if (status.State != Cp2kRunState.Converged)
            return (status, null);
        var lines = File.ReadAllLines(path);
        var frame = Cp2kLogStructure.ReadFirst(lines, path)
            ?? throw new ParseException(path, lines.Length, null, "no \"ATOMIC COORDINATES IN angstrom\" table: the structure of the run is unknown");
        frame.Energy = Cp2kOutputParser.ReadEnergy(lines, path) * Units.HartreeToEv;
        frame.Forces = Cp2kOutputParser.ReadForces(lines, path, frame)
            ?? throw new ParseException(path, lines.Length, null, "no \"ATOMIC FORCES in [a.u.]\" table: print FORCE_EVAL/PRINT/FORCES");
        var sigma = Cp2kOutputParser.ReadStressGpa(lines, path) ?? ReadOldStressGpa(lines, path);
        if (sigma is { } s && frame.Lattice is { } l)
            frame.Virial = (l.Volume / Units.EvPerA3ToGpa) * s;
        frame.Info.EnergyKind = Cp2kOutputParser.EnergyKind;
        frame.Info.SourceFile = path;
        frame.Info.SourceIndex = 0;
        return (status, frame);
    }

    // CP2K 6–9: " STRESS TENSOR [GPa]", a blank line, "X Y Z", then rows "X sxx sxy sxz".
    internal static Mat3? ReadOldStressGpa(string[] lines, string file)
    {
        int start = Array.FindIndex(lines, l => l.Trim() == "STRESS TENSOR [GPa]");
        if (start < 0)
            return null;
        var m = new double[9];
        int row = 0;
        for (int i = start + 1; i < lines.Length && row < 3; i++)
        {
            var cols = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length == 4 && cols[0] == "XYZ"[row].ToString())
            {
                for (int k = 0; k < 3; k++)
                    m[3 * row + k] = Cp2kOutputParser.Number(cols[1 + k], file, i + 1, "stress");
                row++;
            }
        }
        if (row < 3)
            throw new ParseException(file, start + 1, null, $"the stress tensor has {row} of 3 rows (truncated file)");
        return Mat3.FromRowMajor(m);
    }
}
