using System.CommandLine;
using FlowSpike.Cluster;
using FlowSpike.Cluster.Hosting;
using FlowSpike.Runs;
using FlowSpike.State;
using Microsoft.Extensions.DependencyInjection;

namespace FlowSpike.Cli;

/// <summary>`flowspike cluster lookup export`: the cluster state's lookup as Splunk CSV.</summary>
internal static class ClusterLookupCommand
{
    public static Command Build()
    {
        var connection = new ClusterConnectionFlags();
        var state = CliOptions.State();
        var output = new Option<string>("--out", "-o")
        {
            Description = "CSV output; - is stdout.",
            DefaultValueFactory = _ => "-",
            HelpName = "FILE"
        };
        var cmd = new Command("export", "Write the cluster state's lookup as Splunk CSV.") { state, output };
        connection.AddTo(cmd);
        cmd.SetAction(r => ClusterCommand.Run(() =>
        {
            var log = new StderrLog(false);
            using var host = FlowSpikeSilo.ConnectAsync(connection.Parse(r), log: log).GetAwaiter().GetResult();
            var (rows, names) = new ClusterCoordinator(host.Services.GetRequiredService<IClusterClient>(),
                r.GetValue(state)!, log).LookupAsync().GetAwaiter().GetResult();
            string outPath = r.GetValue(output)!;
            if (outPath == "-")
            {
                LookupCsv.Write(rows, Console.Out, names);
                Console.Out.Flush();
            }
            else
            {
                OutputFile.Write(outPath, w => LookupCsv.Write(rows, w, names));
                StderrLog.Result($"exported {rows.Count} row(s) to {outPath}");
            }
            host.StopAsync().GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }
}
