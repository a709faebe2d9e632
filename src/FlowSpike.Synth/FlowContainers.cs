using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FlowSpike.Records;
using Parquet;
using Parquet.Serialization;

namespace FlowSpike.Synth;

/// <summary>
/// Rewrites a text flow log into another container with the same logical records, so that every reader can be
/// checked against the text reader on identical data.
/// </summary>
public static class FlowContainers
{
    public static string Extension(FlowContainer container) => container switch
    {
        FlowContainer.Text => ".log.gz",
        FlowContainer.CloudWatch => ".json",
        FlowContainer.Subscription => ".gz",
        FlowContainer.Firehose => ".json",
        FlowContainer.Parquet => ".log.parquet",
        FlowContainer.Ocsf => ".gz.parquet",
        _ => throw new ArgumentOutOfRangeException(nameof(container)),
    };

    /// <summary>Converts every text file under <paramref name="sourceDir"/> into <paramref name="container"/>,
    /// keeping the tree (names get the container's extension).</summary>
    public static void ConvertTree(string sourceDir, string targetDir, FlowContainer container)
    {
        foreach (string file in Directory.EnumerateFiles(sourceDir, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(sourceDir, file);
            int stem = relative.IndexOf(".log", StringComparison.Ordinal);
            string target = Path.Combine(targetDir, (stem < 0 ? relative : relative[..stem]) + Extension(container));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Convert(file, target, container);
        }
    }

    /// <summary>Converts one text file (header line or default format) into <paramref name="container"/> at
    /// <paramref name="outputPath"/>.</summary>
    public static void Convert(string textPath, string outputPath, FlowContainer container)
    {
        var (layout, records) = ReadText(textPath);
        using var output = File.Create(outputPath);
        switch (container)
        {
            case FlowContainer.Text:
                using (var gz = new GZipStream(output, CompressionLevel.Fastest))
                using (var w = new StreamWriter(gz, new UTF8Encoding(false)) { NewLine = "\n" })
                {
                    w.WriteLine(layout.ToString());
                    foreach (var r in records)
                        w.WriteLine(string.Join(' ', r));
                }
                break;
            case FlowContainer.CloudWatch:
                WriteCloudWatch(output, layout, records);
                break;
            case FlowContainer.Subscription:
                WriteSubscription(output, layout, records);
                break;
            case FlowContainer.Firehose:
                using (var w = new StreamWriter(output, new UTF8Encoding(false)) { NewLine = "\n" })
                {
                    foreach (var r in records)
                    {
                        var message = new Dictionary<string, string> { ["message"] = DefaultOrder(layout, r) };
                        w.WriteLine(JsonSerializer.Serialize(message));
                    }
                }
                break;
            case FlowContainer.Parquet:
                ParquetSerializer.SerializeAsync(records.Select(r => AwsRow(layout, r)), output, GzipOptions())
                    .GetAwaiter().GetResult();
                break;
            case FlowContainer.Ocsf:
                ParquetSerializer.SerializeAsync(records.Select(r => OcsfRowOf(layout, r)), output, GzipOptions())
                    .GetAwaiter().GetResult();
                break;
        }
    }

    private static ParquetOptions GzipOptions() =>
        new() { CompressionMethod = CompressionMethod.Gzip, RowGroupSize = 50_000 };

    private static (FlowLayout Layout, List<string[]> Records) ReadText(string path)
    {
        using var opened = InputOpener.Open(new InputFile(path, new FileInfo(path).Length), InputFormat.Text);
        using var reader = new StreamReader(opened.Stream, Encoding.ASCII);
        var layout = FlowLayout.Default;
        var records = new List<string[]>();
        string? line;
        bool first = true;
        while ((line = reader.ReadLine()) is not null)
        {
            if (first && FlowLayout.FromFirstLine(Encoding.ASCII.GetBytes(line), path) is { } header)
            {
                layout = header;
                first = false;
                continue;
            }
            first = false;
            if (line.Length > 0)
                records.Add(line.Split(' '));
        }
        return (layout, records);
    }

    private static string Get(FlowLayout layout, string[] r, string field)
    {
        int i = -1;
        for (int k = 0; k < layout.Names.Count; k++)
        {
            if (layout.Names[k] == field)
                i = k;
        }
        return i >= 0 && i < r.Length ? r[i] : "-";
    }

    /// <summary>The record in the default v2 order, as header-less containers carry it.</summary>
    private static string DefaultOrder(FlowLayout layout, string[] r) =>
        string.Join(' ', FlowLayout.Default.Names.Select(n => Get(layout, r, n)));

    private static string? Str(string v) => v == "-" ? null : v;
    private static int? Int(string v) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) ? x : null;

