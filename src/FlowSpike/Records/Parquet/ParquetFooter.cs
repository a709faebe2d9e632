namespace FlowSpike.Records.Parquet;

/// <summary>One leaf column of the schema: its dotted path, physical type and levels, and its annotations.</summary>
internal sealed record ParquetLeaf(
    string Path, int PhysicalType, int MaxDefinition, int MaxRepetition, int ConvertedType, int LogicalType,
    bool LogicalSigned);

/// <summary>One column chunk of a row group, as the footer describes it.</summary>
internal sealed class ParquetChunk
{
    public string Path { get; set; } = "";
    public int Codec { get; set; }
    public long Values { get; set; }
    public long DataPageOffset { get; set; } = -1;
    public long DictionaryPageOffset { get; set; } = -1;
    public long CompressedSize { get; set; }
    public List<int> Encodings { get; } = [];
    public bool InOtherFile { get; set; }

    /// <summary>The chunk's statistics for an integer column: its least and greatest value and its null count, each
    /// null when the writer left it out.</summary>
    public long? Min { get; set; }
    public long? Max { get; set; }
    public long? NullCount { get; set; }

    /// <summary>Where the chunk's first page starts (its dictionary page when it has one).</summary>
    public long Start => DictionaryPageOffset > 0 && DictionaryPageOffset < DataPageOffset
        ? DictionaryPageOffset
        : DataPageOffset;
}

/// <summary>The parts of Parquet's FileMetaData the flow-log reader uses: the leaves and the row groups.</summary>
internal sealed class ParquetFooter
{
    // Physical types and repetition, as parquet.thrift numbers them.
    public const int Int32 = 1, Int64 = 2, ByteArray = 6;
    private const int Required = 0, Repeated = 2;

    public List<ParquetLeaf> Leaves { get; } = [];
    public List<(long Rows, ParquetChunk[] Chunks)> RowGroups { get; } = [];

