using System.Buffers.Binary;

namespace FlowSpike.Records.Parquet;

/// <summary>
/// Reads one flat column chunk page by page: the chunk's bytes once into a buffer kept between chunks, each page
/// decompressed into a kept buffer, definition levels and dictionary indices decoded, PLAIN values located in place.
/// A row's value is an id: -1 for null, else a dictionary index (<see cref="IsDictionaryPage"/>) or the value's
/// offset in the page. No value becomes a string or an object.
/// </summary>
internal sealed class ColumnReader
{
    private const int DataPage = 0, DictionaryPage = 2, DataPageV2 = 3;
    private const int Plain = 0, PlainDictionary = 2, Rle = 3, BitPacked = 4, RleDictionary = 8;

    private byte[] _chunk = [], _page = [], _dictionary = [];
    private int[] _defs = [], _values = [], _dictOffsets = [];
    private long[] _dictLongs = [];
    private int _chunkLength, _chunkPos, _codec, _maxDef, _physical;
    private int _pageRows, _pageRow, _pageValue, _dictCount;
    private long _rowsLeftInChunk;
    private int _pagesInChunk;
    private bool _pageHasNulls, _pageSparse;
    private readonly SparseIds _sparse = new();
    private int _nullRow, _nullValue;

    /// <summary>Dictionary indices are unpacked row by row when asked for (<see cref="IdAt"/>), not page by page:
    /// for columns only some rows need, while the last page had few rows asked for (see <see cref="Asked"/>).
    /// </summary>
    public bool Sparse { get; set; }

    /// <summary>Rows of the current page asked for by the caller: above a quarter of the page (30 % REJECTs), the
    /// next page is unpacked whole again, which is cheaper per row.</summary>
    public int Asked { get; set; }

    private int _lastPresent;

    /// <summary>Tests: every page of a sparse column on this thread is read row by row, however many rows ask.
    /// </summary>
    [ThreadStatic]
    internal static bool AlwaysSparse;

    /// <summary>Whether the current page's ids are read by <see cref="IdAt"/> instead of <see cref="Take"/>.</summary>
    public bool PageIsSparse => _pageSparse;

    /// <summary>The most data pages seen in one column chunk (the tests check they cover several).</summary>
    internal static int MostPagesInAChunk { get; private set; }

    /// <summary>Changes whenever a new dictionary is loaded: per-entry results cached by callers key on it.</summary>
    public int DictionaryVersion { get; private set; }
    public int DictionaryCount => _dictCount;
    public bool IsDictionaryPage { get; private set; }

    /// <summary>Rows left in the current page, loading the next page when the current one is done.</summary>
    public int RowsLeft
    {
        get
        {
            while (_pageRow >= _pageRows)
                NextPage();
            return _pageRows - _pageRow;
        }
    }

    public void Open(Stream file, ParquetChunk chunk, ParquetLeaf leaf, long rows)
    {
        _codec = chunk.Codec;
        _maxDef = leaf.MaxDefinition;
        _physical = leaf.PhysicalType;
        _chunkLength = checked((int)chunk.CompressedSize);
        if (_chunk.Length < _chunkLength)
            _chunk = GC.AllocateUninitializedArray<byte>(Math.Max(_chunkLength, _chunk.Length * 2));
        file.Position = chunk.Start;
        file.ReadExactly(_chunk, 0, _chunkLength);
        _chunkPos = 0;
        _pageRows = _pageRow = 0;
        _dictCount = 0;
        _rowsLeftInChunk = rows;
        _pagesInChunk = 0;
        IsDictionaryPage = false;
        DictionaryVersion++;
    }