    private static long? Long(string v) =>
        long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long x) ? x : null;

    private static AwsParquetRow AwsRow(FlowLayout l, string[] r) => new()
    {
        Version = Int(Get(l, r, "version")),
        AccountId = Str(Get(l, r, "account-id")),
        InterfaceId = Str(Get(l, r, "interface-id")),
        SrcAddr = Str(Get(l, r, "srcaddr")),
        DstAddr = Str(Get(l, r, "dstaddr")),
        SrcPort = Int(Get(l, r, "srcport")),
        DstPort = Int(Get(l, r, "dstport")),
        Protocol = Int(Get(l, r, "protocol")),
        Packets = Long(Get(l, r, "packets")),
        Bytes = Long(Get(l, r, "bytes")),
        Start = Long(Get(l, r, "start")),
        End = Long(Get(l, r, "end")),
        Action = Str(Get(l, r, "action")),
        LogStatus = Str(Get(l, r, "log-status")),
    };

    private static OcsfRow OcsfRowOf(FlowLayout l, string[] r)
    {
        string action = Get(l, r, "action");
        bool reject = action == "REJECT";
        string src = Get(l, r, "srcaddr"), iface = Get(l, r, "interface-id");
        // Security Lake puts the interface on the side of the flow it belongs to: the source for egress.
        bool egress = Selection.Ipv4.TryParse(src, out uint ip) && Selection.CidrSet.Default.Contains(ip);
        return new OcsfRow
        {
            ActivityId = action switch { "REJECT" => 5, "ACCEPT" => 6, _ => 0 },
            ActivityName = action switch { "REJECT" => "Refuse", "ACCEPT" => "Traffic", _ => "Unknown" },
            TypeUid = 400100 + (action switch { "REJECT" => 5, "ACCEPT" => 6, _ => 0 }),
            ActionId = reject ? 2 : action == "ACCEPT" ? 1 : 0,
            Action = reject ? "Denied" : action == "ACCEPT" ? "Allowed" : "Unknown",
            Disposition = reject ? "Blocked" : action == "ACCEPT" ? "Allowed" : null,
            Time = (Long(Get(l, r, "start")) ?? 0) * 1000,
            StatusCode = Str(Get(l, r, "log-status")),
            SrcEndpoint = new OcsfEndpoint
            {
                Ip = Str(src),
                Port = Int(Get(l, r, "srcport")),
                InterfaceUid = egress ? Str(iface) : null,
            },
            DstEndpoint = new OcsfEndpoint
            {
                Ip = Str(Get(l, r, "dstaddr")),
                Port = Int(Get(l, r, "dstport")),
                InterfaceUid = egress ? null : Str(iface),
            },
            Cloud = new OcsfCloud
            {
                Provider = "AWS",
                Account = new OcsfAccount { Uid = Str(Get(l, r, "account-id")) },
            },
        };
    }

    private static void WriteCloudWatch(Stream output, FlowLayout layout, List<string[]> records)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("events");
        int id = 0;
        foreach (var r in records)
        {
            long ms = (Long(Get(layout, r, "start")) ?? 0) * 1000;
            w.WriteStartObject();
            w.WriteString("logStreamName", Get(layout, r, "interface-id"));
            w.WriteNumber("timestamp", ms);
            w.WriteString("message", DefaultOrder(layout, r));
            w.WriteNumber("ingestionTime", ms + 60_000);
            w.WriteString("eventId", (++id).ToString("D20", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("searchedLogStreams");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSubscription(Stream output, FlowLayout layout, List<string[]> records)
    {
        // Firehose concatenates the gzip records it receives, with no separator; the first is a health check.
        WriteMember(output, w =>
        {
            w.WriteString("messageType", "CONTROL_MESSAGE");
            w.WriteString("owner", "CloudwatchLogs");
            w.WriteString("logGroup", "");
            w.WriteString("logStream", "");
            w.WriteStartArray("subscriptionFilters");
            w.WriteEndArray();
            w.WriteStartArray("logEvents");
            w.WriteStartObject();
            w.WriteString("id", "");
            w.WriteNumber("timestamp", 0);
            w.WriteString("message", "CWL CONTROL MESSAGE: Checking health of destination Firehose.");
            w.WriteEndObject();
            w.WriteEndArray();
        });
        foreach (var batch in records.Chunk(500))
        {
            WriteMember(output, w =>
            {
                w.WriteString("messageType", "DATA_MESSAGE");
                w.WriteString("owner", Get(layout, batch[0], "account-id"));
                w.WriteString("logGroup", "/aws/vpc/flowlogs");
                w.WriteString("logStream", Get(layout, batch[0], "interface-id"));
                w.WriteStartArray("subscriptionFilters");
                w.WriteStringValue("FlowSpikeSubscription");
                w.WriteEndArray();
                w.WriteStartArray("logEvents");
                int id = 0;
                foreach (var r in batch)
                {
                    w.WriteStartObject();
                    w.WriteString("id", (++id).ToString(CultureInfo.InvariantCulture));
                    w.WriteNumber("timestamp", (Long(Get(layout, r, "start")) ?? 0) * 1000);
                    w.WriteString("message", DefaultOrder(layout, r));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        }
    }

    private static void WriteMember(Stream output, Action<Utf8JsonWriter> body)
    {
        using var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        using var w = new Utf8JsonWriter(gz);
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    }
}
