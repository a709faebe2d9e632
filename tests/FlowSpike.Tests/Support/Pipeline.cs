using System.Text.Json;
using FlowSpike.Models;
using FlowSpike.Records;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Tests.Support;

/// <summary>Runs the production pipeline through its library API (as an embedder would) and reads the outputs
/// back.</summary>
public static class Pipeline
{
    internal static void Baseline(string state, string input, long from, long to, long span = 3600,
        TokenizerMode? mode = null, FlowLayout? layout = null)
    {
        using var store = SqliteStateStore.Open(state);
        BaselineRun.Execute(store, Inputs(input, mode, layout), from, to, span, NullRunLog.Instance);
    }

    internal static DetectRun.Result Detect(string state, string input, string alertsPath, DetectRequest request,
        TokenizerMode? mode = null, FlowLayout? layout = null)
    {
        using var store = SqliteStateStore.Open(state);
        using var sink = new FileAlertSink(alertsPath);
        return DetectRun.Execute(store, Inputs(input, mode, layout), request, sink, NullRunLog.Instance);
    }

    internal static IReadOnlyList<BaselineRow> Lookup(string state)
    {
        using var store = SqliteStateStore.Open(state);
        return store.LoadLookup();
    }

    public static List<JsonElement> ReadAlerts(string path) =>
        File.Exists(path)
            ? [.. File.ReadAllLines(path).Where(l => l.Length > 0)
                .Select(l => JsonDocument.Parse(l).RootElement.Clone())] : [];

    private static InputOptions Inputs(string input, TokenizerMode? mode, FlowLayout? layout) => new()
    {
        Inputs = [input],
        Mode = mode ?? LineTokenizer.DefaultMode,
        FallbackLayout = layout ?? FlowLayout.Default,
    };
}
