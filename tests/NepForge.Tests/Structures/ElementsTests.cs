using System.Text;
using NepForge.Structures;

namespace NepForge.Tests.Structures;

public class ElementsTests
{
    // IUPAC symbols in order of Z, written out independently of the table.
    const string Symbols =
        "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr " +
        "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu " +
        "Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr " +
        "Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og";

    [Fact]
    public void AtomicNumberAndSymbolAgreeForAll118()
    {
        var symbols = Symbols.Split(' ');
        Assert.Equal(118, symbols.Length);
        Assert.Equal(118, Elements.Count);
        Assert.Equal(118, Elements.All.Count);
        for (int z = 1; z <= 118; z++)
        {
            var e = Elements.FromZ(z);
            Assert.Equal(z, e.Z);
            Assert.Equal(symbols[z - 1], e.Symbol);
            Assert.Same(e, Elements.Get(symbols[z - 1]));
            Assert.Same(e, Elements.All[z - 1]);
            Assert.True(e.Mass > 0);
            Assert.Equal(e.Symbol, e.ToString());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Elements.FromZ(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Elements.FromZ(119));
    }

    [Fact]
    public void KnownMasses()
    {
        Assert.Equal(28.085, Elements.Get("Si").Mass);
        Assert.Equal(1.008, Elements.Get("H").Mass);
        Assert.Equal(12.011, Elements.Get("C").Mass);
        Assert.Equal(15.999, Elements.Get("O").Mass);
        Assert.Equal(55.845, Elements.Get("Fe").Mass);
        Assert.Equal(207.2, Elements.Get("Pb").Mass);
        Assert.Equal(127.6, Elements.Get("Te").Mass);
        Assert.Equal(1.11, Elements.Get("Si").CovalentRadius);
    }

    [Theory]
    [InlineData("Si", "Si")]
    [InlineData("SI", "Si")]
    [InlineData("si", "Si")]
    [InlineData("sI", "Si")]
    [InlineData("Fe_pv", "Fe")]
    [InlineData("Si/4f2e1a", "Si")]
    [InlineData("Si_GW/abc123", "Si")]
    [InlineData(" O ", "O")]
    [InlineData("Co", "Co")]
    [InlineData("CO", "Co")] // case-insensitive fallback: cobalt, not C+O
    [InlineData("Og", "Og")]
    [InlineData("Ga_d", "Ga")]
    [InlineData("H.5", "H")]
    [InlineData("Mg_pv/f474ac0d", "Mg")] // VASP 6.4.2 POSCAR species tokens (POTCAR name / part of its SHA)
    [InlineData("Fe_pv/79d9987ad87", "Fe")] // 17 bytes
    [InlineData("Li_sv_GW/f474ac0d", "Li")]
    [InlineData("Si/0123456789abcdef0123456789abcdef01234567", "Si")]
    [InlineData("\tO_h/abc ", "O")]
    public void TryGetAcceptsVariants(string input, string expected)
    {
        Assert.True(Elements.TryGet(input, out var e));
        Assert.Equal(expected, e.Symbol);
        Assert.True(Elements.TryGet(Encoding.UTF8.GetBytes(input), out var u));
        Assert.Same(e, u);
    }

    [Theory]
    [InlineData("Xx")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("Sii")]
    [InlineData("/Si")]
    [InlineData("_Fe")]
    [InlineData("12")]
    [InlineData("Uuo")]
    public void TryGetRejectsUnknown(string input)
    {
        Assert.False(Elements.TryGet(input, out var e));
        Assert.Null(e);
        Assert.False(Elements.TryGet(Encoding.UTF8.GetBytes(input), out var u));
        Assert.Null(u);
    }

    [Fact]
    public void GetThrowsNamingTheSymbol()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => Elements.Get("Xx"));
        Assert.Contains("Xx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf8Overload()
    {
        Assert.True(Elements.TryGet("Fe"u8, out var fe));
        Assert.Equal(26, fe.Z);
        Assert.True(Elements.TryGet("Fe_sv_GW"u8, out var fe2));
        Assert.Same(fe, fe2);
        Assert.False(Elements.TryGet("Xx"u8, out _));
        // Longer than the 16-char buffer: rejected, not thrown.
        Assert.False(Elements.TryGet("Siiiiiiiiiiiiiiiiiiiiiiiiiiiii"u8, out _));
        // Non-ASCII bytes do not match anything.
        Assert.False(Elements.TryGet("Sí"u8, out _));
    }

    [Theory]
    [InlineData(" Li_sv_GW/f474ac0d \r", "Li")] // POTCAR title, trimmed, suffix cut
    [InlineData("\tO.pbe", "O")]
    [InlineData("Mg/", "Mg")]
    [InlineData("Mg_pv", "Mg")]
    [InlineData("Si\f\v", "Si")]
    public void Utf8Overload_matches_the_string_overload(string text, string symbol)
    {
        Assert.True(Elements.TryGet(System.Text.Encoding.UTF8.GetBytes(text), out var e));
        Assert.Same(Elements.Get(symbol), e);
        Assert.True(Elements.TryGet(text, out var viaString));
        Assert.Same(e, viaString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("_Li")] // a leading separator is no cut: "_Li" is no symbol
    [InlineData("Li sv")]
    [InlineData("Åu")]
    public void Utf8Overload_refuses_what_the_string_overload_refuses(string text)
    {
        Assert.False(Elements.TryGet(System.Text.Encoding.UTF8.GetBytes(text), out _));
        Assert.False(Elements.TryGet(text, out _));
    }

    [Fact]
    public void Hash_is_the_atomic_number_and_equality_unchanged()
    {
        var fe = Elements.Get("Fe");
        Assert.Equal(26, fe.GetHashCode());
        Assert.Equal(fe, fe with { });
        Assert.NotEqual(fe, fe with { Mass = 1.0 }); // same Z, other data: still not equal
        Assert.Equal(fe.GetHashCode(), (fe with { Mass = 1.0 }).GetHashCode()); // equal hashes are allowed
    }
}
