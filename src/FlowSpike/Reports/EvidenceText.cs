using System.Globalization;
using FlowSpike.Baseline;

namespace FlowSpike.Reports;

/// <summary>
/// The model's evidence of an alert in words, for `flowspike explain` and the HTML report: the count expected in the
/// window, the dispersion used, the tail probability, the rule that fired and the severity. The ESCU search's alerts
/// carry no
/// evidence and are shown as before.
/// </summary>
internal static class EvidenceText
{
    /// <summary>What a rule means, in words.</summary>
    public static string RuleInWords(string rule) => rule switch
    {
        SpikeEvidence.CountRule => "the host's own count model for this hour",
        SpikeEvidence.IntermittentRule => "the host's active share times the tail of its active counts",
        SpikeEvidence.NewHostRule => "the population prior of new hosts",
        _ => rule,
    };

    /// <summary>One line per field, each labelled in words.</summary>
    public static IReadOnlyList<(string Label, string Value)> Fields(SpikeEvidence e) =>
    [
        ("expected count", e.Expected.ToString("F2", CultureInfo.InvariantCulture)),
        ("dispersion", string.Create(CultureInfo.InvariantCulture,
            $"{e.Dispersion:F3} (negative binomial α; 0 is Poisson)")),
        ("tail probability", string.Create(CultureInfo.InvariantCulture,
            $"{e.TailProbability:G3} (chance of a count this high in a normal window)")),
        ("rule", $"{e.Rule} ({RuleInWords(e.Rule)})"),
        ("severity", e.Severity),
        .. e.BurstHistory is { } bursts
            ? [("burst history", bursts + " (the bursts lowered the severity)")]
            : Array.Empty<(string, string)>(),
    ];

    /// <summary>The fields on one line: "expected count 4.20, dispersion ..., severity medium".</summary>
    public static string Line(SpikeEvidence e) => string.Join(", ", Fields(e).Select(f => f.Label + " " + f.Value));
}
