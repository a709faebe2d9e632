namespace FlowSpike.Synth;

/// <summary>An address field value: IPv4 as a number, IPv6 as pre-formatted UTF-8 (formatted once at
/// setup so records never allocate), or none ("-").</summary>
internal readonly record struct SynthAddr(uint V4, byte[]? V6)
{
    public static SynthAddr None => default;

    public bool IsNone => V4 == 0 && V6 is null;

    public bool IsV6 => V6 is not null;

    public static SynthAddr Ipv4(uint address) => new(address, null);

    public static SynthAddr Ipv6(byte[] text) => new(0, text);

    public static uint Make(int a, int b, int c, int d) => (uint)a << 24 | (uint)b << 16 | (uint)c << 8 | (uint)d;

    public static string FormatV4(uint address) =>
        string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");
}
