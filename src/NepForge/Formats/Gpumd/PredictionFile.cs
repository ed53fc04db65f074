using NepForge.IO;

namespace NepForge.Formats.Gpumd;

/// <summary>The quantity a nep <c>*_train.out</c>/<c>*_test.out</c> file holds.</summary>
public enum PredictionQuantity
{
    /// <summary>energy_*.out: eV/atom, one row per structure.</summary>
    Energy,

    /// <summary>force_*.out: eV/Å, one row per atom with x y z.</summary>
    Force,

    /// <summary>virial_*.out: eV/atom, xx yy zz xy yz zx per structure.</summary>
    Virial,

    /// <summary>stress_*.out: GPa, xx yy zz xy yz zx per structure.</summary>
    Stress,
}

/// <summary>
/// NEP predictions next to their targets, read from <c>energy_train.out</c>, <c>force_train.out</c>,
/// <c>virial_train.out</c>, <c>stress_train.out</c> or the <c>_test</c> files (<c>doc/nep/output_files/*_out.rst</c>).
/// Values are row-major: entry <c>(row, component)</c> is at <c>row * Components + component</c>. A target nep
/// could not have (no virial in train.xyz) is written as −1e6 (−4.51884e6 in the GPa stress files of 2024): those
/// are <see cref="double.NaN"/> here so that nothing averages them in.
/// </summary>
public sealed class PredictionFile
{
    /// <summary>Targets at or below this are nep's "missing" marker (−1e6 eV/atom, or −1e6 converted to GPa).</summary>
    public const double MissingBelow = -1e5;

    PredictionFile(PredictionQuantity quantity, int rows, int components, double[] predicted, double[] target, bool oldLayout, IReadOnlyList<ParseDiagnostic> warnings)
    {
        Quantity = quantity;
        Rows = rows;
        Components = components;
        Predicted = predicted;
        Target = target;
        OldVirialLayout = oldLayout;
        Warnings = warnings;
    }

    /// <summary>What is in it.</summary>
    public PredictionQuantity Quantity { get; }

    /// <summary>Structures (energy, virial, stress) or atoms (force).</summary>
    public int Rows { get; }

    /// <summary>1 (energy), 3 (force) or 6 (virial, stress).</summary>
    public int Components { get; }

    /// <summary>NEP values, row-major.</summary>
    public double[] Predicted { get; }

    /// <summary>Target values, row-major; NaN where nep had none.</summary>
    public double[] Target { get; }

    /// <summary>True for the ≤ v3.6 virial file: two columns, 6·N rows blocked by component (all xx, then all yy, …).</summary>
    public bool OldVirialLayout { get; }

    /// <summary>Reader warnings.</summary>
    public IReadOnlyList<ParseDiagnostic> Warnings { get; }

    /// <summary>The unit of the values.</summary>
    public string Unit => Quantity switch
    {
        PredictionQuantity.Energy => "eV/atom",
        PredictionQuantity.Force => "eV/Å",
        PredictionQuantity.Virial => "eV/atom",
        _ => "GPa",
    };

    /// <summary>Number of rows whose targets are all present.</summary>
    public int RowsWithTarget
    {
        get
        {
            int n = 0;
            for (int r = 0; r < Rows; r++)
            {
                if (!double.IsNaN(Target[r * Components]))
                    n++;
            }
            return n;
        }
    }

    /// <summary>The quantity named by a file name such as <c>force_train.out</c>; null if it is none of them.</summary>
    public static PredictionQuantity? QuantityOf(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        return name.StartsWith("energy_", StringComparison.Ordinal) ? PredictionQuantity.Energy
            : name.StartsWith("force_", StringComparison.Ordinal) ? PredictionQuantity.Force
            : name.StartsWith("virial_", StringComparison.Ordinal) ? PredictionQuantity.Virial
            : name.StartsWith("stress_", StringComparison.Ordinal) ? PredictionQuantity.Stress
            : null;
    }

    /// <summary>Reads a file; the quantity comes from its name unless given.</summary>
    public static PredictionFile Read(string path, PredictionQuantity? quantity = null)
    {
        var q = quantity ?? QuantityOf(path)
            ?? throw new ArgumentException($"'{path}': cannot tell the quantity from the name (expected energy_, force_, virial_ or stress_…)");
        return From(NumericTable.Read(path), q);
    }

    /// <summary>Interprets a table already read.</summary>
    public static PredictionFile From(NumericTable t, PredictionQuantity quantity)
    {
        ArgumentNullException.ThrowIfNull(t);
        int k = quantity switch
        {
            PredictionQuantity.Energy => 1,
            PredictionQuantity.Force => 3,
            _ => 6,
        };
        if (t.Rows == 0)
            return new PredictionFile(quantity, 0, k, [], [], false, t.Warnings);
        bool old = quantity is PredictionQuantity.Virial or PredictionQuantity.Stress && t.Columns == 2;
        if (old)
        {
            if (t.Rows % 6 != 0)
                throw new ParseException(t.File, 1, null, $"old two-column {quantity.ToString().ToLowerInvariant()} layout needs 6 rows per structure; found {t.Rows} rows");
            int n = t.Rows / 6;
            var p = new double[n * 6];
            var y = new double[n * 6];
            for (int c = 0; c < 6; c++)
            {
                for (int s = 0; s < n; s++)
                {
                    p[(s * 6) + c] = t[(c * n) + s, 0];
                    y[(s * 6) + c] = Missing(t[(c * n) + s, 1]);
                }
            }
            return new PredictionFile(quantity, n, 6, p, y, true, t.Warnings);
        }
        if (t.Columns != 2 * k)
        {
            throw new ParseException(t.File, 1, null,
                $"{quantity.ToString().ToLowerInvariant()} file has {t.Columns} columns; expected {2 * k} ({k} NEP, {k} target)");
        }
        var pred = new double[t.Rows * k];
        var target = new double[t.Rows * k];
        for (int r = 0; r < t.Rows; r++)
        {
            var row = t.Row(r);
            for (int c = 0; c < k; c++)
            {
                pred[(r * k) + c] = row[c];
                target[(r * k) + c] = Missing(row[k + c]);
            }
        }
        return new PredictionFile(quantity, t.Rows, k, pred, target, false, t.Warnings);
    }

    static double Missing(double v) => v <= MissingBelow ? double.NaN : v;
}
