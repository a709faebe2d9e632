namespace FlowSpike.Synth;

internal enum SynthDirection
{
    None,
    Ingress,
    Egress,
}
