using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Alerts;

/// <summary>
/// The report's severity, ports, protocols and records per destination (read again from the logs with --input), its
/// threshold lines over the baseline's hours, and the sort by severity, checked in headless Chromium.
/// </summary>
public partial class ReportColumnsTests(ReportColumnsTests.Built built) : IClassFixture<ReportColumnsTests.Built>
{
    /// <summary>The state and report, made once for the class.</summary>
    public sealed class Built : IDisposable
    {
        public Built() => (Html, Alerts, Logs) = Build(Dir);

        public TempDir Dir { get; } = new();
        public string Html { get; }
        public List<JsonElement> Alerts { get; }
        public string Logs { get; }

        public void Dispose() => Dir.Dispose();
    }

    private const string From = "2026-10-01T00:00:00Z";
    private const string BaselineEnd = "2026-10-08T00:00:00Z";
    private const string End = "2026-10-11T00:00:00Z";

    /// <summary>A state of the recommended model (graded severities) over the synthetic set, and its report.</summary>
    private static (string Html, List<JsonElement> Alerts, string Logs) Build(TempDir dir)
    {
        var set = SynthData.Get(FlowSpike.Synth.SynthLayout.DefaultWithHeader);
        string state = dir.File("s.db"), alerts = dir.File("a.jsonl"), html = dir.File("report.html");
        string[] common = ["--input", set.Logs, "--state", state, "--model", "recommended"];
        Run(["baseline", .. common, "--from", From, "--to", BaselineEnd]);
        Run(["detect", .. common, "--from", BaselineEnd, "--to", End, "--out", alerts]);
        Run("report", "--state", state, "--input", set.Logs, "--out", html);
        return (File.ReadAllText(html), Pipeline.ReadAlerts(alerts), set.Logs);
    }

    private static void Run(params string[] args)
    {
        var r = Support.Cli.Run(args);
        Assert.True(r.ExitCode == 0, string.Join(' ', args) + ": " + r.Stderr);
    }

    /// <summary>
    /// Per alert, the blocked records from its source in its window to its own destinations, tallied by port and
    /// protocol with a plain split of the raw lines (independent of the readers under test).
    /// </summary>
    private static (Dictionary<string, long> Ports, Dictionary<string, long> Protocols, Dictionary<string, long> Dsts)
        Tally(string logs, JsonElement alert)
    {
        string src = alert.GetProperty("src_ip").GetString()!;
        long start = DateTimeOffset.Parse(alert.GetProperty("window_start").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var dsts = alert.GetProperty("blocked_dest_ips").EnumerateArray().Select(d => d.GetString()!).ToHashSet();
        var ports = new Dictionary<string, long>();
        var protocols = new Dictionary<string, long>();
        var perDst = new Dictionary<string, long>();
        foreach (string file in Directory.EnumerateFiles(logs, "*", SearchOption.AllDirectories))
        {
            using var raw = File.OpenRead(file);
            using Stream text = file.EndsWith(".gz", StringComparison.Ordinal)
                ? new GZipStream(raw, CompressionMode.Decompress)
                : raw;
            using var reader = new StreamReader(text);
            string[]? names = null;
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (names is null && line.Contains("srcaddr", StringComparison.Ordinal))
                {
                    names = f;
                    continue;
                }
                names ??= FlowLines.Header.Split(' ');
                string Get(string n) => f[Array.IndexOf(names, n)];
                if (f.Length != names.Length || Get("action") != "REJECT" || Get("srcaddr") != src
                    || !dsts.Contains(Get("dstaddr")))
                    continue;
                long t = long.Parse(Get("start"), System.Globalization.CultureInfo.InvariantCulture);
                if (t < start || t >= start + 3600)
                    continue;
                Add(ports, Get("dstport"));
                Add(protocols, Get("protocol") switch { "6" => "TCP", "17" => "UDP", "1" => "ICMP", var p => p });
                Add(perDst, Get("dstaddr"));
            }
        }
        return (ports, protocols, perDst);
    }

    private static void Add(Dictionary<string, long> d, string k) => d[k] = d.GetValueOrDefault(k) + 1;

