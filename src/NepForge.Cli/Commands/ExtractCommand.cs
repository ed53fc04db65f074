using System.CommandLine;
using System.Globalization;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.Formats.Vasp;
using NepForge.IO;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge extract PATH… -o OUT.xyz</c>: every ionic step of OUTCARs / vasprun.xml files into extxyz.</summary>
static class ExtractCommand
{
    public static Command Create(CliContext cli)
    {
        var paths = new Argument<string[]>("paths") { Description = "OUTCAR or vasprun.xml files, or folders searched recursively for them (.gz too); CP2K single-point logs and Quantum ESPRESSO pw.x outputs (recognised by their first lines)", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Output();
        var every = new Option<int>("--every") { Description = "Keep every N-th step of each file", DefaultValueFactory = _ => 1, HelpName = "N" };
        var skipFirst = new Option<int>("--skip-first") { Description = "Drop the first N steps of each file (equilibration)", HelpName = "N" };
        var energy = new Option<string>("--energy") { Description = "Energy label: free (TOTEN, default), sigma0, no-entropy", DefaultValueFactory = _ => "free", HelpName = "KIND" };
        var keepUnconverged = new Option<bool>("--keep-unconverged") { Description = "Keep electronically unconverged steps (dropped and counted by default); they get scf_converged=F" };
        var mlFrames = new Option<bool>("--ml-frames") { Description = "Also keep VASP machine-learned force-field steps, marked ml_frame=T (not DFT labels)" };
        var configType = new Option<string?>("--config-type") { Description = "config_type of every frame (default: the name of the folder holding the file)", HelpName = "NAME" };
        var format = new Option<string?>("--format") { Description = "Read only OUTCARs (outcar) or only vasprun.xml (xml); default: OUTCAR when a folder has both", HelpName = "outcar|xml" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout" };
        var strict = new Option<bool>("--strict") { Description = "Exit non-zero on any warning, unreadable file or dropped step" };
        var skipBad = new Option<bool>("--skip-bad") { Description = "Skip (and report) steps with NaN or infinite values instead of stopping that file with an error" };
        var command = new Command("extract", "Extract every ionic step (energy, forces, virial) of VASP OUTCAR / vasprun.xml files, CP2K logs and QE pw.x outputs into one extxyz, dropping unconverged steps")
        {
            paths, output, every, skipFirst, energy, keepUnconverged, mlFrames, configType, format, json, strict, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            if (r.GetValue(every) < 1)
                throw new UsageException("--every must be ≥ 1");
            if (r.GetValue(skipFirst) < 0)
                throw new UsageException("--skip-first must be ≥ 0");
            VaspEnergyKind kind;
            try
            {
                kind = VaspEnergyKinds.Parse(r.GetValue(energy)!);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--energy: {e.Message}");
            }
            var source = r.GetValue(format)?.ToLowerInvariant() switch
            {
                null => VaspSourceKind.Auto,
                "outcar" => VaspSourceKind.Outcar,
                "xml" or "vasprun" => VaspSourceKind.Vasprun,
                var other => throw new UsageException($"--format {other}: use outcar or xml"),
            };
            var progress = cli.Progress;
            var extractor = new VaspExtractor(new VaspExtractOptions
            {
                Energy = kind,
                KeepUnconverged = r.GetValue(keepUnconverged),
                IncludeMachineLearned = r.GetValue(mlFrames),
                Every = r.GetValue(every),
                SkipFirst = r.GetValue(skipFirst),
                ConfigType = r.GetValue(configType),
                Source = source,
                SkipBad = r.GetValue(skipBad),
                OnDiagnostic = cli.Warn,
                Progress = progress,
            });
            string outPath = r.GetValue(output)!;
            // CP2K logs and pw.x outputs made by hand are read by their own readers; everything else is VASP's.
            var all = r.GetValue(paths)!;
            var others = all.Where(p => OtherEngineOutputs.EngineOf(p) is not null).ToList();
            var vaspPaths = all.Except(others).ToList();
            var otherSummaries = new List<OtherEngineSummary>();
            IEnumerable<NepForge.Structures.Frame> Others()
            {
                foreach (string p in others)
                {
                    var (frames, summary) = OtherEngineOutputs.Read(p, r.GetValue(keepUnconverged));
                    otherSummaries.Add(summary);
                    string ct = r.GetValue(configType) ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(p))) ?? "";
                    foreach (var f in frames)
                    {
                        f.Info.ConfigType = ct;
                        yield return f;
                    }
                }
            }
            CommonOptions.RefuseInputAsOutput(outPath, all.Concat(all.Where(Directory.Exists).SelectMany(a => VaspExtractor.FindInputs(a, source))));
            // The output is committed only when the command succeeds: an extract that exits 1 leaves no file behind.
            using var file = AtomicFile.Create(outPath);
            long written;
            using (var writer = new ExtXyzWriter(file.Stream, CommonOptions.XyzWrite(r, stress), leaveOpen: true))
            {
                writer.WriteAll(vaspPaths.Count > 0 ? extractor.Extract([.. vaspPaths]).Concat(Others()) : Others());
                writer.Flush();
                written = writer.FramesWritten;
            }
            progress.Clear();
            // Said, not silent: a folder search reads only OUTCAR and vasprun.xml, never OUTCAR.unfinished or vasprun.1.xml.
            var lookalikes = all.SelectMany(VaspExtractor.SkippedLookalikes).ToList();
            if (lookalikes.Count > 0)
            {
                string shownNames = string.Join(", ", lookalikes.Take(5)) + (lookalikes.Count > 5 ? ", …" : "");
                cli.Note($"extract: skipped {lookalikes.Count} file(s) in the folder search not named OUTCAR or vasprun.xml ({shownNames}); give them by name to read them");
            }
            foreach (var o in otherSummaries)
                cli.Note(string.Create(CultureInfo.InvariantCulture, $"{o.Path}: {o.Engine}, {o.Steps} step(s), {o.Kept} kept, {o.Unconverged} unconverged; {o.Reason}"));
            if (vaspPaths.Count == 0)
            {
                if (written > 0)
                    file.Commit();
                cli.Note($"extract: {written} frame(s) from {others.Count} file(s) → {(written > 0 ? outPath : "nothing written")}");
                return written > 0 ? CliContext.Success : CliContext.Failure;
            }
            var files = extractor.Files;
            bool anyRead = files.Any(f => f.Error is null && f.Steps > 0);
            bool problems = files.Any(f => f.Error is not null || f.Warnings.Count > 0 || f.Unconverged > 0 || f.Truncated);
            bool failed = files.Count == 0 || !anyRead || (r.GetValue(strict) && problems);
            if (!failed)
                file.Commit();
            string shown = failed && outPath != "-" ? "nothing written" : outPath;
            if (r.GetValue(json))
                cli.Out.WriteLine(VaspFileSummary.ToJson(shown, written, files));
            else
                WriteTable(cli.Error, files, written, shown);

            if (files.Count == 0)
                cli.Error.WriteLine("nepforge: error: no OUTCAR or vasprun.xml found");
            return failed ? CliContext.Failure : CliContext.Success;
        }));
        return command;
    }

    static void WriteTable(TextWriter o, List<VaspFileSummary> files, long written, string outPath)
    {
        var rows = files.Select(f => new[]
        {
            f.Path, f.Format, f.Version ?? "?", f.Steps.ToString(CultureInfo.InvariantCulture), f.Kept.ToString(CultureInfo.InvariantCulture),
            f.Unconverged.ToString(CultureInfo.InvariantCulture), f.Truncated ? "yes" : "no", f.Error is not null ? "ERROR" : f.Warnings.Count.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        string[] head = ["file", "format", "VASP", "steps", "kept", "unconverged", "truncated", "warnings"];
        var widths = head.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i is >= 3 and <= 5 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        o.WriteLine(Line(head));
        foreach (var row in rows)
            o.WriteLine(Line(row));
        foreach (var f in files.Where(f => f.Error is not null))
            o.WriteLine(f.Error!.StartsWith(f.Path + ":", StringComparison.Ordinal) ? $"error: {f.Error}" : $"error: {f.Path}: {f.Error}");
        o.WriteLine($"extract: {written} frame(s) from {files.Count} file(s) → {outPath}");
    }
}
