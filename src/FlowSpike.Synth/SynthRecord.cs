namespace FlowSpike.Synth;

/// <summary>One flow record before formatting; reused for every line, so nothing is allocated per record.
/// Negative numbers mean "-".</summary>
internal struct SynthRecord
{
    public SynthHost Host;
    public byte[] Eni;
    public SynthAddr Src;
    public SynthAddr Dst;
    public int SrcPort;
    public int DstPort;
    public int Protocol;
    public long Packets;
    public long Bytes;
    public long Start;
    public long End;
    public SynthAction Action;
    public SynthLogStatus Status;
    public int TcpFlags;
    public byte[] SrcService;
    public byte[] DstService;
    public SynthDirection Direction;
    public int TrafficPath;
}
