using System.Globalization;
using FlowSpike.Records;

namespace FlowSpike.Cli;

/// <summary>
/// The only place that reads FlowSpike's environment switches: the fast paths' twins (FLOWSPIKE_SIMD,
/// FLOWSPIKE_INFLATE, FLOWSPIKE_SMALL_FILES, FLOWSPIKE_PARQUET) and the test hooks that let an out-of-process test
/// kill a run at a chosen step. Every command, the cluster silo included, applies them before it starts.
/// </summary>
internal static class EnvironmentSwitches
{
    public static void Apply()
    {
        if (Get("FLOWSPIKE_SIMD") is { } simd)
            FastPaths.Tokenizer = LineTokenizer.ChooseMode(simd);
        FastPaths.WholeFileInflate = !Is("FLOWSPIKE_INFLATE", "stream");
        FastPaths.SmallFiles = !Is("FLOWSPIKE_SMALL_FILES", "off");
        FastPaths.ParquetPages = !Is("FLOWSPIKE_PARQUET", "reference");

        // Slow each file (the progress display's tests) or each committed window (the crash tests).
        if (Milliseconds("FLOWSPIKE_TEST_READ_DELAY_MS") is { } read)
            TestHooks.FileRead = () => Thread.Sleep(read);
        if (Milliseconds("FLOWSPIKE_TEST_COMMIT_DELAY_MS") is { } commit)
            TestHooks.WindowCommitted = () => Thread.Sleep(commit);
        // Stop for ever at one step of a queue round, so a test can kill -9 between receive, count and delete.
        if (Get("FLOWSPIKE_TEST_QUEUE_PAUSE") is { } pause)
        {
            TestHooks.QueueStep = step =>
            {
                if (step != pause)
                    return;
                Console.Error.WriteLine($"flowspike: test pause: {step}");
                Thread.Sleep(Timeout.Infinite);
            };
        }
    }

    private static string? Get(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static bool Is(string name, string value) =>
        string.Equals(Get(name), value, StringComparison.OrdinalIgnoreCase);

    private static int? Milliseconds(string name) =>
        int.TryParse(Get(name), NumberStyles.None, CultureInfo.InvariantCulture, out int ms) && ms > 0 ? ms : null;
}
