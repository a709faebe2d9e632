using System.Buffers.Text;

namespace FlowSpike.Synth;

/// <summary>Formats records straight into a reusable byte buffer (no string per record) and hands
/// full chunks to the current file's stream.</summary>
internal sealed class FlowLineWriter
{
    // Longest v5 line with four IPv6 addresses is well under this; checked once per line.
    private const int MaxLine = 1024;

    // "0".."255" as ASCII, 4 bytes per octet: length, then up to 3 digits.
    private static readonly byte[] OctetText = BuildOctetText();

    private readonly byte[] _buffer = new byte[256 * 1024];
    private readonly SynthField[] _fields;
    private readonly int _version;
    private Stream? _target;
    private int _pos;

    public FlowLineWriter(SynthField[] fields, int version)
    {
        _fields = fields;
        _version = version;
    }

    public long BytesWritten { get; private set; }

    public long RecordsWritten { get; private set; }

    public void Open(Stream target, ReadOnlySpan<byte> header)
    {
        _target = target;
        _pos = 0;
        header.CopyTo(_buffer);
        _pos = header.Length;
        BytesWritten += header.Length;
    }

    public void Close()
    {
        Flush();
        _target = null;
    }

    public void Write(ref SynthRecord r)
    {
        if (_pos > _buffer.Length - MaxLine)
        {
            Flush();
        }

        var start = _pos;
        var fields = _fields;
        for (var i = 0; i < fields.Length; i++)
        {
            if (i != 0)
            {
                _buffer[_pos++] = (byte)' ';
            }

            WriteField(fields[i], ref r);
        }

        _buffer[_pos++] = (byte)'\n';
        BytesWritten += _pos - start;
        RecordsWritten++;
    }

    private void WriteField(SynthField field, ref SynthRecord r)
    {
        switch (field)
        {
            case SynthField.Version: PutNumber(_version); break;
            case SynthField.AccountId: Put(r.Host.AccountId); break;
            case SynthField.InterfaceId: Put(r.Eni); break;
            case SynthField.SrcAddr:
            case SynthField.PktSrcAddr: PutAddress(r.Src); break;
            case SynthField.DstAddr:
            case SynthField.PktDstAddr: PutAddress(r.Dst); break;
            case SynthField.SrcPort: PutNumber(r.SrcPort); break;
            case SynthField.DstPort: PutNumber(r.DstPort); break;
            case SynthField.Protocol: PutNumber(r.Protocol); break;
            case SynthField.Packets: PutNumber(r.Packets); break;
            case SynthField.Bytes: PutNumber(r.Bytes); break;
            case SynthField.Start: PutNumber(r.Start); break;
            case SynthField.End: PutNumber(r.End); break;
            case SynthField.Action:
                Put(r.Action switch { SynthAction.Accept => "ACCEPT"u8, SynthAction.Reject => "REJECT"u8, _ => "-"u8 });
                break;
            case SynthField.LogStatus:
                Put(r.Status switch
                {
                    SynthLogStatus.NoData => "NODATA"u8,
                    SynthLogStatus.SkipData => "SKIPDATA"u8,
                    _ => "OK"u8,
                });
                break;
            case SynthField.VpcId: Put(r.Host.VpcId); break;
            case SynthField.SubnetId: Put(r.Host.SubnetId); break;
            case SynthField.InstanceId: Put(r.Host.InstanceId); break;
            case SynthField.TcpFlags: PutNumber(r.TcpFlags); break;
            case SynthField.Type: Put(r.Src.IsNone ? "-"u8 : r.Src.IsV6 ? "IPv6"u8 : "IPv4"u8); break;
            case SynthField.Region: Put("us-east-1"u8); break;
            case SynthField.AzId: Put(r.Host.AzId); break;
            case SynthField.SublocationType:
            case SynthField.SublocationId: _buffer[_pos++] = (byte)'-'; break;
            case SynthField.PktSrcAwsService: Put(r.SrcService); break;
            case SynthField.PktDstAwsService: Put(r.DstService); break;
            case SynthField.FlowDirection:
                Put(r.Direction switch
                {
                    SynthDirection.Ingress => "ingress"u8,
                    SynthDirection.Egress => "egress"u8,
                    _ => "-"u8,
                });
                break;
            case SynthField.TrafficPath: PutNumber(r.TrafficPath); break;
            default: throw new InvalidOperationException($"Unknown field {field}.");
        }
    }

    private void Put(ReadOnlySpan<byte> text)
    {
        text.CopyTo(_buffer.AsSpan(_pos));
        _pos += text.Length;
    }

    /// <summary>Writes a non-negative number, or "-" for a negative one.</summary>
    private void PutNumber(long value)
    {
        if (value < 0)
        {
            _buffer[_pos++] = (byte)'-';
            return;
        }

        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_pos), out var written);
        _pos += written;
    }

    private void PutAddress(SynthAddr address)
    {
        if (address.V6 is { } v6)
        {
            Put(v6);
            return;
        }

        if (address.V4 == 0)
        {
            _buffer[_pos++] = (byte)'-';
            return;
        }

        var v4 = address.V4;
        PutOctet(v4 >> 24);
        _buffer[_pos++] = (byte)'.';
        PutOctet((v4 >> 16) & 0xFF);
        _buffer[_pos++] = (byte)'.';
        PutOctet((v4 >> 8) & 0xFF);
        _buffer[_pos++] = (byte)'.';
        PutOctet(v4 & 0xFF);
    }

    private void PutOctet(uint octet)
    {
        var at = (int)octet * 4;
        var length = OctetText[at];
        _buffer[_pos] = OctetText[at + 1];
        _buffer[_pos + 1] = OctetText[at + 2];
        _buffer[_pos + 2] = OctetText[at + 3];
        _pos += length;
    }

    private void Flush()
    {
        if (_pos > 0)
        {
            _target?.Write(_buffer, 0, _pos);
            _pos = 0;
        }
    }

    private static byte[] BuildOctetText()
    {
        var table = new byte[256 * 4];
        for (var i = 0; i < 256; i++)
        {
            var digits = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            table[i * 4] = (byte)digits.Length;
            for (var j = 0; j < digits.Length; j++)
            {
                table[(i * 4) + 1 + j] = (byte)digits[j];
            }
        }

        return table;
    }
}
