using System.Globalization;
using System.Text;
using NepForge.Formats.Cp2k;
using NepForge.Structures;

namespace NepForge.Dft.Cp2k;

/// <summary>
/// Renders a CP2K single-point input (RUN_TYPE ENERGY_FORCE, analytical stress) for a frame: the cell as explicit
/// A/B/C vectors (Å, so triclinic cells work), inline &amp;COORD (Å), one &amp;KIND per element, forces printed to
/// <see cref="ForcesFile"/> (Ha/bohr) and the stress tensor to <see cref="StressFile"/> (GPa). The text depends only
/// on the frame and the settings: the same frame gives a byte-identical input (numbers in shortest round-trip form,
/// "\n" line ends, kinds in order of first appearance).
/// </summary>
public static class Cp2kInputWriter
{
    /// <summary>Name of the forces file the input asks for (FILENAME =forces.out).</summary>
    public const string ForcesFile = Cp2kOutputParser.ForcesFile;

    /// <summary>Name of the stress file the input asks for (FILENAME =stress.out).</summary>
    public const string StressFile = Cp2kOutputParser.StressFile;

    // The first words of the built-in input's first line; Cp2kMd rewrites that line for an AIMD.
    internal const string Header = "! CP2K single point (energy, forces, analytical stress) written by NepForge";

    /// <summary>The placeholders of a template.</summary>
    public const string CellPlaceholder = "{CELL}", CoordPlaceholder = "{COORD}", KindsPlaceholder = "{KINDS}", ProjectPlaceholder = "{PROJECT}";

    /// <summary>Reads a template file and checks it has the required placeholders.</summary>
    public static string ReadTemplate(string path)
    {
        string text = File.ReadAllText(path);
        CheckTemplate(text, path);
        return text;
    }

    /// <summary>The input text for <paramref name="frame"/>.</summary>
    public static string Render(Frame frame, Cp2kSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        settings ??= new Cp2kSettings();
        var lattice = frame.Lattice ?? throw new ArgumentException("CP2K needs a cell: the frame has none", nameof(frame));
        if (lattice.Pbc != Pbc.All)
            throw new ArgumentException($"only fully periodic cells are supported (pbc {lattice.Pbc})", nameof(frame));
        if (frame.AtomCount == 0)
            throw new ArgumentException("the frame has no atoms", nameof(frame));
        if (settings.Project.Length == 0 || settings.Project.Any(char.IsWhiteSpace))
            throw new ArgumentException($"project name '{settings.Project}' must be one word", nameof(settings));

        var cell = CellLines(lattice);
        var coord = CoordLines(frame);
        var kinds = KindLines(frame, settings);
        if (settings.Template is { } template)
        {
            CheckTemplate(template, "template");
            return FillTemplate(template, cell, coord, kinds, settings.Project);
        }
        return BuiltIn(cell, coord, kinds, settings, KPointMesh(lattice, settings));
    }

    /// <summary>Renders and writes the input atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, Frame frame, Cp2kSettings? settings = null) =>
        IO.AtomicFile.WriteAllText(path, Render(frame, settings));

    static void CheckTemplate(string text, string name)
    {
        foreach (string p in new[] { CellPlaceholder, CoordPlaceholder, KindsPlaceholder })
        {
            if (!text.Contains(p, StringComparison.Ordinal))
                throw new ArgumentException($"{name}: the CP2K template has no {p} placeholder");
        }
    }

    static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static List<string> CellLines(Lattice lattice)
    {
        var lines = new List<string>(3);
        string[] names = ["A", "B", "C"];
        for (int i = 0; i < 3; i++)
        {
            var r = lattice[i];
            lines.Add($"{names[i]} {F(r.X)} {F(r.Y)} {F(r.Z)}");
        }
        return lines;
    }

