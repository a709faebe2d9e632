using FlowSpike.Models;

namespace FlowSpike.Detection;

/// <summary>
/// The lookup held in memory during a run. It remembers which rows have a non-null latestCount, because the next
/// window must blank those (docs/spec.md §3.3) and only they and the active hosts change.
/// </summary>
internal sealed class BaselineTable
{
    private readonly Dictionary<uint, BaselineRow> _rows;
    private HashSet<uint> _withLatest;

    public BaselineTable(IEnumerable<BaselineRow> rows, Selection.EntityRegistry? names = null)
    {
        Names = names ?? new Selection.EntityRegistry(Selection.EntityKind.SrcIp);
        _rows = [];
        _withLatest = [];
        foreach (var row in rows)
        {
            _rows[row.Src] = row;
            if (row.LatestCount is not null)
                _withLatest.Add(row.Src);
        }
    }

    public int Count => _rows.Count;

    /// <summary>Names keys in alerts: IPv4 sources by address, other entities by the state's registry.</summary>
    public Selection.EntityRegistry Names { get; }

    public IEnumerable<BaselineRow> Rows => _rows.Values;

    public bool TryGet(uint src, out BaselineRow row) => _rows.TryGetValue(src, out row);

    internal IReadOnlyCollection<uint> SourcesWithLatest => _withLatest;

    internal void Set(BaselineRow row) => _rows[row.Src] = row;

    internal void ReplaceSourcesWithLatest(HashSet<uint> sources) => _withLatest = sources;
}
