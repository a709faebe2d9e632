namespace FlowSpike.Records;

/// <summary>
/// How an OCSF Network Activity event (class 4001) maps onto a flow record, for every OCSF reader: Security Lake's
/// Parquet (OCSF 1.0.0-rc.2 and 1.1.0) and CloudWatch Logs' parseToOCSF JSON (OCSF 1.1 and 1.5). Attribute paths are
/// dotted; the first present path of a list wins.
/// </summary>
internal static class OcsfFlowFields
{
    public const int NetworkActivityClass = 4001;
    public const string ClassUid = "class_uid";
    public const string SrcIp = "src_endpoint.ip";
    public const string DstIp = "dst_endpoint.ip";

    /// <summary>The record's start, in milliseconds since the epoch (OCSF timestamps).</summary>
    public static readonly string[] Start = ["time", "start_time"];

    public const long StartDivisor = 1000;
    public const string Disposition = "disposition";
    public const string DispositionId = "disposition_id";
    public const string ActivityId = "activity_id";
    public const string ActionId = "action_id";

    /// <summary>
    /// The interface: the source endpoint's, else the destination's (inbound records carry it there).
    /// </summary>
    public const string Interface = "src_endpoint.interface_uid";
    public const string Interface2 = "dst_endpoint.interface_uid";

    /// <summary>OCSF 1.1 on nests the account (cloud.account.uid); 1.0.0-rc.2 has cloud.account_uid.</summary>
    public static readonly string[] Account = ["cloud.account.uid", "cloud.account_uid"];

    public const string Vpc = "src_endpoint.vpc_uid";

    /// <summary>
    /// A blocked record: disposition Blocked (disposition_id 2), action Denied (action_id 2), or activity Refuse
    /// (activity_id 5, how OCSF 1.0.0-rc.2 wrote a REJECT).
    /// </summary>
    public static bool IsReject(
        ReadOnlySpan<byte> disposition, long? dispositionId, long? activityId, long? actionId) =>
        disposition.SequenceEqual("Blocked"u8) || dispositionId == 2 || activityId == 5 || actionId == 2;
}
