namespace NepForge.Formats;

/// <summary>The structure file formats NepForge reads and writes.</summary>
public enum StructureFormat
{
    /// <summary>Extended XYZ (.xyz, .extxyz, optionally .gz): many frames per file.</summary>
    ExtXyz,

    /// <summary>VASP POSCAR/CONTCAR: one frame per file.</summary>
    Poscar,

    /// <summary>A folder of POSCARs (POSCAR-1 … POSCAR-n), one frame each.</summary>
    PoscarFolder,

    /// <summary>VASP OUTCAR (input only): every converged ionic step.</summary>
    Outcar,

    /// <summary>VASP vasprun.xml (input only): every converged ionic step.</summary>
    Vasprun,

    /// <summary>VASP XDATCAR (input only): unlabelled MD frames.</summary>
    Xdatcar,
}

/// <summary>Format names and detection from paths.</summary>
public static class StructureFormats
{
    /// <summary>Parses a user-given format name: extxyz/xyz, poscar/vasp/contcar, poscar-folder/folder.</summary>
    public static StructureFormat Parse(string name) => name.ToLowerInvariant() switch
    {
        "extxyz" or "xyz" or "exyz" => StructureFormat.ExtXyz,
        "poscar" or "vasp" or "contcar" => StructureFormat.Poscar,
        "poscar-folder" or "folder" or "poscars" => StructureFormat.PoscarFolder,
        "outcar" => StructureFormat.Outcar,
        "vasprun" or "xml" or "vasprun.xml" => StructureFormat.Vasprun,
        "xdatcar" => StructureFormat.Xdatcar,
        _ => throw new ArgumentException($"unknown format '{name}': use extxyz, poscar, poscar-folder, outcar, vasprun or xdatcar"),
    };

    /// <summary>
    /// Guesses the format of an input path: a folder is a POSCAR folder; .xyz/.extxyz (optionally .gz) and "-"
    /// (stdin) are extended XYZ; names containing OUTCAR, vasprun (or ending .xml), XDATCAR are those VASP files; a
    /// name containing POSCAR or CONTCAR or ending in .vasp is a POSCAR.
    /// </summary>
    public static StructureFormat DetectInput(string path)
    {
        if (path != "-" && Directory.Exists(path))
            return StructureFormat.PoscarFolder;
        return DetectByName(path) ?? throw new ArgumentException(
            $"cannot tell the format of '{path}' from its name; give --from extxyz or --from poscar");
    }

    /// <summary>Guesses the format of an output path from its name; null when the name says nothing.</summary>
    public static StructureFormat? DetectByName(string path)
    {
        if (path == "-")
            return StructureFormat.ExtXyz;
        string name = Path.GetFileName(path.TrimEnd('/', Path.DirectorySeparatorChar));
        string lower = name.ToLowerInvariant();
        if (lower.EndsWith(".gz", StringComparison.Ordinal))
            lower = lower[..^3];
        if (lower.EndsWith(".xyz", StringComparison.Ordinal) || lower.EndsWith(".extxyz", StringComparison.Ordinal))
            return StructureFormat.ExtXyz;
        if (lower.Contains("outcar", StringComparison.Ordinal))
            return StructureFormat.Outcar;
        if (lower.Contains("vasprun", StringComparison.Ordinal) || lower.EndsWith(".xml", StringComparison.Ordinal))
            return StructureFormat.Vasprun;
        if (lower.Contains("xdatcar", StringComparison.Ordinal))
            return StructureFormat.Xdatcar;
        if (lower.Contains("poscar", StringComparison.Ordinal) || lower.Contains("contcar", StringComparison.Ordinal) ||
            lower.EndsWith(".vasp", StringComparison.Ordinal))
            return StructureFormat.Poscar;
        return null;
    }
}
