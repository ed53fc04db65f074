using NepForge.Structures;

namespace NepForge.Formats;

/// <summary>
/// A <see cref="Molecule"/> by name or from a structure file. Lives in Formats, not beside Molecule, because reading a
/// file needs the format readers and Structures sits below Formats (no type in Structures uses Formats).
/// </summary>
public static class MoleculeFile
{
    /// <summary>
    /// A molecule from a structure file: the first frame of an xyz/extxyz file (a plain xyz with any comment line
    /// works) or a POSCAR; its cell, if any, is ignored and the atoms are taken as they are (whole, not wrapped).
    /// </summary>
    public static Molecule Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"molecule file '{path}' does not exist", path);
        var format = StructureFormats.DetectByName(path) ?? StructureFormat.ExtXyz;
        if (format is not (StructureFormat.ExtXyz or StructureFormat.Poscar))
            format = StructureFormat.ExtXyz;
        var frame = StructureReader.Read(path, format).FirstOrDefault()
            ?? throw new InvalidOperationException($"molecule file '{path}' holds no structure");
        string name = Path.GetFileNameWithoutExtension(path);
        if (name.EndsWith(".xyz", StringComparison.OrdinalIgnoreCase))
            name = Path.GetFileNameWithoutExtension(name); // mol.xyz.gz
        name = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '+' ? c : '-')]).Trim('-');
        if (name.Length == 0)
            name = frame.Formula;
        return new Molecule(name, (Element[])frame.Elements.Clone(), (double[])frame.Positions.Clone());
    }

    /// <summary>
    /// A built-in molecule when <paramref name="nameOrPath"/> is one of <see cref="Molecule.BuiltinNames"/> (ignoring case),
    /// otherwise the file at that path (write ./H2O to read a file that has a built-in's name).
    /// </summary>
    public static Molecule Resolve(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        if (Molecule.TryGetBuiltin(nameOrPath, out var builtin))
            return builtin;
        if (!File.Exists(nameOrPath))
        {
            throw new FileNotFoundException(
                $"'{nameOrPath}' is neither a built-in molecule ({string.Join(", ", Molecule.BuiltinNames)}) nor an existing file", nameOrPath);
        }
        return Read(nameOrPath);
    }
}
