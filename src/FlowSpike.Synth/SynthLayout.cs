namespace FlowSpike.Synth;

/// <summary>Text layout of the generated flow log files.</summary>
public enum SynthLayout
{
    /// <summary>Default v2 fields with the header line, like S3 delivery.</summary>
    DefaultWithHeader,

    /// <summary>Default v2 fields without a header, like a CloudWatch Logs export.</summary>
    DefaultNoHeader,

    /// <summary>All v5 fields in a seed-derived order, announced by the header line.</summary>
    ShuffledV5Header,
}
