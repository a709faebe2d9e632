namespace FlowSpike;

/// <summary>
/// How the library's messages name a setting. A message holds the property of <see cref="JobSettings"/> in
/// brackets; <see cref="Render"/> shows it as the property's name, or as a front end's own spelling (the CLI: its
/// flag),
/// so an embedder reads "WindowSeconds" where a shell user reads "--window".
/// </summary>
internal static class Setting
{
    private const char Open = '\u27E6', Close = '\u27E7';

    /// <summary>A setting's marker, for a message: <c>$"{Setting.Name(nameof(JobSettings.To))} must be
    /// ..."</c>.</summary>
    public static string Name(string property) => $"{Open}{property}{Close}";

    /// <summary>The message with each marked setting shown by <paramref name="show"/> (default: the property's
    /// name).</summary>
    public static string Render(string message, Func<string, string>? show = null)
    {
        int open = message.IndexOf(Open, StringComparison.Ordinal);
        if (open < 0)
            return message;
        var text = new System.Text.StringBuilder(message.Length);
        int at = 0;
        while (open >= 0)
        {
            int close = message.IndexOf(Close, open + 1);
            if (close < 0)
                break;
            text.Append(message, at, open - at);
            string property = message[(open + 1)..close];
            text.Append(show is null ? property : show(property));
            at = close + 1;
            open = message.IndexOf(Open, at);
        }
        return text.Append(message, at, message.Length - at).ToString();
    }
}
