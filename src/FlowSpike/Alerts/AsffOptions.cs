namespace FlowSpike.Alerts;

/// <summary>Where Security Hub findings are filed: the account and region, and the product ARN (default: the account's
/// own custom product).</summary>
internal sealed record AsffOptions
{
    /// <summary>The account the findings are filed in; null files each one in the AWS account its flow log names
    /// (<see cref="AccountFor"/>).</summary>
    public string? AwsAccountId { get; init; }
    public string Region { get; init; } = "us-east-1";
    public string? ProductArn { get; init; }

    /// <summary>What an alert with no single 12-digit account is filed under when no account is configured.</summary>
    public const string UnknownAccount = "000000000000";

    /// <summary>
    /// The configured account; else the one AWS account the alert's records name (account-id, Parquet's account_id,
    /// OCSF's cloud.account.uid); else <see cref="UnknownAccount"/> (a log without account-id, or a host seen in
    /// several accounts).
    /// </summary>
    public string AccountFor(Alert alert) => AwsAccountId
        ?? (alert.Accounts is [var only] && IsAccountId(only) ? only : UnknownAccount);

    /// <summary>Twelve ASCII digits: what Security Hub takes as an AWS account id.</summary>
    public static bool IsAccountId(string value) => value.Length == 12 && value.All(char.IsAsciiDigit);

    public string ProductArnFor(string account) => ProductArn
        ?? $"arn:aws:securityhub:{Region}:{account}:product/{account}/default";
}
