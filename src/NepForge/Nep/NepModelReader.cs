using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>
/// Reads nep.txt (nep_spec.md §2): energy/force models nep3, nep4, nep5, each optionally <c>_zbl</c> (universal,
/// typewise or flexible), with global or per-species cutoffs and any l_max flags. Other model kinds (charge, dipole,
/// polarizability, temperature, two hidden layers) are refused by name; malformed files are refused with
/// <see cref="ParseException"/> giving file:line and what was expected. The line count is checked exactly.
/// </summary>
public static class NepModelReader
{
    /// <summary>The largest cutoff GPUMD's nep allows (Å).</summary>
    public const double MaxCutoff = 100;

    /// <summary>Reads a model file.</summary>
    public static NepModel Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Reads a model from text; <paramref name="fileName"/> is used in error messages.</summary>
    public static NepModel Read(TextReader reader, string fileName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = ReadLines(reader, fileName);
        return new Parser(lines, fileName).Parse();
    }

    // The longest line of a real nep.txt is its header (under 400 characters); a line of binary data or a file that
    // is not a model must not be read whole into memory before it is refused.
    const int MaxLineLength = 1 << 16;

    static List<string> ReadLines(TextReader reader, string fileName)
    {
        var lines = new List<string>();
        var buffer = new char[1 << 14];
        var line = new System.Text.StringBuilder();
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var span = buffer.AsSpan(0, n);
            while (true)
            {
                int nl = span.IndexOf('\n');
                var part = nl < 0 ? span : span[..nl];
                if (line.Length + part.Length > MaxLineLength)
                    throw new ParseException(fileName, lines.Count + 1, null, $"line {lines.Count + 1} is longer than {MaxLineLength:N0} characters: not a nep.txt?");
                line.Append(part);
                if (nl < 0)
                    break;
                if (line.Length > 0 && line[^1] == '\r')
                    line.Length--;
                lines.Add(line.ToString());
                line.Clear();
                span = span[(nl + 1)..];
            }
        }
        if (line.Length > 0)
            lines.Add(line.ToString());
        return lines;
    }

    sealed class Parser(List<string> lines, string file)
    {
        int _line; // 0-based index of the next line

        public NepModel Parse()
        {
            var head = Next("the model token and species, e.g. 'nep4 2 Pb Te'");
            var (version, zbl) = ParseToken(head[0]);
            if (head.Length < 2)
                throw Error("expected the number of species after the model token");
            int types = Int(head[1], "number of species", 1, NepConstants.MaxZ);
            if (head.Length != 2 + types)
                throw Error($"expected {types} species symbols after '{head[0]} {head[1]}', found {head.Length - 2}");
            var species = new Element[types];
            for (int t = 0; t < types; t++)
            {
                if (!Elements.TryGet(head[2 + t], out var e) || e.Symbol != head[2 + t] || e.Z > NepConstants.MaxZ)
                    throw Error($"'{head[2 + t]}' is not an element symbol NEP knows (H..Pu, exact spelling)");
                if (Array.Exists(species, s => s == e))
                    throw Error($"species {e.Symbol} is listed twice");
                species[t] = e;
            }

            double zblInner = 0, zblOuter = 0, zblFactor = 0;
            int zblLine = 0;
            if (zbl)
            {
                var z = Keyword("zbl", "'zbl rc_inner rc_outer [typewise_factor]'");
                zblLine = _line;
                if (z.Length is not (3 or 4))
                    throw Error($"expected 'zbl rc_inner rc_outer [typewise_factor]', found {z.Length - 1} value(s)");
                zblInner = Real(z[1], "rc_inner");
                zblOuter = Real(z[2], "rc_outer");
                bool flexibleZbl = zblInner == 0 && zblOuter == 0;
                if (!flexibleZbl && !(zblInner >= 0 && zblOuter > zblInner))
                    throw Error($"expected 0 ≤ rc_inner < rc_outer (or 'zbl 0 0' for per-pair parameters), found {z[1]} {z[2]}");
                if (z.Length == 4 && !flexibleZbl)
                {
                    zblFactor = Real(z[3], "typewise factor");
                    if (!(zblFactor > 0))
                        throw Error($"expected a positive typewise factor, found {z[3]}");
                }
            }

            var c = Keyword("cutoff", "'cutoff rc_R rc_A MN_R MN_A' or per-species 'cutoff rcR_0 rcA_0 … MN_R MN_A'");
            var radialCutoffs = new double[types];
            var angularCutoffs = new double[types];
            if (c.Length == 5)
            {
                Array.Fill(radialCutoffs, Real(c[1], "rc_R"));
                Array.Fill(angularCutoffs, Real(c[2], "rc_A"));
            }
            else if (c.Length == 2 * types + 3 && types > 1)
            {
                for (int t = 0; t < types; t++)
                {
                    radialCutoffs[t] = Real(c[1 + 2 * t], $"rc_R of {species[t].Symbol}");
                    angularCutoffs[t] = Real(c[2 + 2 * t], $"rc_A of {species[t].Symbol}");
                }
            }
            else
            {
                string hint = c.Length == 3 ? " (the obsolete 'cutoff rc_R rc_A' form lacks MN_R MN_A)" : "";
                throw Error($"expected 4 values (rc_R rc_A MN_R MN_A) or {2 * types + 2} (two cutoffs per species, then MN_R MN_A), found {c.Length - 1}{hint}");
            }
            for (int t = 0; t < types; t++)
            {
                if (!(radialCutoffs[t] > 0) || !(angularCutoffs[t] > 0) || !double.IsFinite(radialCutoffs[t]) || !double.IsFinite(angularCutoffs[t]))
                    throw Error("expected positive, finite cutoffs");
                // GPUMD's nep accepts cutoffs up to 100 Å; beyond that a model is not a NEP model, and the neighbour
                // search would run for minutes (200 Å) or never end (1e6 Å).
                if (radialCutoffs[t] > MaxCutoff || angularCutoffs[t] > MaxCutoff)
                    throw Error($"cutoff {Math.Max(radialCutoffs[t], angularCutoffs[t]).ToString("G", System.Globalization.CultureInfo.InvariantCulture)} Å is above GPUMD's limit of {MaxCutoff} Å");
            }
            Int(c[^2], "MN_R", 0, int.MaxValue);
            Int(c[^1], "MN_A", 0, int.MaxValue);

            var n = Keyword("n_max", "'n_max n_max_R n_max_A'");
            Count(n, 2, "n_max_R n_max_A");
            int nMaxR = Int(n[1], "n_max_R", 0, 100), nMaxA = Int(n[2], "n_max_A", 0, 100);
            var b = Keyword("basis_size", "'basis_size N_bas_R N_bas_A'");
            Count(b, 2, "N_bas_R N_bas_A");
            int basisR = Int(b[1], "N_bas_R", 0, 16), basisA = Int(b[2], "N_bas_A", 0, 16);

            var l = Keyword("l_max", "'l_max L_max f222 f1111 [f112 f123 f233 f134]'");
            if (l.Length is < 4 or > 8)
                throw Error($"expected 'l_max L_max f222 f1111' and up to 4 more flags (3 to 7 values), found {l.Length - 1}");
            int lMax = Int(l[1], "L_max", 1, 8);
            var invariants = new List<NepInvariant>();
            for (int f = 2; f < l.Length; f++)
            {
                // GPUMD's rule: a flag is on iff non-zero (the trainer writes f222 as 2, f1111 as 1).
                if (Int(l[f], "an l_max flag", 0, int.MaxValue) != 0)
                    invariants.Add((NepInvariant)(f - 2));
            }
            foreach (var inv in invariants)
            {
                int needed = NepInvariants.DegreeNeeded(inv);
                if (lMax < needed)
                {
                    throw Error($"L_max {lMax} is below degree {needed}, which {NepInvariants.Name(inv)} needs: the reference codes are inconsistent " +
                                "for this combination (forces are not the gradient of the energy), so it is refused");
                }
            }

            var ann = Keyword("ANN", "'ANN N_neurons 0'");
            Count(ann, 2, "N_neurons 0");
            int neurons = Int(ann[1], "number of neurons", 1, 1000);
            if (Int(ann[2], "second hidden layer size", 0, int.MaxValue) != 0)
                throw Error($"two-hidden-layer model (ANN {ann[1]} {ann[2]}): only the nep trainer supports it; energy/force evaluation needs 'ANN N 0'");

            int dim = nMaxR + 1 + (nMaxA + 1) * (lMax + invariants.Count);
            int networkParameters = version switch
            {
                NepVersion.Nep3 => (dim + 2) * neurons + 1,
                NepVersion.Nep4 => (dim + 2) * neurons * types + 1,
                _ => ((dim + 2) * neurons + 1) * types + 1,
            };
            int count = networkParameters + types * types * ((nMaxR + 1) * (basisR + 1) + (nMaxA + 1) * (basisA + 1));
            var parameters = Numbers(count, "network/descriptor parameter");
            var qScaler = Numbers(dim, "q_scaler value");
            NepZbl? zblTerms = null;
            if (zbl)
            {
                bool flexible = zblInner == 0 && zblOuter == 0;
                var flexibleParameters = flexible ? Numbers(10 * types * (types + 1) / 2, "flexible ZBL parameter") : [];
                if (flexible)
                {
                    for (int p = 0; p < flexibleParameters.Length; p += 10)
                    {
                        if (!(flexibleParameters[p] >= 0 && flexibleParameters[p + 1] > flexibleParameters[p]))
                            throw new ParseException(file, zblLine, null, $"flexible ZBL pair {p / 10 + 1}: expected 0 ≤ r_inner < r_outer, found {flexibleParameters[p]} {flexibleParameters[p + 1]}");
                    }
                }
                var kind = flexible ? NepZblKind.Flexible : zblFactor > 0 ? NepZblKind.Typewise : NepZblKind.Universal;
                zblTerms = new NepZbl(kind, zblInner, zblOuter, zblFactor, flexibleParameters, species);
            }
            for (int extra = _line; extra < lines.Count; extra++)
            {
                if (!string.IsNullOrWhiteSpace(lines[extra]))
                    throw new ParseException(file, extra + 1, null, $"expected the end of the file after {_line} lines ({count} parameters, {dim} q_scaler values), found '{lines[extra].Trim()}'");
            }
            return new NepModel(new NepModelData(head[0], version, species, radialCutoffs, angularCutoffs, nMaxR, nMaxA, basisR, basisA, lMax,
                [.. invariants], neurons, parameters, qScaler, zblTerms));
        }

        (NepVersion Version, bool Zbl) ParseToken(string token)
        {
            string kindName = token switch
            {
                _ when token.Contains("_dipole", StringComparison.Ordinal) => "dipole",
                _ when token.Contains("_polarizability", StringComparison.Ordinal) => "polarizability",
                _ when token.Contains("_temperature", StringComparison.Ordinal) => "temperature-dependent",
                _ when token.Contains("_vdw", StringComparison.Ordinal) => "van der Waals (trainer-only)",
                _ when token.Contains("_charge", StringComparison.Ordinal) => "charge (qNEP)",
                _ => "",
            };
            if (kindName.Length > 0)
                throw Error($"'{token}' is a {kindName} model; only energy/force models (nep3, nep4, nep5, optionally _zbl) can be evaluated");
            bool zbl = token.EndsWith("_zbl", StringComparison.Ordinal);
            string core = zbl ? token[..^4] : token;
            return core switch
            {
                "nep3" => (NepVersion.Nep3, zbl),
                "nep4" => (NepVersion.Nep4, zbl),
                "nep5" => (NepVersion.Nep5, zbl),
                "nep" or "nep2" => throw Error($"'{token}' is an obsolete NEP1/NEP2 model; retrain or convert it to nep4"),
                _ => throw Error($"expected a model token nep3, nep4 or nep5 (optionally with _zbl), found '{token}'"),
            };
        }

        string[] Next(string expected)
        {
            while (_line < lines.Count)
            {
                var tokens = lines[_line++].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length > 0)
                    return tokens;
                if (_line == 1)
                    break;
            }
            throw new ParseException(file, Math.Max(_line, 1), null, $"expected {expected}, found {(_line >= lines.Count ? "the end of the file" : "an empty line")}");
        }

        string[] Keyword(string keyword, string expected)
        {
            var tokens = Next(expected);
            if (tokens[0] != keyword)
                throw Error($"expected {expected}, found '{string.Join(' ', tokens)}'");
            return tokens;
        }

        double[] Numbers(int count, string what)
        {
            // One number per line: a count the header makes huge is refused before the array exists.
            int left = lines.Count - _line;
            if (count > left)
                throw new ParseException(file, lines.Count, null, $"file ends after {lines.Count} lines: expected {count} {what}s, found {left} line(s)");
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                if (_line >= lines.Count)
                    throw new ParseException(file, lines.Count, null, $"file ends after {lines.Count} lines: expected {count} {what}s, found {i}");
                var text = lines[_line++].AsSpan().Trim();
                int space = text.IndexOfAny(' ', '\t');
                var first = space < 0 ? text : text[..space];
                if (!double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                    throw Error($"expected {what} {i + 1} of {count} (a finite number), found '{text}'");
            }
            return values;
        }

        void Count(string[] tokens, int values, string names)
        {
            if (tokens.Length != values + 1)
                throw Error($"expected '{tokens[0]} {names}' ({values} values), found {tokens.Length - 1}");
        }

        int Int(string token, string what, int min, int max)
        {
            if (!int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                throw Error($"expected {what} (an integer), found '{token}'");
            if (v < min || v > max)
                throw Error($"expected {what} in {min}..{max}, found {v}");
            return v;
        }

        double Real(string token, string what)
        {
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw Error($"expected {what} (a number), found '{token}'");
            return v;
        }

        ParseException Error(string problem) => new(file, Math.Max(_line, 1), null, problem);
    }
}
