namespace NepForge.Nep;

/// <summary>
/// The higher-order angular invariants of NEP (nep_spec.md §5.4, §13.2) as polynomials in the components s_n[c]
/// of one channel: q = Σ coef·Π s[idx]. Generated from the monomial lists of the specification; the derivative
/// code treats every block the same way, so a new invariant is a new table.
/// </summary>
static class NepInvariantTables
{
    /// <summary><c>q_222</c>: coefficient of each monomial.</summary>
    public static ReadOnlySpan<double> Q222Coefficients => [-0.007499480826664, -0.134990654879954, -0.134990654879954, 0.067495327439977, 0.067495327439977, 0.404971964639861, -0.404971964639861, -0.809943929279723];

    /// <summary><c>q_222</c>: the s indices of each monomial, 4 per monomial (−1 pads a cubic one).</summary>
    public static ReadOnlySpan<sbyte> Q222Factors => [3, 3, 3, -1, 3, 4, 4, -1, 3, 5, 5, -1, 3, 6, 6, -1, 3, 7, 7, -1, 6, 5, 5, -1, 6, 4, 4, -1, 4, 5, 7, -1];

    /// <summary><c>q_1111</c>: coefficient of each monomial.</summary>
    public static ReadOnlySpan<double> Q1111Coefficients => [0.026596810706114, 0.053193621412227, 0.053193621412227, 0.026596810706114, 0.053193621412228, 0.026596810706114];

    /// <summary><c>q_1111</c>: the s indices of each monomial, 4 per monomial (−1 pads a cubic one).</summary>
    public static ReadOnlySpan<sbyte> Q1111Factors => [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2];

    /// <summary><c>q_112</c>: coefficient of each monomial.</summary>
    public static ReadOnlySpan<double> Q112Coefficients => [0.027493550848847, 0.16496130509308, 0.16496130509308, -0.013746775424423, -0.013746775424423, 0.04124032627327, -0.04124032627327, 0.08248065254654];

    /// <summary><c>q_112</c>: the s indices of each monomial, 4 per monomial (−1 pads a cubic one).</summary>
    public static ReadOnlySpan<sbyte> Q112Factors => [0, 0, 3, -1, 0, 1, 4, -1, 0, 2, 5, -1, 3, 1, 1, -1, 3, 2, 2, -1, 6, 1, 1, -1, 6, 2, 2, -1, 1, 2, 7, -1];

    /// <summary><c>q_123</c>: coefficient of each monomial.</summary>
    public static ReadOnlySpan<double> Q123Coefficients => [-0.168362926992344, 0.168362926992344, -0.168362926992344, -0.168362926992344, -0.084181463496172, -0.084181463496172, -0.042090731748086, 0.042090731748086, -0.042090731748086, -0.042090731748086, -0.067345170796937, -0.067345170796937, -0.016836292699234, -0.016836292699234, -0.016836292699234, -0.008418146349617, 0.008418146349617, 0.008418146349617, 0.008418146349617, 0.033672585398469, 0.033672585398469];

    /// <summary><c>q_123</c>: the s indices of each monomial, 4 per monomial (−1 pads a cubic one).</summary>
    public static ReadOnlySpan<sbyte> Q123Factors => [12, 2, 4, -1, 11, 2, 5, -1, 1, 11, 4, -1, 1, 12, 5, -1, 0, 11, 6, -1, 0, 12, 7, -1, 14, 2, 6, -1, 13, 2, 7, -1, 1, 13, 6, -1, 1, 14, 7, -1, 10, 0, 5, -1, 0, 4, 9, -1, 10, 2, 3, -1, 0, 3, 8, -1, 1, 3, 9, -1, 10, 2, 6, -1, 10, 1, 7, -1, 2, 7, 9, -1, 1, 6, 9, -1, 2, 5, 8, -1, 1, 4, 8, -1];

    /// <summary><c>q_233</c>: coefficient of each monomial.</summary>
    public static ReadOnlySpan<double> Q233Coefficients => [0.008572620635186, 0.009644198214584, 0.009644198214584, -0.019288396429168, 0.019288396429168, 0.025717861905558, 0.025717861905558, -0.026789439484956, -0.026789439484956, -0.032147327381947, -0.032147327381947, -0.032147327381947, 0.032147327381947, 0.038576792858337, -0.12858930952779, -0.12858930952779, 0.192883964291685, 0.192883964291685, 0.192883964291685, -0.192883964291685, 0.321473273819474, 0.321473273819474, 0.321473273819474, -0.321473273819474];

    /// <summary><c>q_233</c>: the s indices of each monomial, 4 per monomial (−1 pads a cubic one).</summary>
    public static ReadOnlySpan<sbyte> Q233Factors => [3, 8, 8, -1, 10, 10, 3, -1, 3, 9, 9, -1, 10, 10, 6, -1, 6, 9, 9, -1, 4, 8, 9, -1, 10, 5, 8, -1, 13, 13, 3, -1, 14, 14, 3, -1, 14, 7, 9, -1, 13, 6, 9, -1, 10, 14, 6, -1, 10, 13, 7, -1, 10, 7, 9, -1, 11, 6, 8, -1, 12, 7, 8, -1, 11, 4, 9, -1, 12, 5, 9, -1, 10, 12, 4, -1, 10, 11, 5, -1, 12, 14, 4, -1, 11, 14, 5, -1, 13, 11, 4, -1, 13, 12, 5, -1];

    /// <summary><c>q_134</c>: coefficient of each monomial.</summary>
    public static ReadOnlySpan<double> Q134Coefficients => [-0.003645164295772, -0.003645164295772, 0.004860219061029, -0.006075273826286, -0.006075273826286, -0.006075273826286, 0.006075273826286, -0.018225821478859, 0.018225821478859, 0.018225821478859, 0.018225821478859, 0.024301095305146, 0.024301095305146, 0.036451642957719, 0.036451642957719, -0.036451642957719, -0.036451642957719, -0.036451642957719, 0.036451642957719, 0.042526916784005, 0.042526916784005, -0.042526916784005, 0.042526916784005, 0.072903285915437, 0.072903285915437, 0.08505383356801, 0.08505383356801, 0.25516150070403, 0.25516150070403, -0.25516150070403, 0.25516150070403];

    /// <summary><c>q_134</c>: the s indices of each monomial, 4 per monomial (−1 pads a cubic one).</summary>
    public static ReadOnlySpan<sbyte> Q134Factors => [10, 15, 2, -1, 1, 15, 9, -1, 0, 15, 8, -1, 1, 13, 18, -1, 1, 14, 19, -1, 2, 14, 18, -1, 2, 13, 19, -1, 10, 18, 2, -1, 1, 10, 19, -1, 1, 18, 9, -1, 2, 19, 9, -1, 1, 16, 8, -1, 2, 17, 8, -1, 0, 10, 17, -1, 0, 16, 9, -1, 1, 11, 16, -1, 1, 12, 17, -1, 2, 12, 16, -1, 2, 11, 17, -1, 1, 13, 22, -1, 1, 14, 23, -1, 2, 14, 22, -1, 2, 13, 23, -1, 0, 11, 18, -1, 0, 12, 19, -1, 0, 13, 20, -1, 0, 14, 21, -1, 1, 11, 20, -1, 1, 12, 21, -1, 2, 12, 20, -1, 2, 11, 21, -1];
}
