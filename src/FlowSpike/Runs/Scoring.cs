using FlowSpike.Models;
using FlowSpike.State;

namespace FlowSpike.Runs;

/// <summary>
/// Whether a run can score any host at all: the splunk model scores only hosts a baseline seeded, so over a state
/// without a baseline it would close window after window and never alert. Such a run refuses to start instead.
/// </summary>
internal static class Scoring
{
    /// <summary>Whether the policy's model scores a host no baseline has seen (it learns hosts on first
    /// sight).</summary>
    public static bool LearnsNewHosts(AlertPolicy policy) =>
        policy.Model == RecommendedModel.ModelName && (policy.Rules?.AutoLearn ?? true);

    /// <summary>
    /// Refuses a run over a state that was never baselined (no lookup row, no committed window) when the model cannot
    /// learn hosts; a baseline committed empty on purpose (AllowEmptyBaseline) is the user's choice and runs.
    /// </summary>
    public static void RefuseUnscorable(StateInfo info, int lookupRows, AlertPolicy policy)
    {
        if (lookupRows > 0 || info.CommittedUntil is not null || LearnsNewHosts(policy))
            return;
        throw new RunException($"the state has no baseline, and {Setting.Name(nameof(JobSettings.Model))} " +
            $"{policy.Model} scores only " +
            "the hosts a baseline seeded, so no host could ever alert: run `flowspike baseline` into this state " +
            $"first (or use {Setting.Name(nameof(JobSettings.Model))} {RecommendedModel.ModelName}, which learns " +
                $"hosts on first sight)");
    }

    /// <summary>The refusal of a watch over a state with no committed window and no From: what to run depends on
    /// whether the model could start without a baseline.</summary>
    public static string NoCommittedWindow(AlertPolicy policy) => LearnsNewHosts(policy)
        ? "the state has no committed window yet: run `flowspike baseline` first, or give " +
            $"{Setting.Name(nameof(JobSettings.From))} (the {policy.Model} model learns hosts from there)"
        : "the state has no committed window yet: run `flowspike baseline` into this state first (the " +
            $"{policy.Model} model scores only the hosts a baseline seeded)";
}