    /// <summary>
    /// The ids of the next <paramref name="count"/> rows, all inside the current page: a view of the page's own ids
    /// when it has no nulls (no copy), else written into <paramref name="scratch"/>.
    /// </summary>
    public (int[] Ids, int Offset) Take(int count, int[] scratch)
    {
        if (count > _pageRows - _pageRow)
            throw new InvalidOperationException("a batch crosses a page");
        (int[], int) taken;
        if (_pageSparse)
        {
            taken = ([], _pageRow); // the page row where the batch starts, for IdAt
        }
        else if (!_pageHasNulls)
        {
            taken = (_values, _pageValue);
            _pageValue += count;
        }
        else
        {
            _pageValue += ExpandNulls(_defs.AsSpan(_pageRow, count), _maxDef, _values.AsSpan(_pageValue),
                scratch.AsSpan(0, count));
            taken = (scratch, 0);
        }
        _pageRow += count;
        return taken;
    }

    /// <summary>
    /// Spreads a page's values over its rows: a row whose definition level is <paramref name="max"/> takes the next
    /// value, any other row is null (-1). Runs of present rows are copied whole: in a column with a few nulls (the
    /// addresses of NODATA records) the row-by-row loop was 8 % of a Parquet scan. Returns the values taken.
    /// </summary>
    internal static int ExpandNulls(ReadOnlySpan<int> defs, int max, ReadOnlySpan<int> values, Span<int> ids)
    {
        int i = 0, v = 0;
        while (i < defs.Length)
        {
            int present = defs[i..].IndexOfAnyExcept(max);
            if (present < 0)
                present = defs.Length - i;
            values.Slice(v, present).CopyTo(ids.Slice(i, present));
            v += present;
            i += present;
            int nulls = defs[i..].IndexOf(max);
            if (nulls < 0)
                nulls = defs.Length - i;
            ids.Slice(i, nulls).Fill(-1);
            i += nulls;
        }
        return v;
    }

    /// <summary>The row-by-row twin of <see cref="ExpandNulls"/>.</summary>
    internal static int ExpandNullsScalar(ReadOnlySpan<int> defs, int max, ReadOnlySpan<int> values, Span<int> ids)
    {
        int v = 0;
        for (int i = 0; i < defs.Length; i++)
            ids[i] = defs[i] == max ? values[v++] : -1;
        return v;
    }

    /// <summary>The id of row <paramref name="row"/> of a sparse page (see <see cref="Sparse"/>): -1 for null, else
    /// its dictionary index. Rows are asked for in increasing order.</summary>
    public int IdAt(int row)
    {
        int value = row;
        if (_pageHasNulls)
        {
            if (row < _nullRow)
                _nullRow = _nullValue = 0;
            // Values before the row: one per present row.
            _nullValue += _defs.AsSpan(_nullRow, row - _nullRow).Count(_maxDef);
            _nullRow = row;
            if (_defs[row] != _maxDef)
                return -1;
            value = _nullValue;
        }
        int id = _sparse.Get(_page, value);
        if ((uint)id >= (uint)_dictCount)
            throw new InvalidDataException("a dictionary index is out of range");
        return id;
    }

    /// <summary>A BYTE_ARRAY value by id (not -1).</summary>
    public ReadOnlySpan<byte> Bytes(int id)
    {
        if (IsDictionaryPage)
            return DictionaryBytes(id);
        int length = BinaryPrimitives.ReadInt32LittleEndian(_page.AsSpan(id));
        return _page.AsSpan(id + 4, length);
    }

    public ReadOnlySpan<byte> DictionaryBytes(int index)
    {
        int at = _dictOffsets[index];
        return _dictionary.AsSpan(at + 4, BinaryPrimitives.ReadInt32LittleEndian(_dictionary.AsSpan(at)));
    }

    /// <summary>An INT32 or INT64 value by id (not -1), widened.</summary>
    public long Long(int id)
    {
        if (IsDictionaryPage)
            return _dictLongs[id];
        return _physical == ParquetFooter.Int64
            ? BinaryPrimitives.ReadInt64LittleEndian(_page.AsSpan(id))
            : BinaryPrimitives.ReadInt32LittleEndian(_page.AsSpan(id));
    }

