namespace FlowSpike.Synth;

internal enum SynthAction
{
    Dash,
    Accept,
    Reject,
}
