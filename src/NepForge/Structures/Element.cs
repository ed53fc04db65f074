namespace NepForge.Structures;

/// <summary>A chemical element: symbol, atomic number Z, standard atomic mass (amu) and covalent radius (Å).</summary>
public sealed record Element(string Symbol, int Z, double Mass, double CovalentRadius)
{
    /// <inheritdoc />
    public override string ToString() => Symbol;

    /// <summary>
    /// Z alone identifies an element: a cheaper hash than the generated one over every field, whose double
    /// comparer is JIT-compiled at every start of a command that counts species.
    /// </summary>
    public override int GetHashCode() => Z;
}
