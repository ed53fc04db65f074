using System.Text;

namespace NepForge.Dft.Vasp;

/// <summary>
/// A VASP pseudopotential library laid out as VASP ships it: <c>&lt;Root&gt;/&lt;setup&gt;/POTCAR</c> (e.g.
/// <c>potpaw_PBE/Ti_pv/POTCAR</c>). <see cref="Setups"/> maps an element symbol to its setup (Ti → Ti_pv); an
/// element not in the map uses the setup named after it (O → O).
/// </summary>
public sealed class PotcarLibrary
{
    /// <summary>A library at <paramref name="root"/> with the given species → setup map (keys compared exactly, as element symbols).</summary>
    public PotcarLibrary(string root, IReadOnlyDictionary<string, string>? setups = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = root;
        Setups = setups ?? new Dictionary<string, string>();
    }

    /// <summary>The library folder.</summary>
    public string Root { get; }

    /// <summary>Element symbol → setup folder name.</summary>
    public IReadOnlyDictionary<string, string> Setups { get; }

    /// <summary>The setup used for <paramref name="symbol"/>.</summary>
    public string SetupFor(string symbol) => Setups.TryGetValue(symbol, out var s) ? s : symbol;

    /// <summary>
    /// Concatenates the POTCARs for <paramref name="species"/> (the POSCAR's species groups, in order, repeats
    /// included) and checks that each file is one data set whose TITEL and VRHFIN name that element.
    /// </summary>
    /// <returns>The POTCAR bytes and each part's TITEL, in order.</returns>
    /// <exception cref="InvalidOperationException">A file is missing, holds no or several data sets, or is for another element.</exception>
    public (byte[] Bytes, IReadOnlyList<string> Titles) Assemble(IReadOnlyList<string> species)
    {
        ArgumentNullException.ThrowIfNull(species);
        if (species.Count == 0)
            throw new InvalidOperationException("no species to build a POTCAR for");
        using var all = new MemoryStream();
        var titles = new List<string>(species.Count);
        for (int i = 0; i < species.Count; i++)
        {
            string symbol = species[i];
            string setup = SetupFor(symbol);
            string path = Path.Combine(Root, setup, "POTCAR");
            if (!File.Exists(path))
                throw new InvalidOperationException($"POTCAR for {symbol} (setup '{setup}') not found: {path}");
            byte[] bytes = File.ReadAllBytes(path);
            var (title, elements) = Identify(Encoding.ASCII.GetString(bytes), path);
            foreach (var (what, element) in elements)
            {
                if (!string.Equals(element, symbol, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"POTCAR part {i + 1} ({path}) is for {element} ({what}) but POSCAR species {i + 1} is {symbol}: " +
                        $"check the species → setup map (species order: {string.Join(' ', species)})");
                }
            }
            all.Write(bytes);
            if (bytes.Length > 0 && bytes[^1] != (byte)'\n')
                all.WriteByte((byte)'\n');
            titles.Add(title);
        }
        return (all.ToArray(), titles);
    }

    /// <summary>The TITEL of a single-data-set POTCAR text and the element(s) its TITEL and VRHFIN lines name.</summary>
    static (string Title, List<(string What, string Element)> Elements) Identify(string text, string path)
    {
        string? title = null;
        var elements = new List<(string, string)>();
        int titles = 0;
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("TITEL", StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is int eq and > 0)
            {
                titles++;
                title = line[(eq + 1)..].Trim();
                // "PAW_PBE Ti_pv 07Sep2000": the setup is the second word; the element is its head (Ti_pv, H.75, Si_GW).
                var words = title.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string setup = words.Length > 1 ? words[1] : words.FirstOrDefault() ?? "";
                elements.Add(("TITEL " + title, ElementOf(setup)));
            }
            else if (line.StartsWith("VRHFIN", StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is int e and > 0)
            {
                // "VRHFIN =Ti: 3p3d4s"
                string rest = line[(e + 1)..].Trim();
                int colon = rest.IndexOf(':', StringComparison.Ordinal);
                elements.Add(("VRHFIN " + rest, ElementOf(colon >= 0 ? rest[..colon] : rest)));
            }
        }
        if (titles != 1 || title is null)
            throw new InvalidOperationException($"{path} should hold exactly one data set (one TITEL line), found {titles}");
        return (title, elements);
    }

    static string ElementOf(string setup)
    {
        int n = 0;
        while (n < setup.Length && char.IsLetter(setup[n]) && (n == 0 || char.IsLower(setup[n])))
            n++;
        return setup[..n].Trim();
    }
}