    static List<string> CoordLines(Frame frame)
    {
        var lines = new List<string>(frame.AtomCount);
        var p = frame.Positions;
        for (int i = 0; i < frame.AtomCount; i++)
        {
            double x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
            if (!double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(z))
                throw new ArgumentException($"atom {i + 1} has a non-finite position", nameof(frame));
            lines.Add($"{frame.Elements[i].Symbol} {F(x)} {F(y)} {F(z)}");
        }
        return lines;
    }

    static List<string> KindLines(Frame frame, Cp2kSettings settings)
    {
        var lines = new List<string>();
        foreach (var (element, _) in frame.Composition())
        {
            string s = element.Symbol;
            lines.Add($"&KIND {s}");
            lines.Add($"  BASIS_SET {Cp2kKinds.BasisFor(s, settings)}");
            lines.Add($"  POTENTIAL {Cp2kKinds.PotentialFor(s, settings)}");
            lines.Add("&END KIND");
        }
        return lines;
    }

    static string FillTemplate(string template, List<string> cell, List<string> coord, List<string> kinds, string project)
    {
        var sb = new StringBuilder(template.Length + 64 * coord.Count);
        var lines = template.ReplaceLineEndings("\n").Split('\n');
        for (int li = 0; li < lines.Length; li++)
        {
            string line = lines[li];
            string trimmed = line.Trim();
            List<string>? block = trimmed switch
            {
                CellPlaceholder => cell,
                CoordPlaceholder => coord,
                KindsPlaceholder => kinds,
                _ => null,
            };
            if (block is not null)
            {
                string indent = line[..(line.Length - line.TrimStart().Length)];
                for (int i = 0; i < block.Count; i++)
                {
                    sb.Append(indent).Append(block[i]);
                    if (i < block.Count - 1)
                        sb.Append('\n');
                }
            }
            else
            {
                sb.Append(line
                    .Replace(CellPlaceholder, string.Join("\n", cell), StringComparison.Ordinal)
                    .Replace(CoordPlaceholder, string.Join("\n", coord), StringComparison.Ordinal)
                    .Replace(KindsPlaceholder, string.Join("\n", kinds), StringComparison.Ordinal)
                    .Replace(ProjectPlaceholder, project, StringComparison.Ordinal));
            }
            if (li < lines.Length - 1)
                sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The Monkhorst–Pack mesh of <paramref name="settings"/>' k-spacing for <paramref name="lattice"/>, or null for Γ only.</summary>
    public static (int A, int B, int C)? KPointMesh(Lattice lattice, Cp2kSettings settings)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.KSpacing is not { } k)
            return null;
        var mesh = Vasp.VaspKPoints.FromSpacing(k).MeshFor(lattice);
        return mesh == (1, 1, 1) ? null : mesh;
    }

    /// <summary>Below this perpendicular width (Å), a cell run at Γ only gets a warning.</summary>
    public const double GammaOnlyMinWidth = 10.0;