    /// <summary>The file's footer, from the bytes between the data and the trailing length and magic.</summary>
    public static ParquetFooter Parse(ReadOnlySpan<byte> metadata)
    {
        var footer = new ParquetFooter();
        var r = new ThriftReader(metadata);
        var elements = new List<(string Name, int Type, int Repetition, int Children, int Converted, int Logical,
            bool Signed)>();
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            if (f.Id == 2 && f.Type == ThriftReader.List)
            {
                var (_, count) = r.ReadListHeader();
                for (int i = 0; i < count; i++)
                    elements.Add(ReadSchemaElement(ref r));
            }
            else if (f.Id == 4 && f.Type == ThriftReader.List)
            {
                var (_, count) = r.ReadListHeader();
                for (int i = 0; i < count; i++)
                    footer.RowGroups.Add(ReadRowGroup(ref r));
            }
            else
            {
                r.Skip(f.Type);
            }
        }
        if (elements.Count == 0)
            throw new InvalidDataException("the Parquet footer has no schema");
        int at = 1;
        for (int c = 0; c < elements[0].Children; c++)
            AddLeaves(footer.Leaves, elements, ref at, "", 0, 0);
        return footer;
    }

    private static void AddLeaves(
        List<ParquetLeaf> leaves,
        List<(string Name, int Type, int Repetition, int Children, int Converted, int Logical, bool Signed)> elements,
        ref int at, string prefix, int definition, int repetition)
    {
        if (at >= elements.Count)
            throw new InvalidDataException("the Parquet schema is shorter than its children say");
        var e = elements[at++];
        string path = prefix.Length == 0 ? e.Name : prefix + "." + e.Name;
        int def = definition + (e.Repetition == Required ? 0 : 1);
        int rep = repetition + (e.Repetition == Repeated ? 1 : 0);
        if (e.Children == 0)
        {
            leaves.Add(new ParquetLeaf(path, e.Type, def, rep, e.Converted, e.Logical, e.Signed));
            return;
        }
        for (int c = 0; c < e.Children; c++)
            AddLeaves(leaves, elements, ref at, path, def, rep);
    }

    private static (string, int, int, int, int, int, bool) ReadSchemaElement(ref ThriftReader r)
    {
        short saved = r.BeginStruct();
        string name = "";
        int type = -1, repetition = Required, children = 0, converted = -1, logical = -1;
        bool signed = true;
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            switch (f.Id)
            {
                case 1:
                    type = r.ReadInt();
                    break;
                case 3: repetition = r.ReadInt(); break;
                case 4: name = System.Text.Encoding.UTF8.GetString(r.ReadBinary()); break;
                case 5: children = r.ReadInt(); break;
                case 6: converted = r.ReadInt(); break;
                case 10 when f.Type == ThriftReader.Struct: (logical, signed) = ReadLogicalType(ref r); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        return (name, type, repetition, children, converted, logical, signed);
    }

    /// <summary>The LogicalType union: which member is set, and for INTEGER whether it is signed.</summary>
    private static (int, bool) ReadLogicalType(ref ThriftReader r)
    {
        short saved = r.BeginStruct();
        int kind = -1;
        bool signed = true;
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            kind = f.Id;
            if (f.Id == 10 && f.Type == ThriftReader.Struct)
            {
                short inner = r.BeginStruct();
                while (r.NextField() is { Type: not ThriftReader.Stop } g)
                {
                    if (g.Id == 2 && g.Type is ThriftReader.True or ThriftReader.False)
                        signed = ThriftReader.BoolOf(g.Type);
                    else
                        r.Skip(g.Type);
                }
                r.EndStruct(inner);
            }
            else
            {
                r.Skip(f.Type);
            }
        }
        r.EndStruct(saved);
        return (kind, signed);
    }

    private static (long, ParquetChunk[]) ReadRowGroup(ref ThriftReader r)
    {
        short saved = r.BeginStruct();
        long rows = 0;
        var chunks = new List<ParquetChunk>();
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            if (f.Id == 1 && f.Type == ThriftReader.List)
            {
                var (_, count) = r.ReadListHeader();
                for (int i = 0; i < count; i++)
                    chunks.Add(ReadColumnChunk(ref r));
            }
            else if (f.Id == 3)
            {
                rows = r.ReadLong();
            }
            else
            {
                r.Skip(f.Type);
            }
        }
        r.EndStruct(saved);
        return (rows, [.. chunks]);
    }

    private static ParquetChunk ReadColumnChunk(ref ThriftReader r)
    {
        short saved = r.BeginStruct();
        var chunk = new ParquetChunk();
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            if (f.Id == 1 && f.Type == ThriftReader.Binary)
                chunk.InOtherFile = r.ReadBinary().Length > 0;
            else if (f.Id == 3 && f.Type == ThriftReader.Struct)
                ReadColumnMetaData(ref r, chunk);
            else
                r.Skip(f.Type);
        }
        r.EndStruct(saved);
        return chunk;
    }

    private static void ReadColumnMetaData(ref ThriftReader r, ParquetChunk chunk)
    {
        short saved = r.BeginStruct();
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            switch (f.Id)
            {
                case 2 when f.Type == ThriftReader.List:
                    {
                        var (_, count) = r.ReadListHeader();
                        for (int i = 0; i < count; i++)
                            chunk.Encodings.Add(r.ReadInt());
                        break;
                    }
                case 3 when f.Type == ThriftReader.List:
                    {
                        var (_, count) = r.ReadListHeader();
                        var parts = new string[count];
                        for (int i = 0; i < count; i++)
                            parts[i] = System.Text.Encoding.UTF8.GetString(r.ReadBinary());
                        chunk.Path = string.Join('.', parts);
                        break;
                    }
                case 4: chunk.Codec = r.ReadInt(); break;
                case 5: chunk.Values = r.ReadLong(); break;
                case 7: chunk.CompressedSize = r.ReadLong(); break;
                case 9: chunk.DataPageOffset = r.ReadLong(); break;
                case 11: chunk.DictionaryPageOffset = r.ReadLong(); break;
                case 12 when f.Type == ThriftReader.Struct: ReadStatistics(ref r, chunk); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
    }

    /// <summary>Statistics: min_value and max_value (5, 6), else the older min and max (2, 1), which writers also
    /// order as signed for integers; kept as integers when 4 or 8 bytes long.</summary>
    private static void ReadStatistics(ref ThriftReader r, ParquetChunk chunk)
    {
        short saved = r.BeginStruct();
        long? min = null, max = null, minValue = null, maxValue = null;
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            switch (f.Id)
            {
                case 1 when f.Type == ThriftReader.Binary: max = Integer(r.ReadBinary()); break;
                case 2 when f.Type == ThriftReader.Binary: min = Integer(r.ReadBinary()); break;
                case 3: chunk.NullCount = r.ReadLong(); break;
                case 5 when f.Type == ThriftReader.Binary: maxValue = Integer(r.ReadBinary()); break;
                case 6 when f.Type == ThriftReader.Binary: minValue = Integer(r.ReadBinary()); break;
                default: r.Skip(f.Type); break;
            }
        }
        r.EndStruct(saved);
        (chunk.Min, chunk.Max) = minValue.HasValue && maxValue.HasValue ? (minValue, maxValue) : (min, max);
    }

    private static long? Integer(ReadOnlySpan<byte> value) => value.Length switch
    {
        8 => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(value),
        4 => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(value),
        _ => null,
    };
}
