using System.Globalization;
using NepForge.Nep;
using NepForge.Structures;

namespace NepForge.Training.Cpu;

/// <summary>
/// What the CPU trainer takes from nep.in (GPUMD's keywords and defaults, nep_training.md §2): the model (NEP4, one
/// hidden layer), the loss weights and the run length. Keywords the CPU engine cannot honour are refused by name;
/// keywords that only tune GPUMD's evolution strategy (population, sigma0) are accepted and reported as unused.
/// </summary>
public sealed class NepTrainingSettings
{
    /// <summary>Species in type order.</summary>
    public required Element[] Species { get; init; }

    /// <summary>Number of species T.</summary>
    public int Types => Species.Length;

    /// <summary>Radial cutoff per species, Å.</summary>
    public required double[] RadialCutoffs { get; init; }

    /// <summary>Angular cutoff per species, Å.</summary>
    public required double[] AngularCutoffs { get; init; }

    /// <summary>True when nep.in gave one cutoff pair per species.</summary>
    public bool TypewiseCutoffs { get; init; }

    /// <summary>n_max of the radial and angular descriptors.</summary>
    public int NMaxRadial { get; init; } = 6;

    /// <summary>n_max of the angular descriptors.</summary>
    public int NMaxAngular { get; init; } = 6;

    /// <summary>Chebyshev basis size, radial.</summary>
    public int BasisRadial { get; init; } = 6;

    /// <summary>Chebyshev basis size, angular.</summary>
    public int BasisAngular { get; init; } = 6;

    /// <summary>L_max of the 3-body terms.</summary>
    public int LMax { get; init; } = 4;

    /// <summary>Higher-order invariants switched on, in descriptor order.</summary>
    public NepInvariant[] Invariants { get; init; } = [NepInvariant.Q222];

    /// <summary>Hidden neurons.</summary>
    public int Neurons { get; init; } = 30;

    /// <summary>λ_e, λ_f, λ_v, λ_shear, λ_1, λ_2.</summary>
    public double LambdaE { get; init; } = 1;

    /// <summary>Force term weight.</summary>
    public double LambdaF { get; init; } = 1;

    /// <summary>Virial term weight.</summary>
    public double LambdaV { get; init; } = 0.1;

    /// <summary>Factor on the off-diagonal virial errors (squared in the loss).</summary>
    public double LambdaShear { get; init; } = 1;

    /// <summary>L1 weight.</summary>
    public double Lambda1 { get; init; }

    /// <summary>L2 weight.</summary>
    public double Lambda2 { get; init; }

    /// <summary>force_delta δ (0 = off).</summary>
    public double ForceDelta { get; init; }

    /// <summary>type_weight per species (forces only).</summary>
    public required double[] TypeWeights { get; init; }

    /// <summary>Structures per batch.</summary>
    public int Batch { get; init; } = 1000;

    /// <summary>Optimiser steps (one batch each), GPUMD's <c>generation</c>.</summary>
    public int Generations { get; init; } = 100000;

    /// <summary>Steps between outputs (nep.txt, loss.out, checkpoint).</summary>
    public int OutputInterval { get; init; } = 100;

    /// <summary>Every parameter's value in the q_scaler pass (GPUMD's <c>initial_para</c>).</summary>
    public double InitialParameter { get; init; } = 1;

    /// <summary>ZBL outer radius, Å, or 0 without ZBL.</summary>
    public double ZblOuter { get; init; }

    /// <summary>Typewise ZBL factor, or 0.</summary>
    public double ZblTypewiseFactor { get; init; }

    /// <summary>Checkpoint model every N steps (GPUMD's <c>save_potential</c>), 0 = never.</summary>
    public int SavePotential { get; init; }

    /// <summary>Keywords read but without effect in this engine, with why.</summary>
    public IReadOnlyList<string> Unused { get; init; } = [];

    /// <summary>Radial functions per channel (N_bas_R + 1).</summary>
    public int RadialBasisCount => BasisRadial + 1;

    /// <summary>Angular functions per channel.</summary>
    public int AngularBasisCount => BasisAngular + 1;

    /// <summary>Angular blocks: L_max plus the invariants.</summary>
    public int AngularBlocks => LMax + Invariants.Length;

    /// <summary>Descriptor dimension.</summary>
    public int Dimension => NMaxRadial + 1 + (NMaxAngular + 1) * AngularBlocks;

    /// <summary>Radial cutoff of a type pair (mean of the two species' values).</summary>
    public double RadialCutoff(int a, int b) => (RadialCutoffs[a] + RadialCutoffs[b]) * 0.5;

    /// <summary>Angular cutoff of a type pair.</summary>
    public double AngularCutoff(int a, int b) => (AngularCutoffs[a] + AngularCutoffs[b]) * 0.5;

