using NepForge.IO;

namespace NepForge.Formats.Gpumd;

/// <summary>Which kind of nep run wrote a loss.out, told by its column count.</summary>
public enum LossKind
{
    /// <summary>Potential (model_type 0/3): 10 columns.</summary>
    Potential,

    /// <summary>Charge-aware potential (qNEP, charge_mode 1/2): 14 columns.</summary>
    Charge,

    /// <summary>Dipole or polarizability model (TNEP, model_type 1/2): 6 columns.</summary>
    Tensor,
}

/// <summary>One column of loss.out: its name, unit and whether it is a test-set value.</summary>
public sealed record LossSeries(string Name, string Unit, bool IsTest, double[] Values);

/// <summary>
/// GPUMD's <c>loss.out</c> (<c>doc/nep/output_files/loss_out.rst</c>): generation, total loss, L1 and L2
/// regularisation, then RMSEs of the training set and of the test set. The generation is read from column 0, never
/// assumed to step by 100 (<c>output_interval</c> changes it, and a resumed run restarts the count).
/// </summary>
public sealed class LossFile
{
    LossFile(LossKind kind, double[] generations, IReadOnlyList<LossSeries> series, IReadOnlyList<ParseDiagnostic> warnings)
    {
        Kind = kind;
        Generations = generations;
        Series = series;
        Warnings = warnings;
    }

    /// <summary>What kind of run wrote it.</summary>
    public LossKind Kind { get; }

    /// <summary>Column 0: the generation of each row.</summary>
    public double[] Generations { get; }

    /// <summary>Rows read.</summary>
    public int Rows => Generations.Length;

    /// <summary>Columns 1…: total, L1, L2 and the RMSEs, in file order.</summary>
    public IReadOnlyList<LossSeries> Series { get; }

    /// <summary>Reader warnings (a cut-off last row).</summary>
    public IReadOnlyList<ParseDiagnostic> Warnings { get; }

    /// <summary>The series called <paramref name="name"/> (e.g. <c>rmse_f_train</c>), or null.</summary>
    public LossSeries? Get(string name) => Series.FirstOrDefault(s => s.Name == name);

    /// <summary>True when the test columns hold anything but zeros (nep writes 0 when there is no test.xyz).</summary>
    public bool HasTest => Series.Any(s => s.IsTest && s.Values.Any(v => v != 0));

    static readonly (string Name, string Unit, bool Test)[] PotentialColumns =
    [
        ("total", "", false), ("l1", "", false), ("l2", "", false),
        ("rmse_e_train", "eV/atom", false), ("rmse_f_train", "eV/Å", false), ("rmse_v_train", "eV/atom", false),
        ("rmse_e_test", "eV/atom", true), ("rmse_f_test", "eV/Å", true), ("rmse_v_test", "eV/atom", true),
    ];

    static readonly (string Name, string Unit, bool Test)[] ChargeColumns =
    [
        ("total", "", false), ("l1", "", false), ("l2", "", false),
        ("rmse_e_train", "eV/atom", false), ("rmse_f_train", "eV/Å", false), ("rmse_v_train", "eV/atom", false),
        ("rmse_q_train", "e", false), ("rmse_z_train", "e", false),
        ("rmse_e_test", "eV/atom", true), ("rmse_f_test", "eV/Å", true), ("rmse_v_test", "eV/atom", true),
        ("rmse_q_test", "e", true), ("rmse_z_test", "e", true),
    ];

    static readonly (string Name, string Unit, bool Test)[] TensorColumns =
    [
        ("total", "", false), ("l1", "", false), ("l2", "", false), ("rmse_train", "", false), ("rmse_test", "", true),
    ];

    /// <summary>Reads a loss.out.</summary>
    public static LossFile Read(string path) => From(NumericTable.Read(path));

    /// <summary>Interprets a table already read.</summary>
    public static LossFile From(NumericTable t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.Rows == 0)
            throw new ParseException(t.File, 1, null, "loss.out holds no rows");
        var (kind, names) = t.Columns switch
        {
            10 => (LossKind.Potential, PotentialColumns),
            14 => (LossKind.Charge, ChargeColumns),
            6 => (LossKind.Tensor, TensorColumns),
            _ => throw new ParseException(t.File, 1, null,
                $"loss.out has {t.Columns} columns; expected 10 (potential), 14 (charge model) or 6 (dipole/polarizability)"),
        };
        var series = new LossSeries[names.Length];
        for (int i = 0; i < names.Length; i++)
            series[i] = new LossSeries(names[i].Name, names[i].Unit, names[i].Test, t.Column(i + 1));
        return new LossFile(kind, t.Column(0), series, t.Warnings);
    }
}
