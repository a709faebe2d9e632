using System.Text.Encodings.Web;
using FlowSpike.Alerts;

namespace FlowSpike.Cli;

/// <summary>
/// Run notes on stderr, so stdout carries only alerts and exports: "flowspike: ..." lines for people, or with
/// --log-json one JSON object a line (time, level, message) for log shippers. A progress line on the terminal is
/// cleared before a note is written, so notes never print over it.
/// </summary>
internal sealed class StderrLog(bool quiet) : IRunLog
{
    /// <summary>Set once from --log-json before any command runs.</summary>
    public static bool Json { get; set; }

    public void Info(string message)
    {
        if (!quiet)
            Write("info", message);
    }

    public void Warn(string message) => Write("warning", message);

    public static void Error(string message) => Write("error", message);

    /// <summary>A note that is not a warning, written even under --quiet (what a command produced).</summary>
    public static void Result(string message) => Write("info", message);

    private static void Write(string level, string message) =>
        ProgressLine.Note(() => WriteLine(level, FlagNames.Render(message)));

    private static void WriteLine(string level, string message)
    {
        if (Json)
        {
            string time = DateTimeOffset.UtcNow.ToString(
                "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            Console.Error.WriteLine(FlatJson.Object(
                [new("time", time), new("level", level), new("message", message)],
                JavaScriptEncoder.UnsafeRelaxedJsonEscaping));
            return;
        }
        Console.Error.WriteLine(level == "info" ? $"flowspike: {message}" : $"flowspike: {level}: {message}");
    }
}
