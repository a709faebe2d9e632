namespace FlowSpike.Alerts;

/// <summary>How alerts are written: FlowSpike's JSON Lines, OCSF Detection Finding (2004), AWS Security Finding Format,
/// or CSV.</summary>
internal enum AlertFormat
{
    Jsonl,
    Ocsf,
    Asff,
    Csv,
}
