namespace FlowSpike.Synth;

/// <summary>Header names of <see cref="SynthField"/>, indexed by the enum value.</summary>
internal static class SynthFieldNames
{
    public static readonly string[] Names =
    [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
        "packets", "bytes", "start", "end", "action", "log-status", "vpc-id", "subnet-id", "instance-id",
        "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id", "sublocation-type",
        "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
    ];

    /// <summary>Number of fields of the default (v2) format, which are the first ones of v5.</summary>
    public const int DefaultCount = 14;

    public static SynthField[] DefaultOrder()
    {
        var fields = new SynthField[DefaultCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = (SynthField)i;
        }

        return fields;
    }

    /// <summary>All v5 fields in a Fisher-Yates order from <paramref name="rng"/>, never the documented
    /// order.</summary>
    public static SynthField[] ShuffledV5Order(Random rng)
    {
        var fields = new SynthField[Names.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = (SynthField)i;
        }

        // A reader that silently assumes the default order must fail on this layout, so the
        // first 14 columns must not come out in their usual place.
        do
        {
            rng.Shuffle(fields);
        }
        while (StartsInDefaultOrder(fields));

        return fields;
    }

    private static bool StartsInDefaultOrder(SynthField[] fields)
    {
        for (var i = 0; i < DefaultCount; i++)
        {
            if (fields[i] != (SynthField)i)
            {
                return false;
            }
        }

        return true;
    }
}
