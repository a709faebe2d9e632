using FlowSpike.Aggregation;
using FlowSpike.Records;

namespace FlowSpike.Runs;

/// <summary>
/// Refuses inputs that hold no flow logs before anything is committed: no file at all (an empty folder, a mistyped
/// prefix), or a file in which no line parses (a CSV, CloudWatch events carrying OCSF JSON). Each is one error naming
/// the input and what it looks like, so a mistake never commits empty windows for good.
/// </summary>
public static class InputCheck
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

    /// <summary>After the scan: every file that has lines must have a flow-log record, and some file must.</summary>
    public static void RequireRecords(IReadOnlyList<InputFile> files, ScanDiagnostics diagnostics, InputOptions input)
    {
        foreach (var file in files)
        {
            var (lines, parsed) = diagnostics.PerFile.GetValueOrDefault(file.Path);
            if (lines > 0 && parsed == 0)
                throw new FlowInputException($"{file.Path}: not a flow log: {Describe(file, input)}");
        }
        if (diagnostics.Parsed == 0)
        {
            var first = files[0];
            string what = files.Count == 1 ? first.Path : $"{string.Join(", ", input.Inputs)} ({files.Count} files)";
            throw new FlowInputException($"{what}: no flow-log records ({first.Path}: {Describe(first, input)})");
        }
    }

    private static string Describe(InputFile file, InputOptions input) =>
        InputSniffer.Describe(file, input.FallbackLayout, input.Format);
}
