using FlowSpike.Alerts;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Core;

/// <summary>
/// The ESCU search's known weaknesses, one hand-made scenario each, run through both models. Each scenario's
/// expectations
/// follow from the rules in docs/models.md, not from the code's output.
/// </summary>
public class WeaknessScenarioTests
{
    private const long T0 = 1_790_812_800; // 2026-10-01T00:00:00Z
    private const int BaselineHours = 7 * 24;

    private static List<string> Run(string model, FlowLines lines, int detectHours, TempDir dir) =>
        [.. RunAlerts(model, lines, detectHours, dir).Select(a => $"{(a.WindowStart - T0) / 3600}/{a.SrcIp}")];

    private static List<Alert> RunAlerts(string model, FlowLines lines, int detectHours, TempDir dir)
    {
        string input = dir.Write($"{model}.log", lines.ToString());
        string state = dir.File($"{model}.db"), alerts = dir.File($"{model}.jsonl");
        // Each model with its own defaults, as the CLI sets them: the models beyond the ESCU search count IPv6 unique
        // local
        // sources.
        var inputs = new InputOptions { Inputs = [input] }.ForModel(model);
        using (var store = SqliteStateStore.Open(state, model))
        {
            // A scenario's baseline may hold no blocked connection at all (a host new to detection).
            BaselineRun.Execute(store, inputs, T0, T0 + BaselineHours * 3600L, 3600, NullRunLog.Instance, model,
                allowEmpty: true);
        }
        using (var store = SqliteStateStore.Open(state, model))
        using (var sink = new FileAlertSink(alerts))
        {
            DetectRun.Execute(store, inputs,
                // The scenarios are made by hand: an hour with no record at all is real silence.
                new DetectRequest
                {
                    From = T0 + BaselineHours * 3600L,
                    To = T0 + (BaselineHours + detectHours) * 3600L,
                    Policy = new AlertPolicy { Model = model },
                    AllowEmptyWindows = true,
                },
                sink, NullRunLog.Instance);
        }
        return [.. File.ReadAllLines(alerts).Select(l => AlertJson.Parse(l))];
    }

    [Fact]
    public void The_same_address_in_two_accounts_hides_a_spike_from_the_escu_search_but_not_from_recommended()
    {
        // Account A's 10.0.0.5 is a busy, erratic server (10 to 60 an hour); account B's 10.0.0.5 blocks one an hour
        // and then 31 in one hour. Merged (the ESCU search's key) that hour is 40 + 31 = 71, under the merged threshold
        // (mean ≈ 36 + 3 x 14.7 ≈ 80); apart, B's 31 is far above its mean of 1.
        const int spikeHour = BaselineHours + 12;
        var lines = new FlowLines();
        for (int h = 0; h < BaselineHours + 24; h++)
        {
            lines.Add(T0 + h * 3600L, "10.0.0.5", "198.51.100.1", count: 10 + h * 37 % 51, account: "111111111111");
            lines.Add(T0 + h * 3600L, "10.0.0.5", "198.51.100.2", count: h == spikeHour ? 31 : 1,
                account: "222222222222");
        }
        using var dir = new TempDir();
        Assert.Equal(40, 10 + spikeHour * 37 % 51);
        Assert.Empty(Run("splunk", lines, 24, dir));
        var alert = Assert.Single(RunAlerts("recommended", lines, 24, dir));
        Assert.Equal(("10.0.0.5", "222222222222/-/10.0.0.5", 31L),
            (alert.SrcIp, alert.Entity, alert.BlockedConnections));
        Assert.Equal(T0 + spikeHour * 3600L, alert.WindowStart);
    }

