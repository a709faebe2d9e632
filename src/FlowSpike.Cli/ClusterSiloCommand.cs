using System.CommandLine;
using System.Net;
using FlowSpike.Cluster.Hosting;
using FlowSpike.Runs;

namespace FlowSpike.Cli;

/// <summary>`flowspike cluster silo`: one silo, serving until SIGTERM or Ctrl-C.</summary>
internal static class ClusterSiloCommand
{
    public static Command Build()
    {
        var connection = new ClusterConnectionFlags();
        var address = new Option<string>("--address")
        {
            Description = "Address to listen on and advertise.",
            DefaultValueFactory = _ => "127.0.0.1",
            HelpName = "IP"
        };
        var siloPort = new Option<int>("--silo-port")
        {
            Description = "Port for silo-to-silo traffic.",
            DefaultValueFactory = _ => 11111,
            HelpName = "PORT"
        };
        var gatewayPort = new Option<int>("--gateway-port")
        {
            Description = "Port clients connect to.",
            DefaultValueFactory = _ => 30000,
            HelpName = "PORT"
        };
        var slots = new Option<int>("--scan-slots")
        {
            Description = "Scan tasks this silo runs at once (default: its " +
            "cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
            HelpName = "N"
        };
        var cmd = new Command("silo", "Start a silo and serve until SIGTERM or Ctrl-C.");
        connection.AddTo(cmd);
        foreach (var o in new Option[] { address, siloPort, gatewayPort, slots })
            cmd.Options.Add(o);
        cmd.SetAction(r => ClusterCommand.Run(() =>
        {
            if (!IPAddress.TryParse(r.GetValue(address), out var ip))
                throw new RunException($"--address: '{r.GetValue(address)}' is not an IP address");
            var settings = new SiloSettings
            {
                Connection = connection.Parse(r),
                Address = ip,
                SiloPort = r.GetValue(siloPort),
                GatewayPort = r.GetValue(gatewayPort),
                ScanSlots = Math.Max(1, r.GetValue(slots)),
            };
            using var stop = new CancellationTokenSource();
            using var signals = new StopSignals(stop);
            FlowSpikeSilo.RunAsync(settings, stop.Token).GetAwaiter().GetResult();
            return 0;
        }));
        return cmd;
    }
}
