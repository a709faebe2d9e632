namespace FlowSpike.Tests.Support;

/// <summary>
/// AWS's API models (botocore's service-2.json) where Debian's awscli package installs them; test.sh installs it.
/// They are read at test time, never copied into the repository. A missing model fails the test that needs it.
/// </summary>
public static class AwsModels
{
    /// <summary>Where Debian's awscli package keeps botocore's data (one folder per service and API version).</summary>
    public const string DebianBotocoreData = "/usr/lib/python3/dist-packages/awscli/botocore/data";

    /// <summary>Security Hub (2018-10-26): its AwsSecurityFinding shape is ASFF.</summary>
    public static string SecurityHub => Find("securityhub", "2018-10-26");

    /// <summary>CloudWatch Logs (2014-03-28).</summary>
    public static string CloudWatchLogs => Find("logs", "2014-03-28");

    /// <summary>The model's path; a missing model throws, naming the path and what to install.</summary>
    public static string Find(string service, string apiVersion)
    {
        string path = Path.Combine(DebianBotocoreData, service, apiVersion, "service-2.json");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"the {service} {apiVersion} API model is not at {path}: install Debian's awscli package "
                + "(apt-get install awscli; test.sh does it when run as root)", path);
    }
}
