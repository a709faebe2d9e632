namespace FlowSpike.Synthesis;

internal enum SynthAction
{
    Dash,
    Accept,
    Reject,
}
