namespace FlowSpike.Synth;

/// <summary>An external IPv4 peer and the AWS service name that pkt-*-aws-service shows for it ("-" if none).</summary>
internal readonly record struct SynthExternal(uint Address, byte[] Service);