    private void NextPage()
    {
        if (_rowsLeftInChunk <= 0 || _chunkPos >= _chunkLength)
            throw new InvalidDataException("a column chunk has fewer values than its row group has rows");
        var r = new ThriftReader(_chunk.AsSpan(_chunkPos, _chunkLength - _chunkPos));
        var h = PageHeader.Read(ref r);
        int body = _chunkPos + r.Position;
        if (h.CompressedSize < 0 || h.CompressedSize > _chunkLength - body || h.UncompressedSize < 0)
            throw new InvalidDataException("a page runs past the end of its column chunk");
        _chunkPos = body + h.CompressedSize;
        var input = _chunk.AsSpan(body, h.CompressedSize);
        switch (h.Type)
        {
            case DictionaryPage:
                LoadDictionary(input, h);
                return;
            case DataPage:
                LoadDataPage(input, h);
                return;
            case DataPageV2:
                LoadDataPageV2(input, h);
                return;
            default:
                return; // index pages and anything newer carry no values
        }
    }

    private void LoadDictionary(ReadOnlySpan<byte> input, PageHeader h)
    {
        if (h.Encoding is not (Plain or PlainDictionary))
            throw new NotSupportedException($"dictionary encoding {h.Encoding}");
        Grow(ref _dictionary, h.UncompressedSize);
        var data = _dictionary.AsSpan(0, h.UncompressedSize);
        PageCodec.Decompress(_codec, input, data);
        _dictCount = h.Values;
        DictionaryVersion++;
        if (_physical == ParquetFooter.ByteArray)
        {
            Grow(ref _dictOffsets, _dictCount);
            int at = 0;
            for (int i = 0; i < _dictCount; i++)
            {
                _dictOffsets[i] = at;
                at = checked(at + 4 + PlainValues.Length(data, at));
            }
            return;
        }
        Grow(ref _dictLongs, _dictCount);
        int width = Width();
        if ((long)width * _dictCount > data.Length)
            throw new InvalidDataException("a dictionary page is shorter than its values");
        for (int i = 0; i < _dictCount; i++)
        {
            _dictLongs[i] = width == 8
                ? BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..])
                : BinaryPrimitives.ReadInt32LittleEndian(data[(i * 4)..]);
        }
    }

    private void LoadDataPage(ReadOnlySpan<byte> input, PageHeader h)
    {
        Grow(ref _page, h.UncompressedSize);
        var data = _page.AsSpan(0, h.UncompressedSize);
        PageCodec.Decompress(_codec, input, data);
        int pos = 0, present = h.Values;
        if (_maxDef > 0 && h.DefinitionEncoding == BitPacked)
        {
            // The deprecated encoding older writers used: packed most significant bit first, no length prefix.
            int width = HybridDecoder.BitWidth(_maxDef);
            pos = checked((int)(((long)h.Values * width + 7) / 8));
            if (pos > data.Length)
                throw new InvalidDataException("definition levels run past their page");
            Grow(ref _defs, h.Values);
            for (int i = 0; i < h.Values; i++)
            {
                int value = 0;
                for (int b = 0; b < width; b++)
                {
                    long bit = (long)i * width + b;
                    value = (value << 1) | ((data[(int)(bit >> 3)] >> (7 - (int)(bit & 7))) & 1);
                }
                _defs[i] = value;
            }
            present = Count(_defs.AsSpan(0, h.Values), _maxDef);
        }
        else if (_maxDef > 0)
        {
            if (h.DefinitionEncoding != Rle || data.Length < 4)
                throw new NotSupportedException($"definition level encoding {h.DefinitionEncoding}");
            int length = BinaryPrimitives.ReadInt32LittleEndian(data);
            if (length < 0 || length > data.Length - 4)
                throw new InvalidDataException("definition levels run past their page");
            present = DecodeLevels(data.Slice(4, length), h.Values);
            pos = 4 + length;
        }
        DecodeValues(data, pos, h.Encoding, present);
        StartPage(h.Values, present);
    }

    private void LoadDataPageV2(ReadOnlySpan<byte> input, PageHeader h)
    {
        int levels = h.RepetitionLength + h.DefinitionLength;
        if (h.RepetitionLength != 0 || levels > input.Length || levels > h.UncompressedSize)
            throw new NotSupportedException("repetition levels in a flat column");
        Grow(ref _page, h.UncompressedSize);
        input[..levels].CopyTo(_page);
        var values = _page.AsSpan(levels, h.UncompressedSize - levels);
        if (h.Compressed)
            PageCodec.Decompress(_codec, input[levels..], values);
        else if (input.Length - levels == values.Length)
            input[levels..].CopyTo(values);
        else
            throw new InvalidDataException("an uncompressed page is not its stated size");
        int present = _maxDef > 0 ? DecodeLevels(_page.AsSpan(0, h.DefinitionLength), h.Values) : h.Values;
        DecodeValues(_page.AsSpan(0, h.UncompressedSize), levels, h.Encoding, present);
        StartPage(h.Values, present);
    }

    private void StartPage(int rows, int present)
    {
        _pageHasNulls = present < rows;
        _pageRows = rows;
        _pageRow = 0;
        _nullRow = _nullValue = 0;
        _pageValue = 0;
        _rowsLeftInChunk -= rows;
        if (++_pagesInChunk > MostPagesInAChunk)
            MostPagesInAChunk = _pagesInChunk;
    }

    private int DecodeLevels(ReadOnlySpan<byte> levels, int count)
    {
        // Most pages have no null: when every level is the maximum, none is materialised.
        if (HybridDecoder.AllAre(levels, HybridDecoder.BitWidth(_maxDef), count, _maxDef))
            return count;
        Grow(ref _defs, count);
        var defs = _defs.AsSpan(0, count);
        HybridDecoder.Decode(levels, HybridDecoder.BitWidth(_maxDef), defs);
        return Count(defs, _maxDef);
    }

    private static int Count(ReadOnlySpan<int> defs, int max) => defs.Count(max);

    private void DecodeValues(ReadOnlySpan<byte> data, int pos, int encoding, int present)
    {
        _pageSparse = false;
        bool few = Asked * 4L < _lastPresent || AlwaysSparse;
        Asked = 0;
        _lastPresent = present;
        if (Sparse && few && encoding is (PlainDictionary or RleDictionary) && _dictCount > 0 && pos < data.Length)
        {
            _sparse.Load(data, pos + 1, data.Length, data[pos], present);
            IsDictionaryPage = _pageSparse = true;
            return;
        }
        Grow(ref _values, present);
        var ids = _values.AsSpan(0, present);
        if (encoding is PlainDictionary or RleDictionary)
        {
            if (_dictCount == 0 && present > 0)
                throw new InvalidDataException("a dictionary-encoded page without a dictionary");
            if (pos >= data.Length)
            {
                if (present > 0)
                    throw new InvalidDataException("a dictionary-encoded page without indices");
            }
            else
            {
                HybridDecoder.Decode(data[(pos + 1)..], data[pos], ids);
            }
            foreach (int id in ids)
            {
                if ((uint)id >= (uint)_dictCount)
                    throw new InvalidDataException("a dictionary index is out of range");
            }
            IsDictionaryPage = true;
            return;
        }
        if (encoding != Plain)
            throw new NotSupportedException($"value encoding {encoding}");
        IsDictionaryPage = false;
        if (_physical == ParquetFooter.ByteArray)
        {
            if (LineTokenizer.BranchLight && BitConverter.IsLittleEndian)
                PlainValues.Offsets(data, pos, ids);
            else
                PlainValues.OffsetsScalar(data, pos, ids);
            return;
        }
        int width = Width();
        if (pos + (long)width * present > data.Length)
            throw new InvalidDataException("a page is shorter than its values");
        for (int i = 0; i < present; i++)
            ids[i] = pos + i * width;
    }

    private int Width() => _physical == ParquetFooter.Int64 ? 8 : 4;

    private static void Grow<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size)
            buffer = GC.AllocateUninitializedArray<T>(Math.Max(size, buffer.Length * 2));
    }
}
