namespace NepForge.Structures;

/// <summary>A chemical element: symbol, atomic number Z, standard atomic mass (amu) and covalent radius (Å).</summary>
public sealed record Element(string Symbol, int Z, double Mass, double CovalentRadius)
{
    /// <inheritdoc />
    public override string ToString() => Symbol;
}
