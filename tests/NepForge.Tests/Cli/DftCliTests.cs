using System.Text.Json;
using NepForge.Formats.ExtXyz;
using NepForge.Tests.Scheduling;

namespace NepForge.Tests.Cli;

public sealed class DftCliTests : IDisposable
{
    readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    // Job folders as if VASP had run: converged, electronically unconverged, killed mid-run, not run yet.
    string VaspJobs()
    {
        string jobs = _cli.PathOf("jobs");
        foreach (var (name, outcar) in new[] { ("000001", "pymatgen-core/static_silicon/OUTCAR"), ("000002", "aiida-vasp/elec-unconverged/OUTCAR"), ("000003", "custodian/potim/OUTCAR"), ("000004", "dpdata/OUTCAR.h2o.md") })
        {
            Directory.CreateDirectory(Path.Combine(jobs, name));
            File.Copy(Fixtures.Path("vasp/" + outcar), Path.Combine(jobs, name, "OUTCAR"));
            File.WriteAllText(Path.Combine(jobs, name, "INCAR"), "ENCUT = 400\n");
        }
        Directory.CreateDirectory(Path.Combine(jobs, "000005"));
        File.WriteAllText(Path.Combine(jobs, "000005", "INCAR"), "ENCUT = 400\n");
        return jobs;
    }

