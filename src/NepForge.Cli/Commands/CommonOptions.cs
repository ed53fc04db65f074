using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;

namespace NepForge.Cli.Commands;

/// <summary>Options several verbs share, built fresh per command (an Option belongs to one parent).</summary>
static class CommonOptions
{
    public static Option<string> Output(bool required = true) => new("--output", "-o")
    {
        Description = "Output file (\"-\" = stdout, extxyz)",
        Required = required,
        HelpName = "OUT",
    };

    public static Option<bool> SkipBad() => new("--skip-bad")
    {
        Description = "Skip bad frames (each is reported on stderr) instead of stopping at the first",
    };

    public static Option<string?> From() => new("--from")
    {
        Description = "Input format: extxyz, poscar or poscar-folder (default: from the name)",
        HelpName = "FORMAT",
    };

    public static Option<string[]> Species() => new("--species")
    {
        Description = "Species of the count groups of a VASP 4 POSCAR without a species line, e.g. --species Fe P O",
        AllowMultipleArgumentsPerToken = true,
        HelpName = "SYMBOL",
    };

    public static StructureReadOptions ReadOptions(ParseResult r, CliContext cli, Option<bool> skipBad, Option<string[]>? species = null)
    {
        var sp = species is null ? null : r.GetValue(species);
        return new StructureReadOptions
        {
            SkipBad = r.GetValue(skipBad),
            OnDiagnostic = cli.Warn,
            PoscarSpecies = sp is { Length: > 0 } ? sp.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray() : null,
        };
    }

    /// <summary>
    /// Adds <c>--stress</c> to a verb that writes labelled extxyz: <c>virial=</c> only by default (what GPUMD's nep reads,
    /// without its per-structure "both virials and stresses" warning), ASE's <c>stress=</c> as well on request.
    /// </summary>
    public static Option<bool> AddStress(Command command)
    {
        var stress = new Option<bool>("--stress")
        {
            Description = "Also write ASE's stress= (eV/Å³, = −virial/V) next to virial= (default: virial= only, as GPUMD's nep reads it without a warning)",
        };
        command.Options.Add(stress);
        return stress;
    }

    /// <summary>The extxyz writer options a verb's <c>--stress</c> asks for.</summary>
    public static ExtXyzWriteOptions XyzWrite(ParseResult r, Option<bool> stress) => new() { WriteStress = r.GetValue(stress) };

    /// <summary>Refuses an output that would replace one of the inputs (the same file or folder, links followed).</summary>
    public static void RefuseInputAsOutput(string output, params IEnumerable<string> inputs)
    {
        if (NepForge.IO.OutputPaths.InputReplacedBy(output, inputs) is not null)
            throw new UsageException($"the output '{output}' is also an input; write to a new file");
    }

    // One meaning per short flag across verbs: -t threads, -j parallel jobs, -m model, -T temperature, -n count.

    /// <summary><c>-t, --threads</c>: threads of one process (0 = one per processor).</summary>
    public static Option<int> Threads(string description = "Threads (default: one per processor)") => new("--threads", "-t")
    {
        Description = description,
        DefaultValueFactory = _ => 0,
        HelpName = "N",
    };

    /// <summary><c>-j, --jobs</c>: jobs run at once (as in make -j).</summary>
    public static Option<int> Jobs(string description, int fallback) => new("--jobs", "-j")
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        HelpName = "N",
    };

    /// <summary><c>--seed</c> of a random verb: drawn, printed and recorded when not given (<see cref="DrawSeed"/>).</summary>
    public static Option<int?> Seed(string what) => new("--seed")
    {
        Description = what + " (default: a new one, drawn and printed; give it to repeat a run)",
        HelpName = "S",
    };

    /// <summary>The seed given, or a fresh one printed as "VERB: seed S (give --seed S to repeat this run)".</summary>
    public static int DrawSeed(ParseResult r, Option<int?> seed, CliContext cli, string verb)
    {
        if (r.GetValue(seed) is { } s)
            return s;
        int fresh = Random.Shared.Next(0, int.MaxValue);
        cli.Note($"{verb}: seed {fresh} (give --seed {fresh} to repeat this run)");
        return fresh;
    }

    /// <summary>
    /// An old option name kept working for users' scripts but left out of --help; read it with <see cref="Either{T}"/>.
    /// </summary>
    public static Option<T> HiddenAlias<T>(string name, Option<T> current) => new(name)
    {
        Description = $"Old name of {current.Name}",
        Hidden = true,
        Arity = current.Arity,
        AllowMultipleArgumentsPerToken = current.AllowMultipleArgumentsPerToken,
    };

    /// <summary>The value of <paramref name="current"/>, or of its old name when only that was given.</summary>
    public static T? Either<T>(ParseResult r, Option<T> current, Option<T> old) =>
        r.GetResult(old) is { Implicit: false } && r.GetResult(current) is null or { Implicit: true } ? r.GetValue(old) : r.GetValue(current);

    public static StructureFormat? ParseFormat(string? name) => name is null ? null : StructureFormats.Parse(name);

    /// <summary>The format to write: <paramref name="to"/> (--to) when given, else the library's guess from the name; a name that says nothing is a usage error.</summary>
    public static StructureFormat OutputFormat(string path, string? to = null)
    {
        try
        {
            return ParseFormat(to) ?? StructureFormats.DetectOutput(path);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
