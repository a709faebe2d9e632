namespace FlowSpike.Records.Parquet;

/// <summary>
/// Thrift's compact protocol over a byte span, as much of it as Parquet's footer and page headers use: field headers,
/// zigzag varints, binaries, lists and skipping whatever is not read. Malformed input throws
/// <see cref="InvalidDataException"/>.
/// </summary>
internal ref struct ThriftReader(ReadOnlySpan<byte> data)
{
    public const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8,
        List = 9, Set = 10, Map = 11, Struct = 12;

    private readonly ReadOnlySpan<byte> _data = data;
    private short _lastField;

    /// <summary>Bytes read so far.</summary>
    public int Position { get; private set; }

    /// <summary>The next field of the current struct: its id and type; type <see cref="Stop"/> at the end.</summary>
    public (short Id, byte Type) NextField()
    {
        byte header = ReadByte();
        byte type = (byte)(header & 0x0f);
        if (type == Stop)
            return (0, Stop);
        int delta = header >> 4;
        _lastField = delta != 0 ? (short)(_lastField + delta) : (short)Zigzag(ReadVarint());
        return (_lastField, type);
    }

    /// <summary>Enters a nested struct; returns the field id to restore with <see cref="EndStruct"/>.</summary>
    public short BeginStruct()
    {
        short saved = _lastField;
        _lastField = 0;
        return saved;
    }

    public void EndStruct(short saved) => _lastField = saved;

    public int ReadInt() => checked((int)Zigzag(ReadVarint()));

    public long ReadLong() => Zigzag(ReadVarint());

    public ReadOnlySpan<byte> ReadBinary()
    {
        int length = checked((int)ReadVarint());
        if (length < 0 || length > _data.Length - Position)
            throw new InvalidDataException("Thrift binary runs past the end of its buffer");
        var value = _data.Slice(Position, length);
        Position += length;
        return value;
    }

    /// <summary>A list or set header: element type and count.</summary>
    public (byte Type, int Count) ReadListHeader()
    {
        byte header = ReadByte();
        int count = header >> 4;
        if (count == 15)
            count = checked((int)ReadVarint());
        return ((byte)(header & 0x0f), count);
    }

    /// <summary>The value of a boolean field is in its type.</summary>
    public static bool BoolOf(byte type) => type == True;

    public void Skip(byte type)
    {
        switch (type)
        {
            case True or False:
                break;
            case Byte:
                ReadByte();
                break;
            case I16 or I32 or I64:
                ReadVarint();
                break;
            case Double:
                Advance(8);
                break;
            case Binary:
                ReadBinary();
                break;
            case List or Set:
                {
                    var (element, count) = ReadListHeader();
                    for (int i = 0; i < count; i++)
                    {
                        if (element is True or False)
                            ReadByte(); // a boolean element is a byte of its own
                        else
                            Skip(element);
                    }
                    break;
                }
            case Map:
                {
                    int count = checked((int)ReadVarint());
                    if (count == 0)
                        break;
                    byte kinds = ReadByte();
                    for (int i = 0; i < count; i++)
                    {
                        Skip((byte)(kinds >> 4));
                        Skip((byte)(kinds & 0x0f));
                    }
                    break;
                }
            case Struct:
                {
                    short saved = BeginStruct();
                    while (NextField() is { Type: not Stop } f)
                        Skip(f.Type);
                    EndStruct(saved);
                    break;
                }
            default:
                throw new InvalidDataException($"unknown Thrift type {type}");
        }
    }

    private byte ReadByte()
    {
        if (Position >= _data.Length)
            throw new InvalidDataException("Thrift data ends early");
        return _data[Position++];
    }

    private void Advance(int count)
    {
        if (count > _data.Length - Position)
            throw new InvalidDataException("Thrift data ends early");
        Position += count;
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
        throw new InvalidDataException("Thrift varint is too long");
    }

    private static long Zigzag(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);
}
