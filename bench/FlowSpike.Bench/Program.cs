using BenchmarkDotNet.Running;
using FlowSpike.Bench;

// `state-write N`: time one window commit that touches N distinct sources (a plain timed run, not BenchmarkDotNet,
// because a single commit of this size is what matters). Anything else goes to BenchmarkDotNet.
if (args is ["state-write", var n, ..])
    return StateWriteBenchmark.Run(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
// `hosts DIR HOSTS MB REJECT_SHARE FILES`: the cardinality data sets of scripts/bench-e2e.sh.
if (args is ["hosts", var dir, var hosts, var mb, var share, var files])
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    return HostsGenerator.Run(dir, int.Parse(hosts, inv), int.Parse(mb, inv), double.Parse(share, inv),
        int.Parse(files, inv));
}
// `scan-rate THREADS REPEATS PATH...`: the in-process scan rate, for per-thread figures.
if (args is ["scan-rate", var t, var repeats, .. var paths])
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    return ScanRate.Run(int.Parse(t, inv), int.Parse(repeats, inv), paths);
}
// `alloc THREADS PATH...`: bytes a detect run's scan, window steps and rollout awareness allocate.
if (args is ["alloc", var threads, .. var inputs])
    return AllocationRun.Run(int.Parse(threads, System.Globalization.CultureInfo.InvariantCulture), inputs);
// `parquet-recode IN_DIR OUT_DIR CODEC`: a Parquet set rewritten by Parquet.Net with another codec.
if (args is ["parquet-recode", var from, var to, var codec])
    return ParquetRecode.Run(from, to, codec);
// `floor THREADS PATH`: the read-only and inflate-only floors of a set (bench-e2e.sh prints them beside the matrix).
if (args is ["floor", var ft, var root])
    return Floor.Run(int.Parse(ft, System.Globalization.CultureInfo.InvariantCulture), root);
BenchmarkSwitcher.FromAssembly(typeof(ParserBenchmarks).Assembly).Run(args);
return 0;
