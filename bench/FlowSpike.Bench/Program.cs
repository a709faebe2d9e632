using BenchmarkDotNet.Running;
using FlowSpike.Bench;

// `state-write N`: time one window commit that touches N distinct sources (a plain timed run, not BenchmarkDotNet,
// because a single commit of this size is what matters). Anything else goes to BenchmarkDotNet.
if (args is ["state-write", var n, ..])
    return StateWriteBenchmark.Run(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
BenchmarkSwitcher.FromAssembly(typeof(ParserBenchmarks).Assembly).Run(args);
return 0;