    /// <summary>
    /// A warning when <paramref name="frame"/>'s cell is narrower than <see cref="GammaOnlyMinWidth"/> along some axis
    /// and is run at Γ only (Γ-only labels of small cells are far from converged); null otherwise.
    /// </summary>
    public static string? GammaOnlyWarning(Frame frame, Cp2kSettings settings)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(settings);
        if (frame.Lattice is not { } l || KPointMesh(l, settings) is not null || settings.Template is not null)
            return null;
        var m = l.Matrix;
        Vec3 a = m.Row(0), b = m.Row(1), c = m.Row(2);
        double v = l.Volume;
        double width = Math.Min(v / Vec3.Cross(b, c).Length, Math.Min(v / Vec3.Cross(c, a).Length, v / Vec3.Cross(a, b).Length));
        return width < GammaOnlyMinWidth
            ? string.Create(CultureInfo.InvariantCulture, $"{frame.Formula}: the cell is {width:F2} Å wide and runs at Γ only: its labels are far from converged; give --kspacing (e.g. 0.25 Å⁻¹) or a supercell of at least {GammaOnlyMinWidth} Å")
            : null;
    }

    static string BuiltIn(List<string> cell, List<string> coord, List<string> kinds, Cp2kSettings s, (int A, int B, int C)? mesh)
    {
        var sb = new StringBuilder(2048 + 64 * coord.Count);
        void L(string text) => sb.Append(text).Append('\n');
        void Block(List<string> lines, string indent)
        {
            foreach (string line in lines)
                L(indent + line);
        }

        L($"{Header}, quality {s.Quality}.");
        L($"! Forces: {ForcesFile} (Ha/bohr); stress: {StressFile} (GPa, positive = compressed).");
        L("&GLOBAL");
        L($"  PROJECT {s.Project}");
        L("  RUN_TYPE ENERGY_FORCE");
        L("  PRINT_LEVEL LOW");
        L("&END GLOBAL");
        L("&FORCE_EVAL");
        L("  METHOD Quickstep");
        L("  STRESS_TENSOR ANALYTICAL");
        L("  &DFT");
        L($"    BASIS_SET_FILE_NAME {s.BasisSetFile}");
        L($"    POTENTIAL_FILE_NAME {s.PotentialFile}");
        if (s.Charge != 0)
            L($"    CHARGE {s.Charge.ToString(CultureInfo.InvariantCulture)}");
        if (s.Uks || s.Multiplicity is { } m && m != 1)
            L("    UKS");
        if (s.Multiplicity is { } mult)
            L($"    MULTIPLICITY {mult.ToString(CultureInfo.InvariantCulture)}");
        L("    &QS");
        L($"      EPS_DEFAULT {F(s.EpsDefault)}");
        L("    &END QS");
        if (mesh is var (ka, kb, kc))
        {
            L("    &KPOINTS");
            L(string.Create(CultureInfo.InvariantCulture, $"      SCHEME MONKHORST-PACK {ka} {kb} {kc}"));
            L("      SYMMETRY OFF");
            L("      FULL_GRID ON");
            L("    &END KPOINTS");
        }
        L("    &MGRID");
        L($"      CUTOFF {F(s.Cutoff)}");
        L($"      REL_CUTOFF {F(s.RelCutoff)}");
        L("    &END MGRID");
        L("    &SCF");
        L("      SCF_GUESS ATOMIC");
        L($"      EPS_SCF {F(s.EpsScf)}");
        L($"      MAX_SCF {s.MaxScf.ToString(CultureInfo.InvariantCulture)}");
        if (s.SmearingTemperature is not null)
            L($"      ADDED_MOS {s.AddedMos.ToString(CultureInfo.InvariantCulture)}");
        L("      &DIAGONALIZATION");
        L("        ALGORITHM STANDARD");
        L("      &END DIAGONALIZATION");
        L("      &MIXING");
        L("        METHOD BROYDEN_MIXING");
        L("        ALPHA 0.4");
        L("      &END MIXING");
        if (s.SmearingTemperature is { } t)
        {
            L("      &SMEAR");
            L("        METHOD FERMI_DIRAC");
            L($"        ELECTRONIC_TEMPERATURE {F(t)}");
            L("      &END SMEAR");
        }
        L("      &PRINT");
        L("        &RESTART OFF");
        L("        &END RESTART");
        L("      &END PRINT");
        L("    &END SCF");
        L("    &XC");
        L($"      &XC_FUNCTIONAL {s.Xc}");
        L("      &END XC_FUNCTIONAL");
        L("    &END XC");
        L("  &END DFT");
        L("  &SUBSYS");
        L("    &CELL");
        Block(cell, "      ");
        L("    &END CELL");
        L("    &COORD");
        Block(coord, "      ");
        L("    &END COORD");
        Block(kinds, "    ");
        L("  &END SUBSYS");
        L("  &PRINT");
        L("    &FORCES ON");
        L($"      FILENAME ={ForcesFile}");
        L("    &END FORCES");
        L("    &STRESS_TENSOR ON");
        L($"      FILENAME ={StressFile}");
        L("    &END STRESS_TENSOR");
        L("  &END PRINT");
        L("&END FORCE_EVAL");
        return sb.ToString();
    }
}
