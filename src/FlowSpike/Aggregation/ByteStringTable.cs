using System.Runtime.InteropServices;
using System.Text;

namespace FlowSpike.Aggregation;

/// <summary>
/// Interns short byte strings (interface ids, IPv6 text) to dense ids without allocating per lookup.
/// Per thread; ids are turned back into strings when partials are built.
/// </summary>
internal sealed class ByteStringTable
{
    private readonly Dictionary<ulong, int> _byHash = [];
    private readonly List<(int Offset, int Length)> _entries = [];
    private byte[] _arena = new byte[4096];
    private int _used;

    public int Count => _entries.Count;

    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        ulong hash = Hash(value);
        while (true)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_byHash, hash, out bool exists);
            if (!exists)
            {
                slot = Add(value);
                return slot;
            }
            var (offset, length) = _entries[slot];
            if (_arena.AsSpan(offset, length).SequenceEqual(value))
                return slot;
            hash++; // a true 64-bit collision: probe the next key
        }
    }

    public bool TryGet(ReadOnlySpan<byte> value, out int id)
    {
        ulong hash = Hash(value);
        while (_byHash.TryGetValue(hash, out id))
        {
            var (offset, length) = _entries[id];
            if (_arena.AsSpan(offset, length).SequenceEqual(value))
                return true;
            hash++;
        }
        return false;
    }

    public ReadOnlySpan<byte> Bytes(int id)
    {
        var (offset, length) = _entries[id];
        return _arena.AsSpan(offset, length);
    }

    public string GetString(int id)
    {
        var (offset, length) = _entries[id];
        return Encoding.ASCII.GetString(_arena, offset, length);
    }

    private int Add(ReadOnlySpan<byte> value)
    {
        if (_used + value.Length > _arena.Length)
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + value.Length));
        value.CopyTo(_arena.AsSpan(_used));
        _entries.Add((_used, value.Length));
        _used += value.Length;
        return _entries.Count - 1;
    }

    private static ulong Hash(ReadOnlySpan<byte> value)
    {
        // FNV-1a: short keys, and the dictionary only needs a well-spread 64-bit value.
        ulong h = 14695981039346656037UL;
        foreach (byte b in value)
            h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
