using System.CommandLine;
using NepForge.Formats;
using NepForge.Formats.ExtXyz;
using NepForge.IO;
using NepForge.Sampling.Curation;
using NepForge.Structures;

namespace NepForge.Cli.Commands;

/// <summary><c>nepforge split IN --test 0.1 --seed S</c>: train/test sets, stratified by config_type.</summary>
static class SplitCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("input") { Description = "Dataset to split (extxyz or POSCAR folder; \"-\" = stdin)" };
        var test = new Option<double>("--test") { Description = "Fraction of each config_type that goes to the test set", Required = true, HelpName = "FRACTION" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the random choice (printed and recorded when not given)", HelpName = "S" };
        // -d, not -o: -o names an output file in every other verb.
        var dir = new Option<string>("--output-dir", "-d") { Description = "Folder for the two files (existing ones are kept unless --force)", DefaultValueFactory = _ => ".", HelpName = "DIR" };
        var oldDir = CommonOptions.HiddenAlias("-o", dir);
        var force = new Option<bool>("--force") { Description = "Replace train/test files that already exist in the output folder" };
        var trainName = new Option<string>("--train-name") { Description = "File name of the training set", DefaultValueFactory = _ => "train.xyz" };
        var testName = new Option<string>("--test-name") { Description = "File name of the test set", DefaultValueFactory = _ => "test.xyz" };
        var from = CommonOptions.From();
        var skipBad = CommonOptions.SkipBad();
        var command = new Command("split", "Split a dataset into train.xyz and test.xyz, stratified by config_type, with a seed")
        {
            input, test, seed, dir, oldDir, force, trainName, testName, from, skipBad,
        };
        var stress = CommonOptions.AddStress(command);
        command.SetAction(r => cli.Guard(() =>
        {
            double fraction = r.GetValue(test);
            if (fraction is < 0 or > 1)
                throw new UsageException("--test must be a fraction between 0 and 1");
            string inPath = r.GetValue(input)!;
            var format = CommonOptions.ParseFormat(r.GetValue(from)) ?? StructureFormats.DetectInput(inPath);
            var readOptions = CommonOptions.ReadOptions(r, cli, skipBad);
            string folder = CommonOptions.Either(r, dir, oldDir)!;
            string trainPath = Path.Combine(folder, r.GetValue(trainName)!), testPath = Path.Combine(folder, r.GetValue(testName)!);
            // Checked before any work: a split run twice in one folder must not silently replace a curated train.xyz.
            if (!r.GetValue(force) && new[] { trainPath, testPath }.FirstOrDefault(File.Exists) is { } existing)
                throw new UsageException($"'{existing}' exists; give --force to replace it, or -d DIR for another folder");
            int s = r.GetValue(seed) ?? Random.Shared.Next();

            // Pass 1: config_type of every frame (stdin is held in memory, as it cannot be read twice).
            List<Frame>? held = null;
            List<string?> types;
            if (inPath == "-")
            {
                held = StructureReader.Read(inPath, format, readOptions).ToList();
                types = held.ConvertAll(f => f.Info.ConfigType);
            }
            else
            {
                types = StructureReader.Read(inPath, format, readOptions with { OnDiagnostic = null }).Select(f => f.Info.ConfigType).ToList();
            }
            bool[] isTest = DatasetSplit.Stratified(types, fraction, s);

            using var trainFile = AtomicFile.Create(trainPath);
            using var testFile = AtomicFile.Create(testPath);
            long nTrain = 0, nTest = 0;
            using (var trainWriter = new ExtXyzWriter(trainFile.Stream, CommonOptions.XyzWrite(r, stress), leaveOpen: true))
            using (var testWriter = new ExtXyzWriter(testFile.Stream, CommonOptions.XyzWrite(r, stress), leaveOpen: true))
            {
                foreach (var (f, test) in DatasetSplit.Assign(held ?? StructureReader.Read(inPath, format, readOptions), isTest, s))
                {
                    if (test)
                    {
                        testWriter.Write(f);
                        nTest++;
                    }
                    else
                    {
                        trainWriter.Write(f);
                        nTrain++;
                    }
                }
            }
            trainFile.Commit();
            testFile.Commit();
            cli.Note($"split: {nTrain} frame(s) → {trainPath}, {nTest} frame(s) → {testPath} (seed {s}, stratified over {types.Distinct().Count()} config_type(s))");
            return CliContext.Success;
        }));
        return command;
    }
}
