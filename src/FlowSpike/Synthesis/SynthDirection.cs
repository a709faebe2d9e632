namespace FlowSpike.Synthesis;

internal enum SynthDirection
{
    None,
    Ingress,
    Egress,
}
