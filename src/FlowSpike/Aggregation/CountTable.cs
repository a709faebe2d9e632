using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowSpike.Aggregation;

/// <summary>
/// The accumulator's hot table: 64-bit (window, source) keys to a count, open addressing with linear probing in one
/// array of 16-byte slots, so a lookup usually touches one cache line. Entries are also numbered densely in insertion
/// order, for the detail sets that hang off them.
/// </summary>
internal sealed class CountTable
{
    /// <summary>No real key is all ones: window indexes stay below <see cref="uint.MaxValue"/>.</summary>
    private const ulong EmptyKey = ulong.MaxValue;
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private Slot[] _slots;
    private int _shift;
    private int _count;
    private ulong[] _entryKeys;
    /// <summary>The high part of counts past <see cref="uint.MaxValue"/>, by entry (practically never used).</summary>
    private Dictionary<int, long>? _overflow;

    public CountTable(int capacity = 1024)
    {
        int size = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2));
        _slots = NewSlots(size);
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        _entryKeys = new ulong[Math.Max(16, capacity)];
    }

    public int Count => _count;

    /// <summary>The key of an entry.</summary>
    public ulong KeyOf(int entry) => _entryKeys[entry];

    /// <summary>Adds one to the key's count; returns its entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Increment(ulong key)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        int i = (int)((key * Golden) >> _shift);
        ref Slot first = ref MemoryMarshal.GetArrayDataReference(slots);
        while (true)
        {
            ref Slot s = ref Unsafe.Add(ref first, i);
            if (s.Key == key)
            {
                if (++s.Count == 0)
                    CarryOverflow(s.Entry);
                return s.Entry;
            }
            if (s.Key == EmptyKey)
                return Insert(key, 1);
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds <paramref name="n"/> to the key's count (merging tables); returns its entry.</summary>
    public int Add(ulong key, long n)
    {
        int entry = Find(key);
        if (entry < 0)
            return Insert(key, n);
        AddTo(entry, key, n);
        return entry;
    }

    /// <summary>Every entry's full count, by entry.</summary>
    public long[] Counts()
    {
        var counts = new long[_count];
        foreach (var s in _slots)
        {
            if (s.Key != EmptyKey)
                counts[s.Entry] = s.Count;
        }
        if (_overflow is { } o)
        {
            foreach (var (entry, high) in o)
                counts[entry] += high;
        }
        return counts;
    }

    private int Find(ulong key)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)((key * Golden) >> _shift); ; i = (i + 1) & mask)
        {
            if (slots[i].Key == key)
                return slots[i].Entry;
            if (slots[i].Key == EmptyKey)
                return -1;
        }
    }

    private ref Slot SlotOf(ulong key)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)((key * Golden) >> _shift); ; i = (i + 1) & mask)
        {
            if (slots[i].Key == key)
                return ref slots[i];
        }
    }

    private void AddTo(int entry, ulong key, long n)
    {
        ref Slot s = ref SlotOf(key);
        long total = s.Count + n;
        s.Count = (uint)total;
        if (total >> 32 != 0)
        {
            _overflow ??= [];
            _overflow[entry] = _overflow.GetValueOrDefault(entry) + (total & ~(long)uint.MaxValue);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CarryOverflow(int entry)
    {
        _overflow ??= [];
        _overflow[entry] = _overflow.GetValueOrDefault(entry) + (1L << 32);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Insert(ulong key, long n)
    {
        if ((_count + 1) * 2 > _slots.Length)
            Grow();
        int entry = _count++;
        if (entry == _entryKeys.Length)
            Array.Resize(ref _entryKeys, entry * 2);
        _entryKeys[entry] = key;
        var slots = _slots;
        int mask = slots.Length - 1;
        int i = (int)((key * Golden) >> _shift);
        while (slots[i].Key != EmptyKey)
            i = (i + 1) & mask;
        slots[i] = new Slot { Key = key, Entry = entry, Count = 0 };
        AddTo(entry, key, n);
        return entry;
    }

    private void Grow()
    {
        var old = _slots;
        var slots = NewSlots(old.Length * 2);
        _shift--;
        int mask = slots.Length - 1;
        foreach (var s in old)
        {
            if (s.Key == EmptyKey)
                continue;
            int i = (int)((s.Key * Golden) >> _shift);
            while (slots[i].Key != EmptyKey)
                i = (i + 1) & mask;
            slots[i] = s;
        }
        _slots = slots;
    }

    private static Slot[] NewSlots(int size)
    {
        var slots = GC.AllocateUninitializedArray<Slot>(size);
        slots.AsSpan().Fill(new Slot { Key = EmptyKey });
        return slots;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public ulong Key;
        public uint Count;
        public int Entry;
    }
}

/// <summary>An open-addressing set of 64-bit values (the packed (entry, detail) pairs of the detail sets).</summary>
internal sealed class LongSet
{
    private const ulong EmptyKey = ulong.MaxValue;
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    private ulong[] _slots = NewSlots(64);
    private int _shift = 64 - 6;

    public int Count { get; private set; }

    /// <summary>Adds a value (never <see cref="ulong.MaxValue"/>); returns whether it was new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Add(ulong value)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)((value * Golden) >> _shift); ; i = (i + 1) & mask)
        {
            ulong k = slots[i];
            if (k == value)
                return false;
            if (k == EmptyKey)
            {
                slots[i] = value;
                if (++Count * 2 > slots.Length)
                    Grow();
                return true;
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/> for every value, in no particular order.</summary>
    public void ForEach<TVisitor>(ref TVisitor visit)
        where TVisitor : struct, IVisitor
    {
        foreach (ulong k in _slots)
        {
            if (k != EmptyKey)
                visit.Visit(k);
        }
    }

    private void Grow()
    {
        var old = _slots;
        var slots = NewSlots(old.Length * 2);
        _shift--;
        int mask = slots.Length - 1;
        foreach (ulong k in old)
        {
            if (k == EmptyKey)
                continue;
            int i = (int)((k * Golden) >> _shift);
            while (slots[i] != EmptyKey)
                i = (i + 1) & mask;
            slots[i] = k;
        }
        _slots = slots;
    }

    private static ulong[] NewSlots(int size)
    {
        var slots = GC.AllocateUninitializedArray<ulong>(size);
        slots.AsSpan().Fill(EmptyKey);
        return slots;
    }

    public interface IVisitor
    {
        void Visit(ulong value);
    }
}
