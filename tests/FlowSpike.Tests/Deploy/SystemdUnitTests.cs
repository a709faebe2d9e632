using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Deploy;

/// <summary>
/// What the systemd recipes promise beyond what `systemd-analyze` checks: watch comes back whatever ended it, and the
/// baseline unit builds the state watch needs, as the same dynamic user, before watch starts.
/// </summary>
public sealed class SystemdUnitTests
{
    private static IReadOnlyList<(string Key, string Value)> Unit(string name)
    {
        string text = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "deploy", "systemd", name))
            .Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. text.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#' && l[0] != '[' && l.Contains('=', StringComparison.Ordinal))
            .Select(l => (l[..l.IndexOf('=', StringComparison.Ordinal)], l[(l.IndexOf('=', StringComparison.Ordinal)
                + 1)..].Trim()))];
    }

    private static string[] Values(IReadOnlyList<(string Key, string Value)> unit, string key) =>
        [.. unit.Where(p => p.Key == key).SelectMany(p => p.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    private static string StateOf(IReadOnlyList<(string Key, string Value)> unit)
    {
        var args = Values(unit, "ExecStart");
        return args[Array.IndexOf(args, "--state") + 1];
    }

    [Fact]
    public void Watch_restarts_whatever_ended_it_except_a_usage_error()
    {
        // systemd's on-failure takes a death by SIGHUP, SIGINT or SIGPIPE for a clean exit and leaves watch down.
        var watch = Unit("flowspike-watch.service");
        Assert.Equal(["always"], Values(watch, "Restart"));
        Assert.Equal(["2"], Values(watch, "RestartPreventExitStatus"));
    }

    [Fact]
    public void The_baseline_unit_writes_watchs_state_as_its_user_before_watch_starts()
    {
        var watch = Unit("flowspike-watch.service");
        var baseline = Unit("flowspike-baseline.service");
        Assert.Contains("flowspike-baseline.service", Values(watch, "After"));
        Assert.Contains("flowspike-baseline.service", Values(watch, "Wants"));
        Assert.Contains("flowspike-watch.service", Values(baseline, "Before"));
        Assert.Equal(["oneshot"], Values(baseline, "Type"));
        Assert.Equal("baseline", Values(baseline, "ExecStart")[1]);
        foreach (string key in new[] { "DynamicUser", "StateDirectory", "UMask", "EnvironmentFile" })
            Assert.Equal(Values(watch, key), Values(baseline, key));
        Assert.Equal(StateOf(watch), StateOf(baseline));
    }
}
