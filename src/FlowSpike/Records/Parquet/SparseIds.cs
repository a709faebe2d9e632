using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowSpike.Records.Parquet;

/// <summary>
/// The dictionary indices of one page, read one value at a time, for columns only some rows need (the addresses and
/// details of REJECT rows): the page's runs are listed when it loads and a value is unpacked when it is asked for.
/// Unpacking every index of the source and destination pages was a sixth of a scan at 3 % REJECTs.
/// <see cref="HybridDecoder.Decode"/> is the twin that decodes them all, checked against this by the tests.
/// </summary>
internal sealed class SparseIds
{
    private int[] _first = [], _at = [];
    private bool[] _packed = [];
    private int _runs, _run, _width, _end;
    private ulong _mask;

    /// <summary>Lists the runs of <paramref name="count"/> values of the hybrid encoding in
    /// <paramref name="page"/>[<paramref name="start"/>..<paramref name="end"/>), as <see cref="HybridDecoder.Decode"/>
    /// reads them (a last packed run may stop at the last value it holds).</summary>
    public void Load(ReadOnlySpan<byte> page, int start, int end, int width, int count)
    {
        if (width is < 0 or > 32)
            throw new InvalidDataException($"bit width {width} is out of range");
        _width = width;
        _mask = width == 32 ? uint.MaxValue : (1u << width) - 1;
        _end = end;
        _runs = _run = 0;
        int pos = start, n = 0, byteWidth = (width + 7) / 8;
        var data = page[..end];
        while (n < count)
        {
            uint header = HybridDecoder.ReadVarint(data, ref pos);
            int value = 0;
            if ((header & 1) == 0)
            {
                if (pos + byteWidth > end)
                    throw new InvalidDataException("an RLE run ends early");
                for (int b = 0; b < byteWidth; b++)
                    value |= data[pos + b] << (8 * b);
                Add(n, value, packed: false);
                pos += byteWidth;
                n += (int)Math.Min(header >> 1, (uint)(count - n));
                continue;
            }
            int values = checked((int)(header >> 1) * 8);
            int bytes = checked((int)(header >> 1) * width);
            if (pos + bytes > end)
            {
                bytes = end - pos;
                values = Math.Min(values, width == 0 ? values : bytes * 8 / width);
            }
            if (values == 0)
                throw new InvalidDataException("a bit-packed run ends early");
            Add(n, pos, packed: true);
            pos += bytes;
            n += Math.Min(values, count - n);
        }
    }

    private void Add(int first, int at, bool packed)
    {
        if (_runs == _first.Length)
        {
            int size = Math.Max(16, _runs * 2);
            Array.Resize(ref _first, size);
            Array.Resize(ref _at, size);
            Array.Resize(ref _packed, size);
        }
        _first[_runs] = first;
        _at[_runs] = at;
        _packed[_runs] = packed;
        _runs++;
    }

    /// <summary>Value <paramref name="index"/> (of those the page holds); fastest when asked in increasing order.
    /// </summary>
    public int Get(ReadOnlySpan<byte> page, int index)
    {
        if (_run >= _runs || _first[_run] > index)
            _run = 0;
        while (_run + 1 < _runs && _first[_run + 1] <= index)
            _run++;
        if (!_packed[_run])
            return _at[_run];
        long bit = (long)(index - _first[_run]) * _width;
        int at = _at[_run] + (int)(bit >> 3);
        ulong word;
        if (at + 8 <= _end && BitConverter.IsLittleEndian)
        {
            word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(page), at));
        }
        else
        {
            word = 0;
            for (int b = 0; b < 8 && at + b < _end; b++)
                word |= (ulong)page[at + b] << (8 * b);
        }
        return (int)((word >> (int)(bit & 7)) & _mask);
    }
}
