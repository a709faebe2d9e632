using System.CommandLine;

namespace FlowSpike.Cli;

/// <summary>A flag's value only when the user typed it: the library, not the CLI, owns the defaults.</summary>
internal static class Given
{
    private static bool Typed(ParseResult r, Option o) => r.GetResult(o) is { Implicit: false };

    public static T? Ref<T>(ParseResult r, Option<T> o) where T : class? => Typed(r, o) ? r.GetValue(o) : null;

    public static T? Val<T>(ParseResult r, Option<T> o) where T : struct => Typed(r, o) ? r.GetValue(o) : null;

    public static T? Nullable<T>(ParseResult r, Option<T?> o) where T : struct => Typed(r, o) ? r.GetValue(o) : null;

    /// <summary>A rule flag: bare means true, "--flag false" turns it off.</summary>
    public static bool? Flag(ParseResult r, Option<bool?> o) => Typed(r, o) ? r.GetValue(o) ?? true : null;

    public static long? Seconds(ParseResult r, Option<CliDuration> o) => Typed(r, o) ? r.GetValue(o).Seconds : null;
}
