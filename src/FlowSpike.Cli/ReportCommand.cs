using System.CommandLine;
using FlowSpike.Alerts;
using FlowSpike.Jobs;
using FlowSpike.Reports;
using FlowSpike.Runs;
using FlowSpike.State;

namespace FlowSpike.Cli;

/// <summary>`flowspike report`: every alert explained in one self-contained HTML file.</summary>
internal static class ReportCommand
{
    public static Command Build()
    {
        var state = CliOptions.State();
        var output = new Option<string>("--out", "-o")
        {
            Description = "The HTML file to write.",
            DefaultValueFactory = _ => "report.html",
            HelpName = "FILE",
        };
        var days = new Option<int>("--days")
        {
            Description = "How many days before each alert its chart shows.",
            DefaultValueFactory = _ => 14,
        };
        var input = CliOptions.Inputs();
        input.Required = false;
        input.Description = "The flow logs the alerts came from, read again for each alert's ports, protocols and "
            + "records per destination (optional). Repeatable.";
        var logFormat = CliOptions.LogFormat();
        var internalNets = CliOptions.Cidrs("--internal", "Internal networks, as detection used them.");
        var endpoint = CliOptions.EndpointUrl();
        var skip = CliOptions.SkipUnsupported();
        var cmd = new Command("report", "Write one self-contained HTML file explaining every alert (works offline).")
        {
            state, output, days, input, logFormat, internalNets, endpoint, skip,
        };
        cmd.SetAction(r => CliGuard.Run(() =>
        {
            using var store = SqliteStateStore.OpenReadOnly(r.GetValue(state)!);
            var job = ReportJob.Resolve(new JobSettings
            {
                Inputs = Given.Ref(r, input),
                LogFormat = Given.Ref(r, logFormat),
                Internal = Given.Ref(r, internalNets),
                EndpointUrl = Given.Ref(r, endpoint),
                SkipUnsupported = Given.Val(r, skip),
            }, store.Info.Model);
            IReadOnlyDictionary<string, AlertDetail>? details = null;
            if (job.Input is { } options)
            {
                var alerts = store.AllAlerts().Select(p => AlertJson.Parse(p.Body)).ToList();
                details = AlertDetails.Collect(alerts, options, new StderrLog(quiet: false));
            }
            string html = HtmlReport.Render(store, r.GetValue(days) * 86400L, details: details);
            string path = r.GetValue(output)!;
            OutputFile.Write(path, w => w.Write(html));
            StderrLog.Result($"wrote {path} ({html.Length / 1024} KB)");
            return 0;
        }));
        return cmd;
    }
}
