namespace NepForge.Sampling.Selection;

/// <summary>
/// Divides features by the base set's spread per feature (the candidates' without a base), per composition group
/// when groups are given, so no descriptor component dominates the distance by its scale alone.
/// </summary>
static class SelectionNormalization
{
    public static void Apply(FeatureMatrix cand, FeatureMatrix bas, int[]? cg, int[]? bg)
    {
        if (cg is null)
        {
            var s = FeatureScaling.Spread(bas.Rows > 0 ? bas : cand);
            FeatureScaling.Apply(cand, s);
            FeatureScaling.Apply(bas, s);
            return;
        }
        foreach (int g in cg.Distinct())
        {
            var ci = Enumerable.Range(0, cg.Length).Where(i => cg[i] == g).ToArray();
            var bi = Enumerable.Range(0, bg!.Length).Where(i => bg[i] == g).ToArray();
            var s = FeatureScaling.Spread(bi.Length > 0 ? bas.Subset(bi) : cand.Subset(ci));
            foreach (int i in ci)
                Scale(cand, i, s);
            foreach (int i in bi)
                Scale(bas, i, s);
        }
    }

    static void Scale(FeatureMatrix m, int row, double[] s)
    {
        var r = m.Data.AsSpan(row * m.Dim, m.Dim);
        for (int k = 0; k < r.Length; k++)
            r[k] /= s[k];
    }
}