    [Fact]
    public void A_nightly_job_pages_the_escu_search_every_night_but_not_recommended()
    {
        // One blocked connection an hour, and 60 at 02:00 every night. The ESCU search's baseline: mean (23 + 60) / 24
        // ≈ 3.5, deviation ≈ 11.8; each detection night the updated threshold is ≈ 3.5 + 3 x 12 ≈ 40 < 60.
        var lines = new FlowLines();
        for (int h = 0; h < BaselineHours + 72; h++)
            lines.Add(T0 + h * 3600L, "10.0.0.8", "198.51.100.8", count: h % 24 == 2 ? 60 : 1);
        using var dir = new TempDir();
        Assert.Equal(
            [$"{BaselineHours + 2}/10.0.0.8", $"{BaselineHours + 26}/10.0.0.8", $"{BaselineHours + 50}/10.0.0.8"],
            Run("splunk", lines, 72, dir));
        Assert.Empty(Run("recommended", lines, 72, dir));
    }

    [Fact]
    public void An_ipv6_host_is_invisible_to_the_escu_search_and_caught_by_recommended()
    {
        var lines = new FlowLines();
        for (int h = 0; h < BaselineHours + 24; h++)
            lines.Add(T0 + h * 3600L, "fd00::5", "2001:db8::1", count: h == BaselineHours + 5 ? 70 : 2);
        using var dir = new TempDir();
        Assert.Empty(Run("splunk", lines, 24, dir));
        var alert = Assert.Single(RunAlerts("recommended", lines, 24, dir));
        Assert.Equal(("fd00::5", "123456789012/-/fd00::5", 70L), (alert.SrcIp, alert.Entity, alert.BlockedConnections));
    }

    [Fact]
    public void A_noisy_low_rate_host_pages_the_escu_search_but_not_recommended()
    {
        // One or two blocked connections every third hour (mean 1.5, deviation 0.5 over active hours), and four
        // twice during detection: the ESCU search's threshold there is about 3.
        var lines = new FlowLines();
        for (int h = 0; h < BaselineHours + 72; h += 3)
        {
            bool four = h == BaselineHours + 30 || h == BaselineHours + 60;
            lines.Add(T0 + h * 3600L, "10.0.0.9", "198.51.100.9", count: four ? 4 : 1 + (h / 3) % 2);
        }
        using var dir = new TempDir();
        Assert.NotEmpty(Run("splunk", lines, 72, dir));
        Assert.Empty(Run("recommended", lines, 72, dir));
    }

    [Fact]
    public void A_new_host_that_starts_beaconing_is_caught_only_by_recommended()
    {
        // The host appears after the baseline, blocks a couple of connections an hour for two days, then beacons.
        var lines = new FlowLines();
        // The baseline week has traffic, none of it blocked (a baseline over no records at all is refused).
        for (int h = 0; h < BaselineHours; h++)
            lines.Add(T0 + h * 3600L, "10.0.0.5", "198.51.100.1", action: "ACCEPT");
        for (int h = BaselineHours; h < BaselineHours + 48; h++)
            lines.Add(T0 + h * 3600L, "10.0.0.77", "198.51.100.1", count: 2);
        lines.Add(T0 + (BaselineHours + 48) * 3600L, "10.0.0.77", "203.0.113.66", count: 80);
        using var dir = new TempDir();
        Assert.Empty(Run("splunk", lines, 49, dir)); // never seeded, never scored
        Assert.Equal([$"{BaselineHours + 48}/10.0.0.77"], Run("recommended", lines, 49, dir));
    }

    [Fact]
    public void A_host_back_from_days_of_silence_at_its_usual_rate_is_no_spike()
    {
        // 20 an hour, silent for three days, then 20 an hour again.
        var lines = new FlowLines();
        for (int h = 0; h < BaselineHours; h++)
            lines.Add(T0 + h * 3600L, "10.0.0.5", "198.51.100.5", count: 18 + h % 5);
        for (int h = BaselineHours + 72; h < BaselineHours + 96; h++)
            lines.Add(T0 + h * 3600L, "10.0.0.5", "198.51.100.5", count: 20);
        using var dir = new TempDir();
        Assert.Empty(Run("splunk", lines, 96, dir));
        Assert.Empty(Run("recommended", lines, 96, dir));
    }

