namespace NepForge.Formats.Vasp;

/// <summary>Options for <see cref="PoscarWriter"/>.</summary>
public sealed record PoscarWriteOptions
{
    /// <summary>The defaults: Cartesian coordinates, atoms grouped by species.</summary>
    public static readonly PoscarWriteOptions Default = new();

    /// <summary>
    /// Write fractional ("Direct") coordinates instead of Cartesian ones. Cartesian (the default) round-trips bit
    /// for bit; Direct goes through the inverse cell and may change the last bit of a position.
    /// </summary>
    public bool Direct { get; init; }

    /// <summary>
    /// Keep the atoms in frame order, writing each run of equal species as its own group (the species line may then
    /// repeat a symbol, as VASP's own CONTCARs do; the POTCAR must list the same sequence). By default atoms are
    /// grouped by species in order of first appearance, reordering them when needed.
    /// </summary>
    public bool KeepAtomOrder { get; init; }
}

/// <summary>What <see cref="PoscarWriter"/> did with the atom order.</summary>
/// <param name="Reordered">True when the atoms were written in another order than the frame's.</param>
/// <param name="Permutation">
/// Written atom i is frame atom <c>Permutation[i]</c> (the identity when <paramref name="Reordered"/> is false), so
/// <c>frame.SelectAtoms(Permutation)</c> is the frame as written.
/// </param>
public sealed record PoscarWriteResult(bool Reordered, int[] Permutation);
