using System.Globalization;

namespace FlowSpike.Time;

/// <summary>Parsing and checking of --from/--to and durations, before any state is touched.</summary>
internal static class TimeRange
{
    /// <summary>Epoch seconds this large (the year 5138) are epoch milliseconds typed by mistake.</summary>
    public const long MaxEpochSeconds = 99_999_999_999;

    /// <summary>
    /// "now" or "now-DURATION": the start of the current hour, less the duration, so a recipe with no shell (a
    /// Kubernetes Job) can ask for the last 30 days. Null when the text is not relative.
    /// </summary>
    public static bool? TryParseRelative(string text, long now, out long epochSeconds, out string? error)
    {
        text = text.Trim();
        epochSeconds = 0;
        error = null;
        if (!text.StartsWith("now", StringComparison.OrdinalIgnoreCase))
            return null;
        long hour = now - now % 3600;
        string rest = text[3..];
        if (rest.Length == 0)
        {
            epochSeconds = hour;
            return true;
        }
        if (rest[0] == '-' && TryParseDuration(rest[1..], out long back) && back >= 0)
        {
            epochSeconds = hour - back;
            return true;
        }
        error = $"'{text}' is not a time (relative times read now or now-DURATION, such as now-30d)";
        return false;
    }

    /// <summary>ISO 8601 UTC ("2026-10-01T00:00:00Z") or epoch seconds.</summary>
    public static bool TryParseTime(string text, out long epochSeconds) => TryParseTime(text, out epochSeconds, out _);

    /// <summary>As <see cref="TryParseTime(string, out long)"/>, saying what is wrong (such as milliseconds).</summary>
    public static bool TryParseTime(string text, out long epochSeconds, out string? error)
    {
        text = text.Trim();
        error = null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out epochSeconds))
        {
            if (Math.Abs(epochSeconds) <= MaxEpochSeconds)
                return true;
            long seconds = epochSeconds / 1000;
            error = Math.Abs(seconds) <= MaxEpochSeconds
                ? $"'{text}' looks like epoch milliseconds; give epoch seconds ({seconds}) " +
                    $"or ISO 8601 UTC ({Format(seconds)})"
                : $"'{text}' is not a time (epoch seconds this large are past the year 5000)";
            epochSeconds = 0;
            return false;
        }
        if ((text.EndsWith('Z') || text.EndsWith("+00:00", StringComparison.Ordinal)) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            epochSeconds = t.ToUnixTimeSeconds();
            return true;
        }
        error = $"'{text}' is not a time (use ISO 8601 UTC such as 2026-10-01T00:00:00Z, or epoch seconds)";
        return false;
    }

    /// <summary>"1h", "90m", "3600s", "1d" or plain seconds.</summary>
    public static bool TryParseDuration(string text, out long seconds)
    {
        text = text.Trim();
        seconds = 0;
        if (text.Length == 0)
            return false;
        long unit = char.ToLowerInvariant(text[^1]) switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        string number = unit == 0 ? text : text[..^1];
        if (unit == 0)
            unit = 1;
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture,
            out long n) || n < 0 || n > long.MaxValue / unit)
            return false;
        seconds = n * unit;
        return true;
    }

    /// <summary>An epoch time as ISO 8601 in UTC to the second: "2026-10-02T01:00:00Z".</summary>
    public static string Format(long epochSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(epochSeconds)
            .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The largest whole unit: "1d", "4h", "90m", "45s".</summary>
    public static string FormatDuration(long seconds) => seconds switch
    {
        > 0 when seconds % 86400 == 0 => $"{seconds / 86400}d",
        > 0 when seconds % 3600 == 0 => $"{seconds / 3600}h",
        > 0 when seconds % 60 == 0 => $"{seconds / 60}m",
        _ => $"{seconds}s",
    };
}
