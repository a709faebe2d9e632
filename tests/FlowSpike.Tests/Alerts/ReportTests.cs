using System.Diagnostics;
using System.Text.RegularExpressions;
using FlowSpike.Reports;
using FlowSpike.Runs;
using FlowSpike.State;
using FlowSpike.Synth;
using FlowSpike.Tests.Support;

namespace FlowSpike.Tests.Alerts;

/// <summary>The HTML report, opened in a real headless Chromium (Debian's package, installed by test.sh).</summary>
public partial class ReportTests
{
    private static (string Html, int Alerts) Build(TempDir dir)
    {
        var set = SynthData.Get(SynthLayout.DefaultWithHeader);
        string state = dir.File("s.db");
        Pipeline.Baseline(state, set.Logs, SynthData.From, SynthData.BaselineEnd);
        Pipeline.Detect(state, set.Logs, dir.File("a.jsonl"),
            new DetectRequest { From = SynthData.BaselineEnd, To = SynthData.End });
        int alerts = File.ReadAllLines(dir.File("a.jsonl")).Length;
        using var store = SqliteStateStore.Open(state);
        return (HtmlReport.Render(store, generated: DateTimeOffset.FromUnixTimeSeconds(SynthData.End)), alerts);
    }

    [Fact]
    public void The_report_is_self_contained_and_lists_every_alert()
    {
        using var dir = new TempDir();
        var (html, alerts) = Build(dir);
        Assert.True(alerts > 0);
        Assert.Equal(alerts, SectionRegex().Matches(html).Count);
        Assert.Equal(alerts + 1, ChartRegex().Matches(html).Count); // one per alert, plus the overview
        // Works offline: nothing is loaded from anywhere.
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_renders_in_chromium_without_errors()
    {
        using var dir = new TempDir();
        var (html, alerts) = Build(dir);
        string page = dir.Write("report.html", html);
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "Chromium is not installed; ./test.sh installs Debian's chromium package");

        var (dom, log) = RunChromium(chromium, dir, ["--dump-dom", "file://" + page]);
        var charts = Regex.Match(dom, "data-charts=\"(\\d+)\"");
        Assert.True(charts.Success, "the page's script did not run");
        Assert.Equal(alerts + 1, int.Parse(charts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("data-error", dom, StringComparison.Ordinal);
        Assert.DoesNotMatch("(?i)CONSOLE.*(error|uncaught)", log);

        string png = dir.File("report.png");
        RunChromium(chromium, dir, ["--screenshot=" + png, "--window-size=1100,1400", "file://" + page]);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 20_000, $"screenshot of {bytes.Length} bytes is too small to hold the charts");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        // Keep the last screenshot where a developer can look at it.
        File.Copy(png, Path.Combine(Path.GetTempPath(), "flowspike-report-test.png"), overwrite: true);
    }

    private static (string Stdout, string Stderr) RunChromium(string chromium, TempDir dir, string[] args)
    {
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--enable-logging=stderr", "--v=0",
            "--user-data-dir=" + dir.File("chrome-" + Guid.NewGuid().ToString("N")) })
            psi.ArgumentList.Add(a);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish");
        }
        return (stdout.Result, stderr.Result);
    }

    [GeneratedRegex("<section class=\"alert\"")]
    private static partial Regex SectionRegex();

    [GeneratedRegex("<svg class=\"chart")]
    private static partial Regex ChartRegex();
}