    /// <summary>The keywords that make GPUMD's trainer do something this engine does not.</summary>
    static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["model_type"] = "dipole, polarizability and temperature models are not trained by the CPU engine (model_type 0 only)",
        ["mode"] = "dipole, polarizability and temperature models are not trained by the CPU engine (model_type 0 only)",
        ["charge_mode"] = "charge (qNEP) models are not trained by the CPU engine",
        ["vdw"] = "vdW models are not trained by the CPU engine",
        ["charge_vdw"] = "charge/vdW models are not trained by the CPU engine",
        ["fine_tune"] = "fine-tuning a foundation model is not supported by the CPU engine",
        ["prediction"] = "prediction mode: use 'nepforge nep eval --model nep.txt train.xyz' instead",
        ["output_descriptor"] = "use 'nepforge nep descriptors' instead",
        ["atomic_v"] = "atomic virials are for dipole/polarizability models only",
        ["lambda_q"] = "charge models only",
        ["lambda_z"] = "charge models only",
        ["import_q_scaler"] = "the CPU engine always computes q_scaler from the training set (as GPUMD does by default)",
    };

    /// <summary>Reads the settings from nep.in, refusing what the CPU engine cannot honour (errors name the keyword and line).</summary>
    public static NepTrainingSettings FromInput(NepInput input, string fileName = "nep.in")
    {
        ArgumentNullException.ThrowIfNull(input);
        var unused = new List<string>();
        foreach (var k in input.Keywords)
        {
            if (Refused.TryGetValue(k.Name, out string? why))
            {
                bool harmless = k.Values.Count > 0 && k.Values[0] == "0" && k.Name is "model_type" or "mode" or "charge_mode" or "vdw" or "charge_vdw" or "prediction" or "output_descriptor" or "atomic_v" or "import_q_scaler";
                if (!harmless)
                    throw new NotSupportedException($"{fileName}:{k.Line}: '{k}': {why}");
            }
        }
        var issues = NepInputValidator.Validate(input).Where(i => i.Severity == NepInputSeverity.Error).ToList();
        if (issues.Count > 0)
            throw new ArgumentException($"{fileName}:{issues[0].Line}: {issues[0]}");
        if (input.Types.Count == 0)
            throw new ArgumentException($"{fileName}: 'type' is missing");
        var species = new Element[input.Types.Count];
        for (int t = 0; t < species.Length; t++)
            species[t] = Elements.Get(input.Types[t]);
        int types = species.Length;
        if ((int)input.Number("version") != 4)
            throw new NotSupportedException($"{fileName}:{input.Get("version")?.Line}: 'version {input.Number("version")}': GPUMD's trainer (and this one) writes NEP4 only");

        var radial = new double[types];
        var angular = new double[types];
        bool typewise = false;
        if (input.Get("cutoff") is { } c && c.Values.Count == 2 * types && types > 1)
        {
            typewise = true;
            for (int t = 0; t < types; t++)
            {
                radial[t] = Parse(c.Values[2 * t]);
                angular[t] = Parse(c.Values[2 * t + 1]);
            }
        }
        else
        {
            Array.Fill(radial, input.Number("cutoff", 0));
            Array.Fill(angular, input.Number("cutoff", 1));
        }

        var l = input.Get("l_max");
        int lMax = (int)input.Number("l_max", 0);
        var invariants = new List<NepInvariant>();
        if (l is null || l.Values.Count < 2)
        {
            invariants.Add(NepInvariant.Q222);
        }
        else
        {
            for (int f = 1; f < l.Values.Count && f <= 6; f++)
            {
                if (Parse(l.Values[f]) != 0)
                    invariants.Add((NepInvariant)(f - 1));
            }
        }
        foreach (var inv in invariants)
        {
            if (lMax < NepInvariants.DegreeNeeded(inv))
                throw new ArgumentException($"{fileName}:{l?.Line}: l_max {lMax} is below the degree {NepInvariants.Name(inv)} needs");
        }

        var neuron = input.Get("neuron");
        if (neuron is { Values.Count: > 1 } && Parse(neuron.Values[1]) != 0)
            throw new NotSupportedException($"{fileName}:{neuron.Line}: '{neuron}': two hidden layers are not supported by the CPU engine (nor by GPUMD's MD and NEP_CPU)");

        var typeWeights = new double[types];
        Array.Fill(typeWeights, 1.0);
        if (input.Get("type_weight") is { } tw)
        {
            for (int t = 0; t < types && t < tw.Values.Count; t++)
                typeWeights[t] = Parse(tw.Values[t]);
        }

        double zblOuter = 0, typewiseFactor = 0;
        if (input.Get("zbl") is { } z)
        {
            zblOuter = Parse(z.Values[0]);
            if (File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".", "zbl.in")))
                throw new NotSupportedException($"{fileName}:{z.Line}: a zbl.in beside nep.in asks for flexible ZBL, which the CPU engine does not support yet (remove zbl.in for the universal ZBL)");
            if (input.Get("use_typewise_cutoff_zbl") is { } u)
                typewiseFactor = u.Values.Count > 0 ? Parse(u.Values[0]) : 0.7;
        }

        double automatic = NepInputDefaults.AutomaticLambda(input);
        int save = 0;
        if (input.Get("save_potential") is { Values.Count: > 0 } sp)
            save = (int)Parse(sp.Values[0]);
        foreach (string name in new[] { "population", "sigma0" })
        {
            if (input.Get(name) is { } k)
                unused.Add($"{fileName}:{k.Line}: '{k}' tunes GPUMD's evolution strategy (SNES); the CPU engine optimises by gradients and does not use it");
        }
        var batch = input.Get("batch");
        if (batch is { Values.Count: > 1 } && Parse(batch.Values[1]) != 0)
            unused.Add($"{fileName}:{batch.Line}: 'batch … 1' (effective full batch): the CPU engine steps on one batch at a time; with one batch the two agree");

        return new NepTrainingSettings
        {
            Species = species,
            RadialCutoffs = radial,
            AngularCutoffs = angular,
            TypewiseCutoffs = typewise,
            NMaxRadial = (int)input.Number("n_max", 0),
            NMaxAngular = (int)input.Number("n_max", 1),
            BasisRadial = (int)input.Number("basis_size", 0),
            BasisAngular = (int)input.Number("basis_size", 1),
            LMax = lMax,
            Invariants = [.. invariants],
            Neurons = (int)input.Number("neuron"),
            LambdaE = input.Number("lambda_e"),
            LambdaF = input.Number("lambda_f"),
            LambdaV = input.Number("lambda_v"),
            LambdaShear = input.Number("lambda_shear"),
            Lambda1 = input.Has("lambda_1") ? input.Number("lambda_1") : automatic,
            Lambda2 = input.Has("lambda_2") ? input.Number("lambda_2") : automatic,
            ForceDelta = input.Number("force_delta"),
            TypeWeights = typeWeights,
            Batch = (int)input.Number("batch"),
            Generations = (int)input.Number("generation"),
            OutputInterval = (int)input.Number("output_interval"),
            InitialParameter = input.Number("initial_para"),
            ZblOuter = zblOuter,
            ZblTypewiseFactor = typewiseFactor,
            SavePotential = save,
            Unused = unused,
        };
    }

    static double Parse(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new ArgumentException($"'{s}' is not a number");

    /// <summary>The nep.txt header lines (without the parameter lines), with the neighbour maxima of the data.</summary>
    public string Header(int maxRadialNeighbors, int maxAngularNeighbors)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.Append(ZblOuter > 0 ? "nep4_zbl " : "nep4 ").Append(ci, $"{Types} ");
        foreach (var s in Species)
            sb.Append(s.Symbol).Append(' ');
        sb.Append('\n');
        if (ZblOuter > 0)
        {
            sb.Append(ci, $"zbl {G(ZblOuter * 0.5)} {G(ZblOuter)}");
            if (ZblTypewiseFactor > 0)
                sb.Append(ci, $" {G(ZblTypewiseFactor)}");
            sb.Append('\n');
        }
        sb.Append("cutoff ");
        if (TypewiseCutoffs)
        {
            for (int t = 0; t < Types; t++)
                sb.Append(ci, $"{G(RadialCutoffs[t])} {G(AngularCutoffs[t])} ");
        }
        else
        {
            sb.Append(ci, $"{G(RadialCutoffs[0])} {G(AngularCutoffs[0])} ");
        }
        sb.Append(ci, $"{maxRadialNeighbors} {maxAngularNeighbors}\n");
        sb.Append(ci, $"n_max {NMaxRadial} {NMaxAngular}\n");
        sb.Append(ci, $"basis_size {BasisRadial} {BasisAngular}\n");
        var flags = new int[6];
        foreach (var inv in Invariants)
            flags[(int)inv] = inv == NepInvariant.Q222 ? 2 : 1;
        sb.Append(ci, $"l_max {LMax} {flags[0]} {flags[1]} ");
        int last = Array.FindLastIndex(flags, f => f != 0);
        for (int f = 2; f <= last; f++)
            sb.Append(ci, $"{flags[f]} ");
        sb.Append('\n');
        sb.Append(ci, $"ANN {Neurons} 0\n");
        return sb.ToString();
    }

    static string G(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
