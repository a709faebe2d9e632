namespace FlowSpike.Records;

/// <summary>
/// Receives what a reader finds: tokenized lines from text and JSON containers, or typed records from columnar ones.
/// </summary>
internal interface IRecordHandler : ILineHandler
{
    /// <summary>
    /// Called before the lines of a source; <paramref name="firstLine"/> is the 1-based number of its first data line.
    /// </summary>
    void BeginSource(string source, FlowLayout layout, long firstLine);

    /// <summary>A line longer than the read buffer was skipped whole (lines are counted by the caller then).</summary>
    void OnOverlongLine(long lineNumber);

    /// <summary>
    /// One record from a columnar source, already typed. <paramref name="start"/> is null when the record has none;
    /// empty spans stand for missing values. Of a record that is not REJECT only the start is used: readers may leave
    /// its other values empty.
    /// </summary>
    void OnRecord(
        bool reject, ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, long? start, ReadOnlySpan<byte> interfaceId,
        ReadOnlySpan<byte> account, ReadOnlySpan<byte> vpc);

    /// <summary>
    /// A record of a JSON container that is not a flow record (the reason says why); counted as malformed.
    /// </summary>
    void OnMalformedRecord(string reason);

    /// <summary><see cref="PrefilterSource"/>: no verdict, hand the record over.</summary>
    const int HandOver = 0;

    /// <summary><see cref="PrefilterSource"/>: a REJECT record with this source is neither counted nor malformed.
    /// </summary>
    const int SkipRecord = 1;

    /// <summary><see cref="PrefilterSource"/>: this source passes (a valid IPv4 address, given back); ask
    /// <see cref="PrefilterDestination"/>.</summary>
    const int SourcePasses = 2;

    /// <summary>
    /// A columnar reader's test of a REJECT record's source, once per dictionary entry: <see cref="SkipRecord"/> lets
    /// it hand the record over as not REJECT instead (read and dated, nothing more).
    /// </summary>
    int PrefilterSource(ReadOnlySpan<byte> src, out uint ipv4);

    /// <summary>
    /// For a source that passes: 0 when no REJECT record to this destination is counted or malformed, else a kind to
    /// give back to <see cref="OnSelected"/> (with the IPv4 address, when it is one).
    /// </summary>
    int PrefilterDestination(ReadOnlySpan<byte> dst, out uint ipv4);

    /// <summary>
    /// A REJECT record whose source passed <see cref="PrefilterSource"/> and whose destination has the kind
    /// <see cref="PrefilterDestination"/> gave: what <see cref="OnRecord"/> does with it, without testing again.
    /// </summary>
    void OnSelected(uint src, ReadOnlySpan<byte> srcText, int destinationKind, uint dst, ReadOnlySpan<byte> dstText,
        long? start, ReadOnlySpan<byte> interfaceId, ReadOnlySpan<byte> account, ReadOnlySpan<byte> vpc);

    /// <summary>A record a columnar reader knows is not selected (not REJECT, or skipped by a prefilter): what
    /// <see cref="OnRecord"/> does with a record that is not REJECT.</summary>
    void OnUnselected(long? start);

    /// <summary>
    /// A columnar reader knows from its statistics that the next <paramref name="rows"/> records all have a start in
    /// [<paramref name="minStart"/>, <paramref name="maxStart"/>]: true when the handler has dated them all at once (as
    /// one <see cref="OnUnselected"/> each would), so until <see cref="EndMarked"/> the reader hands over every record
    /// as before but needs no start for an unselected one, and the handler only numbers them.
    /// </summary>
    bool TryMarkAll(long rows, long minStart, long maxStart);

    /// <summary>The end of the records <see cref="TryMarkAll"/> dated.</summary>
    void EndMarked();

    /// <summary>Whether the interface, account and VPC of selected records are used (columnar readers skip them
    /// otherwise).</summary>
    bool WantsDetails { get; }
}
