namespace FlowSpike.Synth;

internal enum SynthLogStatus
{
    Ok,
    NoData,
    SkipData,
}
