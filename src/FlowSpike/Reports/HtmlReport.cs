using System.Globalization;
using System.Net;
using System.Text;
using FlowSpike.Alerts;
using FlowSpike.State;

namespace FlowSpike.Reports;

/// <summary>
/// One self-contained HTML file (inline CSS and SVG, a few lines of script, nothing fetched) that explains every alert:
/// an overview of alerts over time, a table, and per alert the host's counts against avg and avg + k·stdev over the
/// preceding weeks (the baseline's hours included), its severity, and its blocked destinations and interfaces; with
/// <see cref="AlertDetail"/>s read from the raw logs, also its records per destination, port and protocol.
/// </summary>
internal static class HtmlReport
{
    public const int MaxDetailedAlerts = 200;

    public static string Render(
        IStateStore store, long lookbackSeconds = 14 * 86400L, DateTimeOffset? generated = null,
        IReadOnlyDictionary<string, AlertDetail>? details = null)
    {
        var info = store.Info;
        long window = info.WindowSeconds ?? 3600;
        var alerts = store.AllAlerts().Select(p => AlertJson.Parse(p.Body)).ToList();
        var detailed = alerts.TakeLast(MaxDetailedAlerts).ToList();
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>FlowSpike report</title>")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>").Append(Css)
          .Append("</style></head><body>");
        sb.Append("<header><h1>FlowSpike: blocked outbound spikes</h1><p class=\"meta\">")
          .Append(E($"Generated {(generated ?? DateTimeOffset.UtcNow).UtcDateTime:yyyy-MM-dd HH:mm} UTC · "))
          .Append(E($"model {info.Model} · ")).Append(alerts.Count)
          .Append(" alert(s)");
        if (info.CommittedUntil is { } until)
            sb.Append(E($" · windows committed up to {AlertJson.IsoTime(until)}"));
        sb.Append("</p></header>");

        sb.Append("<section><h2>Alerts over time</h2>").Append(Overview(alerts)).Append("</section>");
        sb.Append("<section><h2>Alerts</h2><table id=\"alerts\"><thead><tr><th>Window (UTC)</th><th>Source</th>")
          .Append("<th data-desc=\"1\" title=\"click to sort by severity\">Severity</th><th>Blocked</th>")
          .Append("<th>Normal (avg ± stdev)</th><th>Threshold</th><th>Destinations</th>")
          .Append("<th>Ports</th><th>Protocols</th>")
          .Append("<th>Interfaces</th></tr></thead><tbody>");
        foreach (var a in alerts)
        {
            var detail = details?.GetValueOrDefault(a.Id);
            sb.Append("<tr><td>").Append(E(AlertJson.IsoTime(a.WindowStart)[..16].Replace('T', ' ')))
              .Append("</td><td><a href=\"#").Append(Anchor(a)).Append("\">")
              .Append(E(a.Host)).Append("</a></td>").Append(SeverityCell(a)).Append("<td class=\"num\">")
              .Append(a.BlockedConnections).Append("</td><td class=\"num\">")
              .Append(F(a.AvgBlockedConnections)).Append(" ± ").Append(F(a.StdevBlockedConnections))
              .Append("</td><td class=\"num\">").Append(F(a.Threshold))
              .Append("</td><td class=\"num\">").Append(a.UniqueDestConnections).Append("</td><td class=\"ports\">")
              .Append(E(TopText(detail?.Ports))).Append("</td><td class=\"protocols\">")
              .Append(E(TopText(detail?.Protocols)))
              .Append("</td><td class=\"ifaces\">").Append(E(string.Join(", ", a.ResourceIds))).Append("</td></tr>");
        }
        sb.Append("</tbody></table></section>");
        if (details is null && alerts.Count > 0)
        {
            sb.Append("<p class=\"meta\">Ports, protocols and records per destination are read from the logs: ")
              .Append("run <code>flowspike report --input ...</code> to show them.</p>");
        }
        if (detailed.Count < alerts.Count)
            sb.Append("<p class=\"meta\">Details below for the latest ").Append(detailed.Count).Append(" alerts.</p>");

