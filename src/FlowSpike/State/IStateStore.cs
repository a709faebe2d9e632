using FlowSpike.Aggregation;
using FlowSpike.Models;

namespace FlowSpike.State;

/// <summary>
/// Durable state: the lookup, the committed windows, and the alert outbox. Every mutation is one transaction, so a
/// crash leaves either the whole window closed or none of it.
/// </summary>
internal interface IStateStore : IOutbox, IDisposable
{
    StateInfo Info { get; }

    /// <summary>
    /// Names of the hosts beyond IPv4 sources (IPv6 sources, account/VPC/address triples, interfaces). Scans add to it;
    /// every write transaction stores what was added first, so no stored row names an unknown key.
    /// </summary>
    Selection.EntityRegistry Entities { get; }

    IReadOnlyList<BaselineRow> LoadLookup();

    /// <summary>The window starts in [from, to) that were closed by detection since the last baseline.</summary>
    IReadOnlySet<long> ClosedWindows(long from, long to);

    /// <summary>Replaces the lookup with a new baseline and moves the committed mark to <paramref
    /// name="to"/>.</summary>
    void ReplaceBaseline(IReadOnlyCollection<BaselineRow> rows, long from, long to, long spanSeconds,
        IEnumerable<HistoryRow>? history = null);

    /// <summary>Replaces the lookup with imported rows; the committed mark is kept.</summary>
    void ImportLookup(IReadOnlyCollection<BaselineRow> rows);

    /// <summary>Applies one window in one transaction (see <see cref="WindowCommit"/>).</summary>
    void CommitWindow(WindowCommit commit);

    /// <summary>The time until which each of <paramref name="keys"/> is suppressed, for those that are.</summary>
    IReadOnlyDictionary<string, long> SuppressedUntil(IReadOnlyCollection<string> keys);

    /// <summary>A host's history, oldest first.</summary>
    IReadOnlyList<HistoryRow> History(uint src, long from = long.MinValue, long to = long.MaxValue);

    /// <summary>Every committed alert in the outbox (delivered or not), oldest first.</summary>
    IReadOnlyList<OutboxAlert> AllAlerts();


    /// <summary>Every input watch mode has seen, by path.</summary>
    IReadOnlyDictionary<string, LedgerEntry> Ledger();

    /// <summary>The ledger row under <paramref name="key"/> (an identity, or an older row's spelling), if any.
    /// </summary>
    LedgerEntry? LedgerRow(string key);

    /// <summary>The keys of the ledger's rows for local files (not S3 objects), which older versions keyed by
    /// spelling, but for files stamped before <paramref name="stampedFrom"/> (watch skips them unread).</summary>
    IReadOnlyList<string> LocalLedgerKeys(long stampedFrom);

    /// <summary>Objects stamped before this time have left the ledger; watch skips them unread (null: none
    /// has).</summary>
    long? LedgerPrunedBelow { get; }

    /// <summary>Forgets the rows of objects stamped before <paramref name="below"/>, for at most about
    /// <paramref name="budget"/> (<see cref="Timeout.InfiniteTimeSpan"/>: all), and with
    /// <paramref name="countedBefore"/> only those written before it; returns how many went.</summary>
    long PruneLedger(long below, TimeSpan budget, long? countedBefore = null);

    /// <summary>
    /// Adds a file's counts to the open windows and records it in the ledger, in one transaction: a file is counted
    /// once. <paramref name="records"/> counts the file's flow-log records of any kind per window start, so a window
    /// with data is told from one with none. Ledger entries are keyed by the file's identity
    /// (<see cref="Records.InputFile.Identity"/>).
    /// </summary>
    void CommitFile(LedgerEntry entry, WindowPartial counts, long? watermark,
        IReadOnlyDictionary<long, long>? records = null);

    /// <summary>Whether watch mode has counted any flow-log record (of any kind) for an open window.</summary>
    bool HasRecords(long windowStart);

    /// <summary>Records a file that could not be read, so it is reported once and not retried for ever.</summary>
    void RecordFailure(LedgerEntry entry);

    /// <summary>The counts watch mode has gathered so far for an open window.</summary>
    Dictionary<uint, SourceWindowStats> LoadOpenWindow(long windowStart);
}
