namespace FlowSpike.Cli;

/// <summary>
/// The flag of each setting the library names (<see cref="Setting"/>): the property in kebab case without its
/// "Seconds" unit (WindowSeconds is --window), and a few spelled otherwise.
/// </summary>
internal static class FlagNames
{
    private static readonly Dictionary<string, string> Spelled = new(StringComparer.Ordinal)
    {
        ["Inputs"] = "--input",
        ["Output"] = "--out",
        ["OutputFormat"] = "--format",
        ["PollIntervalSeconds"] = "--poll-interval",
        ["TargetBytes"] = "--target-size",
    };

    public static string Of(string property)
    {
        if (Spelled.TryGetValue(property, out string? flag))
            return flag;
        string name = property.EndsWith("Seconds", StringComparison.Ordinal) ? property[..^"Seconds".Length] : property;
        var text = new System.Text.StringBuilder("--");
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0)
                text.Append('-');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    /// <summary>A library message with its settings named as flags.</summary>
    public static string Render(string message) => Setting.Render(message, Of);
}
