namespace NepForge.Formats.Vasp;

/// <summary>
/// The predictor-corrector block that VASP appends to the CONTCAR of an MD run (IBRION=0), which lets a restart
/// continue the integrator exactly. Layout (as pymatgen reads it): 3 preamble lines (an initialisation key, POTIM,
/// the thermostat parameters), then 3 sets of N rows "x y z", one row per atom in file order. The raw text lines
/// are kept so the block is written back unchanged; values are parsed for reading.
/// </summary>
public sealed class VaspPredictorCorrector
{
    /// <summary>Number of lines before the per-atom sets.</summary>
    public const int PreambleLines = 3;

    /// <summary>Number of per-atom sets.</summary>
    public const int SetCount = 3;

    readonly string[] _preamble;
    readonly string[] _rows; // SetCount × AtomCount raw lines, set-major
    readonly double[][] _sets;

    VaspPredictorCorrector(string[] preamble, string[] rows, double[][] sets, int atomCount)
    {
        _preamble = preamble;
        _rows = rows;
        _sets = sets;
        AtomCount = atomCount;
    }

    /// <summary>Number of atoms.</summary>
    public int AtomCount { get; }

    /// <summary>The 3 preamble lines, verbatim.</summary>
    public IReadOnlyList<string> Preamble => _preamble;

    /// <summary>Set <paramref name="set"/> (0…2) as a flat [N×3] array (a copy).</summary>
    public double[] GetSet(int set)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(set);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(set, SetCount);
        return (double[])_sets[set].Clone();
    }

    /// <summary>Value of component <paramref name="component"/> (0…2) of atom <paramref name="atom"/> in set <paramref name="set"/>.</summary>
    public double this[int set, int atom, int component]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(set);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(set, SetCount);
            ArgumentOutOfRangeException.ThrowIfNegative(atom);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(atom, AtomCount);
            ArgumentOutOfRangeException.ThrowIfNegative(component);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(component, 2);
            return _sets[set][3 * atom + component];
        }
    }

    /// <summary>
    /// Parses the raw block (lines joined with '\n', as stored under <see cref="Poscar.PredictorCorrectorKey"/>) for
    /// <paramref name="atomCount"/> atoms. Trailing blank lines are ignored.
    /// </summary>
    /// <exception cref="FormatException">The block has the wrong number of lines or a row is not 3 numbers.</exception>
    public static VaspPredictorCorrector Parse(string text, int atomCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(atomCount);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1]))
            lines.RemoveAt(lines.Count - 1);
        int expected = PreambleLines + SetCount * atomCount;
        if (lines.Count != expected)
        {
            throw new FormatException(
                $"predictor-corrector block has {lines.Count} lines, expected {PreambleLines} + {SetCount}×{atomCount} = {expected}");
        }
        var sets = new double[SetCount][];
        for (int s = 0; s < SetCount; s++)
        {
            sets[s] = new double[3 * atomCount];
            for (int a = 0; a < atomCount; a++)
            {
                int lineIndex = PreambleLines + s * atomCount + a;
                var tokens = lines[lineIndex].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length < 3)
                    throw new FormatException($"predictor-corrector line {lineIndex + 1} (set {s + 1}, atom {a + 1}) has {tokens.Length} values, expected 3: '{lines[lineIndex].Trim()}'");
                for (int k = 0; k < 3; k++)
                {
                    if (!PoscarReader.TryParseNumber(tokens[k], out sets[s][3 * a + k]))
                        throw new FormatException($"predictor-corrector line {lineIndex + 1} (set {s + 1}, atom {a + 1}): '{tokens[k]}' is not a number");
                }
            }
        }
        return new([.. lines.Take(PreambleLines)], [.. lines.Skip(PreambleLines)], sets, atomCount);
    }

    /// <summary>A copy keeping only the atoms in <paramref name="atoms"/>, in that order (raw rows moved, not reformatted).</summary>
    public VaspPredictorCorrector SelectAtoms(ReadOnlySpan<int> atoms)
    {
        var rows = new string[SetCount * atoms.Length];
        var sets = new double[SetCount][];
        for (int s = 0; s < SetCount; s++)
        {
            sets[s] = new double[3 * atoms.Length];
            for (int i = 0; i < atoms.Length; i++)
            {
                int a = atoms[i];
                ArgumentOutOfRangeException.ThrowIfNegative(a);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(a, AtomCount);
                rows[s * atoms.Length + i] = _rows[s * AtomCount + a];
                Array.Copy(_sets[s], 3 * a, sets[s], 3 * i, 3);
            }
        }
        return new((string[])_preamble.Clone(), rows, sets, atoms.Length);
    }

    /// <summary>The block as text: its lines joined with '\n' (no trailing newline).</summary>
    public string ToText() => string.Join('\n', _preamble.Concat(_rows));

    /// <inheritdoc />
    public override string ToString() => ToText();
}
