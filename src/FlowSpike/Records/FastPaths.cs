namespace FlowSpike.Records;

/// <summary>
/// The fast paths' switches. Each fast path has a twin that the tests compare it against; every switch is on by
/// default. The CLI sets them from its environment before the first scan, so a test (or a user chasing a bug) can run
/// a whole process on a twin; the library itself reads no environment variable.
/// </summary>
internal static class FastPaths
{
    /// <summary>The tokenizer's separator search; null for the widest the CPU has. Scalar also sends the field
    /// parsers (IPv4, epoch seconds) to their scalar twins.</summary>
    public static TokenizerMode? Tokenizer { get; set; }

    /// <summary>Small gzip files inflated whole by libdeflate (where present) instead of streamed.</summary>
    public static bool WholeFileInflate { get; set; } = true;

    /// <summary>Small local files read whole into a reused buffer instead of through the general opener.</summary>
    public static bool SmallFiles { get; set; } = true;

    /// <summary>Parquet read by the query's own page reader instead of Parquet.Net, its reference.</summary>
    public static bool ParquetPages { get; set; } = true;
}
