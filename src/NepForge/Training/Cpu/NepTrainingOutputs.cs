using System.Globalization;
using System.Text;
using NepForge.IO;
using NepForge.Structures;

namespace NepForge.Training.Cpu;

/// <summary>
/// The files GPUMD's nep writes, in its layouts (nep_training.md §10.10, §12): nep.txt, loss.out rows and the
/// energy/force/virial/stress prediction files, so plots, <c>nep errors</c> and reports read a CPU run unchanged.
/// </summary>
static class NepTrainingOutputs
{
    static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>nep.txt text: header, θ, q_scaler. Values at full double precision (GPUMD and NEP_CPU read them).</summary>
    public static string ModelText(NepTrainingSettings s, (int Radial, int Angular) neighbors, ReadOnlySpan<double> theta, ReadOnlySpan<double> qScaler)
    {
        var sb = new StringBuilder(s.Header(neighbors.Radial, neighbors.Angular));
        foreach (double v in theta)
            sb.Append(v.ToString("E16", Ci)).Append('\n');
        foreach (double v in qScaler)
            sb.Append(v.ToString("E16", Ci)).Append('\n');
        return sb.ToString();
    }

    /// <summary>One loss.out row: <c>%-8d%-11.5f%-11.5f%-11.5f</c> then six <c>%-13.5f</c>.</summary>
    public static string LossRow(int generation, double total, double l1, double l2, NepRmse train, NepRmse? test)
    {
        var sb = new StringBuilder();
        sb.Append(generation.ToString(Ci).PadRight(8));
        foreach (double v in new[] { total, l1, l2 })
            sb.Append(v.ToString("F5", Ci).PadRight(11));
        var t = test ?? default;
        foreach (double v in new[] { train.Energy, train.Force, train.Virial, t.Energy, t.Force, t.Virial })
            sb.Append(v.ToString("F5", Ci).PadRight(13));
        return sb.Append('\n').ToString();
    }

    /// <summary>C's <c>%g</c>: 6 significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1e6.</summary>
    public static string G(double v)
    {
        if (v == 0)
            return "0";
        if (!double.IsFinite(v))
            return double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        string e = v.ToString("E5", Ci); // d.dddddE+xxx, rounded to 6 digits
        int exponent = int.Parse(e.AsSpan(e.IndexOf('E') + 1), NumberStyles.AllowLeadingSign, Ci);
        if (exponent < -4 || exponent >= 6)
        {
            string mantissa = e[..e.IndexOf('E')];
            if (mantissa.Contains('.'))
                mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            return $"{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }
        string f = v.ToString("F" + Math.Max(0, 5 - exponent).ToString(Ci), Ci);
        if (f.Contains('.'))
            f = f.TrimEnd('0').TrimEnd('.');
        return f;
    }

    /// <summary>Writes energy_, force_, virial_ and stress_{<paramref name="suffix"/>}.out for the structures in order.</summary>
    public static void Predictions(string dir, string suffix, IReadOnlyList<NepTrainingStructure> structures, IReadOnlyList<NepStructureState> states)
    {
        var energy = new StringBuilder();
        var force = new StringBuilder();
        var virial = new StringBuilder();
        var stress = new StringBuilder();
        for (int m = 0; m < structures.Count; m++)
        {
            var st = structures[m];
            var state = states[m];
            energy.Append(G(state.EnergyPerAtom)).Append(' ').Append(G(st.EnergyPerAtom)).Append('\n');
            for (int i = 0; i < st.Atoms; i++)
            {
                force.Append(G(state.F[3 * i])).Append(' ').Append(G(state.F[3 * i + 1])).Append(' ').Append(G(state.F[3 * i + 2])).Append(' ')
                     .Append(G(st.Forces[3 * i])).Append(' ').Append(G(st.Forces[3 * i + 1])).Append(' ').Append(G(st.Forces[3 * i + 2])).Append('\n');
            }
            double toGpa = Units.EvPerA3ToGpa / st.Volume;
            for (int c = 0; c < 6; c++)
                virial.Append(G(state.W[c] / st.Atoms)).Append(' ');
            for (int c = 0; c < 6; c++)
                virial.Append(G(st.VirialPerAtom[c])).Append(c < 5 ? " " : "\n");
            for (int c = 0; c < 6; c++)
                stress.Append(G(state.W[c] * toGpa)).Append(' ');
            for (int c = 0; c < 6; c++)
            {
                double target = st.HasVirial ? st.VirialPerAtom[c] * st.Atoms * toGpa : -1e6;
                stress.Append(G(target)).Append(c < 5 ? " " : "\n");
            }
        }
        AtomicFile.WriteAllText(Path.Combine(dir, $"energy_{suffix}.out"), energy.ToString());
        AtomicFile.WriteAllText(Path.Combine(dir, $"force_{suffix}.out"), force.ToString());
        AtomicFile.WriteAllText(Path.Combine(dir, $"virial_{suffix}.out"), virial.ToString());
        AtomicFile.WriteAllText(Path.Combine(dir, $"stress_{suffix}.out"), stress.ToString());
    }
}
