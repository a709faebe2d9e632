using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FlowSpike.Alerts;
using FlowSpike.Records;

namespace FlowSpike.Synth;

/// <summary>
/// Rewrites a text flow log into another container with the same logical records, so that every reader can be
/// checked against the text reader on identical data.
/// </summary>
internal static class FlowContainers
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
                        w.WriteLine(FlatJson.Object([new("message", DefaultOrder(layout, r))]));
                    }
                }
                break;
            case FlowContainer.Parquet:
                AwsColumns(layout).Write(output, records);
                break;
            case FlowContainer.Ocsf:
                OcsfColumns(layout).Write(output, records);
                break;
        }
    }

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

    /// <summary>AWS's S3 Parquet delivery: version 2 fields, typed as AWS documents them.</summary>
    private static ParquetRows<string[]> AwsColumns(FlowLayout l) => new ParquetRows<string[]>()
        .Add("version", r => Int(Get(l, r, "version")))
        .Add("account_id", r => Str(Get(l, r, "account-id")))
        .Add("interface_id", r => Str(Get(l, r, "interface-id")))
        .Add("srcaddr", r => Str(Get(l, r, "srcaddr")))
        .Add("dstaddr", r => Str(Get(l, r, "dstaddr")))
        .Add("srcport", r => Int(Get(l, r, "srcport")))
        .Add("dstport", r => Int(Get(l, r, "dstport")))
        .Add("protocol", r => Int(Get(l, r, "protocol")))
        .Add("packets", r => Long(Get(l, r, "packets")))
        .Add("bytes", r => Long(Get(l, r, "bytes")))
        .Add("start", r => Long(Get(l, r, "start")))
        .Add("end", r => Long(Get(l, r, "end")))
        .Add("action", r => Str(Get(l, r, "action")))
        .Add("log_status", r => Str(Get(l, r, "log-status")));

    /// <summary>OCSF 1.1 Network Activity as Security Lake writes VPC flow logs.</summary>
    private static ParquetRows<string[]> OcsfColumns(FlowLayout l)
    {
        string Action(string[] r) => Get(l, r, "action");
        int ActivityId(string[] r) => Action(r) switch { "REJECT" => 5, "ACCEPT" => 6, _ => 0 };
        // Security Lake puts the interface on the side of the flow it belongs to: the source for egress.
        bool Egress(string[] r) =>
            Selection.Ipv4.TryParse(Get(l, r, "srcaddr"), out uint ip) && Selection.CidrSet.Default.Contains(ip);
        string? Interface(string[] r, bool egressSide) =>
            Egress(r) == egressSide ? Str(Get(l, r, "interface-id")) : null;
        return new ParquetRows<string[]>()
            .AddRequired("class_uid", _ => 4001)
            .AddRequired("category_uid", _ => 4)
            .Add("activity_id", r => (int?)ActivityId(r))
            .Add("activity_name", r => Action(r) switch { "REJECT" => "Refuse", "ACCEPT" => "Traffic", _ => "Unknown" })
            .Add("type_uid", r => (long?)(400100 + ActivityId(r)))
            .Add("action_id", r => (int?)(Action(r) switch { "REJECT" => 2, "ACCEPT" => 1, _ => 0 }))
            .Add("action", r => Action(r) switch { "REJECT" => "Denied", "ACCEPT" => "Allowed", _ => "Unknown" })
            .Add("disposition", r => Action(r) switch { "REJECT" => "Blocked", "ACCEPT" => "Allowed", _ => null })
            .AddRequired("severity_id", _ => 1)
            .AddRequired("time", r => (Long(Get(l, r, "start")) ?? 0) * 1000)
            .Add("status_code", r => Str(Get(l, r, "log-status")))
            .AddStruct("src_endpoint", e => e
                .Add("ip", r => Str(Get(l, r, "srcaddr")))
                .Add("port", r => Int(Get(l, r, "srcport")))
                .Add("interface_uid", r => Interface(r, egressSide: true)))
            .AddStruct("dst_endpoint", e => e
                .Add("ip", r => Str(Get(l, r, "dstaddr")))
                .Add("port", r => Int(Get(l, r, "dstport")))
                .Add("interface_uid", r => Interface(r, egressSide: false)))
            .AddStruct("cloud", c => c
                .Add("provider", _ => "AWS")
                .AddStruct("account", a => a.Add("uid", r => Str(Get(l, r, "account-id")))));
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
