using NepForge.Dft.Cp2k;

namespace NepForge.Tests.Dft.Cp2k;

public class Cp2kEscalationTests
{
    [Fact]
    public void Doubles_max_scf_and_halves_alpha()
    {
        const string input = "&SCF\n      MAX_SCF 40\n      &MIXING\n        METHOD BROYDEN_MIXING\n        ALPHA 0.4\n      &END MIXING\n&END SCF\n";
        var next = Cp2kEscalation.Next(input)!.Value;
        Assert.Contains("      MAX_SCF 80\n", next.Input);
        Assert.Contains("        ALPHA 0.2\n", next.Input);
        Assert.Equal("MAX_SCF 40 → 80, mixing ALPHA 0.4 → 0.2", next.Change);
        var again = Cp2kEscalation.Next(next.Input)!.Value;
        Assert.Contains("MAX_SCF 160", again.Input);
        Assert.Contains("ALPHA 0.1", again.Input);
    }

    [Fact]
    public void No_max_scf_no_escalation() => Assert.Null(Cp2kEscalation.Next("&GLOBAL\n&END GLOBAL\n"));
}
