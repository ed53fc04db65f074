using NepForge.Sampling.Analysis;

namespace NepForge.Plotting;

/// <summary>g(r) per element pair from a <see cref="PairDistribution"/>.</summary>
public static class RdfPlot
{
    /// <summary>One panel with a line per pair (pairs without a 3-D periodic frame have no g and are left out).</summary>
    public static Chart Create(PairDistribution rdf, string title = "Radial distribution function")
    {
        ArgumentNullException.ThrowIfNull(rdf);
        var c = new Chart { Title = title };
        c.X.Label = "r (Å)";
        c.Y.Label = "g(r)";
        c.X.Min = 0;
        c.X.Max = rdf.RMax;
        var r = Enumerable.Range(0, rdf.Bins).Select(rdf.BinCentre).ToArray();
        foreach (var pair in rdf.Pairs)
        {
            var g = rdf.G(pair);
            if (g.Any(double.IsFinite))
                c.Series.Add(new Series(pair.Label, SeriesKind.Line, r, g));
        }
        return c;
    }
}
