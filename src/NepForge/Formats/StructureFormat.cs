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

    /// <summary>
    /// The one guess of the format to write from an output path: a name ending in '/' or an existing folder is a
    /// POSCAR folder; otherwise <see cref="DetectByName"/> (.xyz/.extxyz/.gz and "-" are extended XYZ, POSCAR/CONTCAR
    /// names and .vasp are a POSCAR). A name that says nothing gives <paramref name="otherwise"/>, or an error when
    /// that is null; a name of a format NepForge only reads (OUTCAR, vasprun.xml, XDATCAR) is always an error.
    /// </summary>
    public static StructureFormat DetectOutput(string path, StructureFormat? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || (path != "-" && Directory.Exists(path)))
            return StructureFormat.PoscarFolder;
        return DetectByName(path) switch
        {
            StructureFormat.ExtXyz => StructureFormat.ExtXyz,
            StructureFormat.Poscar => StructureFormat.Poscar,
            null when otherwise is { } fallback => fallback,
            null => throw new ArgumentException(
                $"cannot tell the output format from '{path}': use a .xyz name, a POSCAR name, a folder ending in '/', or --to"),
            var readOnly => throw new ArgumentException(
                $"'{path}' names a {readOnly} file, which NepForge reads but does not write: use a .xyz name, a POSCAR name or a folder ending in '/'"),
        };
    }

    /// <summary>Guesses the format of a path from its name; null when the name says nothing.</summary>
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
