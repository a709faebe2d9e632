namespace FlowSpike.Aws;

/// <summary>An AWS SDK failure as one line for the user: the SDK's messages can span many lines.</summary>
internal static class AwsMessage
{
    public static string Of(Exception e)
    {
        string message = e.Message;
        // The credential chain lists each provider's failure on its own line ("Exception 1 of 4: ...").
        if (message.Contains("resolve AWS credentials", StringComparison.OrdinalIgnoreCase))
            return "no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                + "or run with a role";
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}
