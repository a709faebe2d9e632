namespace FlowSpike.Alerts;

/// <summary>Where Security Hub findings are filed: the account and region, and the product ARN (default: the account's
/// own custom product).</summary>
public sealed record AsffOptions
{
    public string AwsAccountId { get; init; } = "000000000000";
    public string Region { get; init; } = "us-east-1";
    public string? ProductArn { get; init; }

    public string EffectiveProductArn => ProductArn
        ?? $"arn:aws:securityhub:{Region}:{AwsAccountId}:product/{AwsAccountId}/default";
}