        foreach (var a in detailed)
        {
            store.Entities.TryGetKey(a.Host, out uint src);
            long from = a.WindowStart - lookbackSeconds;
            var history = store.History(src, from, a.WindowEnd);
            // Start the chart where the host's history starts, not in empty time before the data.
            if (history.Count > 0)
                from = Math.Max(from, history[0].WindowStart);
            var story = HostStory.FromParts(a.Host, null, window, history, [a]);
            var baseline = BaselineOf(store, src);
            var detail = details?.GetValueOrDefault(a.Id);
            sb.Append("<section class=\"alert\" id=\"").Append(Anchor(a)).Append("\"><h3>").Append(E(a.Host))
              .Append(" · ").Append(E(AlertJson.IsoTime(a.WindowStart))).Append("</h3><p>")
              .Append(E(OcsfFinding.Description(a))).Append("</p>")
              .Append(EvidenceList(a))
              .Append(HostChart(story, from, a.WindowEnd, a, baseline))
              .Append("<div class=\"cols\"><div><h4>Top blocked destinations</h4><ol class=\"destinations\">");
            if (detail is not null)
            {
                foreach (var (d, n) in detail.Destinations.Take(10))
                {
                    sb.Append("<li>").Append(E(d)).Append(" <span class=\"count\">").Append(n)
                      .Append(n == 1 ? " record" : " records").Append("</span></li>");
                }
            }
            else
            {
                foreach (string d in a.BlockedDestIps.Take(10))
                    sb.Append("<li>").Append(E(d)).Append("</li>");
            }
            if (a.BlockedDestIps.Count > 10)
                sb.Append("<li class=\"meta\">and ").Append(a.BlockedDestIps.Count - 10).Append(" more</li>");
            sb.Append("</ol></div>");
            if (detail is not null)
            {
                sb.Append("<div><h4>Ports</h4><ul>");
                foreach (var (port, n) in detail.Ports.Take(10))
                    sb.Append("<li>").Append(E(port)).Append(Count(n));
                sb.Append("</ul><h4>Protocols</h4><ul>");
                foreach (var (protocol, n) in detail.Protocols)
                    sb.Append("<li>").Append(E(protocol)).Append(Count(n));
                sb.Append("</ul></div>");
            }
            sb.Append("<div><h4>Interfaces</h4><ul>");
            foreach (string r in a.ResourceIds)
                sb.Append("<li>").Append(E(r)).Append("</li>");
            sb.Append("</ul></div></div></section>");
        }
        sb.Append("<footer class=\"meta\">Counts are blocked outbound connections per window; ")
          .Append("the red dashed line is avg + ").Append(alerts.Count > 0 ? F(alerts[0].DeviationThreshold) : "k")
          .Append(" × stdev after each window's update, as the detection tested it; over the baseline's hours, ")
          .Append("the lighter lines are the baseline's avg and avg + k × stdev (mean and sample deviation of ")
          .Append("the host's baseline buckets, docs/spec.md §2), where detection started from.</footer>");
        sb.Append("<script>").Append(Script).Append("</script></body></html>\n");
        return sb.ToString();
    }

    /// <summary>The model's evidence as a labelled list (empty for the ESCU search's alerts, which carry
    /// none).</summary>
    public static string EvidenceList(Alert a)
    {
        if (a.Evidence is not { } evidence)
            return "";
        var sb = new StringBuilder("<dl class=\"evidence\">");
        foreach (var (label, value) in EvidenceText.Fields(evidence))
            sb.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>");
        return sb.Append("</dl>").ToString();
    }

    /// <summary>
    /// Severity as findings grade it (<see cref="Alert.Severity"/>), with its rank for the sort.
    /// </summary>
    public static (int Rank, string Name) Severity(Alert a) => a.Severity switch
    {
        "low" => (2, "low"),
        "high" => (4, "high"),
        "critical" => (5, "critical"),
        _ => (3, "medium"),
    };

    private static string SeverityCell(Alert a)
    {
        var (rank, name) = Severity(a);
        // Within a severity, the larger excess over the threshold sorts first.
        double excess = a.Threshold > 0 ? Math.Min(a.BlockedConnections / a.Threshold, 999) : 999;
        return string.Create(CultureInfo.InvariantCulture,
            $"<td class=\"sev sev-{name}\" data-sort=\"{rank * 1000 + excess:F3}\">{name}</td>");
    }

    private static string Count(long n) =>
        " <span class=\"count\">" + n.ToString(CultureInfo.InvariantCulture) + "</span></li>";

    private static string TopText(IReadOnlyList<(string Value, long Count)>? top) =>
        top is null || top.Count == 0 ? "—"
            : string.Join(", ", top.Take(2).Select(t => $"{t.Value} ({t.Count})")) + (top.Count > 2 ? ", …" : "");

    /// <summary>
    /// The baseline a host's detection started from: mean and sample deviation of its buckets in the state's last
    /// baseline range (history rows there carry no avg), as docs/spec.md §2 computes the lookup; null without them.
    /// </summary>
    private static (long From, long To, double Avg, double Stdev)? BaselineOf(IStateStore store, uint src)
    {
        if (store.Info is not { BaselineFrom: { } from, BaselineTo: { } to })
            return null;
        long n = 0;
        double sum = 0, sumSquares = 0;
        foreach (var h in store.History(src, from, to))
        {
            if (h.Avg is not null || h.Threshold is not null)
                continue;
            n++;
            sum += h.Count;
            sumSquares += (double)h.Count * h.Count;
        }
        if (n == 0)
            return null;
        double avg = sum / n;
        double stdev = n > 1 ? Math.Sqrt(Math.Max(0, (sumSquares - n * avg * avg) / (n - 1))) : 0;
        return (from, to, avg, stdev);
    }

    private static string Anchor(Alert a) => "a-" + a.Id.Replace('.', '-');

    private static string Overview(List<Alert> alerts)
    {
        if (alerts.Count == 0)
            return "<p class=\"meta\">No alerts.</p>";
        var byDay = alerts.GroupBy(a => a.WindowStart / 86400).ToDictionary(g => g.Key, g => g.Count());
        long first = byDay.Keys.Min(), last = byDay.Keys.Max();
        int days = (int)(last - first + 1);
        int max = byDay.Values.Max();
        const int W = 900, H = 160, Pad = 30;
        double bar = (W - 2.0 * Pad) / days;
        var sb = new StringBuilder(
            $"<svg class=\"chart overview\" viewBox=\"0 0 {W} {H + 30}\" role=\"img\" aria-label=\"alerts per day\">");
        sb.Append(Axis(W, H, Pad, max));
        for (int i = 0; i < days; i++)
        {
            int n = byDay.GetValueOrDefault(first + i);
            double h = (H - Pad) * n / (double)max;
            string day = DateTimeOffset.FromUnixTimeSeconds((first + i) * 86400).UtcDateTime
                .ToString("MM-dd", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" x=\"{Pad + i * bar + 1:F1}\" y=\"{H - h:F1}\" ")
              .Append(CultureInfo.InvariantCulture, $"width=\"{Math.Max(1, bar - 2):F1}\" ")
              .Append(CultureInfo.InvariantCulture, $"height=\"{h:F1}\"><title>{day}: {n} alert(s)</title></rect>");
            if (days <= 31 || i % (days / 15 + 1) == 0)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"<text class=\"tick\" x=\"{Pad + (i + 0.5) * bar:F1}\" y=\"{H + 16}\" text-anchor=\"middle\">")
                  .Append(day).Append("</text>");
            }
        }
        return sb.Append("</svg>").ToString();
    }

    private static string HostChart(
        HostStory story, long from, long to, Alert alert, (long From, long To, double Avg, double Stdev)? baseline)
    {
        long size = story.WindowSeconds;
        var counts = story.Counts(from, to);
        int n = counts.Length;
        if (n == 0)
            return "";
        // avg and threshold are known after active windows; between them they do not change, so carry them forward.
        var avg = new double?[n];
        var threshold = new double?[n];
        var byWindow = story.History.ToDictionary(h => h.WindowStart);
        double? lastAvg = null, lastThreshold = null;
        for (int i = 0; i < n; i++)
        {
            if (byWindow.TryGetValue(from + i * size, out var h))
            {
                lastAvg = h.Avg ?? lastAvg;
                lastThreshold = h.Threshold ?? lastThreshold;
            }
            avg[i] = lastAvg;
            threshold[i] = lastThreshold;
        }
        // Over the baseline's hours (no tested threshold yet), the baseline's avg and avg + k·stdev.
        var baseAvg = new double?[n];
        var baseThreshold = new double?[n];
        if (baseline is { } b)
        {
            for (int i = 0; i < n; i++)
            {
                long w = from + i * size;
                if (avg[i] is null && w >= b.From && w < b.To)
                {
                    baseAvg[i] = b.Avg;
                    baseThreshold[i] = b.Avg + alert.DeviationThreshold * b.Stdev;
                }
            }
        }
        double top = Math.Max(threshold.Max() ?? 0, baseThreshold.Max() ?? 0);
        double max = Math.Max(1, Math.Max(counts.Max(), top)) * 1.1;
        const int W = 900, H = 220, Pad = 36;
        double X(int i) => Pad + (W - 2.0 * Pad) * i / Math.Max(1, n - 1);
        double Y(double v) => H - (H - Pad) * v / max;
        string Line(Func<int, double?> value, string cls)
        {
            var points = new StringBuilder();
            for (int i = 0; i < n; i++)
            {
                if (value(i) is { } v)
                    points.Append(CultureInfo.InvariantCulture, $"{X(i):F1},{Y(v):F1} ");
            }
            return points.Length == 0 ? "" : $"<polyline class=\"{cls}\" points=\"{points.ToString().TrimEnd()}\"/>";
        }
        var sb = new StringBuilder($"<svg class=\"chart host\" viewBox=\"0 0 {W} {H + 30}\" role=\"img\" ")
            .Append($"aria-label=\"blocked outbound connections of {E(story.SrcIp)} per window\">");
        sb.Append(Axis(W, H, Pad, (int)Math.Ceiling(max)));
        sb.Append(Line(i => baseAvg[i], "avg baseline")).Append(Line(i => baseThreshold[i], "threshold baseline"));
        sb.Append(Line(i => counts[i], "count")).Append(Line(i => avg[i], "avg"))
          .Append(Line(i => threshold[i], "threshold"));
        int at = (int)((alert.WindowStart - from) / size);
        if (at >= 0 && at < n)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<circle class=\"spike\" cx=\"{X(at):F1}\" cy=\"{Y(counts[at]):F1}\" r=\"5\"><title>")
              .Append(CultureInfo.InvariantCulture,
                $"{alert.BlockedConnections} blocked, threshold {F(alert.Threshold)}</title></circle>");
        }
        string start = DateTimeOffset.FromUnixTimeSeconds(from).UtcDateTime
            .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string end = DateTimeOffset.FromUnixTimeSeconds(to).UtcDateTime
            .ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{Pad}\" y=\"{H + 18}\">{start}</text>")
          .Append(CultureInfo.InvariantCulture,
            $"<text class=\"tick\" x=\"{W - Pad}\" y=\"{H + 18}\" text-anchor=\"end\">{end}</text>");
        sb.Append("<g class=\"legend\"><text x=\"60\" y=\"14\" class=\"l-count\">count</text>")
          .Append("<text x=\"120\" y=\"14\" class=\"l-avg\">avg</text>")
          .Append("<text x=\"165\" y=\"14\" class=\"l-threshold\">threshold</text>")
          .Append(baseline is null ? "" : "<text x=\"240\" y=\"14\" class=\"l-threshold baseline\">baseline</text>")
          .Append("</g>");
        return sb.Append("</svg>").ToString();
    }

    private static string Axis(int w, int h, int pad, int max) => string.Create(CultureInfo.InvariantCulture,
        $"<line class=\"axis\" x1=\"{pad}\" y1=\"{h}\" x2=\"{w - pad}\" y2=\"{h}\"/>"
        + $"<line class=\"axis\" x1=\"{pad}\" y1=\"{pad}\" x2=\"{pad}\" y2=\"{h}\"/>"
        + $"<text class=\"tick\" x=\"{pad - 4}\" y=\"{pad + 4}\" text-anchor=\"end\">{max}</text>"
        + $"<text class=\"tick\" x=\"{pad - 4}\" y=\"{h}\" text-anchor=\"end\">0</text>");

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string F(double d) => d.ToString("F2", CultureInfo.InvariantCulture);

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;
        color:#1d2733;background:#fff}
        h1{font-size:22px;margin:0}h2{font-size:17px;margin-top:28px}h3{font-size:15px;margin-bottom:4px}
        h4{margin:8px 0 4px;font-size:13px}.meta{color:#5b6b7b}table{border-collapse:collapse;width:100%}
        th,td{padding:4px 8px;border-bottom:1px solid #e3e8ee;text-align:left}
        th{cursor:pointer;background:#f5f7fa;position:sticky;top:0}
        td.num{text-align:right;font-variant-numeric:tabular-nums}.chart{width:100%;height:auto;display:block}
        .axis{stroke:#9aa8b6;stroke-width:1}.tick{font-size:11px;fill:#5b6b7b}.bar{fill:#d9534f}
        .count{fill:none;stroke:#1f6feb;stroke-width:1.6}.avg{fill:none;stroke:#8c959f;stroke-width:1.2}
        .threshold{fill:none;stroke:#d9534f;stroke-width:1.2;stroke-dasharray:5 3}
        .spike{fill:#d9534f;stroke:#fff;stroke-width:1.5}.legend text{font-size:12px}.l-count{fill:#1f6feb}
        .l-avg{fill:#8c959f}.l-threshold{fill:#d9534f}section.alert{border-top:1px solid #e3e8ee;padding-top:6px}
        .cols{display:flex;gap:48px}ol,ul{margin:0;padding-left:20px}.baseline{opacity:.45}
        .count{color:#5b6b7b;font-variant-numeric:tabular-nums}code{font-size:13px}#alerts{font-size:13px}
        #alerts td{vertical-align:top}#alerts td:first-child{white-space:nowrap}
        td.ifaces,td.ports{font-size:12px;overflow-wrap:anywhere}#alerts td:nth-child(2){overflow-wrap:anywhere}
        .sev{font-weight:600}.sev-low{color:#5b6b7b}.sev-medium{color:#b26a00}.sev-high{color:#d9534f}
        .sev-critical{color:#8b0000}
        """;

    // Sorts the table by a clicked column, and leaves a mark the browser test reads: charts drawn, no script error.
    private const string Script = """
        window.addEventListener('error', e => document.body.dataset.error = String(e.message));
        document.querySelectorAll('#alerts th').forEach((th, i) => th.addEventListener('click', () => {
          const body = th.closest('table').tBodies[0]; const rows = [...body.rows];
          const key = c => c.dataset.sort ?? c.textContent; const num = r => parseFloat(key(r.cells[i]));
          const asc = th.dataset.asc ? th.dataset.asc !== '1' : th.dataset.desc !== '1';
          th.dataset.asc = asc ? '1' : '0';
          rows.sort((a, b) => {
            const x = num(a), y = num(b);
            const c = isNaN(x) || isNaN(y) ? key(a.cells[i]).localeCompare(key(b.cells[i])) : x - y;
            return asc ? c : -c;
          });
          rows.forEach(r => body.appendChild(r));
        }));
        document.body.dataset.charts =
          String([...document.querySelectorAll('svg.chart')].filter(s => s.getBBox().width > 0).length);
        """;
}
