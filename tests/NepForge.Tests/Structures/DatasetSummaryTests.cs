using NepForge.Structures;

namespace NepForge.Tests.Structures;

public sealed class DatasetSummaryTests
{
    static Frame Make(string configType, params string[] symbols)
    {
        var elements = symbols.Select(Elements.Get).ToArray();
        var f = new Frame(elements, new double[3 * elements.Length], null);
        f.Info.ConfigType = configType.Length == 0 ? null : configType;
        return f;
    }

    [Fact]
    public void Species_and_config_types_in_order_of_first_appearance_with_counts()
    {
        var s = new DatasetSummary();
        s.Add(Make("liquid", "O", "H", "H"));
        s.Add(Make("", "Na", "Cl"));
        s.Add(Make("liquid", "H", "O", "Na"));
        Assert.Equal(["O", "H", "Na", "Cl"], s.SpeciesInOrder.Select(e => e.Symbol));
        Assert.Equal([2L, 3L, 2L, 1L], s.SpeciesInOrder.Select(e => s.Species[e]));
        Assert.Equal(s.Species.Keys, s.SpeciesInOrder); // the dictionary's own order, as before
        Assert.Equal(["liquid", ""], s.ConfigTypesInOrder);
        Assert.Equal(2, s.ConfigTypes["liquid"]);
        Assert.Equal(1, s.ConfigTypes[""]);
        Assert.Equal(8, s.Atoms);
        Assert.Equal((2, 3), s.AtomsPerFrame);
    }
}