    [FixtureFact]
    public void Status_classifies_vasp_folders_made_by_hand()
    {
        string jobs = VaspJobs();
        var (code, output, _) = _cli.Run("dft", "status", jobs, "--json");
        Assert.Equal(0, code);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var states = rows.ToDictionary(r => Path.GetFileName(r.GetProperty("folder").GetString()!), r => r.GetProperty("state").GetString());
        Assert.Equal("converged", states["000001"]);
        Assert.Equal("unconverged", states["000002"]);
        Assert.Equal("incomplete", states["000003"]);
        Assert.Equal("converged", states["000004"]);
        Assert.Equal("prepared", states["000005"]);
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("reason").GetString())));
    }

    [FixtureFact]
    public void Collect_takes_only_converged_jobs_and_stops_on_too_many_failures()
    {
        string jobs = VaspJobs();
        var (code, _, err) = _cli.Run("dft", "collect", jobs, "-o", _cli.PathOf("train.xyz"));
        Assert.Equal(1, code); // 2 of 4 finished jobs failed: over the default 5 %
        Assert.Contains("--max-failed", err);
        Assert.False(File.Exists(_cli.PathOf("train.xyz")));
        Assert.Equal(0, _cli.Run("dft", "collect", jobs, "-o", _cli.PathOf("train.xyz"), "--max-failed", "0.6").Code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")).ToList();
        Assert.Equal(2, frames.Count);
        Assert.Equal(-10.645278, frames[0].Energy); // static_silicon TOTEN
        Assert.Equal(-28.46658469, frames[1].Energy); // last step of OUTCAR.h2o.md
        Assert.All(frames, f => Assert.NotNull(f.Info.GetExtra("dft_folder")));
    }

    // VASP job folders as `dft prepare` writes them (POTCAR from a library), each for the structure of the converged
    // fixture OUTCAR (static Si2), so that the outputs copied in below pass the check against structure.xyz.
    List<string> PreparedVaspJobs(int count)
    {
        Assert.Equal(0, _cli.Run("extract", Fixtures.Path("vasp/pymatgen-core/static_silicon/OUTCAR"), "-o", _cli.PathOf("si2.xyz")).Code);
        Assert.Equal(0, _cli.Run(["merge", .. Enumerable.Repeat(_cli.PathOf("si2.xyz"), count), "-o", _cli.PathOf("in.xyz")]).Code);
        string lib = _cli.PathOf("potcars");
        Directory.CreateDirectory(Path.Combine(lib, "Si_GW"));
        File.WriteAllText(Path.Combine(lib, "Si_GW", "POTCAR"), "  PAW_PBE Si_GW 05Dec2008\n 4.0\n parameters from PSCTR are:\n   VRHFIN =Si: s1p3\n   TITEL  = PAW_PBE Si_GW 05Dec2008\n End of Dataset\n");
        var (code, _, err) = _cli.Run("dft", "prepare", _cli.PathOf("in.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "vasp",
            "--set", "ENCUT=400", "--set", "NELM=60", "--kspacing", "0.3", "--potcar-dir", lib, "--potcar-map", "Si=Si_GW");
        Assert.True(code == 0, err);
        return NepForge.Dft.DftJobs.Find(_cli.PathOf("jobs"));
    }

    [FixtureFact]
    public void Vasp_end_to_end_prepared_folders_with_real_outputs_are_classified_and_only_good_ones_collected()
    {
        var jobs = PreparedVaspJobs(5);
        Assert.Equal(5, jobs.Count);
        Assert.All(jobs, j => Assert.True(File.Exists(Path.Combine(j, "POTCAR")) && File.Exists(Path.Combine(j, "KPOINTS"))));
        Assert.Contains("Si_GW", File.ReadAllText(Path.Combine(jobs[0], "POTCAR")));
        // As if VASP had run: converged, electronically unconverged, cut off in the first SCF, crashed, not run.
        File.Copy(Fixtures.Path("vasp/pymatgen-core/static_silicon/OUTCAR"), Path.Combine(jobs[0], "OUTCAR"));
        File.Copy(Fixtures.Path("vasp/aiida-vasp/elec-unconverged/OUTCAR"), Path.Combine(jobs[1], "OUTCAR"));
        File.Copy(Fixtures.Path("vasp/aiida-vasp/unfinished/OUTCAR"), Path.Combine(jobs[2], "OUTCAR"));
        File.Copy(Fixtures.Path("vasp/custodian/potim/OUTCAR"), Path.Combine(jobs[3], "OUTCAR"));
        File.WriteAllText(Path.Combine(jobs[3], "vasp.out"), " ZBRENT: fatal error in bracketing\n");

        var (code, output, _) = _cli.Run("dft", "status", _cli.PathOf("jobs"), "--json");
        Assert.Equal(0, code);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["converged", "unconverged", "incomplete", "crashed", "prepared"], rows.Select(r => r.GetProperty("state").GetString()));
        Assert.Contains("ZBRENT", rows[3].GetProperty("reason").GetString());
        var (_, text, _) = _cli.Run("dft", "status", _cli.PathOf("jobs"));
        Assert.Contains("crashed             1", text);

        Assert.Equal(1, _cli.Run("dft", "collect", _cli.PathOf("jobs"), "-o", _cli.PathOf("train.xyz")).Code);
        Assert.Equal(0, _cli.Run("dft", "collect", _cli.PathOf("jobs"), "-o", _cli.PathOf("train.xyz"), "--max-failed", "0.8").Code);
        var frame = Assert.Single(ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")));
        Assert.Equal(-10.645278, frame.Energy);
        Assert.Equal("static_silicon", frame.Info.ConfigType); // the provenance of the structure that went in
        Assert.EndsWith("000001", frame.Info.GetExtra("dft_folder"));
    }

    [FixtureFact]
    public void Vasp_aimd_folders_get_md_inputs_and_collect_every_converged_step()
    {
        // The AIMD starts from the first structure of the real AIMD OUTCAR copied in below (H4O2).
        string one = WriteFirstStep(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md"));
        Assert.Equal(0, _cli.Run("dft", "prepare", one, "-o", _cli.PathOf("md"), "--engine", "vasp", "--set", "ENCUT=300",
            "--aimd", "--temperature", "600", "--steps", "50", "--timestep", "2").Code);
        string job = Path.Combine(_cli.PathOf("md"), "000001");
        var incar = NepForge.Dft.Vasp.Incar.Load(Path.Combine(job, "INCAR"));
        Assert.Equal(("0", "50", "2", "600", "600", "2"), (incar["IBRION"], incar["NSW"], incar["POTIM"], incar["TEBEG"], incar["TEEND"], incar["MDALGO"]));
        Assert.Equal("aimd", NepForge.Dft.DftJobRecord.Load(job)!.Kind);
        // As if VASP had run the MD: a real 3-step AIMD OUTCAR.
        File.Copy(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md"), Path.Combine(job, "OUTCAR"));
        Assert.Equal(0, _cli.Run("dft", "collect", _cli.PathOf("md"), "-o", _cli.PathOf("md.xyz")).Code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("md.xyz")).ToList();
        Assert.True(frames.Count > 1, $"only {frames.Count} frame(s) collected from the AIMD");
        Assert.Equal(-28.46658469, frames[^1].Energy);
        Assert.Equal(frames.Count, frames.Select(f => f.Info.SourceIndex).Distinct().Count());
        Assert.All(frames, f => Assert.Equal("dpdata", f.Info.ConfigType));
    }

    [FixtureFact]
    public void Vasp_unconverged_scf_is_rerun_with_algo_all_through_the_local_executor()
    {
        var jobs = PreparedVaspJobs(2);
        // A stand-in for VASP that only handles the process side: it leaves a real unconverged OUTCAR until the INCAR
        // asks for ALGO = All, then a real converged one.
        string conv = Fixtures.Path("vasp/pymatgen-core/static_silicon/OUTCAR");
        string unconv = Fixtures.Path("vasp/aiida-vasp/elec-unconverged/OUTCAR");
        string command = $"if grep -qiE '^ *ALGO *= *All' INCAR; then cp '{conv}' OUTCAR; else cp '{unconv}' OUTCAR; fi";
        var (code, _, err) = _cli.Run("dft", "run", _cli.PathOf("jobs"), "-j", "2", "--poll", "0.2", "--command", command);
        Assert.True(code == 0, err);
        Assert.Contains("rerun 2/3 with INCAR: ALGO=All NELM=200", err);
        Assert.Contains("done: 2 converged, 0 quarantined", err);
        foreach (string job in jobs)
        {
            var incar = NepForge.Dft.Vasp.Incar.Load(Path.Combine(job, "INCAR"));
            Assert.Equal(("All", "200", "400"), (incar["ALGO"], incar["NELM"], incar["ENCUT"]));
            Assert.True(File.Exists(Path.Combine(job, "attempt-1", "OUTCAR")));
            Assert.Equal(2, NepForge.Dft.DftJobRecord.Load(job)!.Attempts);
        }
        Assert.Equal(0, _cli.Run("dft", "collect", _cli.PathOf("jobs"), "-o", _cli.PathOf("train.xyz")).Code);
        Assert.Equal(2, ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")).Count());
    }

    [Cp2kFact]
    public void Cp2k_prepare_run_status_collect_end_to_end_and_rerun_is_idempotent()
    {
        // Two Si8 cells from the committed AIMD example, strained so the virial differs.
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        Assert.Equal(0, _cli.Run("sample", root, "-o", _cli.PathOf("two.xyz"), "--count", "2").Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("two.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "cp2k", "--cp2k-cutoff", "150").Code);
        var (code, _, err) = _cli.Run("dft", "run", _cli.PathOf("jobs"), "-j", "2", "--poll", "0.5");
        Assert.Equal(0, code);
        Assert.Contains("submitted 2", err);
        Assert.Contains("done: 2 converged, 0 quarantined", err);
        var (again, _, err2) = _cli.Run("dft", "run", _cli.PathOf("jobs"));
        Assert.Equal(0, again);
        Assert.DoesNotContain("submitted", err2);
        Assert.Contains("done: 2 converged", err2);
        var record = NepForge.Dft.DftJobRecord.Load(Path.Combine(_cli.PathOf("jobs"), "000001"))!;
        Assert.Equal(1, record.Attempts);
        Assert.Equal("local", record.Executor);
        Assert.Contains("in.inp", record.InputHashes.Keys);
        Assert.True(File.Exists(Path.Combine(_cli.PathOf("jobs"), "000001", "stdout.log")));
        Assert.Equal(0, _cli.Run("dft", "collect", _cli.PathOf("jobs"), "-o", _cli.PathOf("train.xyz")).Code);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")).ToList();
        Assert.Equal(2, frames.Count);
        foreach (var f in frames)
        {
            Assert.InRange(f.EnergyPerAtom!.Value, -106, -104); // CP2K GTH Si: about -105 eV/atom
            Assert.True(f.StressGpa!.Value.Trace / 3 > 5);         // SZV basis: compressed, about +16 GPa
            Assert.Equal("si8_aimd_900K", f.Info.ConfigType);     // provenance of the input structure
            Assert.Equal("cp2k_free_energy", f.Info.EnergyKind);
        }
        // The AIMD example was made with the same settings except the SCF details: energies agree closely.
        var source = ExtXyzReader.ReadFrames(root).ToList();
        Assert.Equal(source[0].Energy!.Value, frames[0].Energy!.Value, 2);
    }

    [SlurmFact]
    public void Cp2k_jobs_through_real_slurm_and_a_second_submit_submits_nothing()
    {
        Assert.True(NepForge.Dft.Cp2k.Cp2kRunner.Find() is not null, "CP2K is needed too (scripts/ensure-prerequisites.sh installs it)");
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        Assert.Equal(0, _cli.Run("sample", root, "-o", _cli.PathOf("two.xyz"), "--count", "2").Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("two.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "cp2k", "--cp2k-cutoff", "150").Code);
        var (code, _, err) = _cli.Run("dft", "submit", _cli.PathOf("jobs"), "--wait", "--poll", "0.5");
        Assert.Equal(0, code);
        Assert.Contains("submitted 2", err);
        Assert.Contains("done: 2 converged", err);
        // Two folders went in as one array; each task's output is in its own folder.
        var ids = new[] { "000001", "000002" }.Select(f => NepForge.Dft.DftJobRecord.Load(Path.Combine(_cli.PathOf("jobs"), f))!.JobId!).ToList();
        Assert.Equal(NepForge.Scheduling.SlurmClient.BaseId(ids[0]), NepForge.Scheduling.SlurmClient.BaseId(ids[1]));
        Assert.EndsWith("_1", ids[1]);
        Assert.Single(Directory.GetFiles(Path.Combine(_cli.PathOf("jobs"), "000002"), "slurm-*_1.out"));
        var (again, _, err2) = _cli.Run("dft", "submit", _cli.PathOf("jobs"));
        Assert.Equal(0, again);
        Assert.DoesNotContain("submitted", err2);
        Assert.Equal(0, _cli.Run("dft", "collect", _cli.PathOf("jobs"), "-o", _cli.PathOf("train.xyz")).Code);
        Assert.Equal(2, ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")).Count());
    }

    // Issue 13, point 3: an output copied into another job's folder was classed converged and collected under that
    // job's name. The first step must match structure.xyz (atoms, species order, positions, cell).
    [FixtureFact]
    public void Status_and_collect_check_each_output_against_its_structure()
    {
        string outcar = Fixtures.Path("vasp/pymatgen-core/static_silicon/OUTCAR");
        Assert.Equal(0, _cli.Run("extract", outcar, "-o", _cli.PathOf("si2.xyz")).Code);
        var si2 = ExtXyzReader.ReadFrames(_cli.PathOf("si2.xyz")).Single();
        var moved = si2.Clone();
        moved.Positions[3] += 0.1; // atom 2 moved 0.1 Å along x
        var h2o = ExtXyzReader.ReadFrames(Fixtures.Path("vasp/dpdata/OUTCAR.h2o.md") is var md && File.Exists(md) ? WriteFirstStep(md) : throw new FileNotFoundException(md)).Single();
        ExtXyzWriter.WriteFile(_cli.PathOf("in.xyz"), [si2, moved, h2o]);
        string jobs = _cli.PathOf("jobs");
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("in.xyz"), "-o", jobs, "--engine", "vasp", "--set", "ENCUT=400").Code);
        // The Si2 OUTCAR into all three: only the first job is really its run.
        foreach (var job in new[] { "000001", "000002", "000003" })
            File.Copy(outcar, Path.Combine(jobs, job, "OUTCAR"));

        var (code, output, _) = _cli.Run("dft", "status", jobs, "--json");
        Assert.Equal(0, code);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => Path.GetFileName(r.GetProperty("folder").GetString()!), r => (State: r.GetProperty("state").GetString(), Reason: r.GetProperty("reason").GetString()!));
        Assert.Equal("converged", rows["000001"].State);
        Assert.Equal("mismatched", rows["000002"].State);
        Assert.Contains("differ from structure.xyz's by up to 0.1 Å (atom 2, Si", rows["000002"].Reason);
        Assert.Equal("mismatched", rows["000003"].State);
        Assert.Contains("the output has 2 atoms (Si2), structure.xyz has 6", rows["000003"].Reason);

        (code, _, var err) = _cli.Run("dft", "collect", jobs, "-o", _cli.PathOf("train.xyz"), "--max-failed", "0.9");
        Assert.True(code == 0, err);
        var frames = ExtXyzReader.ReadFrames(_cli.PathOf("train.xyz")).ToList();
        Assert.Equal(-10.645278, Assert.Single(frames).Energy);
        Assert.EndsWith("000001", frames[0].Info.GetExtra("dft_folder"));
        // With the default 5 %, two mismatched jobs out of three stop the collection.
        Assert.Equal(1, _cli.Run("dft", "collect", jobs, "-o", _cli.PathOf("train2.xyz")).Code);
    }

    string WriteFirstStep(string outcar)
    {
        Assert.Equal(0, _cli.Run("extract", outcar, "-o", _cli.PathOf("all.xyz")).Code);
        Assert.Equal(0, _cli.Run("sample", _cli.PathOf("all.xyz"), "-o", _cli.PathOf("first.xyz"), "--range", "0:1").Code);
        return _cli.PathOf("first.xyz");
    }

    // Issue 13, point 10: --dry-run used to print one sbatch per folder and ignore --array-max, while a real submit
    // sends one array. The preview must be the real submission's one sbatch line and script.
    [Fact]
    public void Slurm_dry_run_shows_the_one_array_sbatch_a_real_submit_runs()
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        Assert.Equal(0, _cli.Run("sample", root, "-o", _cli.PathOf("three.xyz"), "--count", "3").Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("three.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "cp2k").Code);
        string jobs = _cli.PathOf("jobs");
        var (code, output, err) = _cli.Run("dft", "submit", jobs, "--executor", "slurm", "--dry-run", "--array-max", "2", "--time", "30");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string scriptDir = Path.Combine(jobs, ".nepforge");
        string script = Path.Combine(scriptDir, "nf-dry-run.sh");
        Assert.Equal([$"sbatch --parsable --job-name=nf-dry-run --chdir={scriptDir} --array=0-2%2 {script}"], lines);
        Assert.Contains("one array of 3 task(s)", err);
        string text = File.ReadAllText(script);
        Assert.Contains("#SBATCH --time=00:30:00", text);
        foreach (var folder in new[] { "000001", "000002", "000003" })
            Assert.Contains(Path.Combine(jobs, folder), text);
        Assert.False(File.Exists(Path.Combine(jobs, "000001", "job.sh")));

        // The same folders through the executor a real submit uses, with sbatch answered by a fake: the same
        // arguments and the same script.
        var runner = new FakeRunner().Reply("sbatch", 0, "77\n");
        var executor = new NepForge.Scheduling.SlurmExecutor(new NepForge.Scheduling.SlurmClient(runner), new NepForge.Scheduling.SlurmScriptOptions
        {
            Command = NepForge.Dft.Cp2k.Cp2kRunner.JobCommand(false),
            Time = TimeSpan.FromMinutes(30),
        }, 2, scriptDir);
        string[] folders = [.. new[] { "000001", "000002", "000003" }.Select(f => Path.Combine(jobs, f))];
        File.Delete(script);
        Assert.Equal(["77_0", "77_1", "77_2"], executor.Submit(folders, "nf-dry-run"));
        Assert.Equal("sbatch " + string.Join(' ', runner.Calls.Single().Args), lines[0]);
        Assert.Equal(text, File.ReadAllText(script));

        // Nothing was submitted: every job is still prepared.
        (_, output, _) = _cli.Run("dft", "status", jobs, "--json");
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Equal("prepared", JsonDocument.Parse(l).RootElement.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("pbs", "job.pbs", "qsub '")]
    [InlineData("lsf", "job.lsf", "bsub < '")]
    public void Pbs_and_lsf_scripts_are_written_with_their_submit_lines(string executor, string file, string line)
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        Assert.Equal(0, _cli.Run("sample", root, "-o", _cli.PathOf("two.xyz"), "--count", "2").Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("two.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "cp2k").Code);
        var (code, output, err) = _cli.Run("dft", "submit", _cli.PathOf("jobs"), "--executor", executor, "--time", "30");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith(line, l));
        Assert.Contains("nothing submitted", err);
        string script = File.ReadAllText(Path.Combine(_cli.PathOf("jobs"), "000001", file));
        Assert.Contains("cp2k.psmp -i in.inp -o out.log", script);
        Assert.Contains(executor == "pbs" ? "#PBS -l walltime=00:30:00" : "#BSUB -W 0:30", script);
    }

    [Cp2kFact]
    public void Unconverged_cp2k_job_is_retried_with_escalated_scf_until_it_converges()
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../examples/si8-aimd/si8_aimd.xyz"));
        Assert.Equal(0, _cli.Run("sample", root, "-o", _cli.PathOf("one.xyz"), "--count", "1").Code);
        Assert.Equal(0, _cli.Run("dft", "prepare", _cli.PathOf("one.xyz"), "-o", _cli.PathOf("jobs"), "--engine", "cp2k", "--cp2k-cutoff", "150").Code);
        string job = Path.Combine(_cli.PathOf("jobs"), "000001");
        string input = Path.Combine(job, "in.inp");
        File.WriteAllText(input, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(input), @"MAX_SCF\s+\d+", "MAX_SCF 3"));
        var (code, _, err) = _cli.Run("dft", "run", _cli.PathOf("jobs"), "--poll", "0.5", "--escalate", "MAX_SCF=60");
        Assert.Equal(0, code);
        Assert.Contains("rerun 2/3 with in.inp: MAX_SCF=60", err);
        Assert.Equal(NepForge.Dft.DftJobState.Converged, NepForge.Dft.DftJobs.Inspect(job).State);
        Assert.Equal("attempt 2: in.inp: MAX_SCF=60", File.ReadAllLines(Path.Combine(job, "escalation.log"))[0]);
        Assert.Contains("SCF run NOT converged", File.ReadAllText(Path.Combine(job, "attempt-1", "out.log")));
        var record = NepForge.Dft.DftJobRecord.Load(job)!;
        Assert.Equal(2, record.Attempts);
        Assert.StartsWith("unconverged", record.History[0].Outcome);
        Assert.Equal("converged", record.History[1].Outcome);
    }
}