    [Fact]
    public void A_real_spike_on_a_busy_host_is_caught_by_both()
    {
        var lines = new FlowLines();
        for (int h = 0; h < BaselineHours + 24; h++)
            lines.Add(T0 + h * 3600L, "10.0.0.6", "198.51.100.6", count: h == BaselineHours + 12 ? 200 : 18 + h % 5);
        using var dir = new TempDir();
        string expected = $"{BaselineHours + 12}/10.0.0.6";
        Assert.Equal([expected], Run("splunk", lines, 24, dir));
        Assert.Equal([expected], Run("recommended", lines, 24, dir));
    }

    [Fact]
    public void Many_hosts_of_one_account_spiking_together_are_annotated_as_a_likely_policy_change()
    {
        // Account A: eight hosts at a steady rate; a new block policy makes five of them spike in the same hour.
        // Account B: one host spikes alone in that hour.
        const int rolloutHour = BaselineHours + 10;
        var lines = new FlowLines();
        for (int h = 0; h < BaselineHours + 24; h++)
        {
            for (int i = 1; i <= 8; i++)
                lines.Add(T0 + h * 3600L, $"10.1.0.{i}", "198.51.100.1", count: h == rolloutHour && i <= 5 ? 90 : 10
                    + (h + i) % 4, account: "111111111111");
            lines.Add(T0 + h * 3600L, "10.2.0.1", "198.51.100.2", count: h == rolloutHour ? 90 : 10 + h % 4,
                account: "222222222222");
        }
        using var dir = new TempDir();
        string input = dir.Write("f.log", lines.ToString());
        string state = dir.File("s.db"), alerts = dir.File("a.jsonl");
        Pipeline.Baseline(state, input, T0, T0 + BaselineHours * 3600L);
        Pipeline.Detect(state, input, alerts, new DetectRequest
        {
            From = T0 + BaselineHours * 3600L,
            To = T0 + (BaselineHours + 24) * 3600L,
            Policy = new AlertPolicy { Rollout = new RolloutAwareness(0.25) },
        });
        var byHost = File.ReadAllLines(alerts).Select(AlertJson.Parse).ToDictionary(a => a.SrcIp);
        Assert.Equal(["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.2.0.1"],
            byHost.Keys.Order(StringComparer.Ordinal));
        for (int i = 1; i <= 5; i++)
            Assert.Equal(["likely policy change: 5 of 8 active hosts in account 111111111111 spiked in this window"],
                byHost[$"10.1.0.{i}"].Annotations);
        Assert.Empty(byHost["10.2.0.1"].Annotations);

        // Grouped: one alert for the account's rollout, naming its five hosts and summing their counts.
        string grouped = dir.File("grouped.jsonl");
        using (var store = SqliteStateStore.Open(dir.File("g.db")))
            BaselineRun.Execute(store, new InputOptions { Inputs = [input] }, T0, T0 + BaselineHours * 3600L, 3600,
                NullRunLog.Instance);
        Pipeline.Detect(dir.File("g.db"), input, grouped, new DetectRequest
        {
            From = T0 + BaselineHours * 3600L,
            To = T0 + (BaselineHours + 24) * 3600L,
            Policy = new AlertPolicy { Rollout = new RolloutAwareness(0.25, Group: true) },
        });
        var groupedAlerts = File.ReadAllLines(grouped).Select(AlertJson.Parse).ToList();
        Assert.Equal(2, groupedAlerts.Count);
        var rollout = groupedAlerts.Single(a => a.GroupedHosts.Count > 0);
        Assert.Equal(["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5"], rollout.GroupedHosts);
        Assert.Equal(5 * 90, rollout.BlockedConnections);
        Assert.Equal("10.2.0.1", groupedAlerts.Single(a => a.GroupedHosts.Count == 0).SrcIp);
    }
}
