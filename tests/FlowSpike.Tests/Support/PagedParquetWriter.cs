using System.Buffers.Binary;

namespace FlowSpike.Tests.Support;

/// <summary>
/// A Parquet writer for the page reader's tests, written from the format's specification: S3 delivery's columns
/// (srcaddr, dstaddr, action as optional UTF-8 strings, start as optional INT64), every column chunk in several pages
/// that take turns: dictionary-encoded (bit-packed indices) in a V1 page, PLAIN in a V2 page, as writers that fall
/// back from a dictionary mid-chunk (parquet-mr, Arrow) produce. Parquet.Net reads the result as the reference.
/// </summary>
public static class PagedParquetWriter
{
    private const byte I32 = 5, I64 = 6, Binary = 8, List = 9, Struct = 12;
    private static readonly string[] Names = ["srcaddr", "dstaddr", "action", "start"];

    /// <summary>Writes the rows (strings and starts, null for missing) with <paramref name="pageRows"/> rows per
    /// page; codec 0 uncompressed, 1 snappy.</summary>
    public static void Write(string path, string?[][] strings, long?[] starts, int pageRows, int codec)
    {
        using var file = new MemoryStream();
        file.Write("PAR1"u8);
        int rows = starts.Length;
        var chunks = new List<(long DataOffset, long DictOffset, long Size, int Type)>();
        for (int c = 0; c < 4; c++)
        {
            long chunkStart = file.Position;
            long dictOffset = -1;
            var values = c < 3 ? strings[c].Select(s => s is null ? null : System.Text.Encoding.UTF8.GetBytes(s))
                    .ToArray()
                : starts.Select(v => v is null ? null : BitConverter.GetBytes(v.Value)).ToArray();
            var dictionary = values.Where(v => v is not null).Select(v => Convert.ToBase64String(v!)).Distinct()
                .ToList();
            var index = dictionary.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i);
            if (dictionary.Count > 0)
            {
                dictOffset = file.Position;
                var plain = new MemoryStream();
                foreach (string k in dictionary)
                    Plain(plain, Convert.FromBase64String(k), c < 3);
                WritePage(file, 2, plain.ToArray(), codec, dictionary.Count, v2: false, 0, 0);
            }
            long dataOffset = file.Position;
            for (int at = 0, page = 0; at < rows; at += pageRows, page++)
            {
                var slice = values[at..Math.Min(rows, at + pageRows)];
                var defs = Rle(slice.Select(v => v is null ? 0 : 1).ToArray(), 1);
                var present = slice.Where(v => v is not null).ToArray();
                var body = new MemoryStream();
                bool dict = page % 2 == 0 && dictionary.Count > 0;
                if (dict)
                {
                    int width = Math.Max(1, 32 - System.Numerics.BitOperations.LeadingZeroCount(
                        (uint)(dictionary.Count - 1)));
                    body.WriteByte((byte)width);
                    body.Write(BitPacked(present.Select(v => index[Convert.ToBase64String(v!)]).ToArray(), width));
                }
                else
                {
                    foreach (var v in present)
                        Plain(body, v!, c < 3);
                }
                if (dict)
                {
                    var page1 = new MemoryStream();
                    page1.Write(BitConverter.GetBytes(defs.Length));
                    page1.Write(defs);
                    page1.Write(body.ToArray());
                    WritePage(file, 0, page1.ToArray(), codec, slice.Length, v2: false, 8, 0);
                }
                else
                {
                    WritePage(file, 3, body.ToArray(), codec, slice.Length, v2: true, 0, defs.Length, defs,
                        slice.Length - present.Length);
                }
            }
            chunks.Add((dataOffset, dictOffset, file.Position - chunkStart, c < 3 ? 6 : 2));
        }
        var meta = new Thrift();
        meta.Field(1, I32).Int(1);
        meta.Field(2, List).ListHeader(Struct, 5);
        meta.Begin().Field(4, Binary).Bytes("schema"u8).Field(5, I32).Int(4).End();
        for (int c = 0; c < 4; c++)
        {
            meta.Begin().Field(1, I32).Int(chunks[c].Type).Field(3, I32).Int(1).Field(4, Binary)
                .Bytes(System.Text.Encoding.UTF8.GetBytes(Names[c]));
            if (c < 3)
                meta.Field(6, I32).Int(0);
            meta.End();
        }
        meta.Field(3, I64).Int(rows);
        meta.Field(4, List).ListHeader(Struct, 1);
        meta.Begin().Field(1, List).ListHeader(Struct, 4);
        for (int c = 0; c < 4; c++)
        {
            var (dataOffset, dictOffset, size, type) = chunks[c];
            meta.Begin().Field(2, I64).Int(dictOffset >= 0 ? dictOffset : dataOffset).Field(3, Struct).Begin()
                .Field(1, I32).Int(type).Field(2, List).ListHeader(I32, 3).Int(0).Int(3).Int(8)
                .Field(3, List).ListHeader(Binary, 1).Bytes(System.Text.Encoding.UTF8.GetBytes(Names[c]))
                .Field(4, I32).Int(codec).Field(5, I64).Int(rows).Field(6, I64).Int(size).Field(7, I64).Int(size)
                .Field(9, I64).Int(dataOffset);
            if (dictOffset >= 0)
                meta.Field(11, I64).Int(dictOffset);
            meta.End().End();
        }
        meta.Field(3, I64).Int(rows).End().End();
        var footer = meta.ToArray();
        file.Write(footer);
        file.Write(BitConverter.GetBytes(footer.Length));
        file.Write("PAR1"u8);
        File.WriteAllBytes(path, file.ToArray());
    }

    private static void Plain(Stream to, byte[] value, bool text)
    {
        if (text)
            to.Write(BitConverter.GetBytes(value.Length));
        to.Write(value);
    }

    private static void WritePage(Stream file, int type, byte[] body, int codec, int values, bool v2, int encoding,
        int defLength, byte[]? defs = null, int nulls = 0)
    {
        byte[] data = codec == 1 ? Snappier.Snappy.CompressToArray(body) : body;
        var h = new Thrift();
        h.Field(1, I32).Int(type).Field(2, I32).Int(body.Length + defLength)
            .Field(3, I32).Int(data.Length + defLength);
        if (type == 2)
            h.Field(7, Struct).Begin().Field(1, I32).Int(values).Field(2, I32).Int(0).End();
        else if (!v2)
            h.Field(5, Struct).Begin().Field(1, I32).Int(values).Field(2, I32).Int(encoding).Field(3, I32).Int(3)
                .Field(4, I32).Int(3).End();
        else
            h.Field(8, Struct).Begin().Field(1, I32).Int(values).Field(2, I32).Int(nulls).Field(3, I32).Int(values)
                .Field(4, I32).Int(0).Field(5, I32).Int(defLength).Field(6, I32).Int(0).End();
        h.End();
        file.Write(h.ToArray());
        if (defs is not null)
            file.Write(defs);
        file.Write(data);
    }

    /// <summary>Runs of equal values (the RLE half of the hybrid), for levels.</summary>
    private static byte[] Rle(int[] values, int width)
    {
        var o = new MemoryStream();
        for (int i = 0; i < values.Length;)
        {
            int j = i;
            while (j < values.Length && values[j] == values[i])
                j++;
            Varint(o, (ulong)(j - i) << 1);
            for (int b = 0; b < (width + 7) / 8; b++)
                o.WriteByte((byte)(values[i] >> (8 * b)));
            i = j;
        }
        return o.ToArray();
    }

    /// <summary>One bit-packed run (the other half), for dictionary indices.</summary>
    private static byte[] BitPacked(int[] values, int width)
    {
        var o = new MemoryStream();
        int groups = (values.Length + 7) / 8;
        Varint(o, ((ulong)groups << 1) | 1);
        var packed = new byte[groups * width + 8];
        for (int i = 0; i < values.Length; i++)
        {
            long bit = (long)i * width;
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan((int)(bit >> 3)));
            word |= (ulong)(uint)values[i] << (int)(bit & 7);
            BinaryPrimitives.WriteUInt64LittleEndian(packed.AsSpan((int)(bit >> 3)), word);
        }
        o.Write(packed, 0, groups * width);
        return o.ToArray();
    }

    private static void Varint(Stream o, ulong v)
    {
        while (v >= 0x80)
        {
            o.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        o.WriteByte((byte)v);
    }

    /// <summary>Thrift's compact protocol, written.</summary>
    private sealed class Thrift
    {
        private readonly MemoryStream _out = new();
        private readonly Stack<int> _last = new();
        private int _field;

        public Thrift Field(int id, byte type)
        {
            int delta = id - _field;
            if (delta is > 0 and <= 15)
            {
                _out.WriteByte((byte)((delta << 4) | type));
            }
            else
            {
                _out.WriteByte(type);
                Varint(_out, (ulong)((id << 1) ^ (id >> 31)));
            }
            _field = id;
            return this;
        }

        public Thrift Int(long v)
        {
            Varint(_out, (ulong)((v << 1) ^ (v >> 63)));
            return this;
        }

        public Thrift Bytes(ReadOnlySpan<byte> v)
        {
            Varint(_out, (ulong)v.Length);
            _out.Write(v);
            return this;
        }

        public Thrift ListHeader(byte type, int count)
        {
            _out.WriteByte(count < 15 ? (byte)((count << 4) | type) : (byte)(0xf0 | type));
            if (count >= 15)
                Varint(_out, (ulong)count);
            return this;
        }

        public Thrift Begin()
        {
            _last.Push(_field);
            _field = 0;
            return this;
        }

        public Thrift End()
        {
            _out.WriteByte(0);
            if (_last.Count > 0)
                _field = _last.Pop();
            return this;
        }

        public byte[] ToArray() => _out.ToArray();
    }
}
