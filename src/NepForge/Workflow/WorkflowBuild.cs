using System.Globalization;
using NepForge.Formats;
using NepForge.Structures;

namespace NepForge.Workflow;

/// <summary>
/// Boxes of molecules built with packmol (<c>nepforge build box</c>): the workflow's starting structures
/// (<c>stages.build</c>) or a generation's exploration boxes (<c>active_learning.explore.build</c>, e.g. a denser box
/// than the training set's).
/// </summary>
public sealed record BuildSpec
{
    /// <summary>Molecule (built-in name such as H2, or a file) and count, in output order.</summary>
    public required IReadOnlyList<(string Molecule, int Count)> Molecules { get; init; }

    /// <summary>Box lengths a, b, c, Å (or null with <see cref="Density"/>).</summary>
    public Vec3? Box { get; init; }

    /// <summary>Density, g/cm³, of a cubic box (instead of <see cref="Box"/>).</summary>
    public double? Density { get; init; }

    /// <summary>Boxes to build; box k uses packmol seed <see cref="Seed"/> + k.</summary>
    public int Count { get; init; } = 1;

    /// <summary>packmol seed of the first box.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Smallest intermolecular distance, Å (packmol tolerance).</summary>
    public double Tolerance { get; init; } = 2.0;

    /// <summary>Builds the boxes; <paramref name="seedOffset"/> moves every seed (a generation's boxes differ from the last's).</summary>
    public List<Frame> BuildAll(int seedOffset = 0)
    {
        var species = Molecules.Select(m => new BoxSpecies(MoleculeFile.Resolve(m.Molecule), m.Count)).ToList();
        var frames = new List<Frame>();
        for (int k = 0; k < Count; k++)
        {
            var result = BoxBuilder.Build(new BoxBuildOptions
            {
                Species = species,
                Box = Box,
                Density = Density,
                Tolerance = Tolerance,
                Seed = Seed + seedOffset + k,
            });
            frames.Add(result.Frame);
        }
        return frames;
    }

    /// <summary>Reads a <c>build</c> block: <c>{molecules: {H2: 50}, box: [20, 20, 15] | density: 0.07, count: 4, seed: 1, tolerance: 2.0}</c>.</summary>
    internal static BuildSpec Parse(YamlNode n, string baseDir)
    {
        n.AllowOnly("molecules", "box", "density", "count", "seed", "tolerance");
        var molecules = new List<(string, int)>();
        var node = n.Required("molecules");
        if (!node.IsMap)
            throw node.Error("expected a map of molecule → count, e.g. {H2: 50}");
        foreach (var (key, value) in node.Entries())
        {
            int count = value.Int();
            if (count < 1)
                throw value.Error("a molecule count must be ≥ 1");
            string name = key;
            if (!Molecule.TryGetBuiltin(key, out _))
            {
                // Not a built-in molecule: a file next to the workflow file.
                name = Path.GetFullPath(Path.Combine(baseDir, key));
                if (!File.Exists(name))
                    throw value.Error($"'{key}' is neither a built-in molecule ({string.Join(", ", Molecule.BuiltinNames)}) nor a file");
            }
            molecules.Add((name, count));
        }
        Vec3? box = null;
        if (n.Get("box") is { } b)
        {
            var l = b.Items().Select(i => i.Number()).ToList();
            if (l.Count == 1)
                l = [l[0], l[0], l[0]];
            if (l.Count != 3 || l.Any(x => !(x > 0)))
                throw b.Error("box: one edge or three edges a, b, c in Å, each > 0");
            box = new Vec3(l[0], l[1], l[2]);
        }
        double? density = n.Get("density")?.Number();
        if ((box is null) == (density is null))
            throw n.Error("give box: [a, b, c] (Å) or density (g/cm³), not both");
        var spec = new BuildSpec
        {
            Molecules = molecules,
            Box = box,
            Density = density,
            Count = n.Get("count")?.Int() ?? 1,
            Seed = n.Get("seed")?.Int() ?? 1,
            Tolerance = n.Get("tolerance")?.Number() ?? 2.0,
        };
        if (spec.Count < 1)
            throw n.Required("count").Error("must be ≥ 1");
        if (spec.Seed < 0)
            throw n.Required("seed").Error("packmol seeds are ≥ 0");
        return spec;
    }

