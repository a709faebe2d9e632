using FlowSpike.Records;

namespace FlowSpike.Aggregation;

/// <summary>
/// The one rule for an object that is not a flow log (no parseable line, another format, a Transit Gateway log), on
/// every path that scans: without SkipUnsupported the run stops before committing, naming the object, what it looks
/// like and the setting; with it (and always in watch) the object is skipped, named and counted by reason.
/// </summary>
internal static class NotFlowLog
{
    /// <summary>An object that had lines but not one flow-log record is not a flow log; an object with a few
    /// malformed lines is (they are counted and sampled).</summary>
    public static void Require(InputFile file, long lines, long parsed, ScanOptions options) =>
        Require(file, lines, parsed, options.FallbackLayout, options.Format);

    public static void Require(InputFile file, long lines, long parsed, FlowLayout layout, InputFormat format)
    {
        if (lines <= 0 || parsed > 0)
            return;
        var (reason, text) = InputSniffer.Sniff(file, layout, format);
        throw new FlowInputException($"{file.Path}: not a flow log: {text}", unsupported: true, reason: reason);
    }

    /// <summary>The error that stops a run on such an object, naming the setting that skips it.</summary>
    public static FlowInputException Stop(FlowInputException e) =>
        new(e.Message + $" ({Setting.Name(nameof(JobSettings.SkipUnsupported))} skips such objects)", e, true,
            e.Reason);

    public static SkippedObject Skipped(string source, FlowInputException e) => new(source, e.Reason, e.Message);
}