    [Fact]
    public void Each_alert_shows_its_ports_protocols_and_records_per_destination()
    {
        var (html, alerts, logs) = (built.Html, built.Alerts, built.Logs);
        Assert.True(alerts.Count >= 2, "the set should give several alerts");
        var rows = RowRegex().Matches(html).Select(m => m.Value).ToList();
        Assert.Equal(alerts.Count, rows.Count);
        for (int i = 0; i < alerts.Count; i++)
        {
            var (ports, protocols, perDst) = Tally(logs, alerts[i]);
            long blocked = alerts[i].GetProperty("blocked_connections").GetInt64();
            Assert.Equal(blocked, perDst.Values.Sum()); // the raw records behind the alert, found independently
            string Top(Dictionary<string, long> d) => string.Join(", ", Ordered(d).Take(2)
                .Select(x => $"{x.Key} ({x.Value})")) + (d.Count > 2 ? ", …" : "");
            Assert.Contains($"<td class=\"ports\">{Top(ports)}</td>", rows[i], StringComparison.Ordinal);
            Assert.Contains($"<td class=\"protocols\">{Top(protocols)}</td>", rows[i], StringComparison.Ordinal);
            // The alert's section lists each destination with its records.
            string id = alerts[i].GetProperty("alert_id").GetString()!;
            int section = html.IndexOf("id=\"a-" + id.Replace('.', '-') + "\"", StringComparison.Ordinal);
            Assert.True(section > 0, id);
            string body = html[section..html.IndexOf("</section>", section, StringComparison.Ordinal)];
            foreach (var (dst, n) in Ordered(perDst).Take(10))
            {
                string item = $"<li>{dst} <span class=\"count\">{n} record{(n == 1 ? "" : "s")}</span></li>";
                Assert.Contains(item, body, StringComparison.Ordinal);
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, long>> Ordered(Dictionary<string, long> d) =>
        d.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal);

    [Fact]
    public void Threshold_lines_cover_the_baseline_hours_shown()
    {
        var (dir, html, alerts) = (built.Dir, built.Html, built.Alerts);
        // Every chart that starts in the baseline draws its baseline avg and threshold there, before the tested line.
        int sections = Regex.Matches(html, "<section class=\"alert\"").Count;
        Assert.Equal(alerts.Count, sections);
        Assert.Equal(sections, Regex.Matches(html, "<polyline class=\"threshold baseline\" points=\"[^\"]+\"").Count);
        foreach (Match m in Regex.Matches(html, "<polyline class=\"threshold baseline\" points=\"([^\"]+)\"/>" +
            "<polyline class=\"count\" points=\"([^\"]+)\"/>.*?<polyline class=\"threshold\" points=\"([^\"]+)\""))
        {
            double[] Xs(string points) => [.. points.Split(' ')
                .Select(p => double.Parse(p.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture))];
            var baseline = Xs(m.Groups[1].Value);
            var counts = Xs(m.Groups[2].Value);
            var tested = Xs(m.Groups[3].Value);
            Assert.Equal(counts[0], baseline[0]); // from the chart's first window
            Assert.True(baseline[^1] < tested[0], "the baseline line ends where the tested threshold begins");
            Assert.True(baseline.Length > 24 * 6, "the baseline's hours are covered, not only the detect hours");
        }
    }

    [Fact]
    public void A_click_on_severity_sorts_the_alerts_most_severe_first_in_chromium()
    {
        var (dir, html, alerts) = (built.Dir, built.Html, built.Alerts);
        // The page as written, and the page after a click on the Severity header (a test-only script at the end).
        string page = dir.Write("report.html", html);
        string clicked = dir.Write("clicked.html", html.Replace("</body>",
            "<script>document.querySelector('#alerts th[data-desc]').click();</script></body>",
            StringComparison.Ordinal));
        string before = DumpDom(dir, page), after = DumpDom(dir, clicked);
        foreach (string dom in new[] { before, after })
        {
            Assert.DoesNotContain("data-error", dom, StringComparison.Ordinal);
            Assert.Equal(alerts.Count, Regex.Matches(dom, "<td class=\"ports\">[^<—]+</td>").Count);
            Assert.Equal(alerts.Count, Regex.Matches(dom, "<td class=\"protocols\">[^<—]+</td>").Count);
        }
        double[] Keys(string dom) => [.. Regex.Matches(dom, "<td class=\"sev sev-[a-z]+\" data-sort=\"([0-9.]+)\"")
            .Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
        var written = Keys(before);
        var sorted = Keys(after);
        Assert.Equal(alerts.Count, sorted.Length);
        Assert.Equal(written.OrderByDescending(k => k), sorted);
        Assert.NotEqual(written, sorted); // in window order they are not already sorted, so the click did something
    }

    private static string DumpDom(TempDir dir, string page)
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "Chromium is not installed; ./test.sh installs Debian's chromium package");
        var psi = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + dir.File("chrome-" + Guid.NewGuid().ToString("N")), "--dump-dom", "file://" + page })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish");
        }
        return stdout.Result;
    }

    [GeneratedRegex("<tr><td>[^\n]*?</td></tr>")]
    private static partial Regex RowRegex();
}
