namespace FlowSpike.Records.Parquet;

/// <summary>
/// One thread's column readers, batch ids and per-dictionary-entry results, kept between row groups and files.
/// Roles are indexes into <see cref="ParquetQueryMap.Leaves"/>.
/// </summary>
internal sealed class ParquetQueryColumns
{
    private readonly ColumnReader[] _readers = new ColumnReader[ParquetQueryMap.Roles];
    private readonly int[][] _scratch = new int[ParquetQueryMap.Roles][];
    private readonly int[][] _ids = new int[ParquetQueryMap.Roles][];
    private readonly int[] _idsAt = new int[ParquetQueryMap.Roles];
    private readonly int[] _roleOf = new int[ParquetQueryMap.Roles];
    private readonly bool[] _open = new bool[ParquetQueryMap.Roles];
    private int[] _leafRole = [];
    private byte[] _footer = [];
    private bool[] _rejects = [];
    private sbyte[] _sources = [], _destinations = [];
    private uint[] _sourceIps = [], _destinationIps = [];
    private int _rejectsVersion = -1, _sourcesVersion = -1, _destinationsVersion = -1;
    private int _openCount;

    public ParquetQueryColumns()
    {
        for (int r = 0; r < _readers.Length; r++)
        {
            _readers[r] = new ColumnReader();
            _scratch[r] = new int[1024];
        }
    }

    public byte[] FooterBuffer(int size)
    {
        if (_footer.Length < size)
            _footer = new byte[size];
        return _footer;
    }

    public void Open(Stream file, ParquetFooter footer, ParquetQueryMap map, ParquetChunk[] chunks, long rows,
        bool details)
    {
        int[] leaves = map.Leaves;
        if (_leafRole.Length < footer.Leaves.Count)
            _leafRole = new int[footer.Leaves.Count];
        Array.Fill(_leafRole, -1);
        Array.Clear(_open);
        _openCount = 0;
        for (int role = 0; role < leaves.Length; role++)
        {
            int leaf = leaves[role];
            if (leaf < 0 || (!details && role >= ParquetQueryMap.FirstDetail) || _leafRole[leaf] >= 0)
                continue;
            _leafRole[leaf] = role;
            // The addresses and details are read only for REJECT rows: their indices are unpacked one by one.
            _readers[role].Sparse = role is 0 or 1 or >= ParquetQueryMap.FirstDetail;
            _readers[role].Open(file, chunks[leaf], footer.Leaves[leaf], rows);
            _open[role] = true;
            _roleOf[_openCount++] = role;
        }
    }

    /// <summary>Takes the next rows of every open column: at most <paramref name="max"/>, none past a page end.
    /// </summary>
    public int NextBatch(int max)
    {
        int n = max;
        for (int k = 0; k < _openCount; k++)
            n = Math.Min(n, _readers[_roleOf[k]].RowsLeft);
        for (int k = 0; k < _openCount; k++)
        {
            int role = _roleOf[k];
            (_ids[role], _idsAt[role]) = _readers[role].Take(n, _scratch[role]);
        }
        return n;
    }

    private int RoleOf(int leaf) => leaf < 0 ? -1 : _leafRole[leaf];

    public ColumnReader Reader(int leaf) => _readers[RoleOf(leaf)];

    /// <summary>The batch's ids of a column: -1 for null, else what <see cref="ColumnReader"/> resolves.</summary>
    public ReadOnlySpan<int> Ids(int leaf)
    {
        int role = RoleOf(leaf);
        if (_readers[role].PageIsSparse)
            throw new InvalidOperationException("a sparse column's ids are read one by one");
        return _ids[role].AsSpan(_idsAt[role]);
    }

    private int Id(int role, int i)
    {
        var reader = _readers[role];
        reader.Asked++;
        return reader.PageIsSparse ? reader.IdAt(_idsAt[role] + i) : _ids[role][_idsAt[role] + i];
    }

    public long? Long(int leaf, int i)
    {
        int role = RoleOf(leaf);
        if (role < 0)
            return null;
        int id = Id(role, i);
        return id < 0 ? null : _readers[role].Long(id);
    }

    public ReadOnlySpan<byte> Text(int leaf, int i, int max)
    {
        int role = RoleOf(leaf);
        if (role < 0)
            return default;
        int id = Id(role, i);
        return id < 0 ? default : ParquetQueryReader.AsText(_readers[role].Bytes(id), max);
    }

    /// <summary>Per entry of the action column's current dictionary: is it REJECT.</summary>
    public ReadOnlySpan<bool> ActionRejects(ColumnReader action)
    {
        if (_rejectsVersion != action.DictionaryVersion)
        {
            int count = action.DictionaryCount;
            if (_rejects.Length < count)
                _rejects = new bool[Math.Max(count, _rejects.Length * 2)];
            for (int e = 0; e < count; e++)
                _rejects[e] = action.DictionaryBytes(e).SequenceEqual("REJECT"u8);
            _rejectsVersion = action.DictionaryVersion;
        }
        return _rejects;
    }

    /// <summary>The handler's verdict on the row's source (<see cref="IRecordHandler.PrefilterSource"/>) and its
    /// address, once per dictionary entry.</summary>
    public int SourceClass<THandler>(int leaf, int i, ref THandler handler, out uint ipv4)
        where THandler : struct, IRecordHandler
    {
        int role = RoleOf(leaf);
        int id = Id(role, i);
        var reader = _readers[role];
        if (id < 0 || !reader.IsDictionaryPage)
            return handler.PrefilterSource(Text(leaf, i, 64), out ipv4);
        Cache(reader, ref _sources, ref _sourceIps, ref _sourcesVersion);
        if (_sources[id] == 0)
        {
            _sources[id] = (sbyte)(handler.PrefilterSource(Text(leaf, i, 64), out uint ip) + 1);
            _sourceIps[id] = ip;
        }
        ipv4 = _sourceIps[id];
        return _sources[id] - 1;
    }

    /// <summary>The handler's verdict on the row's destination (<see cref="IRecordHandler.PrefilterDestination"/>),
    /// once per dictionary entry.</summary>
    public int DestinationKind<THandler>(int leaf, int i, ref THandler handler, out uint ipv4)
        where THandler : struct, IRecordHandler
    {
        int role = RoleOf(leaf);
        int id = Id(role, i);
        var reader = _readers[role];
        if (id < 0 || !reader.IsDictionaryPage)
            return handler.PrefilterDestination(Text(leaf, i, 64), out ipv4);
        Cache(reader, ref _destinations, ref _destinationIps, ref _destinationsVersion);
        if (_destinations[id] == 0)
        {
            _destinations[id] = (sbyte)(handler.PrefilterDestination(Text(leaf, i, 64), out uint ip) + 1);
            _destinationIps[id] = ip;
        }
        ipv4 = _destinationIps[id];
        return _destinations[id] - 1;
    }

    private static void Cache(ColumnReader reader, ref sbyte[] cache, ref uint[] ips, ref int version)
    {
        if (version == reader.DictionaryVersion)
            return;
        int count = reader.DictionaryCount;
        if (cache.Length < count)
        {
            cache = new sbyte[Math.Max(count, cache.Length * 2)];
            ips = new uint[cache.Length];
        }
        else
        {
            Array.Clear(cache, 0, count);
        }
        version = reader.DictionaryVersion;
    }
}
