using System.CommandLine;
using FlowSpike.Queue;

namespace FlowSpike.Cli;

/// <summary>watch's queue mode: the SQS queue of S3 notifications and how to consume it.</summary>
internal sealed class QueueFlags
{
    private readonly Option<string?> _queue = new("--queue")
    {
        Description = "Consume S3 ObjectCreated notifications from this SQS queue (S3, SNS or EventBridge bodies) " +
            "instead of polling the inputs; each object is counted once and a message deleted once its counts are " +
            "committed. Lateness defaults to 20m here.",
        HelpName = "URL",
    };
    private readonly Option<CliDuration> _visibility = CliOptions.Duration("--visibility-timeout",
        "How long a received message stays invisible; extended at half-time while it is in flight (queue mode).",
        QueueRequest.DefaultVisibilitySeconds);
    private readonly Option<string?> _prefix = new("--key-prefix")
    {
        Description = "Read only notified keys that start with this; the others are counted and deleted.",
        HelpName = "PREFIX",
    };
    private readonly Option<string?> _regex = new("--key-regex")
    {
        Description = "Read only notified keys this regular expression matches; the others are counted and deleted.",
        HelpName = "REGEX",
    };
    private readonly Option<long> _backfill = CliOptions.Time("--backfill-from",
        "List the s3:// --input from this time once, then consume the queue; objects seen both ways count once.");

    public void AddTo(Command c)
    {
        _backfill.Required = false;
        foreach (var o in new Option[] { _queue, _visibility, _prefix, _regex, _backfill })
            c.Options.Add(o);
    }

    public JobSettings Bind(ParseResult r, JobSettings s) => s with
    {
        Queue = Given.Ref(r, _queue),
        VisibilityTimeoutSeconds = Given.Seconds(r, _visibility),
        KeyPrefix = Given.Ref(r, _prefix),
        KeyRegex = Given.Ref(r, _regex),
        BackfillFrom = Given.Val(r, _backfill),
    };
}
