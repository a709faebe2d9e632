using FlowSpike.Aggregation;
using FlowSpike.Records;

namespace FlowSpike.Runs;

/// <summary>
/// Refuses inputs that hold no flow logs before anything is committed: no file at all (an empty folder, a mistyped
/// prefix), or a file in which no line parses (a CSV, CloudWatch events carrying OCSF JSON). Each is one error naming
/// the input and what it looks like, so a mistake never commits empty windows for good.
/// </summary>
internal static class InputCheck
{
    /// <summary>Before the scan: some file must be found.</summary>
    public static void RequireFiles(IReadOnlyList<InputFile> files, InputOptions input)
    {
        if (files.Count == 0)
        {
            throw new FlowInputException($"{string.Join(", ", input.Inputs)}: no input files found " +
                "(an empty folder, or a prefix or date that matches nothing?)");
        }
    }

    /// <summary>
    /// After the scan: every file that has lines must have a flow-log record (or be skipped, with SkipUnsupported, by
    /// the one rule of <see cref="NotFlowLog"/>), and some file must.
    /// </summary>
    public static void RequireRecords(IReadOnlyList<InputFile> files, ScanDiagnostics diagnostics, InputOptions input)
    {
        var skipped = new HashSet<string>(diagnostics.Skipped.Select(s => s.Source), StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (skipped.Contains(file.Path))
                continue;
            // The scanner judged whole objects; a large file read in segments is judged here, as a whole.
            var (lines, parsed) = diagnostics.PerFile.GetValueOrDefault(file.Path);
            try
            {
                NotFlowLog.Require(file, lines, parsed, input.FallbackLayout, input.Format);
            }
            catch (FlowInputException e) when (input.SkipUnsupported)
            {
                diagnostics.Skip(NotFlowLog.Skipped(file.Path, e), lines);
            }
            catch (FlowInputException e)
            {
                throw NotFlowLog.Stop(e);
            }
        }
        if (diagnostics.Parsed == 0)
        {
            var first = files[0];
            string what = files.Count == 1 ? first.Path : $"{string.Join(", ", input.Inputs)} ({files.Count} files)";
            string none = diagnostics.Skipped.Count == files.Count
                ? "; every object was skipped as not a flow log"
                : "";
            throw new FlowInputException(
                $"{what}: no flow-log records ({first.Path}: {Describe(first, input)}){none}");
        }
    }

    private static string Describe(InputFile file, InputOptions input) =>
        InputSniffer.Describe(file, input.FallbackLayout, input.Format);
}
