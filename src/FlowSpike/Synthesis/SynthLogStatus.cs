namespace FlowSpike.Synthesis;

internal enum SynthLogStatus
{
    Ok,
    NoData,
    SkipData,
}
