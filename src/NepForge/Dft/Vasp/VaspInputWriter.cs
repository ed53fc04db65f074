using System.Globalization;
using System.Text;
using NepForge.Formats.Vasp;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Dft.Vasp;

/// <summary>
/// Writes a VASP job folder for one <see cref="Frame"/>: POSCAR (atoms grouped by species, via
/// <see cref="PoscarWriter"/>), INCAR (template + overrides + defaults for what it lacks), KPOINTS (unless KSPACING is
/// in the INCAR) and POTCAR
/// (concatenated in the POSCAR's species order and checked against it). Everything is built and checked in memory
/// first, then each file is written atomically, so a bad POTCAR map or frame leaves the folder untouched.
/// </summary>
public static class VaspInputWriter
{
    static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the job folder <paramref name="folder"/> (created if needed).</summary>
    /// <exception cref="InvalidOperationException">The frame has no cell or atoms, or the POTCAR does not match the species.</exception>
    public static VaspInputWriteResult Write(string folder, Frame frame, VaspInputSet inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(inputs);

        var poscar = new StringWriter(CultureInfo.InvariantCulture);
        var written = PoscarWriter.Write(poscar, frame, new PoscarWriteOptions { Direct = inputs.Direct });
        var species = SpeciesGroups(frame, written.Permutation);
        var lattice = frame.Lattice!; // PoscarWriter has checked it

        // The user's values are kept: explicit overrides replace them (each replacement recorded), defaults only fill
        // what the template does not set, and a KSPACING in the INCAR means VASP makes the mesh (no KPOINTS file).
        var sources = new Dictionary<string, string>(inputs.OverrideSources, StringComparer.OrdinalIgnoreCase);
        var overrides = new List<KeyValuePair<string, string?>>(inputs.Overrides);
        var afterOverrides = inputs.IncarTemplate.With(overrides);
        string? kpoints = null;
        (int, int, int)? mesh = null;
        var k = inputs.KPoints ?? (afterOverrides["KSPACING"] is null ? inputs.DefaultKPoints : null);
        if (k is not null)
        {
            string source = inputs.KPoints is null ? "default k-points" : "--kspacing";
            if (k.Kind == VaspKPointsKind.IncarSpacing)
            {
                overrides.Add(new("KSPACING", k.Spacing.ToString("R", CultureInfo.InvariantCulture)));
                overrides.Add(new("KGAMMA", ".TRUE."));
            }
            else
            {
                kpoints = k.KpointsText(lattice);
                mesh = k.MeshFor(lattice);
                // VASP would ignore a KSPACING next to a KPOINTS file; only an explicit --kspacing gets here with one.
                overrides.Add(new("KSPACING", null));
                overrides.Add(new("KGAMMA", null));
            }
            sources.TryAdd("KSPACING", source);
            sources.TryAdd("KGAMMA", source);
        }
        var incar = inputs.IncarTemplate.With(overrides);
        var defaults = inputs.Defaults.Where(d => incar[d.Key] is null).ToList();
        if (defaults.Count > 0)
            incar = incar.With(defaults);
        var changes = new List<string>();
        foreach (string key in inputs.IncarTemplate.Keys)
        {
            string? before = inputs.IncarTemplate[key], after = incar[key];
            if (before == after)
                continue;
            string source = sources.TryGetValue(key, out var s0) ? s0 : "override";
            changes.Add(after is null ? $"{key} = {before} removed ({source})" : $"{key} = {before} → {after} ({source})");
        }

        byte[]? potcar = null;
        IReadOnlyList<string> titles = [];
        if (inputs.Potcar is { } library)
            (potcar, titles) = library.Assemble(species);

        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, "POSCAR"), s => s.Write(Utf8NoBom.GetBytes(poscar.ToString())));
        AtomicFile.Write(Path.Combine(folder, "INCAR"), s => s.Write(Utf8NoBom.GetBytes(incar.ToString())));
        string kpointsPath = Path.Combine(folder, "KPOINTS");
        if (kpoints is not null)
            AtomicFile.Write(kpointsPath, s => s.Write(Utf8NoBom.GetBytes(kpoints)));
        else if (incar["KSPACING"] is not null && File.Exists(kpointsPath))
            File.Delete(kpointsPath); // VASP would read a stale KPOINTS instead of KSPACING
        if (potcar is not null)
            AtomicFile.Write(Path.Combine(folder, "POTCAR"), s => s.Write(potcar));
        return new VaspInputWriteResult(folder, species, written.Permutation, mesh, titles, incar, changes);
    }

    /// <summary>The species of each run of equal elements in POSCAR order.</summary>
    static List<string> SpeciesGroups(Frame frame, int[] permutation)
    {
        var groups = new List<string>();
        Element? last = null;
        foreach (int i in permutation)
        {
            var e = frame.Elements[i];
            if (e != last)
                groups.Add(e.Symbol);
            last = e;
        }
        return groups;
    }
}
