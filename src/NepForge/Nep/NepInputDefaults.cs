namespace NepForge.Nep;

/// <summary>
/// GPUMD's defaults for nep.in keywords (<c>Parameters::set_default_parameters</c> in <c>src/main_nep/parameters.cu</c>),
/// used when a file leaves a keyword out. λ₁ and λ₂ have no fixed default: GPUMD sets them to
/// √(N_parameters·10⁻⁶ / N_types), which <see cref="AutomaticLambda"/> computes.
/// </summary>
public static class NepInputDefaults
{
    static readonly Dictionary<string, double[]> Values = new()
    {
        ["version"] = [4],
        ["model_type"] = [0],
        ["prediction"] = [0],
        ["cutoff"] = [8, 4],
        ["n_max"] = [6, 6],
        ["basis_size"] = [6, 6],
        ["l_max"] = [4, 2, 0],
        ["neuron"] = [30],
        ["lambda_e"] = [1],
        ["lambda_f"] = [1],
        ["lambda_v"] = [0.1],
        ["lambda_shear"] = [1],
        ["lambda_q"] = [0.1],
        ["lambda_z"] = [0.5],
        ["force_delta"] = [0],
        ["batch"] = [1000],
        ["population"] = [50],
        ["generation"] = [100000],
        ["output_interval"] = [100],
        ["atomic_v"] = [0],
        ["charge_mode"] = [0],
        ["output_descriptor"] = [0],
        ["initial_para"] = [1],
        ["sigma0"] = [0.1],
    };

    /// <summary>The default of value <paramref name="index"/> of <paramref name="keyword"/>; NaN when GPUMD has none.</summary>
    public static double Number(string keyword, int index = 0) =>
        Values.TryGetValue(keyword, out var v) && index < v.Length ? v[index] : double.NaN;

    /// <summary>
    /// Number of trainable parameters of a NEP4 potential (the formula of <c>Parameters::calculate_parameters</c>,
    /// one hidden layer, no charge), from the effective values of <paramref name="input"/>.
    /// </summary>
    public static long ParameterCount(NepInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int types = Math.Max(1, input.Types.Count);
        int nR = (int)input.Number("n_max", 0), nA = (int)input.Number("n_max", 1);
        int bR = (int)input.Number("basis_size", 0), bA = (int)input.Number("basis_size", 1);
        int lMax = (int)input.Number("l_max", 0);
        var l = input.Get("l_max");
        // q_222 stays on unless l_max says otherwise; the later flags are off unless given.
        int flags = l is null || l.Values.Count < 2 ? 1 : l.Values.Skip(1).Count(v => v != "0");
        int dimAngular = (nA + 1) * (lMax + flags);
        int dim = nR + 1 + dimAngular;
        int neurons = (int)input.Number("neuron");
        long ann = ((long)(dim + 2) * neurons * types) + 1;
        long descriptor = (long)types * types * (((nR + 1) * (bR + 1)) + ((nA + 1) * (bA + 1)));
        long total = ann + descriptor;
        if ((int)input.Number("model_type") == 2)
            total += ann;
        return total;
    }

    /// <summary>GPUMD's automatic λ₁ = λ₂ = √(N_parameters·10⁻⁶ / N_types).</summary>
    public static double AutomaticLambda(NepInput input) =>
        Math.Sqrt(ParameterCount(input) * 1e-6 / Math.Max(1, input.Types.Count));
}
