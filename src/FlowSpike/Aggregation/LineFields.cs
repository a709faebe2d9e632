namespace FlowSpike.Aggregation;

/// <summary>The field checks of <see cref="FlowRecordHandler"/> that look at a whole line: blank runs and empty fields.
/// </summary>
internal static class LineFields
{
    /// <summary>Copies the line with every run of blanks turned into one space; returns the field count.</summary>
    public static int Normalize(ReadOnlySpan<byte> line, byte[] output, Span<int> ends, out int length)
    {
        int n = 0, fields = 0;
        bool inField = false;
        foreach (byte b in line)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                if (inField)
                {
                    if (fields < ends.Length)
                        ends[fields] = n;
                    fields++;
                    inField = false;
                }
                continue;
            }
            if (!inField && fields > 0)
                output[n++] = (byte)' ';
            output[n++] = b;
            inField = true;
        }
        if (inField)
        {
            if (fields < ends.Length)
                ends[fields] = n;
            fields++;
        }
        length = n;
        return fields;
    }

    public static bool HasEmptyField(ReadOnlySpan<byte> line, ReadOnlySpan<int> ends)
    {
        // No early exit: the loop is a few compares OR-ed together, with nothing to mispredict.
        int begin = 0;
        bool empty = false;
        foreach (int end in ends)
        {
            empty |= end == begin;
            begin = end + 1;
        }
        if (empty)
            return true;
        // A last field that is only the '\r' of a CRLF line is empty too.
        return line.Length > 0 && line[^1] == (byte)'\r' && ends[^1] - (ends.Length > 1 ? ends[^2] + 1 : 0) == 1;
    }
}
