namespace FlowSpike.Jobs;

/// <summary>
/// The defaults of every job, stated once; a model's own defaults (<see cref="Models.ModelDefaults"/>) come before
/// these. The CLI shows them in its help.
/// </summary>
internal static class JobDefaults
{
    public const string State = "flowspike.db";
    public const string Model = Models.SplunkModel.ModelName;
    public const string InputFormat = "auto";
    public const long WindowSeconds = 3600;
    public const long SpanSeconds = 3600;
    public const string OutputFormat = "jsonl";
    public const string SuppressKey = "src_ip";
    public const long HistoryRetentionSeconds = 90 * 86400L;
    public const long LatenessSeconds = 600;
    public const long PollIntervalSeconds = 30;
    /// <summary>Flow logs arrive every 10 minutes or so: an hour without a record is an outage worth a look.</summary>
    public const long StaleAfterSeconds = 3600;

    /// <summary>Scan threads: every core.</summary>
    public static int Threads => Environment.ProcessorCount;
}
