namespace FlowSpike.Records;

/// <summary>An AWS SDK error on one line: the SDK lists each credential source it tried on a line of its own.</summary>
internal static class AwsError
{
    private const string Unresolved = "Failed to resolve AWS credentials";

    /// <summary>The message on one line; a failed credential chain becomes "no AWS credentials (tried: ...)", each
    /// source's reason kept (an SSO profile, a web identity token, a role to assume).</summary>
    public static string OneLine(Exception e)
    {
        string message = e.Message;
        if (message.StartsWith(Unresolved, StringComparison.Ordinal))
        {
            var reasons = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Skip(1)
                .Select(l => l.StartsWith("Exception ", StringComparison.Ordinal) && l.IndexOf(": ",
                    StringComparison.Ordinal) is > 0 and var at ? l[(at + 2)..] : l)
                .Where(l => l != ")" && !l.StartsWith("The credential providers", StringComparison.Ordinal))
                .Select(l => l.TrimEnd(')', '.', ' '));
            return "no AWS credentials (tried: " + string.Join("; ", reasons) + ")";
        }
        return message.ReplaceLineEndings(" ").Trim();
    }
}
