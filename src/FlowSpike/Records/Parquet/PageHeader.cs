namespace FlowSpike.Records.Parquet;

/// <summary>What the reader needs of a page header (PageHeader and its data, dictionary and V2 headers).</summary>
internal struct PageHeader
{
    public int Type, UncompressedSize, CompressedSize, Values, Encoding, DefinitionEncoding;
    public int DefinitionLength, RepetitionLength;
    public bool Compressed;

    public static PageHeader Read(ref ThriftReader r)
    {
        var h = new PageHeader { Type = -1, Compressed = true };
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            switch (f.Id)
            {
                case 1:
                    h.Type = r.ReadInt();
                    break;
                case 2:
                    h.UncompressedSize = r.ReadInt();
                    break;
                case 3:
                    h.CompressedSize = r.ReadInt();
                    break;
                case 5 or 7 or 8 when f.Type == ThriftReader.Struct:
                    ReadInner(ref r, f.Id, ref h);
                    break;
                default:
                    r.Skip(f.Type);
                    break;
            }
        }
        return h;
    }

    private static void ReadInner(ref ThriftReader r, short which, ref PageHeader h)
    {
        short saved = r.BeginStruct();
        while (r.NextField() is { Type: not ThriftReader.Stop } f)
        {
            switch (which, f.Id)
            {
                case (_, 1):
                    h.Values = r.ReadInt();
                    break;
                case (5 or 7, 2):
                    h.Encoding = r.ReadInt();
                    break;
                case (5, 3):
                    h.DefinitionEncoding = r.ReadInt();
                    break;
                case (8, 4):
                    h.Encoding = r.ReadInt();
                    break;
                case (8, 5):
                    h.DefinitionLength = r.ReadInt();
                    break;
                case (8, 6):
                    h.RepetitionLength = r.ReadInt();
                    break;
                case (8, 7) when f.Type is ThriftReader.True or ThriftReader.False:
                    h.Compressed = ThriftReader.BoolOf(f.Type);
                    break;
                default:
                    r.Skip(f.Type);
                    break;
            }
        }
        r.EndStruct(saved);
    }
}
