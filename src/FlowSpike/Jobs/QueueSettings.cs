using System.Text.RegularExpressions;
using FlowSpike.Aws;
using FlowSpike.Queue;

namespace FlowSpike.Jobs;

/// <summary>Queue mode's settings, checked: null without a queue (and then none of its settings may be
/// given).</summary>
internal static class QueueSettings
{
    public static QueueRequest? Resolve(JobSettings s)
    {
        if (s.Queue is not { } url)
        {
            foreach (var (name, set) in new (string, bool)[]
            {
                (nameof(JobSettings.VisibilityTimeoutSeconds), s.VisibilityTimeoutSeconds is not null),
                (nameof(JobSettings.KeyPrefix), s.KeyPrefix is not null),
                (nameof(JobSettings.KeyRegex), s.KeyRegex is not null),
                (nameof(JobSettings.BackfillFrom), s.BackfillFrom is not null),
            })
            {
                if (set)
                    throw new RunException($"{Setting.Name(name)} applies to queue mode: give " +
                        $"{Setting.Name(nameof(JobSettings.Queue))} too");
            }
            return null;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath.Trim('/').Split('/').Length != 2)
            throw new RunException($"{Setting.Name(nameof(JobSettings.Queue))}: '{url}' is not an SQS queue URL " +
                "(https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)");
        long visibility = s.VisibilityTimeoutSeconds ?? QueueRequest.DefaultVisibilitySeconds;
        if (visibility is < 1 or > 43200)
            throw new RunException($"{Setting.Name(nameof(JobSettings.VisibilityTimeoutSeconds))} must be from 1s " +
                $"to 12h, SQS's range (got {visibility}s)");
        Regex? regex = null;
        if (s.KeyRegex is { } pattern)
        {
            try
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new RunException($"{Setting.Name(nameof(JobSettings.KeyRegex))}: '{pattern}' is not a " +
                    $"regular expression ({e.Message})");
            }
        }
        return new QueueRequest
        {
            Url = url,
            VisibilitySeconds = (int)visibility,
            KeyPrefix = s.KeyPrefix,
            KeyRegex = regex,
            BackfillFrom = s.BackfillFrom,
            EndpointUrl = AwsEnvironment.EndpointFor("sqs", s.EndpointUrl, m => new RunException(m)),
            Region = AwsEnvironment.Region,
        };
    }
}
