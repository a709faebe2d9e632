namespace FlowSpike.Records;

/// <summary>AWS's field names, as written in S3 header lines and in `${...}` format strings.</summary>
internal static class FlowFieldNames
{
    /// <summary>
    /// All VPC Flow Log fields of record versions 2 to 11, in AWS's documented order: resource-id and
    /// encryption-status (late 2025), then version 11's tag, interface-type and next-hop fields (custom format only).
    /// </summary>
    public static readonly IReadOnlyList<string> All =
    [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
            "bytes",
        "start", "end", "action", "log-status",
        "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
        "region", "az-id", "sublocation-type", "sublocation-id",
        "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
        "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id",
            "ecs-container-id",
        "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id",
        "reject-reason", "resource-id", "encryption-status",
        "instance-tag", "instance-tag-2", "interface-tag", "interface-tag-2", "asg-tag", "asg-tag-2", "interface-type",
        "next-hop-interface-id", "next-hop-subnet-id", "next-hop-az-id", "next-hop-vpc-id", "next-hop-interface-type",
    ];

    /// <summary>The version 2 default format: what header-less lines are assumed to be.</summary>
    public const string DefaultFormat =
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action " +
            "log-status";

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string name) => Known.Contains(name);

    public static FlowField? ToField(string name) => name switch
    {
        "version" => FlowField.Version,
        "account-id" => FlowField.AccountId,
        "interface-id" => FlowField.InterfaceId,
        "srcaddr" => FlowField.SrcAddr,
        "dstaddr" => FlowField.DstAddr,
        "start" => FlowField.Start,
        "action" => FlowField.Action,
        "log-status" => FlowField.LogStatus,
        "vpc-id" => FlowField.VpcId,
        "resource-id" => FlowField.ResourceId,
        _ => null,
    };
}
