namespace NepForge.Sampling.Selection;

/// <summary>What the committee says about a frame.</summary>
public enum TrustClass
{
    /// <summary>Below every lower trust level: the models agree, nothing to learn.</summary>
    Accurate,

    /// <summary>Inside a trust window: worth labelling.</summary>
    Candidate,

    /// <summary>At or above an upper level: likely unphysical, not labelled.</summary>
    Failed,
}

/// <summary>
/// DP-GEN's trust levels (<c>_select_by_model_devi_standard</c>), tested in its order: candidate if
/// v_lo ≤ σ_v &lt; v_hi or f_lo ≤ σ_f &lt; f_hi; otherwise failed if σ_v ≥ v_hi or σ_f ≥ f_hi; otherwise accurate.
/// So a frame with σ_f in the window but σ_v ≥ v_hi is a candidate. Virial levels default to +∞ (not used).
/// </summary>
public sealed record TrustLevels(double FLo, double FHi, double VLo = double.PositiveInfinity, double VHi = double.PositiveInfinity)
{
    /// <summary>Classifies a frame by its max force deviation and max virial deviation.</summary>
    public TrustClass Classify(double maxForce, double maxVirial)
    {
        if ((VLo <= maxVirial && maxVirial < VHi) || (FLo <= maxForce && maxForce < FHi))
            return TrustClass.Candidate;
        if (maxVirial >= VHi || maxForce >= FHi)
            return TrustClass.Failed;
        return TrustClass.Accurate;
    }
}
