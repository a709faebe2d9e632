using System.Globalization;
using FlowSpike.Aggregation;

namespace FlowSpike.Runs;

/// <summary>Parsing and checking of --from/--to and durations, before any state is touched.</summary>
public static class TimeRange
{
    /// <summary>ISO 8601 UTC ("2026-10-01T00:00:00Z") or epoch seconds.</summary>
    public static bool TryParseTime(string text, out long epochSeconds)
    {
        text = text.Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out epochSeconds))
            return true;
        if ((text.EndsWith('Z') || text.EndsWith("+00:00", StringComparison.Ordinal)) &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            epochSeconds = t.ToUnixTimeSeconds();
            return true;
        }
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
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 0 || n > long.MaxValue / unit)
            return false;
        seconds = n * unit;
        return true;
    }

    public static void Validate(long from, long to, long size, string sizeOption)
    {
        if (size <= 0)
            throw new RunException($"{sizeOption} must be positive");
        if (to <= from)
            throw new RunException($"--to ({Format(to)}) must be after --from ({Format(from)})");
        if (!WindowMath.IsAligned(from, size))
            throw new RunException($"--from {Format(from)} is not aligned to {sizeOption} {size}s (nearest: {Format(WindowMath.Floor(from, size))})");
        if (!WindowMath.IsAligned(to, size))
            throw new RunException($"--to {Format(to)} is not aligned to {sizeOption} {size}s (nearest: {Format(WindowMath.Floor(to, size))})");
    }

    public static string Format(long epochSeconds) => Alerts.AlertJson.IsoTime(epochSeconds);

    /// <summary>The largest whole unit: "1d", "4h", "90m", "45s".</summary>
    public static string FormatDuration(long seconds) => seconds switch
    {
        > 0 when seconds % 86400 == 0 => $"{seconds / 86400}d",
        > 0 when seconds % 3600 == 0 => $"{seconds / 3600}h",
        > 0 when seconds % 60 == 0 => $"{seconds / 60}m",
        _ => $"{seconds}s",
    };
}
