using System.Text.Json.Serialization;

namespace FlowSpike.Synth;

// Row shapes for the Parquet containers. Parquet.Net's serializer takes column names from JsonPropertyName.

/// <summary>One record of AWS's S3 Parquet delivery (version 2 fields, typed as AWS documents them).</summary>
internal sealed class AwsParquetRow
{
    [JsonPropertyName("version")] public int? Version { get; set; }
    [JsonPropertyName("account_id")] public string? AccountId { get; set; }
    [JsonPropertyName("interface_id")] public string? InterfaceId { get; set; }
    [JsonPropertyName("srcaddr")] public string? SrcAddr { get; set; }
    [JsonPropertyName("dstaddr")] public string? DstAddr { get; set; }
    [JsonPropertyName("srcport")] public int? SrcPort { get; set; }
    [JsonPropertyName("dstport")] public int? DstPort { get; set; }
    [JsonPropertyName("protocol")] public int? Protocol { get; set; }
    [JsonPropertyName("packets")] public long? Packets { get; set; }
    [JsonPropertyName("bytes")] public long? Bytes { get; set; }
    [JsonPropertyName("start")] public long? Start { get; set; }
    [JsonPropertyName("end")] public long? End { get; set; }
    [JsonPropertyName("action")] public string? Action { get; set; }
    [JsonPropertyName("log_status")] public string? LogStatus { get; set; }
}

/// <summary>One OCSF 1.1 Network Activity record as Security Lake writes VPC flow logs.</summary>
internal sealed class OcsfRow
{
    [JsonPropertyName("class_uid")] public int ClassUid { get; set; } = 4001;
    [JsonPropertyName("category_uid")] public int CategoryUid { get; set; } = 4;
    [JsonPropertyName("activity_id")] public int? ActivityId { get; set; }
    [JsonPropertyName("activity_name")] public string? ActivityName { get; set; }
    [JsonPropertyName("type_uid")] public long? TypeUid { get; set; }
    [JsonPropertyName("action_id")] public int? ActionId { get; set; }
    [JsonPropertyName("action")] public string? Action { get; set; }
    [JsonPropertyName("disposition")] public string? Disposition { get; set; }
    [JsonPropertyName("severity_id")] public int SeverityId { get; set; } = 1;
    [JsonPropertyName("time")] public long Time { get; set; }
    [JsonPropertyName("status_code")] public string? StatusCode { get; set; }
    [JsonPropertyName("src_endpoint")] public OcsfEndpoint? SrcEndpoint { get; set; }
    [JsonPropertyName("dst_endpoint")] public OcsfEndpoint? DstEndpoint { get; set; }
    [JsonPropertyName("cloud")] public OcsfCloud? Cloud { get; set; }
}

internal sealed class OcsfEndpoint
{
    [JsonPropertyName("ip")] public string? Ip { get; set; }
    [JsonPropertyName("port")] public int? Port { get; set; }
    [JsonPropertyName("interface_uid")] public string? InterfaceUid { get; set; }
}

internal sealed class OcsfCloud
{
    [JsonPropertyName("provider")] public string? Provider { get; set; }
    [JsonPropertyName("account")] public OcsfAccount? Account { get; set; }
}

internal sealed class OcsfAccount
{
    [JsonPropertyName("uid")] public string? Uid { get; set; }
}
