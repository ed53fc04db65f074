using BenchmarkDotNet.Running;
using NepForge.Bench;

// "throughput" runs the side-by-side timing used by bench/compare_ase.sh; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "throughput")
    return Throughput.Run(args[1..]);
if (args.Length > 0 && args[0] == "outcar")
    return VaspThroughput.RunOutcar(args[1..]);
if (args.Length > 0 && args[0] == "nep")
    return NepBenchmark.Run(args[1..]);
if (args.Length > 0 && args[0] == "fps")
    return FpsBenchmark.Run(args[1..]);
if (args.Length > 0 && args[0] == "train")
    return TrainBenchmark.Run(args[1..]);
if (args.Length > 0 && args[0] == "vasprun")
    return VaspThroughput.RunVasprun(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Throughput).Assembly).Run(args);
return 0;