    /// <summary>A short description: "50 H2 in 20×20×15 Å".</summary>
    public string Describe() =>
        string.Join(" + ", Molecules.Select(m => $"{m.Count} {Path.GetFileNameWithoutExtension(m.Molecule)}"))
        + (Box is { } b ? string.Create(CultureInfo.InvariantCulture, $" in {b.X:0.##}×{b.Y:0.##}×{b.Z:0.##} Å") : string.Create(CultureInfo.InvariantCulture, $" at {Density:0.###} g/cm³"));
}

/// <summary>
/// An initial set from MD with a NEP model the user supplies (<c>stages.md</c>; e.g. a general-purpose model such as
/// NEP89): the same library call as <c>nepforge md</c>, from the build stage's boxes or given structures.
/// </summary>
public sealed record InitialMdSpec
{
    /// <summary>The NEP model (nep.txt).</summary>
    public required string Model { get; init; }

    /// <summary>Starting structures (null: the build stage's boxes).</summary>
    public string? Structures { get; init; }

    /// <summary>Thermostat target at the start, K.</summary>
    public required double StartTemperature { get; init; }

    /// <summary>Thermostat target at the end of the ramp (= start for a constant temperature), K.</summary>
    public required double EndTemperature { get; init; }

    /// <summary>Ramp steps.</summary>
    public required int Steps { get; init; }

    /// <summary>Steps at the end temperature after the ramp.</summary>
    public int HoldSteps { get; init; }

    /// <summary>Time step, fs.</summary>
    public double Timestep { get; init; } = 1.0;

    /// <summary>Dump every this many steps.</summary>
    public int DumpEvery { get; init; } = 10;

    /// <summary>Seed (structure k uses seed + k).</summary>
    public int Seed { get; init; } = 1;

    internal static InitialMdSpec Parse(YamlNode n, string baseDir)
    {
        n.AllowOnly("model", "structures", "temperature", "steps", "hold_steps", "timestep", "dump_every", "seed");
        var model = Path.GetFullPath(Path.Combine(baseDir, n.Required("model").String()));
        if (!File.Exists(model))
            throw n.Required("model").Error($"no such file: {model}");
        string? structures = null;
        if (n.Get("structures") is { } s)
        {
            structures = Path.GetFullPath(Path.Combine(baseDir, s.String()));
            if (!File.Exists(structures))
                throw s.Error($"no such file: {structures}");
        }
        var (t0, t1) = ParseTemperature(n.Required("temperature"));
        var spec = new InitialMdSpec
        {
            Model = model,
            Structures = structures,
            StartTemperature = t0,
            EndTemperature = t1,
            Steps = n.Required("steps").Int(),
            HoldSteps = n.Get("hold_steps")?.Int() ?? 0,
            Timestep = n.Get("timestep")?.Number() ?? 1.0,
            DumpEvery = n.Get("dump_every")?.Int() ?? 10,
            Seed = n.Get("seed")?.Int() ?? 1,
        };
        if (spec.Steps < 1 || spec.HoldSteps < 0 || spec.DumpEvery < 1 || !(spec.Timestep > 0))
            throw n.Error("steps ≥ 1, hold_steps ≥ 0, dump_every ≥ 1 and timestep > 0 fs");
        return spec;
    }

    /// <summary>A temperature (300) or a ramp ("10:300").</summary>
    internal static (double Start, double End) ParseTemperature(YamlNode node) =>
        Nep.MdTemperatureRamp.ParseRange(node.String(), out string? error) ?? throw node.Error(error!);
}
