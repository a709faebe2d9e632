using System.Globalization;

namespace FlowSpike.Records;

/// <summary>
/// Reads the date parts of S3 delivery keys so that listing can skip what lies outside the requested time: the
/// default layout (.../2026/10/08/[17/]), Hive-compatible prefixes (year=2026/month=10/day=08/[hour=17/]), Security
/// Lake's eventDay=20261008, and the timestamp in flow log file names (..._20261008T1720Z_...).
/// </summary>
internal readonly record struct DatePrefix(int Year, int Month, int Day, int Hour)
{
    public static DatePrefix None => new(0, 0, 0, -1);

    /// <summary>The date this folder name adds to <paramref name="current"/>, or null when it is not a date
    /// part.</summary>
    public static DatePrefix? Extend(DatePrefix current, string name)
    {
        string value = name.Contains('=') ? name[(name.IndexOf('=') + 1)..] : name;
        string key = name.Contains('=') ? name[..name.IndexOf('=')] : "";
        if (key == "eventDay" && value.Length == 8 && int.TryParse(value, NumberStyles.None,
            CultureInfo.InvariantCulture, out int ymd))
            return Valid(new DatePrefix(ymd / 10000, ymd / 100 % 100, ymd % 100, -1));
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            return null;
        if (current.Year == 0 && value.Length == 4 && key is "" or "year")
            return Valid(current with { Year = n });
        if (current.Year != 0 && current.Month == 0 && value.Length == 2 && key is "" or "month")
            return Valid(current with { Month = n });
        if (current.Month != 0 && current.Day == 0 && value.Length == 2 && key is "" or "day")
            return Valid(current with { Day = n });
        if (current.Day != 0 && current.Hour < 0 && value.Length == 2 && key is "" or "hour")
            return Valid(current with { Hour = n });
        return null;
    }

    private static DatePrefix? Valid(DatePrefix d) =>
        d.Year is >= 1970 and <= 9999 && d.Month is >= 0 and <= 12 && d.Day is >= 0 and <= 31
            && d.Hour is >= -1 and <= 23
            && (d.Day == 0 || d.Day <= DateTime.DaysInMonth(d.Year, Math.Max(d.Month, 1))) ? d : null;

    /// <summary>The epoch-second span [start, end) this prefix covers; null when no date is known.</summary>
    public (long Start, long End)? Span()
    {
        if (Year == 0)
            return null;
        var start = new DateTime(Year, Math.Max(Month, 1), Math.Max(Day, 1), Math.Max(Hour, 0), 0, 0, DateTimeKind.Utc);
        var end = Month == 0 ? start.AddYears(1)
            : Day == 0 ? start.AddMonths(1)
            : Hour < 0 ? start.AddDays(1)
            : start.AddHours(1);
        return (new DateTimeOffset(start).ToUnixTimeSeconds(), new DateTimeOffset(end).ToUnixTimeSeconds());
    }

    /// <summary>The _YYYYMMDDTHHmmZ_ stamp of a flow log file name, in epoch seconds.</summary>
    public static long? FileStamp(string name)
    {
        for (int i = name.IndexOf('_'); i >= 0 && i + 15 < name.Length; i = name.IndexOf('_', i + 1))
        {
            var s = name.AsSpan(i + 1);
            if (s.Length >= 15 && s[8] == 'T' && s[13] == 'Z' &&
                DateTime.TryParseExact(s[..13], "yyyyMMdd'T'HHmm", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
                return new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds();
        }
        return null;
    }
}
