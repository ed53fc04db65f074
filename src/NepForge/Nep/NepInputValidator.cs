using System.Globalization;
using NepForge.Structures;

namespace NepForge.Nep;

/// <summary>How serious a nep.in problem is.</summary>
public enum NepInputSeverity
{
    /// <summary>GPUMD would run, but probably not as intended.</summary>
    Warning,

    /// <summary>GPUMD's nep would stop at this line.</summary>
    Error,
}

/// <summary>One problem with nep.in, naming the keyword (and line, when read from a file).</summary>
public sealed record NepInputIssue(NepInputSeverity Severity, string Keyword, string Message, long Line = 0)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(Severity == NepInputSeverity.Error ? "error" : "warning")}: {(Line > 0 ? $"line {Line}: " : "")}{Keyword}: {Message}";
}

/// <summary>
/// Checks nep.in against the limits GPUMD's nep enforces (<c>Parameters::parse_*</c> in
/// <c>src/main_nep/parameters.cu</c>): value counts, integer/real types and ranges, <c>type</c> before
/// <c>type_weight</c>/<c>cutoff</c>, species from the periodic table up to Pu.
/// </summary>
public static class NepInputValidator
{
    /// <summary>Keywords GPUMD 4–5 parses (an unknown one stops nep with "invalid keyword").</summary>
    public static IReadOnlySet<string> KnownKeywords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "version", "model_type", "mode", "train_mode", "prediction", "cutoff", "n_max", "basis_size", "l_max",
        "neuron", "lambda_1", "lambda_2", "lambda_e", "lambda_f", "lambda_v", "lambda_q", "lambda_z", "lambda_shear",
        "type_weight", "force_delta", "zbl", "initial_para", "sigma0", "atomic_v", "use_typewise_cutoff_zbl",
        "output_descriptor", "charge_mode", "fine_tune", "save_potential", "q_scaler", "batch", "population",
        "generation", "output_interval", "import_q_scaler", "vdw", "charge_vdw",
    };

    /// <summary>All problems, errors first in file order.</summary>
    public static List<NepInputIssue> Validate(NepInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var issues = new List<NepInputIssue>();
        bool typeSeen = false;
        int types = input.Types.Count;
        foreach (var k in input.Keywords)
        {
            var c = new Check(k, issues);
            switch (k.Name)
            {
                case "type":
                    typeSeen = true;
                    CheckType(c, k);
                    break;
                case "version":
                    if (c.Count(1) && c.Int(0) is { } v && v != 4)
                        c.Error($"version should = 4 (GPUMD's nep trains NEP4 only), found {v}");
                    break;
                case "model_type" or "mode" or "train_mode":
                    if (c.Count(1))
                        c.IntIn(0, 0, 3, "model_type");
                    break;
                case "prediction" or "atomic_v":
                    if (c.Count(1))
                        c.IntIn(0, 0, 1, k.Name);
                    break;
                case "output_descriptor":
                    if (c.Count(1))
                        c.IntIn(0, 0, 2, k.Name);
                    break;
                case "charge_mode":
                    if (c.Count(1, 2))
                        c.IntIn(0, 0, 3, k.Name);
                    break;
                case "cutoff":
                    if (!typeSeen)
                        c.Error("set type before cutoff");
                    CheckCutoff(c, k, types);
                    break;
                case "n_max":
                    if (c.Count(2))
                    {
                        c.IntIn(0, 0, 12, "n_max_radial");
                        c.IntIn(1, 0, 8, "n_max_angular");
                    }
                    break;
                case "basis_size":
                    if (c.Count(2))
                    {
                        c.IntIn(0, 0, 16, "basis_size_radial");
                        c.IntIn(1, 0, 12, "basis_size_angular");
                    }
                    break;
                case "l_max":
                    if (c.Count(1, 5))
                    {
                        c.IntIn(0, 2, 8, "l_max for 3-body descriptors");
                        for (int i = 1; i < k.Values.Count; i++)
                            c.Int(i);
                    }
                    break;
                case "neuron":
                    if (c.Count(1, 2))
                    {
                        c.IntIn(0, 1, 120, "number of neurons");
                        if (k.Values.Count == 2)
                            c.IntIn(1, 0, 120, "number of neurons in the second hidden layer");
                    }
                    break;
                case "lambda_1" or "lambda_2" or "lambda_e" or "lambda_f" or "lambda_v" or "lambda_q" or "lambda_z" or "lambda_shear" or "force_delta":
                    if (c.Count(1) && c.Real(0) is { } w && w < 0 && k.Name != "force_delta")
                        c.Error($"should be >= 0, found {k.Values[0]}");
                    break;
                case "type_weight":
                    if (!typeSeen)
                    {
                        c.Error("set type before type_weight");
                    }
                    else if (c.Count(types))
                    {
                        for (int i = 0; i < types; i++)
                        {
                            if (c.Real(i) is { } tw && tw < 0)
                                c.Error($"weight of {input.Types[i]} should be >= 0, found {k.Values[i]}");
                        }
                    }
                    break;
                case "zbl":
                    if (c.Count(1))
                        c.RealIn(0, 1.0, 4.0, "outer cutoff for ZBL", "Å");
                    break;
                case "use_typewise_cutoff_zbl":
                    if (c.Count(0, 1) && k.Values.Count == 1 && c.Real(0) is { } f && f < 0.5)
                        c.Error($"typewise_cutoff_zbl_factor must be >= 0.5, found {k.Values[0]}");
                    break;
                case "initial_para":
                    if (c.Count(1))
                        c.RealIn(0, 0.1, 1.0, k.Name, "");
                    break;
                case "sigma0":
                    if (c.Count(1))
                        c.RealIn(0, 0.01, 0.1, k.Name, "");
                    break;
                case "q_scaler":
                    if (c.Count(1))
                        c.RealIn(0, 0.01, 0.1, k.Name, "");
                    break;
                case "batch":
                    if (c.Count(1, 2))
                    {
                        c.IntIn(0, 1, int.MaxValue, "batch size");
                        if (k.Values.Count == 2)
                            c.IntIn(1, 0, 1, "use_full_batch");
                    }
                    break;
                case "population":
                    if (c.Count(1))
                        c.IntIn(0, 10, 200, "population size");
                    break;
                case "generation":
                    if (c.Count(1))
                        c.IntIn(0, 0, 10_000_000, "maximum number of generations");
                    break;
                case "output_interval":
                    if (c.Count(1))
                        c.IntIn(0, 1, int.MaxValue, k.Name);
                    break;
                case "save_potential":
                    if (c.Count(3))
                    {
                        c.IntIn(0, 0, int.MaxValue, "save_potential interval");
                        c.IntIn(1, 0, 1, "save_potential format");
                        c.IntIn(2, 0, 1, "save_potential save restart");
                    }
                    break;
                case "fine_tune":
                    c.Count(2, 3);
                    break;
                default:
                    if (!KnownKeywords.Contains(k.Name))
                        c.Error("not a nep.in keyword (nep stops at an unknown keyword; names are case-sensitive)");
                    break;
            }
        }
        if (!typeSeen)
            issues.Add(new NepInputIssue(NepInputSeverity.Error, "type", "type is mandatory (type N symbol…)"));
        foreach (var g in input.Keywords.GroupBy(k => k.Name).Where(g => g.Count() > 1))
        {
            issues.Add(new NepInputIssue(NepInputSeverity.Warning, g.Key,
                $"set {g.Count()} times; GPUMD uses the last ({g.Last()})", g.Last().Line));
        }
        return [.. issues.OrderByDescending(i => i.Severity).ThenBy(i => i.Line)];
    }

    static void CheckType(Check c, NepKeyword k)
    {
        if (k.Values.Count < 2)
        {
            c.Error("should be: type N symbol… (at least one species)");
            return;
        }
        if (c.Int(0) is not { } n)
            return;
        if (n < 1 || n > 94)
        {
            c.Error($"number of types should be >= 1 and <= 94, found {n}");
            return;
        }
        if (k.Values.Count != n + 1)
        {
            c.Error($"says {n} types but lists {k.Values.Count - 1} symbols");
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in k.Values.Skip(1))
        {
            // GPUMD compares symbols exactly against H…Pu.
            if (!Elements.TryGet(s, out var e) || e.Symbol != s || e.Z > 94)
                c.Error($"'{s}' is not an element symbol GPUMD knows (H…Pu, case-sensitive)");
            else if (!seen.Add(s))
                c.Error($"'{s}' is listed twice");
        }
    }

    static void CheckCutoff(Check c, NepKeyword k, int types)
    {
        if (k.Values.Count != 2 && k.Values.Count != 2 * types)
        {
            c.Error($"should have 2 values (radial angular) or 2 per type ({2 * types}), found {k.Values.Count}");
            return;
        }
        for (int i = 0; i + 1 < k.Values.Count; i += 2)
        {
            if (c.Real(i) is not { } rR || c.Real(i + 1) is not { } rA)
                continue;
            if (rA > rR)
                c.Error($"angular cutoff ({rA:G} Å) should be <= radial cutoff ({rR:G} Å)");
            if (rA < 3.0)
                c.Error($"angular cutoff should be >= 3 Å, found {rA:G}");
            if (rR > 100)
                c.Error($"radial cutoff should be <= 100 Å, found {rR:G}");
            else if (rR > 10)
                c.Warning($"radial cutoff {rR:G} Å is unusually long (training and MD get much slower; 6–8 Å is typical)");
        }
    }

    /// <summary>Checks of one keyword's values, adding issues as they are found.</summary>
    sealed class Check(NepKeyword k, List<NepInputIssue> issues)
    {
        public void Error(string message) => issues.Add(new NepInputIssue(NepInputSeverity.Error, k.Name, message, k.Line));

        public void Warning(string message) => issues.Add(new NepInputIssue(NepInputSeverity.Warning, k.Name, message, k.Line));

        public bool Count(int min, int? max = null)
        {
            int hi = max ?? min;
            if (k.Values.Count >= min && k.Values.Count <= hi)
                return true;
            string want = min == hi ? $"{min}" : $"{min} to {hi}";
            Error($"should have {want} value{(hi == 1 ? "" : "s")}, found {k.Values.Count}");
            return false;
        }

        public int? Int(int i)
        {
            if (int.TryParse(k.Values[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
                return v;
            Error($"value {i + 1} should be an integer, found '{k.Values[i]}'");
            return null;
        }

        public double? Real(int i)
        {
            if (double.TryParse(k.Values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
                return v;
            Error($"value {i + 1} should be a number, found '{k.Values[i]}'");
            return null;
        }

        public void IntIn(int i, int min, int max, string what)
        {
            if (Int(i) is not { } v)
                return;
            if (v < min)
                Error($"{what} should be >= {min}, found {v}");
            else if (v > max)
                Error($"{what} should be <= {max}, found {v}");
        }

        public void RealIn(int i, double min, double max, string what, string unit)
        {
            if (Real(i) is not { } v)
                return;
            string u = unit.Length > 0 ? " " + unit : "";
            if (v < min || v > max)
                Error($"{what} should be within [{min:G}, {max:G}]{u}, found {k.Values[i]}");
        }
    }
}
