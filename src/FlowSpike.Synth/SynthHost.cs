namespace FlowSpike.Synth;

/// <summary>One internal host with its fixed identity and traffic profile.</summary>
internal sealed class SynthHost
{
    public int Account;
    public byte[] AccountId = [];
    public uint V4;
    public string V4Text = "";

    /// <summary>Pre-formatted IPv6 address, or null for IPv4-only hosts.</summary>
    public byte[]? V6;

    public byte[][] Enis = [];
    public byte[] VpcId = [];
    public byte[] SubnetId = [];
    public byte[] InstanceId = [];
    public byte[] AzId = [];

    /// <summary>Base address of the host's /16, for "some other internal address nearby".</summary>
    public uint NetworkBase;

    public double BlockedRate;
    public double NoiseRate;

    /// <summary>Poisson means per UTC hour of day, with the host's day/night cycle applied.</summary>
    public double[] BlockedLambda = new double[24];
    public double[] NoiseLambda = new double[24];

    /// <summary>The few external addresses this host keeps trying (and being blocked on).</summary>
    public uint[] BlockedDestinations = [];
}
