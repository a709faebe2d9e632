using System.Security.Cryptography;
using System.Text;

namespace FlowSpike.State;

/// <summary>
/// How a sink is named in logs, errors and the state: its type and where it points, with any secret part of a URL
/// (path, query, user info) replaced by a short hash, so a token in a webhook URL is never printed or stored.
/// </summary>
internal static class SinkName
{
    private const string Hidden = "/…#";

    /// <summary>"webhook:https://hooks.example/…#1a2b3c4d" for a URL with a path; "type:target" otherwise.</summary>
    public static string Of(string type, string target)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return type + ":" + target;
        string origin = url.GetLeftPart(UriPartial.Authority).Replace(url.UserInfo + "@", "", StringComparison.Ordinal);
        bool secret = url.PathAndQuery is not ("/" or "") || url.UserInfo.Length > 0 || url.Fragment.Length > 0;
        return type + ":" + origin + (secret ? Hidden + ShortHash(target) : "");
    }

    /// <summary>A stored name from before names were redacted ("webhook:https://host/path") in its redacted
    /// form.</summary>
    public static string Redact(string stored)
    {
        if (stored.Contains(Hidden, StringComparison.Ordinal))
            return stored;
        int colon = stored.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? stored : Of(stored[..colon], stored[(colon + 1)..]);
    }

    /// <summary>
    /// The part of a name that survives a change of URL (a rotated token): the type and the origin. Held alerts of a
    /// sink that is no longer configured move to the one configured sink with the same family.
    /// </summary>
    public static string Family(string name)
    {
        int hidden = name.IndexOf(Hidden, StringComparison.Ordinal);
        return hidden < 0 ? name : name[..hidden];
    }

    /// <summary>Removes every spelling of a secret URL from a message (exception texts may quote it).</summary>
    public static string Scrub(string message, Uri url, string name)
    {
        foreach (string? s in new[] { url.OriginalString, url.AbsoluteUri,
            url.PathAndQuery.Length > 1 ? url.PathAndQuery : null })
        {
            if (!string.IsNullOrEmpty(s))
                message = message.Replace(s, name, StringComparison.Ordinal);
        }
        return message;
    }

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
}
