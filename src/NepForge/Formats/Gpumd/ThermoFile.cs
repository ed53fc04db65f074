using System.Globalization;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Formats.Gpumd;

/// <summary>
/// GPUMD's <c>thermo.out</c> (<c>doc/gpumd/output_files/thermo_out.rst</c>), one row per <c>dump_thermo</c>
/// interval. The layout is told by the column count: 9 (old: T K U Pxx Pyy Pzz Lx Ly Lz), 12 (T K U Pxx Pyy Pzz
/// Pyz Pxz Pxy Lx Ly Lz), 15 (old triclinic: T K U Pxx Pyy Pzz and the cell rows ax…cz) or 18 (T K U, six pressure
/// components, cell rows ax…cz). Newer files start with <c>#</c> lines (<c>dump_thermo</c>, <c>format_version</c>,
/// <c>num_atoms</c>, <c>dt_output</c>, <c>columns</c>) which are read when present. Units: K, eV, GPa, Å.
/// </summary>
public sealed class ThermoFile
{
    readonly NumericTable _table;
    readonly int _cellStart;

    ThermoFile(NumericTable table, int pressureComponents, int cellStart, bool triclinic)
    {
        _table = table;
        PressureComponents = pressureComponents;
        _cellStart = cellStart;
        Triclinic = triclinic;
        foreach (var c in table.Comments)
        {
            var parts = c.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
                continue;
            switch (parts[0])
            {
                case "num_atoms" when int.TryParse(parts[1], CultureInfo.InvariantCulture, out int n):
                    AtomCount = n;
                    break;
                case "dump_thermo" when int.TryParse(parts[1], CultureInfo.InvariantCulture, out int d):
                    DumpInterval = d;
                    break;
                case "dt_output" when double.TryParse(parts[1], CultureInfo.InvariantCulture, out double dt):
                    OutputIntervalFs = dt;
                    break;
                case "format_version" when int.TryParse(parts[1], CultureInfo.InvariantCulture, out int v):
                    FormatVersion = v;
                    break;
                case "columns":
                    ColumnNames = parts[1..];
                    break;
            }
        }
    }

    /// <summary>Rows read.</summary>
    public int Rows => _table.Rows;

    /// <summary>Columns per row (9, 12, 15 or 18).</summary>
    public int Columns => _table.Columns;

    /// <summary>3 (Pxx Pyy Pzz) or 6 (also Pyz Pxz Pxy).</summary>
    public int PressureComponents { get; }

    /// <summary>True when the rows carry full cell vectors (15/18 columns), false for box lengths (9/12).</summary>
    public bool Triclinic { get; }

    /// <summary><c># format_version</c>, when the file has the new header.</summary>
    public int? FormatVersion { get; }

    /// <summary><c># num_atoms</c>, when present.</summary>
    public int? AtomCount { get; }

    /// <summary><c># dump_thermo</c> (steps between rows), when present.</summary>
    public int? DumpInterval { get; }

    /// <summary><c># dt_output</c> (fs between rows), when present.</summary>
    public double? OutputIntervalFs { get; }

    /// <summary><c># columns</c> names, when present.</summary>
    public IReadOnlyList<string>? ColumnNames { get; }

    /// <summary>Reader warnings.</summary>
    public IReadOnlyList<ParseDiagnostic> Warnings => _table.Warnings;

    /// <summary>Temperature, K.</summary>
    public double Temperature(int row) => _table[row, 0];

    /// <summary>Kinetic energy, eV.</summary>
    public double Kinetic(int row) => _table[row, 1];

    /// <summary>Potential energy, eV.</summary>
    public double Potential(int row) => _table[row, 2];

    /// <summary>Pressure component <paramref name="k"/> (0…5 = xx yy zz yz xz xy), GPa; NaN when not written.</summary>
    public double Pressure(int row, int k) => k < PressureComponents ? _table[row, 3 + k] : double.NaN;

    /// <summary>Hydrostatic pressure (Pxx + Pyy + Pzz)/3, GPa.</summary>
    public double HydrostaticPressure(int row) => (_table[row, 3] + _table[row, 4] + _table[row, 5]) / 3;

    /// <summary>The cell of a row (row vectors; an orthogonal box for the 9/12-column layouts).</summary>
    public Mat3 Cell(int row)
    {
        var r = _table.Row(row)[_cellStart..];
        return Triclinic
            ? new Mat3(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])
            : Mat3.Diagonal(r[0], r[1], r[2]);
    }

    /// <summary>Cell volume of a row, Å³.</summary>
    public double Volume(int row) => Math.Abs(Cell(row).Determinant);

    /// <summary>A whole column (0-based).</summary>
    public double[] Column(int column) => _table.Column(column);

    /// <summary>Reads a thermo.out.</summary>
    public static ThermoFile Read(string path) => From(NumericTable.Read(path));

    /// <summary>Interprets a table already read.</summary>
    public static ThermoFile From(NumericTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t.Columns switch
        {
            9 => new ThermoFile(t, 3, 6, false),
            12 => new ThermoFile(t, 6, 9, false),
            15 => new ThermoFile(t, 3, 6, true),
            18 => new ThermoFile(t, 6, 9, true),
            0 => throw new ParseException(t.File, 1, null, "thermo.out holds no rows"),
            _ => throw new ParseException(t.File, 1, null, $"thermo.out has {t.Columns} columns; expected 9, 12, 15 or 18"),
        };
    }
}
